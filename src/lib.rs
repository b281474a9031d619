//! Accord: a negotiation game. `sim` is the engine (no Bevy); `game` is the Bevy app.
pub mod alloc;
pub mod cli;
#[cfg(feature = "gui")]
pub mod game;
pub mod net;
pub mod paths;
pub mod sim;

/// The unit tests run with the allocator of the `accord` binary, so that the profiling
/// workloads among them measure what the game does.
#[cfg(test)]
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;
