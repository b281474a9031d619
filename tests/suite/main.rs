//! The integration tests, in one binary so that the game build links once, not once per
//! file.

mod ai;
mod analysis;
#[cfg(feature = "gui")]
mod class;
mod common;
mod engine;
mod fairness;
#[cfg(feature = "gui")]
mod game;
mod golden;
#[cfg(feature = "gui")]
mod guide;
mod mirror;
mod narration;
mod net;
mod option_rules;
#[cfg(feature = "gui")]
mod panels;
mod properties;
#[cfg(feature = "gui")]
mod redraw;
mod reports;
#[cfg(feature = "gui")]
mod roster;
mod saves;
mod scenarios;
mod seats;
mod teaching;
#[cfg(feature = "gui")]
mod ui;
mod web;
