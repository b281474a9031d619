//! The negotiation engine: a plain library with no Bevy import.
//!
//! Scenario types and loading (`scenario`, `load`, `locate`, `validate`, `diagnostic`),
//! the playable model (`model`), the game itself (`action`, `game`, `transcript`, `view`),
//! outcome analysis (`analysis`), records (`record`) and seeded randomness (`rng`).
//! Deterministic: the same scenario, seed and actions always give the same game.

pub mod action;
pub mod ai;
pub mod analysis;
pub mod classroom;
pub mod diagnostic;
pub mod fairness;
pub mod game;
pub mod generate;
pub mod links;
pub mod lint;
pub mod load;
pub mod locate;
pub mod model;
pub mod narrate;
pub mod notice;
pub mod observe;
pub mod record;
pub mod render;
pub mod report;
pub mod rng;
pub mod rules;
pub mod save;
pub mod scenario;
pub mod simulate;
pub mod teaching;
pub mod transcript;
pub mod validate;
pub mod view;

pub use action::{Action, ActionError, Audience, OfferId, PackageIds, Reason, Stance, StanceKind};
pub use game::{FacilitatorMove, Game, Offer, OfferStatus, Outcome, OutcomeKind, Phase};
pub use load::{Loaded, load_built_in, load_file, load_str};
pub use model::{Model, Package, Prefs};
pub use record::{Controller, GameRecord, Seat};
pub use scenario::{FORMAT_VERSION, PartyKind, Scenario};
