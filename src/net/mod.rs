//! Networked play: a class host that runs the engine and serves each seat its own view
//! over WebSocket, and the clients that join it (`docs/protocol.md`). No Bevy here.
//!
//! - `protocol`: the messages, their version and their decoder.
//! - `wire`: what a connection may see, and what changed since it last saw.
//! - `codes`: join codes and their checks.
//! - `host`: the host (Tokio, one thread): its settings, start and stop; `hub`: the game
//!   and its connections; `connection`: one connection's frames and limits; `http`: the
//!   request head and the page before a connection is a WebSocket.
//! - `client`: the transport a client speaks through, and the native one (tungstenite).
//! - `join`: a seat played remotely, by the AI or by a script.
//! - `command`: `accord host` and `accord join`.
//! - `bundle`: the browser client's files, served by the host (`web/build` makes them).
//!
//! In the browser only the client side is built: no host, no Tokio.

#[cfg(not(target_arch = "wasm32"))]
pub mod bundle;
pub mod client;
pub mod codes;
#[cfg(not(target_arch = "wasm32"))]
pub mod command;
#[cfg(not(target_arch = "wasm32"))]
mod connection;
pub mod host;
#[cfg(not(target_arch = "wasm32"))]
mod http;
#[cfg(not(target_arch = "wasm32"))]
mod hub;
pub mod join;
pub mod mirror;
pub mod protocol;
pub mod remote;
pub mod slips;
pub mod wire;
