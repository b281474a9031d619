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
use super::protocol::{Answer, MAX_TURN_SECONDS};
use super::wire::{Clock, ConnectionInfo, Control, Extras, Held, TurnClock, WireView};
use crate::sim::ai::delegation::DelegationAi;
use crate::sim::ai::{Plan, SeatControl};
use crate::sim::classroom::describe;
use crate::sim::model::sha256_hex;
use crate::sim::record::GameRecord;
use crate::sim::save::{self, Classroom, SaveFile};
use crate::sim::scenario::PartyKind;
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
    /// Paused by the facilitator: the host's AI seats and the clock wait; inside, the
    /// timed turn and the time it had left.
    pub(super) paused: Option<Option<(usize, usize, Duration)>>,
    /// The ally's or mediator's move waiting for the facilitator, and the game's length
    /// (actions, transcript entries) it was planned on.
    pub(super) pending: Option<(Plan, (usize, usize))>,
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
            hold_third_parties: self.settings.hold_third_parties,
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
            control: self.control(),
        }
    }

    /// The facilitator's hold on the table, as its view shows it.
    pub(super) fn control(&self) -> Control {
        let m = self.model();
        Control {
            hold: self.settings.hold_third_parties,
            pending: self.pending.as_ref().map(|(plan, _)| {
                let action = plan.decision.action.to_action(m);
                Held {
                    party: plan.party,
                    planned: describe(m, &action),
                    action,
                }
            }),
            seats: self.game.table.controls().to_vec(),
        }
    }

    /// The pause and the clock of the turn, now.
    pub(super) fn clock(&self) -> Clock {
        let now = Instant::now();
        let turn = match &self.paused {
            Some(left) => left.map(|(p, _, left)| (p, left)),
            None => self
                .turn
                .map(|(p, _, deadline)| (p, deadline.saturating_duration_since(now))),
        };
        Clock {
            paused: self.paused.is_some(),
            turn_seconds: self.settings.turn_seconds,
            turn: turn.map(|(party, left)| TurnClock {
                party,
                left_ms: left.as_millis().min(u128::from(u64::MAX)) as u64,
            }),
        }
    }

    /// The view of `role`; `record` holds the game's record once one view has needed it
    /// (the facilitator's and, once released, everyone's debrief share it).
    pub(super) fn view_of(&self, role: &Role, record: &OnceCell<GameRecord>) -> WireView {
        let extras = (*role == Role::Facilitator).then(|| self.extras());
        let mut view = WireView::of(
            &self.game.table.game,
            role,
            || record.get_or_init(|| self.record()).clone(),
            self.game.debrief_released,
            extras,
        );
        view.clock = self.clock();
        if let Some(own) = &mut view.seat {
            own.host_ai = match self.game.table.controls().get(own.me) {
                Some(SeatControl::Ai(preset)) => Some(preset.clone()),
                _ => None,
            };
        }
        view
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
            Some(v) if role != Role::Facilitator => {
                let mut v = v.clone();
                v.clock = self.clock();
                v
            }
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
            return;
        }
        self.refresh_pending();
        if self.pending.is_none() && self.game.table.step() {
            self.advance(Instant::now());
        } else {
            self.time_turn();
        }
    }

    /// After a change to the game: saves and sends it, then lets the host's AI seats play
    /// until a person is to move, each move saved before it is sent. An ally's or
    /// mediator's move waits for the facilitator when held, and nothing plays while the
    /// facilitator has paused the table.
    pub(super) fn advance(&mut self, arrived: Instant) {
        loop {
            self.refresh_pending();
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
            if self.paused.is_some() || self.pending.is_some() || !self.game.table.step() {
                break;
            }
        }
        self.time_turn();
    }

    /// Plans the held ally's or mediator's move when one is to move (again, if the game
    /// changed since it was planned); drops a plan that no longer waits.
    fn refresh_pending(&mut self) {
        let table = &self.game.table;
        let game = &table.game;
        let third_party = game
            .to_move()
            .is_some_and(|p| game.model().kind(p) != PartyKind::Delegation);
        if !self.settings.hold_third_parties
            || game.is_over()
            || !third_party
            || !table.ai_to_move()
        {
            self.pending = None;
            return;
        }
        let at = (game.action_count(), game.transcript().len());
        let fresh = self
            .pending
            .as_ref()
            .is_some_and(|(plan, k)| *k == at && Some(plan.party) == game.to_move());
        if !fresh {
            self.pending = table.plan().map(|plan| (plan, at));
        }
    }

    pub(super) fn talks_over(&mut self) {
        self.turn = None;
        if self.settings.release_debrief && !self.game.debrief_released {
            self.game.debrief_released = true;
            self.save();
            self.broadcast();
        }
    }

    /// Starts the clock on a person's turn (held as it is while paused).
    pub(super) fn time_turn(&mut self) {
        let seconds = self.settings.turn_seconds;
        let table = &self.game.table;
        let Some(p) = table
            .game
            .to_move()
            .filter(|&p| seconds > 0 && !table.is_ai(p))
        else {
            self.turn = None;
            if let Some(left) = &mut self.paused {
                *left = None;
            }
            return;
        };
        let actions = table.game.action_count();
        let full = Duration::from_secs(seconds.into());
        if let Some(left) = &mut self.paused {
            if left.is_none_or(|(q, a, _)| q != p || a != actions) {
                *left = Some((p, actions, full));
            }
            self.turn = None;
        } else if self.turn.is_none_or(|(q, a, _)| q != p || a != actions) {
            self.turn = Some((p, actions, Instant::now() + full));
        }
    }

    /// The facilitator pauses the table or lets it go on (the clock where it stopped).
    fn pause(&mut self, paused: bool, arrived: Instant) {
        if paused == self.paused.is_some() {
            return;
        }
        let now = Instant::now();
        if paused {
            let left = self
                .turn
                .take()
                .map(|(p, a, deadline)| (p, a, deadline.saturating_duration_since(now)));
            self.paused = Some(left);
            self.broadcast();
        } else {
            if let Some(Some((p, a, left))) = self.paused.take() {
                self.turn = Some((p, a, now + left));
            }
            self.advance(arrived);
        }
    }

    /// The facilitator answers the held move: lets it happen, cancels it (the party
    /// passes) or makes another move for the party.
    fn overrule(&mut self, id: u64, answer: Answer, arrived: Instant) {
        self.refresh_pending();
        let Some((plan, at)) = self.pending.take() else {
            return self.error(id, ErrorCode::Refused, "no ally's or mediator's move waits");
        };
        match self.game.table.answer(plan, answer) {
            Ok(()) => self.advance(arrived),
            Err((plan, e)) => {
                self.pending = Some((*plan, at));
                self.error(id, ErrorCode::Refused, e.to_string());
            }
        }
    }

    /// A timed turn ran out: the seat passes (recorded as the facilitator's `TimeUp`).
    pub(super) fn tick(&mut self) {
        if self.paused.is_some() {
            return;
        }
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
                self.facilitate(id, facilitator_move, arrived)
            }
            ClientMessage::Pause { paused } => self.pause(paused, arrived),
            ClientMessage::TurnSeconds { seconds } => {
                if seconds > MAX_TURN_SECONDS {
                    return self.error(
                        id,
                        ErrorCode::Refused,
                        format!("a turn has at most {MAX_TURN_SECONDS} seconds"),
                    );
                }
                self.settings.turn_seconds = seconds;
                self.turn = None;
                if let Some(left) = &mut self.paused {
                    *left = None;
                }
                self.time_turn();
                self.save();
                self.broadcast();
            }
            ClientMessage::Hold { on } => {
                self.settings.hold_third_parties = on;
                self.advance(arrived);
            }
            ClientMessage::Overrule { answer } => self.overrule(id, answer, arrived),
        }
    }

    /// A facilitator's move of its own: news, an inject, the end of the talks, a seat
    /// handed to the AI or given back (moves on an ally's or mediator's turn are answers
    /// to a held move, [`ClientMessage::Overrule`]).
    fn facilitate(&mut self, id: u64, m: FacilitatorMove, arrived: Instant) {
        match &m {
            FacilitatorMove::Inject { .. }
            | FacilitatorMove::News { .. }
            | FacilitatorMove::EndTalks { .. } => {}
            FacilitatorMove::HandSeat { party, ai } => {
                // A seat given to people needs a code they can join with.
                if ai.is_none() && !self.game.codes.seats.contains_key(party) {
                    return self.error(
                        id,
                        ErrorCode::Refused,
                        format!(
                            "{party} was the host's AI from the start: it has no code to join with"
                        ),
                    );
                }
            }
            _ => {
                return self.error(
                    id,
                    ErrorCode::Refused,
                    "an ally's or mediator's held move is answered with `overrule`",
                );
            }
        }
        match self.game.table.facilitate(m) {
            Ok(()) => self.advance(arrived),
            Err(e) => self.error(id, ErrorCode::Refused, e.to_string()),
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
        if self.game.table.is_ai(p) {
            return self.error(
                id,
                ErrorCode::Forbidden,
                "the facilitator has handed this seat to the AI",
            );
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
