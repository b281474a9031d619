//! Accord: a negotiation game. `sim` is the engine (no Bevy); `game` is the Bevy app.
#[cfg(not(target_arch = "wasm32"))]
pub mod alloc;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(feature = "gui")]
pub mod game;
pub mod net;
pub mod paths;
pub mod sim;

/// The unit tests run with the allocator of the `accord` binary, so that the profiling
/// workloads among them measure what the game does.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;
