//! The game: state, the round and phase machine, actions, events and outcomes
//! (MODEL.md, "The protocol").
//!
//! A round: each ally, then each mediator, acts once; then each delegation once, in turn
//! order; then the scenario's events fire in file order; then the next round begins, or
//! the talks end at the deadline. [`Game::apply`] checks an action completely before it
//! changes anything, so a refused action leaves the state exactly as it was.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::action::{
    Action, ActionError, Audience, MAX_TEXT_CHARS, Move, MoveReason, MoveStance, OfferId,
    PackageIds, Reason,
};
use super::ai::reason::{PublicReason, Rationale};
use super::analysis::{OutcomeSpace, joint_gain};
use super::model::{Model, Prefs};
use super::rng::Stream;
use super::rules::{Cond, Eff, When};
use super::scenario::PartyKind;
use super::transcript::{Kind, Logged, Scope, Withdrawal};

mod checks;
pub use checks::{Referee, text_ok};
mod conditions;
pub use conditions::NOT_YET;
mod effects;
mod execute;
mod facilitator;
mod results;
mod rounds;

/// Why a party acted: a coarse public reason and the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Shared between the transcript and the record, not copied.
    pub public: Option<Arc<PublicReason>>,
    /// Shared between the transcript and the record, not copied.
    pub rationale: Arc<Rationale>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferStatus {
    Standing,
    Withdrawn,
    /// Its author put another offer on the table.
    Replaced,
    /// Every delegation accepted it.
    Settled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub id: OfferId,
    /// Party index of the author; `None` for a text an event put on the table.
    pub author: Option<usize>,
    pub round: u32,
    /// Option index per issue; `None`: the issue is not part of the offer.
    pub package: Vec<Option<usize>>,
    pub status: OfferStatus,
    /// Delegations (party indices) that accept it, in the order they did.
    pub accepted_by: Vec<usize>,
    pub counter_to: Option<OfferId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Allies,
    Mediation,
    Delegations,
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeKind {
    /// Every issue settled.
    FullDeal,
    /// Some issues settled when the talks ended.
    PartialDeal,
    /// Nothing settled.
    NoDeal,
    /// A delegation left the table.
    WalkOut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// The round in which the talks ended.
    pub round: u32,
    /// Who walked out, for a walk-out.
    pub by: Option<String>,
    /// Why, in words: the rule that ended the talks, the facilitator's or the walker's
    /// reason (empty when a party walked out without giving one).
    pub reason: String,
    /// The final package: settled options, status quo elsewhere.
    pub package: PackageIds,
    /// Ids of the settled issues.
    pub settled: Vec<String>,
}

impl Outcome {
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            OutcomeKind::FullDeal => "full deal",
            OutcomeKind::PartialDeal => "partial deal",
            OutcomeKind::NoDeal => "no deal",
            OutcomeKind::WalkOut => "walk-out",
        };
        let settled = if self.settled.is_empty() {
            "nothing settled".to_string()
        } else {
            let items: Vec<String> = self
                .settled
                .iter()
                .map(|i| format!("{i}={}", self.package.get(i).map_or("?", |s| s.as_str())))
                .collect();
            format!("settled {}", items.join(", "))
        };
        let reason = match (&self.by, self.reason.is_empty()) {
            (Some(by), true) => format!("{by} walked out"),
            _ => self.reason.clone(),
        };
        format!("{kind} in round {} ({reason}; {settled})", self.round)
    }
}

/// The package on the Pareto frontier nearest to how the talks ended
/// ([`Game::could_have_had`]); utilities 0–100, one per delegation in
/// `model.delegations` order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CouldHaveHad {
    /// Every issue's option, by id.
    pub package: PackageIds,
    /// What the outcome gave each delegation.
    pub outcome: Vec<f64>,
    /// What the frontier package would have given each.
    pub frontier: Vec<f64>,
    /// The outcome is itself on the frontier: nothing was left on the table.
    pub on_frontier: bool,
    /// Whether anything was agreed (otherwise the outcome is every side's BATNA).
    pub agreement: bool,
}

/// How a party fared: its outcome value against its initial BATNA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyResult {
    pub party: String,
    pub kind: PartyKind,
    /// Utility of the final package if anything was settled, else the final BATNA.
    pub utility: f64,
    pub initial_batna: f64,
    pub final_batna: f64,
    /// `utility - initial_batna`.
    pub gain: f64,
    /// What its levers cost it (allies and mediators).
    pub lever_costs: f64,
}

/// Measures of an agreement over the delegations, in normalised utility.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DealMetrics {
    pub point: Vec<f64>,
    pub distance_to_frontier: f64,
    pub distance_to_nash: Option<f64>,
    pub joint_gain: f64,
}

#[derive(Debug, Clone)]
struct Rejection {
    by: usize,
    /// Issues the rejected offer put on a non-status-quo option.
    issues: Vec<usize>,
}

/// A game in progress.
#[derive(Debug, Clone)]
pub struct Game {
    model: Arc<Model>,
    seed: u64,
    round: u32,
    /// Who acts in a round, in order: allies, mediators, delegations.
    order: Vec<usize>,
    turn: usize,
    prefs: Vec<Prefs>,
    offers: Vec<Offer>,
    /// Options agreed by every delegation, per issue.
    settled: Vec<Option<usize>>,
    /// Options fixed by a `LockIssue` effect, per issue: off the table, but not agreed.
    locked: Vec<Option<usize>>,
    lever_uses: Vec<u32>,
    lever_costs: Vec<f64>,
    /// Per party, how many times an effect has changed its weights or values: lets an
    /// agent see at a glance that its own preferences are as they were.
    prefs_changes: Vec<u32>,
    event_fired: Vec<u32>,
    rejections: Vec<Rejection>,
    mediator_asked: Vec<bool>,
    log: Vec<Logged>,
    outcome: Option<Outcome>,
    events_rng: Stream,
    /// Every action applied, with its party and explanation: the record's action list.
    actions: Vec<(usize, Played, Option<Explanation>)>,
    /// Facilitator moves, each with the number of actions played before it.
    facilitator_moves: Vec<(usize, FacilitatorMove)>,
}

/// An action as the game keeps it: as a person gave it (by id, kept as given), or as the
/// AI made it (by index; written as an action by id only when the record is made).
#[derive(Debug, Clone)]
pub(super) enum Played {
    Given(Action),
    Made(Move),
}

impl Played {
    fn to_action(&self, model: &Model) -> Action {
        match self {
            Played::Given(a) => a.clone(),
            Played::Made(m) => m.to_action(model),
        }
    }
}

/// What the facilitator (a teacher) does during a game, outside the turns. Each move is
/// written to the transcript as the facilitator's and kept in the record, so that replays
/// stay exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FacilitatorMove {
    /// One of the scenario's injects: its effects apply at once.
    Inject { inject: String },
    /// A free-text news item for everyone.
    News { headline: String, text: String },
    /// The talks end now, as at the deadline: what is settled stays settled.
    EndTalks { reason: String },
    /// An ally's or mediator's planned move is cancelled: it passes this turn (the pass
    /// is the party's next action). `planned` says what it was about to do.
    CancelMove { party: String, planned: String },
    /// The facilitator makes an ally's or mediator's move for it this turn (the move is
    /// the party's next action).
    MakeMove { party: String },
    /// The round's time ran out on a seat: it passes this turn (its next action).
    TimeUp { party: String },
    /// Who plays a seat from now on: the AI with a preset (`ai`), or, with none, its
    /// people again. The game only notes it; the table ([`crate::sim::ai::Table`]) gives
    /// the seat its agent or takes it away, on the game and on every replay of it.
    HandSeat {
        party: String,
        #[serde(default)]
        ai: Option<String>,
    },
}

impl FacilitatorMove {
    /// What the move is, in a few words, for messages.
    pub fn describe(&self) -> String {
        match self {
            FacilitatorMove::Inject { inject } => format!("inject `{inject}`"),
            FacilitatorMove::News { headline, .. } => format!("news “{headline}”"),
            FacilitatorMove::EndTalks { .. } => "end the talks".to_string(),
            FacilitatorMove::CancelMove { party, .. } => format!("cancel {party}'s move"),
            FacilitatorMove::MakeMove { party } => format!("make {party}'s move"),
            FacilitatorMove::TimeUp { party } => format!("time up for {party}"),
            FacilitatorMove::HandSeat {
                party,
                ai: Some(preset),
            } => {
                format!("hand {party}'s seat to the AI ({preset})")
            }
            FacilitatorMove::HandSeat { party, ai: None } => {
                format!("give {party}'s seat back to its players")
            }
        }
    }
}

/// The most transcript entries and actions a new game makes room for at once.
const LOG_CAPACITY: usize = 4096;

impl Game {
    pub fn new(model: Arc<Model>, seed: u64) -> Game {
        let mut order = model.allies.clone();
        order.extend(&model.mediators);
        order.extend(&model.delegations);
        let issues = model.issue_count();
        let parties = model.scenario.parties.len();
        let turns = (model.scenario.rules.deadline as usize + 1).saturating_mul(order.len());
        let mut game = Game {
            prefs: model.prefs.clone(),
            seed,
            round: 1,
            order,
            turn: 0,
            offers: Vec::new(),
            settled: vec![None; issues],
            locked: vec![None; issues],
            lever_uses: vec![0; model.scenario.levers.len()],
            lever_costs: vec![0.0; parties],
            prefs_changes: vec![0; parties],
            event_fired: vec![0; model.scenario.events.len()],
            rejections: Vec::new(),
            mediator_asked: vec![false; parties],
            // Room for a whole game (about three entries per turn), so that a game does
            // not copy its logs as they grow.
            log: Vec::with_capacity(turns.saturating_mul(3).min(LOG_CAPACITY)),
            outcome: None,
            events_rng: Stream::new(seed, "events"),
            actions: Vec::with_capacity(turns.min(LOG_CAPACITY)),
            facilitator_moves: Vec::new(),
            model,
        };
        game.push(Scope::Public, Kind::RoundStarted);
        game
    }

    // ---- Reading the state ----

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn round(&self) -> u32 {
        self.round
    }
    pub fn deadline(&self) -> u32 {
        self.model.scenario.rules.deadline
    }
    pub fn prefs(&self) -> &[Prefs] {
        &self.prefs
    }
    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }
    pub fn offer(&self, id: OfferId) -> Option<&Offer> {
        offer_by_id(&self.offers, id)
    }
    pub fn standing_offers(&self) -> impl Iterator<Item = &Offer> {
        self.offers
            .iter()
            .filter(|o| o.status == OfferStatus::Standing)
    }
    pub fn settled(&self) -> &[Option<usize>] {
        &self.settled
    }
    pub fn locked(&self) -> &[Option<usize>] {
        &self.locked
    }
    /// The transcript as the engine keeps it, by index.
    pub fn transcript(&self) -> &[Logged] {
        &self.log
    }
    /// The whole transcript by id, as it leaves the engine (reports, the debrief).
    pub fn entries(&self) -> Vec<super::transcript::Entry> {
        self.log.iter().map(|e| e.entry(&self.model)).collect()
    }
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }
    pub fn is_over(&self) -> bool {
        self.outcome.is_some()
    }
    /// Every action applied, with its party and explanation, as the record keeps them (by
    /// id). Built on each call: the engine keeps the AI's moves by index.
    pub fn actions(&self) -> Vec<(usize, Action, Option<Explanation>)> {
        self.actions
            .iter()
            .map(|(p, a, e)| (*p, a.to_action(&self.model), e.clone()))
            .collect()
    }
    /// How many actions have been applied.
    pub fn action_count(&self) -> usize {
        self.actions.len()
    }
    /// Action `i` (by id), if there is one.
    pub fn action_at(&self, i: usize) -> Option<Action> {
        self.actions
            .get(i)
            .map(|(_, a, _)| a.to_action(&self.model))
    }
    /// The facilitator's moves, each with the number of actions played before it.
    pub fn facilitator_moves(&self) -> &[(usize, FacilitatorMove)] {
        &self.facilitator_moves
    }

    /// Per party, how many times an effect has changed its weights or values.
    pub fn prefs_changes(&self) -> &[u32] {
        &self.prefs_changes
    }

    pub fn lever_uses(&self) -> &[u32] {
        &self.lever_uses
    }
    pub fn event_fired(&self) -> &[u32] {
        &self.event_fired
    }
    pub fn mediator_asked(&self) -> &[bool] {
        &self.mediator_asked
    }

    /// The party whose turn it is, or `None` when the talks are over.
    pub fn to_move(&self) -> Option<usize> {
        if self.is_over() {
            None
        } else {
            self.order.get(self.turn).copied()
        }
    }

    pub fn phase(&self) -> Phase {
        match self.to_move() {
            None => Phase::Ended,
            Some(p) => match self.model.kind(p) {
                PartyKind::Ally => Phase::Allies,
                PartyKind::Mediator => Phase::Mediation,
                PartyKind::Delegation => Phase::Delegations,
            },
        }
    }

    /// The package as it stands: locked and settled options, status quo elsewhere.
    pub fn current_package(&self) -> Vec<usize> {
        as_it_stands(&self.settled, &self.locked, self.model.status_quo())
    }

    /// An offer completed with the current state: its options where it names one,
    /// settled options or status quo elsewhere.
    pub fn complete(&self, package: &[Option<usize>]) -> Vec<usize> {
        completed(package, &self.current_package())
    }
}

/// Offer `id` of a list of offers in the order they were made: offer `id` is the
/// `id`-th (ids count from 1), so it is found at once; a list kept otherwise is searched.
pub fn offer_by_id(offers: &[Offer], id: OfferId) -> Option<&Offer> {
    let at = usize::try_from(id).ok()?.checked_sub(1)?;
    match offers.get(at) {
        Some(o) if o.id == id => Some(o),
        _ => offers.iter().find(|o| o.id == id),
    }
}

/// As [`offer_by_id`], for changing the offer.
pub(super) fn offer_by_id_mut(offers: &mut [Offer], id: OfferId) -> Option<&mut Offer> {
    let at = usize::try_from(id).ok()?.checked_sub(1)?;
    if offers.get(at).is_some_and(|o| o.id == id) {
        return offers.get_mut(at);
    }
    offers.iter_mut().find(|o| o.id == id)
}

/// The package as it stands, from what is settled and locked and the status quo (the
/// game's and an observation's alike).
pub fn as_it_stands(
    settled: &[Option<usize>],
    locked: &[Option<usize>],
    status_quo: &[usize],
) -> Vec<usize> {
    let mut out = Vec::with_capacity(status_quo.len());
    as_it_stands_into(settled, locked, status_quo, &mut out);
    out
}

/// [`as_it_stands`], written into `out` (reused, not reallocated).
pub fn as_it_stands_into(
    settled: &[Option<usize>],
    locked: &[Option<usize>],
    status_quo: &[usize],
    out: &mut Vec<usize>,
) {
    out.clear();
    out.extend(
        settled
            .iter()
            .zip(locked)
            .zip(status_quo)
            .map(|((s, l), q)| l.or(*s).unwrap_or(*q)),
    );
}

/// A partial package completed with the package as it stands.
pub fn completed(package: &[Option<usize>], current: &[usize]) -> Vec<usize> {
    package
        .iter()
        .zip(current)
        .map(|(o, c)| o.unwrap_or(*c))
        .collect()
}
