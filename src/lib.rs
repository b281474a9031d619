//! Accord: a negotiation game. `sim` is the engine (no Bevy); `game` is the Bevy app.
pub mod cli;
pub mod sim;
#[cfg(feature = "gui")]
pub mod game;
