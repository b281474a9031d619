//! The host running: its thread, its Tokio `LocalSet`, the listener and the hub.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

use tokio::net::TcpListener;

use super::{Announcement, HostEnd, HostError, HostGame, HostSettings, HostStats};
use crate::net::connection::connection;
use crate::net::hub::Hub;

/// A host started on its own thread.
pub struct Hosted {
    pub addr: SocketAddr,
    pub announcement: Announcement,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<HostEnd, HostError>>>,
}

impl Hosted {
    /// Waits until the host stops by itself (`exit_when_over`).
    pub fn wait(mut self) -> Result<HostEnd, HostError> {
        self.join()
    }

    /// Stops the host now (as a kill would, but cleanly) and returns how far it got.
    pub fn stop(mut self) -> Result<HostEnd, HostError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.join()
    }

    fn join(&mut self) -> Result<HostEnd, HostError> {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(HostError::Runtime(io::Error::other(
                "the host thread panicked",
            ))),
            None => Err(HostError::Runtime(io::Error::other("already stopped"))),
        }
    }
}

impl Drop for Hosted {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The address others reach the host at: the bound one, or with `0.0.0.0` the machine's
/// address on its network (found without sending anything), else loopback.
fn reachable(bound: SocketAddr) -> SocketAddr {
    if !bound.ip().is_unspecified() {
        return bound;
    }
    let lan = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| {
            // Connecting a UDP socket only picks a route; no packet leaves.
            s.connect("192.0.2.1:9")?;
            s.local_addr()
        })
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified());
    SocketAddr::new(lan.unwrap_or(IpAddr::from([127, 0, 0, 1])), bound.port())
}

/// Starts hosting `game` on its own thread; returns once it listens.
pub fn start(game: HostGame, settings: HostSettings) -> Result<Hosted, HostError> {
    let addr = SocketAddr::new(settings.bind, settings.port);
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| HostError::Bind { addr, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| HostError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| HostError::Bind { addr, source })?;
    let shown = reachable(bound);
    let announcement = Announcement {
        address: format!("ws://{shown}/ws"),
        http: format!("http://{shown}/"),
        seats: game.codes.seats.clone(),
        observer: game.codes.observer.clone(),
        facilitator: game.codes.facilitator.clone(),
        scenario: game.table.game.model().scenario.meta.id.clone(),
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
    let address = announcement.address.clone();
    let thread = std::thread::Builder::new()
        .name("accord-host".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(HostError::Runtime)?;
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, serve(address, listener, game, settings, stop_rx))
        })
        .map_err(HostError::Runtime)?;
    Ok(Hosted {
        addr: bound,
        announcement,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

async fn serve(
    address: String,
    listener: std::net::TcpListener,
    game: HostGame,
    settings: HostSettings,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> Result<HostEnd, HostError> {
    let listener = TcpListener::from_std(listener).map_err(HostError::Runtime)?;
    let hub = Rc::new(RefCell::new(Hub {
        address,
        game,
        settings,
        conns: BTreeMap::new(),
        next_conn: 1,
        views: BTreeMap::new(),
        pin_failures: 0,
        pin_locked_until: None,
        wrong_codes: HashMap::new(),
        turn: None,
        paused: None,
        pending: None,
        stats: HostStats::default(),
        save_failing: false,
    }));
    {
        // The host's AI seats open the game if theirs is the first turn.
        let mut h = hub.borrow_mut();
        h.open();
    }
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        let exit = {
            let h = hub.borrow();
            h.game.table.game.is_over() && h.settings.exit_when_over
        };
        if exit {
            // Give the connections a moment to take their last update.
            tokio::time::sleep(Duration::from_millis(300)).await;
            break;
        }
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, peer)) = accepted {
                    let _ = stream.set_nodelay(true);
                    tokio::task::spawn_local(connection(stream, peer, hub.clone()));
                }
            }
            _ = tick.tick() => hub.borrow_mut().tick(),
            _ = &mut stop => break,
        }
    }
    let mut h = hub.borrow_mut();
    let ids: Vec<u64> = h.conns.keys().copied().collect();
    for id in ids {
        h.close(id, "the host stopped");
    }
    Ok(HostEnd {
        record: h.record(),
        stats: std::mem::take(&mut h.stats),
    })
}
