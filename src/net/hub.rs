//! The hub of a hosted game: the game, its connections and what each was last sent.
//! Changed by one task at a time, between awaits (see `host`): a move is checked by the
//! engine, saved, then sent to every connection as its role may see it.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::host::{HostGame, HostSave, HostSettings, HostStats};
use super::protocol::{
    AiSeat, ClientMessage, ErrorCode, HostMessage, PublicScenario, Role, Welcome, decode_client,
    encode_host,
};
use super::wire::{ConnectionInfo, Extras, WireView};
use crate::sim::ai::SeatControl;
use crate::sim::ai::delegation::DelegationAi;
use crate::sim::model::sha256_hex;
use crate::sim::record::GameRecord;
use crate::sim::save::{self, Classroom, SaveFile};
use crate::sim::{Action, FacilitatorMove, Model};

/// What the hub sends a connection's task.
pub(super) enum Out {
    Text(Arc<str>),
    Close(CloseCode, &'static str),
}

pub(super) struct Conn {
    pub(super) role: Role,
    pub(super) name: String,
    /// The facilitator's connection is locked until the PIN is given (when there is one).
    pub(super) unlocked: bool,
    pub(super) tx: mpsc::Sender<Out>,
}

/// The game and its connections, changed by one task at a time between awaits.
pub(super) struct Hub {
    /// The address clients connect to, as announced.
    pub(super) address: String,
    pub(super) game: HostGame,
    pub(super) settings: HostSettings,
    pub(super) conns: BTreeMap<u64, Conn>,
    pub(super) next_conn: u64,
    /// The last view each role was sent (roles without connections are dropped).
    pub(super) views: BTreeMap<Role, WireView>,
    pub(super) pin_failures: u32,
    pub(super) pin_locked_until: Option<Instant>,
    pub(super) wrong_codes: HashMap<IpAddr, (u32, Instant)>,
    /// The person's turn being timed: (party, actions played when it began, deadline).
    pub(super) turn: Option<(usize, usize, Instant)>,
    pub(super) stats: HostStats,
    /// The last save failed (reported once, until one succeeds again).
    pub(super) save_failing: bool,
}

/// Ways a connection is turned away before it is a WebSocket.
pub(super) enum Refusal {
    Full,
    Throttled,
    WrongCode,
}

impl Hub {
    pub(super) fn model(&self) -> &Model {
        self.game.table.game.model()
    }

    pub(super) fn record(&self) -> GameRecord {
        GameRecord::of(&self.game.table.game, &self.game.origin, self.game.seats())
    }

    pub(super) fn save_file(&self) -> SaveFile {
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
    pub(super) fn save(&mut self) {
        let Some(path) = self.settings.save.clone() else {
            return;
        };
        match save::save(&path, &self.save_file()) {
            Ok(()) => self.save_failing = false,
            Err(e) => {
                if !self.save_failing {
                    eprintln!("accord host: {e}");
                }
                self.save_failing = true;
            }
        }
    }

    pub(super) fn extras(&self) -> Extras {
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

    /// The view of `role`; `record` holds the game's record once one view has needed it
    /// (the facilitator's and, once released, everyone's debrief share it).
    pub(super) fn view_of(&self, role: &Role, record: &OnceCell<GameRecord>) -> WireView {
        let extras = (*role == Role::Facilitator).then(|| self.extras());
        WireView::of(
            &self.game.table.game,
            role,
            || record.get_or_init(|| self.record()).clone(),
            self.game.debrief_released,
            extras,
        )
    }

    pub(super) fn welcome(&self, id: u64, role: &Role, view: WireView) -> String {
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
            scenario: PublicScenario::of(m),
            view,
            ai,
        })))
    }

    /// Checks a typed code from `ip`.
    pub(super) fn admit(&mut self, ip: IpAddr, code: &str) -> Result<Role, Refusal> {
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
    pub(super) fn join(&mut self, role: Role, name: String, tx: mpsc::Sender<Out>) -> u64 {
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
    pub(super) fn greet(&mut self, id: u64) {
        let Some(role) = self.conns.get(&id).map(|c| c.role.clone()) else {
            return;
        };
        let view = match self.views.get(&role) {
            Some(v) if role != Role::Facilitator => v.clone(),
            _ => {
                let v = self.view_of(&role, &OnceCell::new());
                self.views.insert(role.clone(), v.clone());
                v
            }
        };
        let text = self.welcome(id, &role, view);
        self.send(id, text);
    }

    pub(super) fn leave(&mut self, id: u64) {
        if let Some(c) = self.conns.remove(&id) {
            if !self.conns.values().any(|o| o.role == c.role) {
                self.views.remove(&c.role);
            }
            self.facilitator_changed();
        }
    }

    /// Queues a frame for a connection; a connection whose queue is full is too slow to
    /// keep up and is closed, so that it holds no one else back.
    pub(super) fn send(&mut self, id: u64, text: String) {
        let text: Arc<str> = text.into();
        self.send_shared(id, &text);
    }

    pub(super) fn send_shared(&mut self, id: u64, text: &Arc<str>) -> u64 {
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

    pub(super) fn error(&mut self, id: u64, code: ErrorCode, message: impl Into<String>) {
        self.send(
            id,
            encode_host(HostMessage::Error {
                code,
                message: message.into(),
            }),
        );
    }

    /// Sends every connection what changed for its role; returns the bytes sent.
    pub(super) fn broadcast(&mut self) -> u64 {
        self.broadcast_to(|_| true)
    }

    /// As [`Hub::broadcast`], for the roles `only` picks.
    pub(super) fn broadcast_to(&mut self, only: impl Fn(&Role) -> bool) -> u64 {
        let mut roles: Vec<Role> = self
            .conns
            .values()
            .filter(|c| c.unlocked && only(&c.role))
            .map(|c| c.role.clone())
            .collect();
        roles.sort();
        roles.dedup();
        let record = OnceCell::new();
        let mut bytes = 0;
        for role in roles {
            let next = self.view_of(&role, &record);
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

    pub(super) fn ids_of(&self, role: &Role) -> Vec<u64> {
        self.conns
            .iter()
            .filter(|(_, c)| c.role == *role && c.unlocked)
            .map(|(&id, _)| id)
            .collect()
    }

    /// The facilitator's list of connections changed: only its view did.
    pub(super) fn facilitator_changed(&mut self) {
        self.broadcast_to(|r| *r == Role::Facilitator);
    }

    /// At the start: the host's AI seats play their opening turns, if theirs come first.
    pub(super) fn open(&mut self) {
        if self.game.table.game.is_over() {
            self.talks_over();
        } else if self.game.table.step() {
            self.advance(Instant::now());
        } else {
            self.time_turn();
        }
    }

    /// After a change to the game: saves and sends it, then lets the host's AI seats play
    /// until a person is to move, each move saved before it is sent.
    pub(super) fn advance(&mut self, arrived: Instant) {
        loop {
            self.save();
            let bytes = self.broadcast();
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

    pub(super) fn talks_over(&mut self) {
        self.turn = None;
        if self.settings.release_debrief && !self.game.debrief_released {
            self.game.debrief_released = true;
            self.save();
            self.broadcast();
        }
    }

    /// Starts the clock on a person's turn.
    pub(super) fn time_turn(&mut self) {
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
    pub(super) fn tick(&mut self) {
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
    pub(super) fn handle(&mut self, id: u64, text: &str) {
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

    pub(super) fn close(&mut self, id: u64, why: &'static str) {
        if let Some(c) = self.conns.get(&id) {
            let _ = c.tx.try_send(Out::Close(CloseCode::Policy, why));
        }
        self.leave(id);
    }

    pub(super) fn act(
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

    pub(super) fn unlock(&mut self, id: u64, facilitator: bool, unlocked: bool, pin: &str) {
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

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
