//! The desktop's [`Remote`]: the connection on a thread of its own, over tungstenite.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use web_time::Instant;

use super::{End, LinkStatus, RemoteState, act, read_frame};
use crate::net::client::{Transport, TransportError, connect};
use crate::net::join::JoinOptions;
use crate::net::protocol::{ClientMessage, encode_client};
use crate::sim::Action;

/// A client's connection, kept on its own thread until this is dropped.
pub struct Remote {
    state: Arc<Mutex<RemoteState>>,
    outbox: Sender<ClientMessage>,
    stop: Arc<AtomicBool>,
    /// Where the connection goes, for the screen.
    pub address: String,
}

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

impl Drop for Remote {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

struct Link {
    state: Arc<Mutex<RemoteState>>,
    inbox: Receiver<ClientMessage>,
    stop: Arc<AtomicBool>,
    wake: Box<dyn Fn() + Send>,
    options: JoinOptions,
}

/// How often the thread looks at the outbox while the host is quiet.
const POLL: Duration = Duration::from_millis(30);

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
