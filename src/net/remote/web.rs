//! The browser client's connection: [`Remote`] over the page's WebSocket, with the same
//! API as the threaded one (`net::remote`) so that the game's screens do not know which
//! they have. The page has one thread: the socket's callbacks read the host's frames into
//! the shared [`RemoteState`] (with [`read_frame`], as the native thread does) and wake the
//! event loop; page timers reconnect and ping.
//!
//! The browser does not show a refused handshake's status (403, 429, 503): a socket that
//! closes before it opens is all the page learns. A first connection that never opens in
//! [`FIRST_TRIES`] tries is taken as refused; once a connection has been welcomed, drops
//! are retried for [`JoinOptions::reconnect_for`] as on the desktop.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};
use web_time::Instant;

use super::{End, LinkStatus, RemoteState, act, read_frame};
use crate::net::client::ws_url;
use crate::net::join::JoinOptions;
use crate::net::protocol::{ClientMessage, encode_client};
use crate::sim::Action;

/// Tries of a first connection before its code is taken as refused.
pub const FIRST_TRIES: u32 = 3;

/// The pause before a connection is opened again.
const RETRY: Duration = Duration::from_millis(500);

/// A connection to the host from the page, kept until this is dropped.
pub struct Remote {
    state: Arc<Mutex<RemoteState>>,
    /// The link's key in [`LINKS`]: the socket and its handlers are not `Send`, and Bevy's
    /// resources must be, so they stay on the page's one thread.
    id: u64,
    /// Where the connection goes, for the screen.
    pub address: String,
}

thread_local! {
    /// The page's connections, by [`Remote::id`].
    static LINKS: RefCell<HashMap<u64, Rc<RefCell<Link>>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

fn link_of(id: u64) -> Option<Rc<RefCell<Link>>> {
    LINKS.with(|links| links.borrow().get(&id).cloned())
}

/// The socket and its handlers. The handlers hold a weak reference to the link, so that
/// dropping the [`Remote`] ends it.
struct Link {
    state: Arc<Mutex<RemoteState>>,
    wake: Box<dyn Fn() + Send>,
    options: JoinOptions,
    url: String,
    socket: Option<WebSocket>,
    handlers: Option<Handlers>,
    /// Handlers of closed sockets, kept until no callback of theirs can be running.
    retired: Vec<Handlers>,
    /// Messages sent before the welcome, sent after it.
    outbox: VecDeque<ClientMessage>,
    opened: bool,
    welcomed: bool,
    welcomed_once: bool,
    /// Tries of the first connection that never opened.
    first_tries: u32,
    lost_since: Option<Instant>,
    attempts: u32,
    last_heard: Instant,
    timers: Option<Timers>,
    /// The pending retry's timer.
    retry_id: Option<i32>,
    stopped: bool,
}

struct Handlers {
    _open: Closure<dyn FnMut(Event)>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

struct Timers {
    retry: Closure<dyn FnMut()>,
    /// Kept alive for the page's interval.
    _ping: Closure<dyn FnMut()>,
    ping_id: i32,
}

impl Remote {
    /// Connects to `address` with `code`; `wake` is called after every change of the state.
    pub fn start(
        address: &str,
        code: &str,
        options: JoinOptions,
        wake: Box<dyn Fn() + Send>,
    ) -> Remote {
        let state = Arc::new(Mutex::new(RemoteState::new()));
        let url = ws_url(address, code, &options.name);
        let link = Rc::new(RefCell::new(Link {
            state: state.clone(),
            wake,
            options,
            url: url.as_ref().map(|(u, _)| u.clone()).unwrap_or_default(),
            socket: None,
            handlers: None,
            retired: Vec::new(),
            outbox: VecDeque::new(),
            opened: false,
            welcomed: false,
            welcomed_once: false,
            first_tries: 0,
            lost_since: None,
            attempts: 0,
            last_heard: Instant::now(),
            timers: None,
            retry_id: None,
            stopped: false,
        }));
        let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
        LINKS.with(|links| links.borrow_mut().insert(id, link.clone()));
        let remote = Remote {
            state,
            id,
            address: address.to_string(),
        };
        if let Err(e) = url {
            link.borrow_mut().fail(e.to_string(), true);
            return remote;
        }
        Link::start_timers(&link);
        Link::open(&link);
        remote
    }

    /// The state as it is now.
    pub fn state(&self) -> MutexGuard<'_, RemoteState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends a message to the host (kept until the welcome; dropped if the connection is
    /// down: a move is decided again on the view a reconnection brings).
    pub fn send(&self, message: ClientMessage) {
        // A message sent from within a callback of the link would find it borrowed; none is.
        if let Some(link) = link_of(self.id)
            && let Ok(mut link) = link.try_borrow_mut()
        {
            link.send(message);
        }
    }

    /// A move for the seat, decided on the view shown now.
    pub fn act(&self, action: Action) {
        let message = act(&self.state(), action);
        self.send(message);
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        let Some(link) = LINKS.with(|links| links.borrow_mut().remove(&self.id)) else {
            return;
        };
        if let Ok(mut link) = link.try_borrow_mut() {
            link.stopped = true;
            link.close_socket();
            if let Some(window) = web_sys::window() {
                if let Some(timers) = &link.timers {
                    window.clear_interval_with_handle(timers.ping_id);
                }
                if let Some(retry) = link.retry_id.take() {
                    window.clear_timeout_with_handle(retry);
                }
            }
        }
    }
}

impl Link {
    fn change(&mut self, f: impl FnOnce(&mut RemoteState)) {
        {
            let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut s);
            s.version += 1;
        }
        (self.wake)();
    }

    fn fail(&mut self, why: String, refused: bool) {
        self.stopped = true;
        self.close_socket();
        self.change(|s| s.status = LinkStatus::Failed { why, refused });
    }

    fn send(&mut self, message: ClientMessage) {
        if !self.welcomed {
            self.outbox.push_back(message);
            return;
        }
        if let Some(socket) = &self.socket {
            let _ = socket.send_with_str(&encode_client(&message));
        }
    }

    /// Closes the socket, if any, with its handlers unhooked (kept until the next one).
    fn close_socket(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
        if let Some(h) = self.handlers.take() {
            self.retired.push(h);
        }
    }

    /// The retry and ping timers, made once: their callbacks look the link up weakly.
    fn start_timers(link: &Rc<RefCell<Link>>) {
        let weak = Rc::downgrade(link);
        let retry = Closure::<dyn FnMut()>::new(move || {
            if let Some(link) = weak.upgrade() {
                if let Ok(mut l) = link.try_borrow_mut() {
                    l.retry_id = None;
                }
                Link::open(&link);
            }
        });
        let weak = Rc::downgrade(link);
        let ping = Closure::<dyn FnMut()>::new(move || {
            if let Some(link) = weak.upgrade()
                && let Ok(mut l) = link.try_borrow_mut()
            {
                l.ping();
            }
        });
        let every = link.borrow().options.ping_every;
        let ping_id = web_sys::window()
            .and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(
                    ping.as_ref().unchecked_ref(),
                    every.as_millis().min(i32::MAX as u128) as i32,
                )
                .ok()
            })
            .unwrap_or(0);
        link.borrow_mut().timers = Some(Timers {
            retry,
            _ping: ping,
            ping_id,
        });
    }

    fn ping(&mut self) {
        if self.welcomed && self.last_heard.elapsed() >= self.options.ping_every {
            self.last_heard = Instant::now();
            if let Some(socket) = &self.socket {
                let _ = socket.send_with_str(&encode_client(&ClientMessage::Ping));
            }
        }
    }

    /// Opens a connection (the first, or again after a drop).
    fn open(link: &Rc<RefCell<Link>>) {
        let Ok(mut l) = link.try_borrow_mut() else {
            return;
        };
        if l.stopped {
            return;
        }
        // No callback of a retired socket can run now: this is a timer's or the start's.
        l.retired.clear();
        let socket = match WebSocket::new(&l.url) {
            Ok(s) => s,
            Err(e) => {
                let why = e.as_string().unwrap_or_else(|| format!("{e:?}"));
                let why = format!("cannot open {}: {why}", l.url);
                return l.fail(why, true);
            }
        };
        let weak = Rc::downgrade(link);
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            with(&weak, |l| {
                l.opened = true;
                l.last_heard = Instant::now();
            });
        });
        let weak = Rc::downgrade(link);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            let ended = with(&weak, |l| l.frame(&text));
            if let Some(Some(end)) = ended
                && let Some(link) = weak.upgrade()
            {
                Link::dropped(&link, end);
            }
        });
        let weak = Rc::downgrade(link);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            if let Some(link) = weak.upgrade() {
                let why = if e.reason().is_empty() {
                    format!("closed ({})", e.code())
                } else {
                    e.reason()
                };
                Link::dropped(&link, End::Dropped(why));
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        l.socket = Some(socket);
        l.handlers = Some(Handlers {
            _open: on_open,
            _message: on_message,
            _close: on_close,
        });
        l.opened = false;
        l.welcomed = false;
    }

    /// One frame: read into the state; a welcome sends what waited for it.
    fn frame(&mut self, text: &str) -> Option<End> {
        self.last_heard = Instant::now();
        let read = read_frame(
            &self.state,
            text,
            &mut self.welcomed,
            &mut self.welcomed_once,
        );
        if self.welcomed {
            self.first_tries = 0;
            self.lost_since = None;
            self.attempts = 0;
            while let Some(m) = self.outbox.pop_front() {
                self.send(m);
            }
        }
        (self.wake)();
        read.err()
    }

    /// The connection ended: give up, or try again after a pause.
    fn dropped(link: &Rc<RefCell<Link>>, end: End) {
        let Ok(mut l) = link.try_borrow_mut() else {
            return;
        };
        if l.stopped {
            return;
        }
        let never_opened = !l.opened;
        l.close_socket();
        let why = match end {
            End::Stopped => return,
            End::Fatal(why) => return l.fail(why, false),
            End::Dropped(why) => why,
        };
        if !l.welcomed_once {
            if never_opened {
                l.first_tries += 1;
            }
            if l.first_tries >= FIRST_TRIES {
                // The browser's reason (a bare close code) would mean nothing to a student.
                return l.fail(
                    format!(
                        "The host turned this code away ({FIRST_TRIES} tries): check the \
                         code on your slip. (Or the class is full, or its host has stopped.)"
                    ),
                    true,
                );
            }
        }
        let since = *l.lost_since.get_or_insert_with(Instant::now);
        if since.elapsed() >= l.options.reconnect_for {
            let secs = l.options.reconnect_for.as_secs();
            return l.fail(
                format!("could not reach the host for {secs} s: {why}"),
                false,
            );
        }
        l.attempts += 1;
        let attempts = l.attempts;
        if l.welcomed_once || attempts > 1 {
            l.change(|s| s.status = LinkStatus::Reconnecting { why, attempts });
        }
        if let (Some(window), Some(timers)) = (web_sys::window(), &l.timers) {
            l.retry_id = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    timers.retry.as_ref().unchecked_ref(),
                    RETRY.as_millis() as i32,
                )
                .ok();
        }
    }
}

/// Runs `f` on the link if it is still there and not already borrowed.
fn with<T>(weak: &Weak<RefCell<Link>>, f: impl FnOnce(&mut Link) -> T) -> Option<T> {
    let link = weak.upgrade()?;
    let mut l = link.try_borrow_mut().ok()?;
    Some(f(&mut l))
}
