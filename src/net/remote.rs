//! A connection kept for a window: [`Remote`] runs a client's connection on a thread of
//! its own, so that a person's screen never waits on the network. It reads the host's
//! welcome and updates into a [`RemoteState`] the screen reads when told ([`Remote::start`]'s
//! `wake`), sends what the person does, answers for itself when the host is quiet, and
//! reconnects with the same code when the connection drops (the host then sends the whole
//! view again). It plays for nobody: a person (or a team at several machines) moves.
//!
//! In the browser the same `Remote` runs on the page's WebSocket and timers instead of a
//! thread (`net::web`); both read the host's frames with [`read_frame`].

#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(not(target_arch = "wasm32"))]
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
#[cfg(not(target_arch = "wasm32"))]
use std::sync::{Arc, MutexGuard};
use std::sync::{Mutex, PoisonError};
#[cfg(not(target_arch = "wasm32"))]
use std::time::Duration;

#[cfg(not(target_arch = "wasm32"))]
use web_time::Instant;

#[cfg(not(target_arch = "wasm32"))]
use super::client::{Transport, TransportError, connect};
#[cfg(not(target_arch = "wasm32"))]
use super::join::JoinOptions;
#[cfg(not(target_arch = "wasm32"))]
use super::protocol::encode_client;
use super::protocol::{ClientMessage, HostMessage, PublicScenario, Role, decode_host};
use super::wire::WireView;
use crate::sim::Action;

#[cfg(target_arch = "wasm32")]
pub use super::web::Remote;

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

#[cfg(not(target_arch = "wasm32"))]
/// A client's connection, kept on its own thread until this is dropped.
pub struct Remote {
    state: Arc<Mutex<RemoteState>>,
    outbox: Sender<ClientMessage>,
    stop: Arc<AtomicBool>,
    /// Where the connection goes, for the screen.
    pub address: String,
}

#[cfg(not(target_arch = "wasm32"))]
impl Remote {
    /// Connects to `address` with `code`; `wake` is called (from the connection's
    /// thread) after every change of the state.
    pub fn start(
        address: &str,
        code: &str,
        options: JoinOptions,
        wake: Box<dyn Fn() + Send>,
    ) -> Remote {
        let (to, code, opts) = (address.to_string(), code.to_string(), options.clone());
        let open = move || {
            connect(&to, &code, &opts.name, opts.connect_timeout)
                .map(|t| Box::new(t) as Box<dyn Transport>)
        };
        Remote::start_via(address, Box::new(open), options, wake)
    }

    /// As [`Remote::start`], over the connections `open` makes.
    pub fn start_via(
        address: &str,
        open: Box<dyn FnMut() -> Result<Box<dyn Transport>, TransportError> + Send>,
        options: JoinOptions,
        wake: Box<dyn Fn() + Send>,
    ) -> Remote {
        let state = Arc::new(Mutex::new(RemoteState::new()));
        let (outbox, inbox) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let link = Link {
            state: state.clone(),
            inbox,
            stop: stop.clone(),
            wake,
            options,
        };
        let spawned = std::thread::Builder::new()
            .name("accord-remote".into())
            .spawn(move || link.run(open));
        if let Err(e) = spawned {
            let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
            s.status = LinkStatus::Failed {
                why: format!("cannot start the connection: {e}"),
                refused: false,
            };
        }
        Remote {
            state,
            outbox,
            stop,
            address: address.to_string(),
        }
    }

    /// The state as it is now (held briefly: the connection's thread waits meanwhile).
    pub fn state(&self) -> MutexGuard<'_, RemoteState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends a message to the host (dropped if the connection is down: a move is decided
    /// again on the view a reconnection brings).
    pub fn send(&self, message: ClientMessage) {
        let _ = self.outbox.send(message);
    }

    /// A move for the seat, decided on the view shown now.
    pub fn act(&self, action: Action) {
        let message = act(&self.state(), action);
        self.send(message);
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

#[cfg(not(target_arch = "wasm32"))]
impl Drop for Remote {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(not(target_arch = "wasm32"))]
struct Link {
    state: Arc<Mutex<RemoteState>>,
    inbox: Receiver<ClientMessage>,
    stop: Arc<AtomicBool>,
    wake: Box<dyn Fn() + Send>,
    options: JoinOptions,
}

#[cfg(not(target_arch = "wasm32"))]
/// How often the thread looks at the outbox while the host is quiet.
const POLL: Duration = Duration::from_millis(30);

pub(crate) enum End {
    /// The window let go of the connection.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    Stopped,
    Dropped(String),
    Fatal(String),
}

#[cfg(not(target_arch = "wasm32"))]
impl Link {
    fn change(&self, f: impl FnOnce(&mut RemoteState)) {
        {
            let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut s);
            s.version += 1;
        }
        (self.wake)();
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn run(self, mut open: Box<dyn FnMut() -> Result<Box<dyn Transport>, TransportError> + Send>) {
        let mut lost_since: Option<Instant> = None;
        let mut attempts = 0;
        let mut welcomed_once = false;
        while !self.stopped() {
            let mut transport = match open() {
                Ok(t) => t,
                Err(TransportError::Refused(why)) => {
                    return self.fail(format!("the host refused the code: {why}"), true);
                }
                Err(TransportError::Address(why)) => return self.fail(why, true),
                Err(e) => {
                    let since = *lost_since.get_or_insert_with(Instant::now);
                    if since.elapsed() >= self.options.reconnect_for {
                        return self.fail(
                            format!(
                                "could not reach the host for {} s: {e}",
                                self.options.reconnect_for.as_secs()
                            ),
                            false,
                        );
                    }
                    attempts += 1;
                    if welcomed_once || attempts > 1 {
                        self.change(|s| {
                            s.status = LinkStatus::Reconnecting {
                                why: e.to_string(),
                                attempts,
                            }
                        });
                    }
                    self.sleep(Duration::from_millis(500));
                    continue;
                }
            };
            match self.session(transport.as_mut(), &mut welcomed_once) {
                End::Stopped => return,
                End::Fatal(why) => return self.fail(why, false),
                End::Dropped(why) => {
                    lost_since = Some(Instant::now());
                    attempts = 0;
                    self.change(|s| {
                        s.status = LinkStatus::Reconnecting { why, attempts: 0 };
                    });
                }
            }
        }
    }

    fn fail(&self, why: String, refused: bool) {
        self.change(|s| s.status = LinkStatus::Failed { why, refused });
    }

    /// Sleeps in steps, so that a window closing is not kept waiting.
    fn sleep(&self, total: Duration) {
        let end = Instant::now() + total;
        while !self.stopped() && Instant::now() < end {
            std::thread::sleep(POLL);
        }
    }

    fn session(&self, transport: &mut dyn Transport, welcomed_once: &mut bool) -> End {
        let mut last_heard = Instant::now();
        let mut welcomed = false;
        // Messages sent before a welcome are left for after it.
        loop {
            if self.stopped() {
                return End::Stopped;
            }
            if welcomed {
                loop {
                    match self.inbox.try_recv() {
                        Ok(m) => {
                            if let Err(e) = transport.send(&encode_client(&m)) {
                                return End::Dropped(e.to_string());
                            }
                        }
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => return End::Stopped,
                    }
                }
            }
            let text = match transport.recv(POLL) {
                Ok(Some(t)) => t,
                Ok(None) => {
                    if last_heard.elapsed() >= self.options.ping_every {
                        if let Err(e) = transport.send(&encode_client(&ClientMessage::Ping)) {
                            return End::Dropped(e.to_string());
                        }
                        last_heard = Instant::now();
                    }
                    continue;
                }
                Err(e) => return End::Dropped(e.to_string()),
            };
            last_heard = Instant::now();
            let read = read_frame(&self.state, &text, &mut welcomed, welcomed_once);
            (self.wake)();
            if let Err(end) = read {
                return end;
            }
        }
    }
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
