//! What a connection may see ([`WireView`]), and what changed since it last saw
//! ([`Delta`]).
//!
//! A seat's view is built from [`Game::seat_view`] (the engine's own visibility filter:
//! transcript entries by [`Scope::visible_to`](crate::sim::transcript::Scope::visible_to))
//! plus the seat's own brief; an observer's holds the public entries only and no seat; the
//! facilitator's holds the whole record. Nothing else leaves the host: there is no field
//! here for another seat's brief, BATNA, values or rationale, and the debrief (the whole
//! record, for everyone) is added only once the facilitator releases it.

use serde::{Deserialize, Serialize};

use super::codes::CodeBook;
use super::protocol::Role;
use crate::sim::ai::SeatControl;
use crate::sim::game::{Game, Offer, Phase};
use crate::sim::model::Prefs;
use crate::sim::observe::{SeatLever, SeatView};
use crate::sim::record::{GameRecord, RecordedAction};
use crate::sim::scenario::OptionRef;
use crate::sim::transcript::{Kind, Logged, Scope};
use crate::sim::{Action, FacilitatorMove};

/// The state as one connection may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireView {
    /// How many actions have been played: a move is decided on a view of this many.
    pub actions: usize,
    pub round: u32,
    pub deadline: u32,
    pub phase: Phase,
    /// The party whose turn it is (index), none once the talks are over.
    pub to_move: Option<usize>,
    /// Offers made at the table are public; offer `n` is the `n`-th.
    pub offers: Vec<Offer>,
    pub settled: Vec<Option<usize>>,
    pub locked: Vec<Option<usize>>,
    /// Delegations that asked the mediator for a proposal (in public).
    pub mediator_asked: Vec<bool>,
    /// The entries this connection may see, each with its place in the whole transcript.
    pub transcript: Vec<Logged>,
    /// How long the whole transcript is.
    pub transcript_len: usize,
    /// A seat's own state; none for observers and the facilitator.
    pub seat: Option<OwnSeat>,
    /// The facilitator's: the whole record.
    pub facilitator: Option<FacilitatorView>,
    /// Once the facilitator releases the debrief: the whole record, for everyone.
    pub debrief: Option<Box<GameRecord>>,
    /// The levers and events this connection's entries name (by index), in the words
    /// the table was given: what a client needs to show those entries.
    #[serde(default)]
    pub named: Named,
    /// The facilitator's pause and the turn's clock.
    #[serde(default)]
    pub clock: Clock,
}

/// The facilitator's pause and the clock of a person's turn, as the host last sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The facilitator paused the host's AI seats and the turn timer.
    pub paused: bool,
    /// Seconds a person's seat has for its turn; 0: no limit.
    pub turn_seconds: u32,
    /// The seat being timed and the milliseconds it had left when this was sent.
    #[serde(default)]
    pub turn: Option<TurnClock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnClock {
    pub party: usize,
    pub left_ms: u64,
}

/// The facilitator's hold on the table: whether allies' and mediators' moves wait, the one
/// waiting, and who plays each seat now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Control {
    pub hold: bool,
    #[serde(default)]
    pub pending: Option<Held>,
    /// Who plays each seat, in the scenario's party order: the host's AI (with its preset)
    /// or people (at the table, or a client's own AI).
    #[serde(default)]
    pub seats: Vec<SeatControl>,
}

/// An ally's or mediator's move, planned and waiting for the facilitator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub party: usize,
    pub action: Action,
    /// The move in words.
    pub planned: String,
}

/// Levers and events by their place in the scenario, as the table saw them used or fire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub levers: Vec<NamedLever>,
    pub events: Vec<NamedEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedLever {
    pub index: usize,
    pub id: String,
    pub owner: String,
    /// What the table was told when it was used.
    pub public_text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedEvent {
    pub index: usize,
    pub id: String,
    pub name: String,
}

impl Named {
    /// The levers and events that `entries` name.
    fn of(game: &Game, entries: &[Logged]) -> Named {
        let s = &game.model().scenario;
        let mut levers: Vec<usize> = Vec::new();
        let mut events: Vec<usize> = Vec::new();
        for e in entries {
            match e.kind {
                Kind::LeverUsed { lever, .. } => levers.push(lever),
                Kind::EventFired { event } => events.push(event),
                _ => {}
            }
        }
        levers.sort_unstable();
        levers.dedup();
        events.sort_unstable();
        events.dedup();
        Named {
            levers: levers
                .into_iter()
                .filter_map(|k| {
                    let l = s.levers.get(k)?;
                    Some(NamedLever {
                        index: k,
                        id: l.id.clone(),
                        owner: l.owner.clone(),
                        public_text: l.public_text.clone(),
                    })
                })
                .collect(),
            events: events
                .into_iter()
                .filter_map(|k| {
                    let e = s.events.get(k)?;
                    Some(NamedEvent {
                        index: k,
                        id: e.id.clone(),
                        name: e.name.clone(),
                    })
                })
                .collect(),
        }
    }
}

/// A seat's own state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnSeat {
    pub me: usize,
    pub prefs: Prefs,
    pub prefs_changes: u32,
    pub initial_batna: f64,
    pub levers: Vec<SeatLever>,
    /// Its confidential brief and what its BATNA stands for, in its own words.
    pub brief: String,
    pub batna_description: String,
    /// Its red lines, as the scenario lists them.
    #[serde(default)]
    pub red_lines: Vec<OptionRef>,
    /// The facilitator handed the seat to the host's AI (with this preset): it plays the
    /// seat's turns until given back.
    #[serde(default)]
    pub host_ai: Option<String>,
}

/// What the facilitator sees beyond the table: everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilitatorView {
    pub record: GameRecord,
    pub codes: CodeBook,
    pub connections: Vec<ConnectionInfo>,
    #[serde(default)]
    pub control: Control,
}

/// One connection, as the facilitator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    pub id: u64,
    pub role: Role,
    /// The name it gave, if any.
    pub name: String,
}

/// The host's side of the facilitator's view: the codes, the connections, the hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Extras {
    pub codes: CodeBook,
    pub connections: Vec<ConnectionInfo>,
    pub control: Control,
}

impl WireView {
    /// The view of `role` in `game`. `record` gives the game's record (for the
    /// facilitator, and for everyone once the debrief is released); `extras` the
    /// facilitator's codes and connections.
    pub fn of(
        game: &Game,
        role: &Role,
        record: impl Fn() -> GameRecord,
        debrief: bool,
        extras: Option<Extras>,
    ) -> WireView {
        let m = game.model();
        let seat = match role {
            Role::Seat { party } => m.party_index(party),
            _ => None,
        };
        let (transcript, own) = match seat {
            Some(p) => {
                let v: SeatView = game.seat_view(p);
                let party = &m.scenario.parties[p];
                let own = OwnSeat {
                    me: p,
                    prefs: v.prefs,
                    prefs_changes: v.prefs_changes,
                    initial_batna: v.initial_batna,
                    levers: v.levers,
                    brief: party.confidential_brief.clone(),
                    batna_description: party.batna_description.clone(),
                    red_lines: party.red_lines.clone(),
                    host_ai: None,
                };
                (v.transcript, Some(own))
            }
            None if *role == Role::Facilitator => (game.transcript().to_vec(), None),
            None => (
                game.transcript()
                    .iter()
                    .filter(|e| e.scope == Scope::Public)
                    .cloned()
                    .collect(),
                None,
            ),
        };
        let whole = (debrief || *role == Role::Facilitator).then(&record);
        let named = Named::of(game, &transcript);
        WireView {
            actions: game.action_count(),
            round: game.round(),
            deadline: game.deadline(),
            phase: game.phase(),
            to_move: game.to_move(),
            offers: game.offers().to_vec(),
            settled: game.settled().to_vec(),
            locked: game.locked().to_vec(),
            mediator_asked: game.mediator_asked().to_vec(),
            transcript,
            transcript_len: game.transcript().len(),
            seat: own,
            facilitator: match (role, extras) {
                (Role::Facilitator, Some(extras)) => whole.clone().map(|record| FacilitatorView {
                    record,
                    codes: extras.codes,
                    connections: extras.connections,
                    control: extras.control,
                }),
                _ => None,
            },
            debrief: if debrief { whole.map(Box::new) } else { None },
            named,
            clock: Clock::default(),
        }
    }

    /// The seat's state as its AI reads it, for a seat's view.
    pub fn seat_view(&self) -> Option<SeatView> {
        let own = self.seat.as_ref()?;
        Some(SeatView {
            me: own.me,
            prefs: own.prefs.clone(),
            prefs_changes: own.prefs_changes,
            initial_batna: own.initial_batna,
            round: self.round,
            deadline: self.deadline,
            phase: self.phase,
            offers: self.offers.clone(),
            settled: self.settled.clone(),
            locked: self.locked.clone(),
            mediator_asked: self.mediator_asked.clone(),
            transcript: self.transcript.clone(),
            transcript_len: self.transcript_len,
            levers: own.levers.clone(),
        })
    }

    /// What changed from `self` (the last view a connection had) to `next`.
    pub fn delta_to(&self, next: &WireView) -> Delta {
        let offers = next
            .offers
            .iter()
            .enumerate()
            .filter(|(i, o)| self.offers.get(*i) != Some(o))
            .map(|(i, o)| (i, o.clone()))
            .collect();
        let known = self.transcript.last().map_or(0, |e| e.seq + 1);
        let transcript = next
            .transcript
            .iter()
            .filter(|e| e.seq >= known)
            .cloned()
            .collect();
        let facilitator = match (&self.facilitator, &next.facilitator) {
            (Some(old), Some(new)) => Some(FacilitatorDelta {
                actions: new.record.actions
                    [old.record.actions.len().min(new.record.actions.len())..]
                    .to_vec(),
                facilitator: new.record.facilitator[old
                    .record
                    .facilitator
                    .len()
                    .min(new.record.facilitator.len())..]
                    .to_vec(),
                codes: (old.codes != new.codes).then(|| new.codes.clone()),
                connections: (old.connections != new.connections).then(|| new.connections.clone()),
                control: (old.control != new.control).then(|| new.control.clone()),
                whole: None,
            }),
            (None, Some(new)) => Some(FacilitatorDelta {
                actions: Vec::new(),
                facilitator: Vec::new(),
                codes: None,
                connections: None,
                control: None,
                whole: Some(Box::new(new.clone())),
            }),
            _ => None,
        };
        Delta {
            actions: next.actions,
            round: next.round,
            deadline: next.deadline,
            phase: next.phase,
            to_move: next.to_move,
            offers,
            settled: next.settled.clone(),
            locked: next.locked.clone(),
            mediator_asked: next.mediator_asked.clone(),
            transcript,
            transcript_len: next.transcript_len,
            seat: (self.seat != next.seat)
                .then(|| next.seat.clone())
                .flatten(),
            facilitator,
            debrief: match (&self.debrief, &next.debrief) {
                (None, Some(d)) => Some(d.clone()),
                _ => None,
            },
            named: (self.named != next.named).then(|| next.named.clone()),
            clock: (self.clock != next.clock).then(|| next.clock.clone()),
        }
    }

    /// Applies what changed. Returns an error (and changes nothing) for a delta that does
    /// not follow this view: offers or entries out of order.
    pub fn apply(&mut self, delta: Delta) -> Result<(), String> {
        let mut offers = self.offers.clone();
        for (i, o) in delta.offers {
            match i.cmp(&offers.len()) {
                std::cmp::Ordering::Less => offers[i] = o,
                std::cmp::Ordering::Equal => offers.push(o),
                std::cmp::Ordering::Greater => {
                    return Err(format!("offer {i} arrived before offer {}", offers.len()));
                }
            }
        }
        let known = self.transcript.last().map_or(0, |e| e.seq + 1);
        if delta.transcript.first().is_some_and(|e| e.seq < known)
            || delta.transcript.windows(2).any(|w| w[0].seq >= w[1].seq)
        {
            return Err("transcript entries out of order".into());
        }
        if let Some(f) = &delta.facilitator
            && f.whole.is_none()
            && self.facilitator.is_none()
        {
            return Err("a facilitator's delta without a facilitator's view".into());
        }
        self.offers = offers;
        self.transcript.extend(delta.transcript);
        self.actions = delta.actions;
        self.round = delta.round;
        self.deadline = delta.deadline;
        self.phase = delta.phase;
        self.to_move = delta.to_move;
        self.settled = delta.settled;
        self.locked = delta.locked;
        self.mediator_asked = delta.mediator_asked;
        self.transcript_len = delta.transcript_len;
        if let Some(seat) = delta.seat {
            self.seat = Some(seat);
        }
        if let Some(f) = delta.facilitator {
            match f.whole {
                Some(whole) => self.facilitator = Some(*whole),
                None => {
                    if let Some(view) = &mut self.facilitator {
                        view.record.actions.extend(f.actions);
                        view.record.facilitator.extend(f.facilitator);
                        if let Some(codes) = f.codes {
                            view.codes = codes;
                        }
                        if let Some(connections) = f.connections {
                            view.connections = connections;
                        }
                        if let Some(control) = f.control {
                            view.control = control;
                        }
                    }
                }
            }
        }
        if let Some(d) = delta.debrief {
            self.debrief = Some(d);
        }
        if let Some(named) = delta.named {
            self.named = named;
        }
        if let Some(clock) = delta.clock {
            self.clock = clock;
        }
        Ok(())
    }
}

/// What changed in a view. The small parts of the table come whole; offers that are new
/// or changed, entries that are new, and a seat's own state only when it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub actions: usize,
    pub round: u32,
    pub deadline: u32,
    pub phase: Phase,
    pub to_move: Option<usize>,
    /// Offers that are new or changed, each with its place in the list of offers.
    pub offers: Vec<(usize, Offer)>,
    pub settled: Vec<Option<usize>>,
    pub locked: Vec<Option<usize>>,
    pub mediator_asked: Vec<bool>,
    pub transcript: Vec<Logged>,
    pub transcript_len: usize,
    #[serde(default)]
    pub seat: Option<OwnSeat>,
    #[serde(default)]
    pub facilitator: Option<FacilitatorDelta>,
    #[serde(default)]
    pub debrief: Option<Box<GameRecord>>,
    /// The levers and events named, when they changed.
    #[serde(default)]
    pub named: Option<Named>,
    /// The pause and the turn's clock, when they changed.
    #[serde(default)]
    pub clock: Option<Clock>,
}

/// The facilitator's new record entries (or its whole view, the first time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilitatorDelta {
    pub actions: Vec<RecordedAction>,
    pub facilitator: Vec<(usize, FacilitatorMove)>,
    #[serde(default)]
    pub codes: Option<CodeBook>,
    #[serde(default)]
    pub connections: Option<Vec<ConnectionInfo>>,
    #[serde(default)]
    pub control: Option<Control>,
    #[serde(default)]
    pub whole: Option<Box<FacilitatorView>>,
}
