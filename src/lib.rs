//! Accord: a negotiation game. `sim` is the engine (no Bevy); `game` is the Bevy app.
pub mod cli;
#[cfg(feature = "gui")]
pub mod game;
pub mod sim;
