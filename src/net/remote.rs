//! A connection kept for a window: [`Remote`] runs a client's connection on a thread of
//! its own, so that a person's screen never waits on the network. It reads the host's
//! welcome and updates into a [`RemoteState`] the screen reads when told ([`Remote::start`]'s
//! `wake`), sends what the person does, answers for itself when the host is quiet, and
//! reconnects with the same code when the connection drops (the host then sends the whole
//! view again). It plays for nobody: a person (or a team at several machines) moves.
//!
//! In the browser the same `Remote` runs on the page's WebSocket and timers instead of a
//! thread (`remote::web`); both read the host's frames with [`read_frame`].

use std::sync::{Mutex, PoisonError};

use super::protocol::{ClientMessage, HostMessage, PublicScenario, Role, decode_host};
use super::wire::WireView;
use crate::sim::Action;

#[cfg(not(target_arch = "wasm32"))]
mod threaded;
#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(not(target_arch = "wasm32"))]
pub use threaded::Remote;
#[cfg(target_arch = "wasm32")]
pub use web::Remote;

/// How the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// Opening the first connection.
    Connecting,
    /// Welcomed; the view is the host's.
    Connected,
    /// The connection dropped; trying again (`attempts` so far).
    Reconnecting { why: String, attempts: u32 },
    /// Given up: the code was refused, the host could not be reached again in time, or
    /// it spoke something this client cannot read. Nothing more will come.
    Failed { why: String, refused: bool },
}

/// What the host has said, as the window shows it.
#[derive(Debug, Clone)]
pub struct RemoteState {
    pub status: LinkStatus,
    pub role: Option<Role>,
    pub scenario: Option<PublicScenario>,
    pub view: Option<WireView>,
    /// The host's last refusal of something this client sent, in words.
    pub refusal: Option<String>,
    /// The facilitator's code was right; the host waits for the PIN.
    pub pin_required: bool,
    pub reconnections: u32,
    /// Grows with every change, so that a reader sees whether anything changed.
    pub version: u64,
}

impl RemoteState {
    pub(crate) fn new() -> RemoteState {
        RemoteState {
            status: LinkStatus::Connecting,
            role: None,
            scenario: None,
            view: None,
            refusal: None,
            pin_required: false,
            reconnections: 0,
            version: 0,
        }
    }
}

/// The message of a move decided on the view `state` shows.
pub(crate) fn act(state: &RemoteState, action: Action) -> ClientMessage {
    ClientMessage::Act {
        seen: state.view.as_ref().map_or(0, |v| v.actions),
        action,
        explanation: None,
    }
}

pub(crate) enum End {
    /// The window let go of the connection.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    Stopped,
    Dropped(String),
    Fatal(String),
}

/// One frame from the host, read into `state` (its version grown when anything
/// changed). `welcomed`: this connection's welcome came; `welcomed_once`: any
/// connection's did (a welcome after it is a reconnection). An error ends the connection.
pub(crate) fn read_frame(
    state: &Mutex<RemoteState>,
    text: &str,
    welcomed: &mut bool,
    welcomed_once: &mut bool,
) -> Result<(), End> {
    let message = match decode_host(text) {
        Ok(m) => m,
        Err(e) => {
            return Err(End::Fatal(format!(
                "the host sent something unreadable: {e}"
            )));
        }
    };
    let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
    s.version += 1;
    match message {
        HostMessage::Welcome(w) => {
            let w = *w;
            let again = *welcomed_once;
            *welcomed = true;
            *welcomed_once = true;
            s.status = LinkStatus::Connected;
            s.role = Some(w.role);
            s.scenario = Some(w.scenario);
            s.view = Some(w.view);
            s.pin_required = false;
            if again {
                s.reconnections += 1;
            }
        }
        HostMessage::Update(delta) => {
            if !*welcomed {
                return Err(End::Fatal(
                    "the host sent an update before its welcome".into(),
                ));
            }
            let out_of_step = match s.view.as_mut().map(|v| v.apply(*delta)) {
                Some(Ok(())) => None,
                Some(Err(e)) => Some(e),
                None => Some("no view to update".into()),
            };
            match out_of_step {
                None => s.refusal = None,
                // Out of step with the host: a fresh connection brings the whole view.
                Some(e) => return Err(End::Dropped(format!("out of step with the host: {e}"))),
            }
        }
        HostMessage::PinRequired => {
            // The facilitator's connection: the window asks for the PIN.
            *welcomed = true;
            s.status = LinkStatus::Connected;
            s.role = Some(Role::Facilitator);
            s.pin_required = true;
        }
        HostMessage::Error { message, .. } => s.refusal = Some(message),
    }
    Ok(())
}
