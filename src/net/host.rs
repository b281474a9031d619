//! The class host: one game, run by the engine on the teacher's machine, and the
//! connections of its seats, observers and facilitator (`docs/protocol.md`).
//!
//! The host is the only authority. A client sends a move; the host checks it with the
//! engine, saves the game, then sends every connection what its role may see
//! ([`WireView::of`]) — the whole view on (re)connecting, then a [`Delta`] after every move.
//! Everything runs on one thread (a Tokio `LocalSet`): the hub below is changed only
//! between awaits, so every connection sees the moves in the same order.
//!
//! Network input is hostile until checked: request heads and frames are size-limited,
//! each connection may send [`Limits::messages_per_second`], the number of connections is
//! capped, idle and slow peers time out, wrong codes are throttled per address, and five
//! wrong PINs lock the facilitator's code for a while. A bad message gets an error for
//! the connection that sent it and changes nothing.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role as WsRole, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};

use super::codes::CodeBook;
use super::protocol::{
    AiSeat, ClientMessage, ErrorCode, HostMessage, MAX_CLIENT_FRAME, PublicScenario, Role, Welcome,
    decode_client, encode_host,
};
use super::wire::{ConnectionInfo, Extras, WireView};
use crate::sim::ai::delegation::DelegationAi;
use crate::sim::ai::{SeatControl, Table};
use crate::sim::model::sha256_hex;
use crate::sim::record::{Controller, GameRecord, Seat};
use crate::sim::save::{self, Classroom, SaveFile};
use crate::sim::view::public_parties;
use crate::sim::{Action, FacilitatorMove, Game, Model};

/// The limits the host holds every connection to.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    /// Messages per second per connection (a burst of as many is allowed).
    pub messages_per_second: u32,
    /// Time to send a request head.
    pub handshake_timeout: Duration,
    /// A connection that sends nothing (not even a pong) for this long is closed.
    pub idle_timeout: Duration,
    /// How often the host pings each connection.
    pub ping_every: Duration,
    /// Wrong codes one address may try per minute before it is refused outright.
    pub wrong_codes_per_minute: u32,
    /// Wrong PINs before the facilitator's code is locked, and for how long.
    pub pin_failures: u32,
    pub pin_lockout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 100,
            messages_per_second: 20,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            ping_every: Duration::from_secs(20),
            wrong_codes_per_minute: 10,
            pin_failures: 5,
            pin_lockout: Duration::from_secs(300),
        }
    }
}

/// How the host runs.
#[derive(Debug, Clone)]
pub struct HostSettings {
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// Seconds each person's seat has from the start of its turn; 0: no limit.
    pub turn_seconds: u32,
    /// SHA-256 of the facilitator's PIN, if there is one.
    pub pin_sha256: Option<String>,
    pub save: Option<PathBuf>,
    /// Release the debrief to everyone when the talks end.
    pub release_debrief: bool,
    /// Stop (after the last save) when the talks end.
    pub exit_when_over: bool,
    pub limits: Limits,
}

impl Default for HostSettings {
    fn default() -> HostSettings {
        HostSettings {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            turn_seconds: 0,
            pin_sha256: None,
            save: None,
            release_debrief: false,
            exit_when_over: false,
            limits: Limits::default(),
        }
    }
}

/// What a host's save keeps beyond the game, so that `--resume` takes up where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostSave {
    pub codes: CodeBook,
    pub turn_seconds: u32,
    pub release_debrief: bool,
    pub debrief_released: bool,
}

#[derive(Debug, Error)]
pub enum HostError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("the operating system gave no random numbers for the codes: {0}")]
    Random(getrandom::Error),
    #[error(transparent)]
    Save(#[from] save::SaveError),
    #[error("{0}")]
    Setup(String),
    #[error("the host stopped: {0}")]
    Runtime(io::Error),
}

/// A game ready to host: the table (the AI seats with their agents), who plays each
/// seat, and the codes.
pub struct HostGame {
    pub table: Table,
    pub controls: Vec<SeatControl>,
    pub origin: String,
    pub codes: CodeBook,
    pub debrief_released: bool,
}

impl HostGame {
    /// A new game: `ai` gives the seats the AI plays (party index → preset); every other
    /// seat gets a code.
    pub fn new(
        model: Arc<Model>,
        origin: &str,
        seed: u64,
        ai: &BTreeMap<usize, String>,
    ) -> Result<HostGame, HostError> {
        let parties = &model.scenario.parties;
        let controls: Vec<SeatControl> = (0..parties.len())
            .map(|p| match ai.get(&p) {
                Some(preset) => SeatControl::Ai(preset.clone()),
                None => SeatControl::Human,
            })
            .collect();
        let people: Vec<String> = parties
            .iter()
            .zip(&controls)
            .filter(|(_, c)| **c == SeatControl::Human)
            .map(|(p, _)| p.id.clone())
            .collect();
        let codes = CodeBook::new(&people).map_err(HostError::Random)?;
        let game = Game::new(model, seed);
        Ok(HostGame {
            table: Table::new(game, &controls),
            controls,
            origin: origin.to_string(),
            codes,
            debrief_released: false,
        })
    }

    /// A game from a host's save: the same seed, seats, codes and PIN; the AI seats decide
    /// again as they did (the game goes on exactly where it stopped).
    pub fn resume(file: &SaveFile, path: &str) -> Result<(HostGame, HostSave), HostError> {
        let Some(host) = file.host.clone() else {
            return Err(HostError::Setup(format!(
                "{path} is a save of a game on one screen, not of a hosted game"
            )));
        };
        let record = &file.record;
        let controls: Vec<SeatControl> = record
            .seats
            .iter()
            .map(|s| match &s.controller {
                Controller::Human => SeatControl::Human,
                Controller::Ai(preset) => SeatControl::Ai(preset.clone()),
            })
            .collect();
        let table = Table::resume(record, &controls).map_err(|e| {
            HostError::Save(save::SaveError::Replay {
                path: path.to_string(),
                source: Box::new(e),
            })
        })?;
        Ok((
            HostGame {
                table,
                controls,
                origin: record.scenario.origin.clone(),
                codes: host.codes.clone(),
                debrief_released: host.debrief_released,
            },
            host,
        ))
    }

    fn seats(&self) -> Vec<Seat> {
        SeatControl::recorded(self.table.game.model(), &self.controls)
    }
}

/// The first line the host prints: where to connect and the codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    pub address: String,
    pub http: String,
    pub seats: BTreeMap<String, String>,
    pub observer: String,
    pub facilitator: String,
    pub scenario: String,
}

/// Counters of a hosted game, for the closing figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostStats {
    pub moves: u64,
    /// Bytes of updates sent, all connections together, per move.
    pub update_bytes: Vec<u64>,
    /// From a move's arrival to its last update queued for every connection, in
    /// microseconds.
    pub fanout_micros: Vec<u64>,
    pub connections_accepted: u64,
    pub refused_codes: u64,
    pub peak_connections: usize,
}

/// How a hosted game ended.
#[derive(Debug)]
pub struct HostEnd {
    pub record: GameRecord,
    pub stats: HostStats,
}

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

/// What the hub sends a connection's task.
enum Out {
    Text(Arc<str>),
    Close(CloseCode, &'static str),
}

struct Conn {
    role: Role,
    name: String,
    /// The facilitator's connection is locked until the PIN is given (when there is one).
    unlocked: bool,
    tx: mpsc::Sender<Out>,
}

/// The game and its connections, changed by one task at a time between awaits.
struct Hub {
    /// The address clients connect to, as announced.
    address: String,
    game: HostGame,
    settings: HostSettings,
    conns: BTreeMap<u64, Conn>,
    next_conn: u64,
    /// The last view each role was sent (roles without connections are dropped).
    views: BTreeMap<Role, WireView>,
    pin_failures: u32,
    pin_locked_until: Option<Instant>,
    wrong_codes: HashMap<IpAddr, (u32, Instant)>,
    /// The person's turn being timed: (party, actions played when it began, deadline).
    turn: Option<(usize, usize, Instant)>,
    stats: HostStats,
    over: bool,
    save_error: Option<String>,
}

/// Ways a connection is turned away before it is a WebSocket.
enum Refusal {
    Full,
    Throttled,
    WrongCode,
}

impl Hub {
    fn model(&self) -> &Model {
        self.game.table.game.model()
    }

    fn record(&self) -> GameRecord {
        GameRecord::of(&self.game.table.game, &self.game.origin, self.game.seats())
    }

    fn save_file(&self) -> SaveFile {
        let game = &self.game.table.game;
        let mut file = SaveFile::of(game, &self.game.origin, self.game.seats());
        file.classroom = Classroom {
            pin_sha256: self.settings.pin_sha256.clone(),
            round_seconds: 0,
            hold_third_parties: false,
        };
        file.host = Some(HostSave {
            codes: self.game.codes.clone(),
            turn_seconds: self.settings.turn_seconds,
            release_debrief: self.settings.release_debrief,
            debrief_released: self.game.debrief_released,
        });
        file
    }

    /// Writes the save, if there is one; a failure is reported once and the game goes on.
    fn save(&mut self) {
        let Some(path) = self.settings.save.clone() else {
            return;
        };
        match save::save(&path, &self.save_file()) {
            Ok(()) => self.save_error = None,
            Err(e) => {
                if self.save_error.is_none() {
                    eprintln!("accord host: {e}");
                }
                self.save_error = Some(e.to_string());
            }
        }
    }

    fn extras(&self) -> Extras {
        Extras {
            codes: self.game.codes.clone(),
            connections: self
                .conns
                .iter()
                .map(|(&id, c)| ConnectionInfo {
                    id,
                    role: c.role.clone(),
                    name: c.name.clone(),
                })
                .collect(),
        }
    }

    fn view_of(&self, role: &Role) -> WireView {
        let extras = (*role == Role::Facilitator).then(|| self.extras());
        WireView::of(
            &self.game.table.game,
            role,
            || self.record(),
            self.game.debrief_released,
            extras,
        )
    }

    fn welcome(&self, id: u64, role: &Role, view: WireView) -> String {
        let m = self.model();
        let s = &m.scenario;
        let ai = match role {
            Role::Seat { party } => m.party_index(party).map(|p| AiSeat {
                stream_key: hex(&DelegationAi::stream_key(
                    self.game.table.game.seed(),
                    party,
                )),
                personality: s.parties[p].personality,
            }),
            _ => None,
        };
        encode_host(HostMessage::Welcome(Box::new(Welcome {
            connection: id,
            role: role.clone(),
            scenario: PublicScenario {
                id: s.meta.id.clone(),
                title: s.meta.title.clone(),
                summary: s.meta.summary.clone(),
                date: s.meta.date.clone(),
                language: s.meta.language.clone(),
                authors: s.meta.authors.clone(),
                sources: s.meta.sources.clone(),
                historical: s.meta.historical,
                parties: public_parties(s),
                public: m.public().clone(),
            },
            view,
            ai,
        })))
    }

    /// Checks a typed code from `ip`.
    fn admit(&mut self, ip: IpAddr, code: &str) -> Result<Role, Refusal> {
        if self.conns.len() >= self.settings.limits.max_connections {
            return Err(Refusal::Full);
        }
        let now = Instant::now();
        let entry = self.wrong_codes.entry(ip).or_insert((0, now));
        if now.duration_since(entry.1) > Duration::from_secs(60) {
            *entry = (0, now);
        }
        if entry.0 >= self.settings.limits.wrong_codes_per_minute {
            return Err(Refusal::Throttled);
        }
        match self.game.codes.role_of(code) {
            Some(role) => Ok(role),
            None => {
                entry.0 += 1;
                self.stats.refused_codes += 1;
                Err(Refusal::WrongCode)
            }
        }
    }

    /// A new connection: it gets its whole view at once (the facilitator, once the PIN is
    /// given).
    fn join(&mut self, role: Role, name: String, tx: mpsc::Sender<Out>) -> u64 {
        let id = self.next_conn;
        self.next_conn += 1;
        let locked = role == Role::Facilitator && self.settings.pin_sha256.is_some();
        self.conns.insert(
            id,
            Conn {
                role: role.clone(),
                name,
                unlocked: !locked,
                tx,
            },
        );
        self.stats.connections_accepted += 1;
        self.stats.peak_connections = self.stats.peak_connections.max(self.conns.len());
        if locked {
            self.send(id, encode_host(HostMessage::PinRequired));
        } else {
            self.greet(id);
        }
        self.facilitator_changed();
        id
    }

    /// Sends a connection its role's whole view.
    fn greet(&mut self, id: u64) {
        let Some(role) = self.conns.get(&id).map(|c| c.role.clone()) else {
            return;
        };
        let view = match self.views.get(&role) {
            Some(v) if role != Role::Facilitator => v.clone(),
            _ => {
                let v = self.view_of(&role);
                self.views.insert(role.clone(), v.clone());
                v
            }
        };
        let text = self.welcome(id, &role, view);
        self.send(id, text);
    }

    fn leave(&mut self, id: u64) {
        if let Some(c) = self.conns.remove(&id) {
            if !self.conns.values().any(|o| o.role == c.role) {
                self.views.remove(&c.role);
            }
            self.facilitator_changed();
        }
    }

    /// Queues a frame for a connection; a connection whose queue is full is too slow to
    /// keep up and is closed, so that it holds no one else back.
    fn send(&mut self, id: u64, text: String) {
        let text: Arc<str> = text.into();
        self.send_shared(id, &text);
    }

    fn send_shared(&mut self, id: u64, text: &Arc<str>) -> u64 {
        let Some(c) = self.conns.get(&id) else {
            return 0;
        };
        if c.tx.try_send(Out::Text(text.clone())).is_err() {
            let _ =
                c.tx.try_send(Out::Close(CloseCode::Policy, "too slow to keep up"));
            self.leave(id);
            return 0;
        }
        text.len() as u64
    }

    fn error(&mut self, id: u64, code: ErrorCode, message: impl Into<String>) {
        self.send(
            id,
            encode_host(HostMessage::Error {
                code,
                message: message.into(),
            }),
        );
    }

    /// Sends every connection what changed for its role; returns the bytes sent.
    fn broadcast(&mut self) -> u64 {
        let mut roles: Vec<Role> = self
            .conns
            .values()
            .filter(|c| c.unlocked)
            .map(|c| c.role.clone())
            .collect();
        roles.sort();
        roles.dedup();
        let mut bytes = 0;
        for role in roles {
            let next = self.view_of(&role);
            let text: Arc<str> = match self.views.get(&role) {
                Some(old) if *old == next => continue,
                Some(old) => encode_host(HostMessage::Update(Box::new(old.delta_to(&next)))).into(),
                None => {
                    // No connection of this role had a view yet: each gets a welcome.
                    self.views.insert(role.clone(), next);
                    let ids: Vec<u64> = self.ids_of(&role);
                    for id in ids {
                        self.greet(id);
                    }
                    continue;
                }
            };
            self.views.insert(role.clone(), next);
            for id in self.ids_of(&role) {
                bytes += self.send_shared(id, &text);
            }
        }
        bytes
    }

    fn ids_of(&self, role: &Role) -> Vec<u64> {
        self.conns
            .iter()
            .filter(|(_, c)| c.role == *role && c.unlocked)
            .map(|(&id, _)| id)
            .collect()
    }

    /// The facilitator's list of connections changed.
    fn facilitator_changed(&mut self) {
        if self
            .conns
            .values()
            .any(|c| c.role == Role::Facilitator && c.unlocked)
        {
            self.broadcast();
        }
    }

    /// After a change to the game: saves and sends it, then lets the host's AI seats play
    /// until a person is to move, each move saved before it is sent.
    fn advance(&mut self, arrived: Instant) {
        loop {
            self.save();
            let bytes = self.broadcast();
            self.stats.moves += 1;
            self.stats.update_bytes.push(bytes);
            self.stats
                .fanout_micros
                .push(arrived.elapsed().as_micros().min(u128::from(u64::MAX)) as u64);
            if self.game.table.game.is_over() {
                self.talks_over();
                return;
            }
            if !self.game.table.step() {
                break;
            }
        }
        self.time_turn();
    }

    fn talks_over(&mut self) {
        if self.over {
            return;
        }
        self.over = true;
        self.turn = None;
        if self.settings.release_debrief && !self.game.debrief_released {
            self.game.debrief_released = true;
            self.save();
            self.broadcast();
        }
    }

    /// Starts the clock on a person's turn.
    fn time_turn(&mut self) {
        let seconds = self.settings.turn_seconds;
        let game = &self.game.table.game;
        let Some(p) = game.to_move() else {
            self.turn = None;
            return;
        };
        if seconds == 0 || self.game.controls.get(p) != Some(&SeatControl::Human) {
            self.turn = None;
            return;
        }
        let actions = game.action_count();
        if self.turn.is_none_or(|(q, a, _)| q != p || a != actions) {
            self.turn = Some((
                p,
                actions,
                Instant::now() + Duration::from_secs(seconds.into()),
            ));
        }
    }

    /// A timed turn ran out: the seat passes (recorded as the facilitator's `TimeUp`).
    fn tick(&mut self) {
        let Some((p, actions, deadline)) = self.turn else {
            return;
        };
        if Instant::now() < deadline {
            return;
        }
        self.turn = None;
        let game = &mut self.game.table.game;
        if game.to_move() != Some(p) || game.action_count() != actions {
            return;
        }
        let party = game.model().party_id(p).to_string();
        if game
            .play_turn(FacilitatorMove::TimeUp { party }, Action::Pass)
            .is_ok()
        {
            self.advance(Instant::now());
        }
    }

    /// A frame from connection `id`.
    fn handle(&mut self, id: u64, text: &str) {
        let arrived = Instant::now();
        let Some(conn) = self.conns.get(&id) else {
            return;
        };
        let (role, unlocked) = (conn.role.clone(), conn.unlocked);
        let message = match decode_client(text) {
            Ok(m) => m,
            Err(e) => return self.error(id, e.code(), e.to_string()),
        };
        if !unlocked && !matches!(message, ClientMessage::Unlock { .. } | ClientMessage::Ping) {
            return self.error(
                id,
                ErrorCode::Forbidden,
                "the facilitator's PIN is needed first",
            );
        }
        let facilitator = role == Role::Facilitator;
        match message {
            ClientMessage::Ping => {}
            ClientMessage::Act {
                seen,
                action,
                explanation,
            } => self.act(id, &role, seen, action, explanation, arrived),
            ClientMessage::Unlock { pin } => self.unlock(id, facilitator, unlocked, &pin),
            _ if !facilitator => {
                self.error(id, ErrorCode::Forbidden, "only the facilitator may do that")
            }
            ClientMessage::ReleaseDebrief => {
                self.game.debrief_released = true;
                self.save();
                self.broadcast();
            }
            ClientMessage::RotateCode { role: target } => match self.game.codes.rotate(&target) {
                Ok(Some(_)) => {
                    let gone: Vec<u64> = self
                        .conns
                        .iter()
                        .filter(|(other, c)| c.role == target && **other != id)
                        .map(|(other, _)| *other)
                        .collect();
                    for other in gone {
                        self.close(other, "its code was changed");
                    }
                    self.save();
                    self.broadcast();
                }
                Ok(None) => self.error(id, ErrorCode::Refused, format!("{target} has no code")),
                Err(e) => self.error(id, ErrorCode::Refused, e.to_string()),
            },
            ClientMessage::Remove { connection } => {
                if self.conns.contains_key(&connection) {
                    self.close(connection, "removed by the facilitator");
                } else {
                    self.error(
                        id,
                        ErrorCode::Refused,
                        format!("no connection {connection}"),
                    );
                }
            }
            ClientMessage::Facilitate { facilitator_move } => {
                let allowed = matches!(
                    facilitator_move,
                    FacilitatorMove::Inject { .. }
                        | FacilitatorMove::News { .. }
                        | FacilitatorMove::EndTalks { .. }
                );
                if !allowed {
                    return self.error(
                        id,
                        ErrorCode::Refused,
                        "over the network the facilitator may inject, announce news or end the talks",
                    );
                }
                match self.game.table.game.facilitate(facilitator_move) {
                    Ok(_) => self.advance(arrived),
                    Err(e) => self.error(id, ErrorCode::Refused, e.to_string()),
                }
            }
        }
    }

    fn close(&mut self, id: u64, why: &'static str) {
        if let Some(c) = self.conns.get(&id) {
            let _ = c.tx.try_send(Out::Close(CloseCode::Policy, why));
        }
        self.leave(id);
    }

    fn act(
        &mut self,
        id: u64,
        role: &Role,
        seen: usize,
        action: Action,
        explanation: Option<crate::sim::game::Explanation>,
        arrived: Instant,
    ) {
        let Role::Seat { party } = role else {
            return self.error(id, ErrorCode::NotYourTurn, "only a seat makes moves");
        };
        let game = &self.game.table.game;
        let Some(p) = game.model().party_index(party) else {
            return self.error(id, ErrorCode::NotYourTurn, "no such seat");
        };
        if game.is_over() {
            return self.error(id, ErrorCode::Over, "the talks are over");
        }
        if game.to_move() != Some(p) {
            return self.error(id, ErrorCode::NotYourTurn, "it is not this seat's turn");
        }
        if seen != game.action_count() {
            return self.error(
                id,
                ErrorCode::Stale,
                format!(
                    "the move was decided on a view of {seen} actions; the game has {}",
                    game.action_count()
                ),
            );
        }
        match self.game.table.game.apply_explained(p, action, explanation) {
            Ok(_) => self.advance(arrived),
            Err(e) => self.error(id, ErrorCode::Refused, e.to_string()),
        }
    }

    fn unlock(&mut self, id: u64, facilitator: bool, unlocked: bool, pin: &str) {
        if !facilitator {
            return self.error(id, ErrorCode::Forbidden, "only the facilitator has a PIN");
        }
        if unlocked {
            return;
        }
        let now = Instant::now();
        if let Some(until) = self.pin_locked_until {
            if now < until {
                let left = until.duration_since(now).as_secs() + 1;
                return self.error(
                    id,
                    ErrorCode::WrongPin,
                    format!("too many wrong PINs: try again in {left} s"),
                );
            }
            self.pin_locked_until = None;
        }
        let right = self
            .settings
            .pin_sha256
            .as_ref()
            .is_none_or(|hash| *hash == sha256_hex(pin.trim()));
        if right {
            self.pin_failures = 0;
            if let Some(c) = self.conns.get_mut(&id) {
                c.unlocked = true;
            }
            self.greet(id);
            return;
        }
        self.pin_failures += 1;
        if self.pin_failures >= self.settings.limits.pin_failures {
            self.pin_failures = 0;
            self.pin_locked_until = Some(now + self.settings.limits.pin_lockout);
        }
        self.error(id, ErrorCode::WrongPin, "wrong PIN");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The page `http://HOST:PORT/` serves until the browser client exists.
fn join_page(announced: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Accord — join the class</title></head>\n<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">\n<h1>Accord: join the class</h1>\n<p>This computer hosts a game of Accord. To take your seat, open Accord on your own computer and join with the address below and the code your teacher gives you:</p>\n<p><code>{announced}</code></p>\n<p>From a terminal: <code>accord join {announced} --code CODE</code>.</p>\n<p>The connection is not encrypted: on a shared network others can read it. Codes are for one lesson.</p>\n</body></html>\n"
    )
}

/// One request head: path and headers, and any bytes read past it.
struct Head {
    path: String,
    upgrade: bool,
    key: Option<String>,
    version_13: bool,
    rest: Vec<u8>,
}

const MAX_HEAD: usize = 8 * 1024;

async fn read_head(stream: &mut TcpStream) -> io::Result<Option<Head>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let header = |name: &str| {
                    req.headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .and_then(|h| std::str::from_utf8(h.value).ok())
                        .map(str::to_string)
                };
                let upgrade =
                    header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
                return Ok(Some(Head {
                    path: req.path.unwrap_or("/").to_string(),
                    upgrade,
                    key: header("sec-websocket-key"),
                    version_13: header("sec-websocket-version").as_deref() == Some("13"),
                    rest: buf[len..].to_vec(),
                }));
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            _ => return Ok(None),
        }
    }
}

/// `code` and `name` from `/ws?code=…&name=…`.
fn query(path: &str) -> Option<(String, String)> {
    let (route, q) = path.split_once('?').unwrap_or((path, ""));
    if route != "/ws" {
        return None;
    }
    let mut code = None;
    let mut name = String::new();
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "code" => code = Some(v),
            "name" => name = v.chars().filter(|c| !c.is_control()).take(40).collect(),
            _ => {}
        }
    }
    Some((code.unwrap_or_default(), name))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let pair = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(pair, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str, content_type: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.write_all(text.as_bytes())).await;
    let _ = stream.shutdown().await;
}

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_CLIENT_FRAME))
        .max_frame_size(Some(MAX_CLIENT_FRAME))
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
        stats: HostStats::default(),
        over: false,
        save_error: None,
    }));
    {
        // The host's AI seats open the game if theirs is the first turn.
        let mut h = hub.borrow_mut();
        h.advance(Instant::now());
    }
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        let exit = {
            let h = hub.borrow();
            h.over && h.settings.exit_when_over
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

/// One connection, from its request head to its close.
async fn connection(mut stream: TcpStream, peer: SocketAddr, hub: Rc<RefCell<Hub>>) {
    let limits = hub.borrow().settings.limits.clone();
    let head = match tokio::time::timeout(limits.handshake_timeout, read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        Ok(Ok(None)) => {
            return respond(
                &mut stream,
                "400 Bad Request",
                "bad request\n",
                "text/plain",
            )
            .await;
        }
        _ => return,
    };
    let Some((code, name)) = query(&head.path) else {
        if head.path == "/" || head.path.starts_with("/?") || head.path == "/index.html" {
            let page = join_page(&hub.borrow().address);
            return respond(&mut stream, "200 OK", &page, "text/html; charset=utf-8").await;
        }
        return respond(&mut stream, "404 Not Found", "not found\n", "text/plain").await;
    };
    let (Some(key), true, true) = (head.key.clone(), head.upgrade, head.version_13) else {
        return respond(
            &mut stream,
            "400 Bad Request",
            "a WebSocket upgrade is needed here\n",
            "text/plain",
        )
        .await;
    };
    let admitted = hub.borrow_mut().admit(peer.ip(), &code);
    let role = match admitted {
        Ok(role) => role,
        Err(Refusal::Full) => {
            return respond(
                &mut stream,
                "503 Service Unavailable",
                "the class is full\n",
                "text/plain",
            )
            .await;
        }
        Err(Refusal::Throttled) => {
            return respond(
                &mut stream,
                "429 Too Many Requests",
                "too many wrong codes: wait a minute\n",
                "text/plain",
            )
            .await;
        }
        Err(Refusal::WrongCode) => {
            // A wrong code waits before its answer, so codes cannot be tried quickly.
            tokio::time::sleep(Duration::from_millis(250)).await;
            return respond(&mut stream, "403 Forbidden", "unknown code\n", "text/plain").await;
        }
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let reply = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if stream.write_all(reply.as_bytes()).await.is_err() {
        return;
    }
    let ws =
        WebSocketStream::from_partially_read(stream, head.rest, WsRole::Server, Some(ws_config()))
            .await;
    let (tx, rx) = mpsc::channel(512);
    let id = hub.borrow_mut().join(role, name, tx);
    talk(ws, rx, id, &hub, &limits).await;
    hub.borrow_mut().leave(id);
}

/// A connection's frames both ways: what it sends goes to the hub (within its rate),
/// what the hub queues goes out.
async fn talk(
    mut ws: WebSocketStream<TcpStream>,
    mut rx: mpsc::Receiver<Out>,
    id: u64,
    hub: &Rc<RefCell<Hub>>,
    limits: &Limits,
) {
    let rate = f64::from(limits.messages_per_second.max(1));
    let mut tokens = rate;
    let mut refilled = Instant::now();
    let mut last_heard = Instant::now();
    let mut last_warned: Option<Instant> = None;
    let mut dropped_in_a_row = 0u32;
    let mut ping = tokio::time::interval(limits.ping_every);
    ping.tick().await;
    let write_timeout = Duration::from_secs(10);
    loop {
        tokio::select! {
            incoming = ws.next() => {
                let Some(incoming) = incoming else { break };
                let message = match incoming {
                    Ok(m) => m,
                    Err(tungstenite::Error::Capacity(_)) => {
                        let _ = send_close(&mut ws, CloseCode::Size, "a message may be at most 64 KiB").await;
                        break;
                    }
                    Err(_) => break,
                };
                last_heard = Instant::now();
                let text = match message {
                    Message::Text(t) => t,
                    Message::Binary(_) => {
                        hub.borrow_mut().error(id, ErrorCode::Malformed, "messages are JSON text");
                        continue;
                    }
                    Message::Close(_) => break,
                    _ => continue,
                };
                let now = Instant::now();
                tokens = (tokens + now.duration_since(refilled).as_secs_f64() * rate).min(rate);
                refilled = now;
                if tokens < 1.0 {
                    dropped_in_a_row += 1;
                    if dropped_in_a_row > 10 * limits.messages_per_second {
                        let _ = send_close(&mut ws, CloseCode::Policy, "too many messages").await;
                        break;
                    }
                    if last_warned.is_none_or(|w| now.duration_since(w) >= Duration::from_secs(1)) {
                        last_warned = Some(now);
                        hub.borrow_mut().error(
                            id,
                            ErrorCode::TooFast,
                            format!("at most {} messages a second; this one was dropped", limits.messages_per_second),
                        );
                    }
                    continue;
                }
                tokens -= 1.0;
                dropped_in_a_row = 0;
                hub.borrow_mut().handle(id, &text);
            }
            out = rx.recv() => {
                match out {
                    Some(Out::Text(text)) => {
                        let sent = tokio::time::timeout(write_timeout, ws.send(Message::text(text.as_ref()))).await;
                        if !matches!(sent, Ok(Ok(()))) {
                            break;
                        }
                    }
                    Some(Out::Close(code, why)) => {
                        let _ = send_close(&mut ws, code, why).await;
                        break;
                    }
                    None => break,
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > limits.idle_timeout {
                    let _ = send_close(&mut ws, CloseCode::Away, "nothing heard for too long").await;
                    break;
                }
                let sent = tokio::time::timeout(write_timeout, ws.send(Message::Ping(Vec::new().into()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            }
        }
    }
}

async fn send_close(
    ws: &mut WebSocketStream<TcpStream>,
    code: CloseCode,
    why: &'static str,
) -> Result<(), tungstenite::Error> {
    let frame = CloseFrame {
        code,
        reason: why.into(),
    };
    match tokio::time::timeout(Duration::from_secs(2), ws.close(Some(frame))).await {
        Ok(r) => r,
        Err(_) => Ok(()),
    }
}
