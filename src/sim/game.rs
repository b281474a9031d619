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
    Action, ActionError, Audience, MAX_TEXT_CHARS, OfferId, PackageIds, Reason, Stance,
};
use super::ai::reason::{PublicReason, Rationale};
use super::analysis::{OutcomeSpace, joint_gain};
use super::model::{Model, Prefs};
use super::rng::Stream;
use super::scenario::{Condition, Effect, PartyKind, Trigger};
use super::transcript::{Entry, EntryKind, Visibility};

/// Why a party acted: a coarse public reason and the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub public: Option<PublicReason>,
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
        format!(
            "{kind} in round {} ({}; {settled})",
            self.round, self.reason
        )
    }
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
    event_fired: Vec<u32>,
    rejections: Vec<Rejection>,
    mediator_asked: Vec<bool>,
    log: Vec<Entry>,
    outcome: Option<Outcome>,
    events_rng: Stream,
    /// Every action applied, with its party and explanation: the record's action list.
    actions: Vec<(usize, Action, Option<Explanation>)>,
    /// Facilitator moves, each with the number of actions played before it.
    facilitator_moves: Vec<(usize, FacilitatorMove)>,
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
        game.push(Visibility::Public, EntryKind::RoundStarted);
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
        self.offers.iter().find(|o| o.id == id)
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
    pub fn transcript(&self) -> &[Entry] {
        &self.log
    }
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }
    pub fn is_over(&self) -> bool {
        self.outcome.is_some()
    }
    pub fn actions(&self) -> &[(usize, Action, Option<Explanation>)] {
        &self.actions
    }
    /// The facilitator's moves, each with the number of actions played before it.
    pub fn facilitator_moves(&self) -> &[(usize, FacilitatorMove)] {
        &self.facilitator_moves
    }

    /// The facilitator steps in: applies the move at once, whoever is to play.
    pub fn facilitate(&mut self, m: FacilitatorMove) -> Result<&[Entry], ActionError> {
        if self.is_over() {
            return Err(ActionError::TalksOver);
        }
        let first = self.log.len();
        match &m {
            FacilitatorMove::News { headline, text } => {
                Self::text_ok(Some(headline))?;
                Self::text_ok(Some(text))?;
            }
            FacilitatorMove::EndTalks { reason } => Self::text_ok(Some(reason))?,
            FacilitatorMove::CancelMove { planned, .. } => Self::text_ok(Some(planned))?,
            _ => {}
        }
        match &m {
            FacilitatorMove::CancelMove { party, .. }
            | FacilitatorMove::MakeMove { party }
            | FacilitatorMove::TimeUp { party } => {
                let p = self.turn_of(party)?;
                let name = &self.model.scenario.parties[p].name;
                let text = match &m {
                    FacilitatorMove::CancelMove { planned, .. } => {
                        format!("cancels the planned move of {name} ({planned}); it passes")
                    }
                    FacilitatorMove::MakeMove { .. } => {
                        format!("makes this turn's move for {name}")
                    }
                    _ => format!("time is up for {name}; the seat passes"),
                };
                let third_party = self.model.kind(p) != PartyKind::Delegation;
                if !third_party && !matches!(m, FacilitatorMove::TimeUp { .. }) {
                    return Err(ActionError::NotAllowed {
                        kind: self.model.kind(p),
                        action: "be overruled by the facilitator",
                    });
                }
                self.push(Visibility::Public, EntryKind::Facilitator { text });
            }
            FacilitatorMove::Inject { inject } => {
                let Some(found) = self
                    .model
                    .scenario
                    .injects
                    .iter()
                    .find(|i| i.id == *inject)
                    .cloned()
                else {
                    return Err(ActionError::UnknownInject(inject.clone()));
                };
                self.push(
                    Visibility::Public,
                    EntryKind::Facilitator {
                        text: format!("injects “{}”", found.name),
                    },
                );
                // Like an event's, an inject's texts go out in the mediator's name.
                let owner = self.model.mediators.first().copied();
                for effect in &found.effects {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, owner);
                }
            }
            FacilitatorMove::News { headline, text } => {
                self.push(
                    Visibility::Public,
                    EntryKind::Facilitator {
                        text: "announces news".to_string(),
                    },
                );
                self.push(
                    Visibility::Public,
                    EntryKind::News {
                        headline: headline.clone(),
                        text: text.clone(),
                        source: None,
                    },
                );
            }
            FacilitatorMove::EndTalks { reason } => {
                self.push(
                    Visibility::Public,
                    EntryKind::Facilitator {
                        text: format!("ends the talks: {reason}"),
                    },
                );
                self.apply_effect(
                    &Effect::EndTalks {
                        reason: reason.clone(),
                    },
                    None,
                );
            }
        }
        self.facilitator_moves.push((self.actions.len(), m));
        Ok(&self.log[first..])
    }
    /// The facilitator plays the turn of the party to move: `CancelMove` and `TimeUp`
    /// with a pass, `MakeMove` with the facilitator's `action`. Everything is checked
    /// before anything changes; then the move and the party's action are applied one after
    /// the other, as a replay of the record applies them.
    pub fn play_turn(&mut self, m: FacilitatorMove, action: Action) -> Result<(), ActionError> {
        let party = match (&m, &action) {
            (FacilitatorMove::MakeMove { party }, _)
            | (FacilitatorMove::CancelMove { party, .. }, Action::Pass)
            | (FacilitatorMove::TimeUp { party }, Action::Pass) => party,
            (FacilitatorMove::CancelMove { .. } | FacilitatorMove::TimeUp { .. }, _) => {
                return Err(ActionError::NotATurn("anything but a pass"));
            }
            _ => {
                return Err(ActionError::NotATurn(
                    "an inject, news or the end of the talks",
                ));
            }
        };
        let p = self.turn_of(party)?;
        self.check(p, &action)?;
        self.facilitate(m)?;
        self.apply_index(p, action).map(|_| ())
    }

    /// The index of `party` if it is its turn (a move on its turn).
    fn turn_of(&self, party: &str) -> Result<usize, ActionError> {
        let p = self
            .model
            .party_index(party)
            .ok_or_else(|| ActionError::UnknownParty(party.to_string()))?;
        match self.to_move() {
            Some(expected) if expected != p => Err(ActionError::NotYourTurn {
                expected: self.model.party_id(expected).to_string(),
                got: party.to_string(),
            }),
            None => Err(ActionError::TalksOver),
            Some(_) => Ok(p),
        }
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
        let sq = self.model.status_quo();
        self.settled
            .iter()
            .zip(&self.locked)
            .zip(sq)
            .map(|((s, l), q)| l.or(*s).unwrap_or(q))
            .collect()
    }

    /// An offer completed with the current state: its options where it names one,
    /// settled options or status quo elsewhere.
    pub fn complete(&self, package: &[Option<usize>]) -> Vec<usize> {
        package
            .iter()
            .zip(self.current_package())
            .map(|(o, c)| o.unwrap_or(c))
            .collect()
    }

    /// Whether the lever could be used now (owner's turn aside).
    pub fn lever_enabled(&self, lever: usize) -> bool {
        let l = &self.model.scenario.levers[lever];
        self.lever_uses[lever] < l.max_uses && self.holds(&l.enabled_when)
    }

    /// Whether a condition holds in the current state.
    pub fn holds(&self, c: &Condition) -> bool {
        let m = &self.model;
        match c {
            Condition::Always => true,
            Condition::Round(n) => self.round == *n,
            Condition::RoundAtLeast(n) => self.round >= *n,
            Condition::OfferRejected { by, issue } => {
                let by = m.party_index(by);
                let issue = issue.as_ref().map(|i| m.issue_index(i));
                self.rejections.iter().any(|r| {
                    Some(r.by) == by
                        && match issue {
                            None => true,
                            Some(i) => i.is_some_and(|i| r.issues.contains(&i)),
                        }
                })
            }
            Condition::IssueSettled { issue, option } => {
                let Some(i) = m.issue_index(issue) else {
                    return false;
                };
                match (self.settled[i], option) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(o), Some(opt)) => m.option_index(i, opt) == Some(o),
                }
            }
            Condition::BatnaBelow { party, value } => m
                .party_index(party)
                .is_some_and(|p| self.prefs[p].batna < *value),
            Condition::BatnaAbove { party, value } => m
                .party_index(party)
                .is_some_and(|p| self.prefs[p].batna > *value),
            Condition::LeverUsed(id) => m
                .scenario
                .levers
                .iter()
                .position(|l| &l.id == id)
                .is_some_and(|l| self.lever_uses[l] > 0),
            Condition::EventFired(id) => m
                .scenario
                .events
                .iter()
                .position(|e| &e.id == id)
                .is_some_and(|e| self.event_fired[e] > 0),
            Condition::MediatorAsked(id) => {
                m.party_index(id).is_some_and(|p| self.mediator_asked[p])
            }
            Condition::All(list) => list.iter().all(|c| self.holds(c)),
            Condition::Any(list) => list.iter().any(|c| self.holds(c)),
            Condition::Not(inner) => !self.holds(inner),
        }
    }

    /// Each party's result (for a finished game; for a running one, as if it ended now
    /// with what is settled).
    pub fn results(&self) -> Vec<PartyResult> {
        let package = self.current_package();
        let anything_settled = self.settled.iter().any(Option::is_some);
        self.model
            .scenario
            .parties
            .iter()
            .enumerate()
            .map(|(p, party)| {
                let prefs = &self.prefs[p];
                let utility = if anything_settled {
                    prefs.utility(&package)
                } else {
                    prefs.batna
                };
                let initial = self.model.prefs[p].batna;
                PartyResult {
                    party: party.id.clone(),
                    kind: party.kind,
                    utility,
                    initial_batna: initial,
                    final_batna: prefs.batna,
                    gain: utility - initial,
                    lever_costs: self.lever_costs[p],
                }
            })
            .collect()
    }

    /// The outcome space over the delegations with their current preferences.
    pub fn outcome_space(&self) -> OutcomeSpace {
        OutcomeSpace::new(&self.model, &self.prefs)
    }

    /// Measures of the agreement, if anything was settled.
    pub fn deal_metrics(&self, space: &OutcomeSpace) -> Option<DealMetrics> {
        if self.settled.iter().all(Option::is_none) {
            return None;
        }
        let package = self.current_package();
        let point: Vec<f64> = self
            .model
            .delegations
            .iter()
            .map(|&d| self.prefs[d].utility(&package) / 100.0)
            .collect();
        Some(DealMetrics {
            distance_to_frontier: space.distance_to_frontier(&point),
            distance_to_nash: space.distance_to_nash(&point),
            joint_gain: joint_gain(&point, &space.batnas),
            point,
        })
    }

    // ---- Acting ----

    /// Applies `action` by the party with id `party`. On error nothing changes.
    /// Returns the transcript entries the action produced (events included).
    pub fn apply(&mut self, party: &str, action: Action) -> Result<&[Entry], ActionError> {
        let p = self
            .model
            .party_index(party)
            .ok_or_else(|| ActionError::UnknownParty(party.to_string()))?;
        self.apply_index(p, action)
    }

    /// As [`Game::apply`], with a party index.
    pub fn apply_index(&mut self, p: usize, action: Action) -> Result<&[Entry], ActionError> {
        self.apply_explained(p, action, None)
    }

    /// Applies an action with the reasons an AI gives for it: the public reason is
    /// written to the transcript for all, the rationale for the facilitator only.
    pub fn apply_explained(
        &mut self,
        p: usize,
        action: Action,
        explanation: Option<Explanation>,
    ) -> Result<&[Entry], ActionError> {
        let checked = self.check(p, &action)?;
        let first = self.log.len();
        self.actions.push((p, action.clone(), explanation.clone()));
        if let Some(Explanation { public, rationale }) = explanation {
            let by = self.id(p);
            if let Some(reason) = public {
                self.push(
                    Visibility::Public,
                    EntryKind::Explained {
                        by: by.clone(),
                        reason,
                    },
                );
            }
            self.push(
                Visibility::Facilitator,
                EntryKind::Rationale { by, rationale },
            );
        }
        self.execute(p, action, checked);
        if !self.is_over() {
            self.turn += 1;
            if self.turn >= self.order.len() {
                self.end_of_round();
            }
        }
        Ok(&self.log[first..])
    }

    fn text_ok(text: Option<&str>) -> Result<(), ActionError> {
        match text {
            Some(t) if t.chars().count() > MAX_TEXT_CHARS => Err(ActionError::TextTooLong),
            _ => Ok(()),
        }
    }

    fn resolve(&self, ids: &PackageIds) -> Result<Vec<Option<usize>>, ActionError> {
        let m = &self.model;
        if ids.is_empty() {
            return Err(ActionError::EmptyPackage);
        }
        let mut package = vec![None; m.issue_count()];
        for (issue, option) in ids {
            let i = m
                .issue_index(issue)
                .ok_or_else(|| ActionError::UnknownIssue(issue.clone()))?;
            let o = m
                .option_index(i, option)
                .ok_or_else(|| ActionError::UnknownOption {
                    issue: issue.clone(),
                    option: option.clone(),
                })?;
            if let Some(locked_on) = self.locked[i]
                && locked_on != o
            {
                return Err(ActionError::IssueLocked {
                    issue: issue.clone(),
                    option: m.scenario.issues[i].options[locked_on].id.clone(),
                });
            }
            package[i] = Some(o);
        }
        if m.scenario.rules.nothing_agreed_until_all_agreed
            && let Some(i) = package.iter().position(Option::is_none)
        {
            return Err(ActionError::IncompletePackage(
                m.scenario.issues[i].id.clone(),
            ));
        }
        Ok(package)
    }

    fn standing(&self, id: OfferId) -> Result<&Offer, ActionError> {
        let offer = self.offer(id).ok_or(ActionError::UnknownOffer(id))?;
        if offer.status != OfferStatus::Standing {
            return Err(ActionError::OfferNotStanding(id));
        }
        Ok(offer)
    }

    fn check_stances(&self, stances: &[Stance]) -> Result<(), ActionError> {
        // A stance per option at most: more is a hostile or broken message.
        let options: usize = self.model.option_counts().iter().sum();
        if stances.len() > options {
            return Err(ActionError::TooMany {
                what: "stances",
                limit: options,
            });
        }
        for s in stances {
            let i = self
                .model
                .issue_index(&s.issue)
                .ok_or_else(|| ActionError::UnknownIssue(s.issue.clone()))?;
            self.model
                .option_index(i, &s.option)
                .ok_or_else(|| ActionError::UnknownOption {
                    issue: s.issue.clone(),
                    option: s.option.clone(),
                })?;
        }
        Ok(())
    }

    /// Whether `p` may take `action` now (what `apply` would refuse, without applying).
    pub fn check_action(&self, p: usize, action: &Action) -> Result<(), ActionError> {
        self.check(p, action).map(|_| ())
    }

    /// Everything that can make `action` illegal, checked before any change.
    fn check(&self, p: usize, action: &Action) -> Result<Checked, ActionError> {
        let Some(expected) = self.to_move() else {
            return Err(ActionError::TalksOver);
        };
        if expected != p {
            return Err(ActionError::NotYourTurn {
                expected: self.model.party_id(expected).to_string(),
                got: self.model.party_id(p).to_string(),
            });
        }
        let kind = self.model.kind(p);
        if !action.allowed_for(kind) {
            return Err(ActionError::NotAllowed {
                kind,
                action: action.name(),
            });
        }
        let m = &self.model;
        Ok(match action {
            Action::Propose { package, note } => {
                Self::text_ok(note.as_deref())?;
                Checked::Package(self.resolve(package)?)
            }
            Action::Counter { to, package, note } => {
                Self::text_ok(note.as_deref())?;
                let offer = self.standing(*to)?;
                if offer.author == Some(p) {
                    return Err(ActionError::OwnOffer(*to));
                }
                Checked::Package(self.resolve(package)?)
            }
            Action::Accept { offer } => {
                let o = self.standing(*offer)?;
                if o.accepted_by.contains(&p) {
                    return Err(ActionError::AlreadyAccepted(*offer));
                }
                Checked::Nothing
            }
            Action::Reject { offer, reason } => {
                let o = self.standing(*offer)?;
                if o.author == Some(p) {
                    return Err(ActionError::OwnOffer(*offer));
                }
                if let Some(Reason { issue, text }) = reason {
                    Self::text_ok(text.as_deref())?;
                    if let Some(issue) = issue {
                        m.issue_index(issue)
                            .ok_or_else(|| ActionError::UnknownIssue(issue.clone()))?;
                    }
                }
                Checked::Nothing
            }
            Action::Withdraw { offer } => {
                let o = self.standing(*offer)?;
                if o.author != Some(p) {
                    return Err(ActionError::NotYourOffer(*offer));
                }
                Checked::Nothing
            }
            Action::Statement { to, stances, text } => {
                Self::text_ok(text.as_deref())?;
                if stances.is_empty() && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    return Err(ActionError::EmptyStatement);
                }
                self.check_stances(stances)?;
                if let Audience::Private(list) = to {
                    if list.len() > m.scenario.parties.len() {
                        return Err(ActionError::TooMany {
                            what: "listeners",
                            limit: m.scenario.parties.len(),
                        });
                    }
                    let mut any = false;
                    for id in list {
                        let q = m
                            .party_index(id)
                            .ok_or_else(|| ActionError::UnknownParty(id.clone()))?;
                        any |= q != p;
                    }
                    if !any {
                        return Err(ActionError::NoAudience);
                    }
                }
                Checked::Nothing
            }
            Action::AskMediator { note } => {
                Self::text_ok(note.as_deref())?;
                if m.mediators.is_empty() {
                    return Err(ActionError::NoMediator);
                }
                Checked::Nothing
            }
            Action::Caucus { ally, text } => {
                Self::text_ok(Some(text))?;
                let a = m
                    .party_index(ally)
                    .ok_or_else(|| ActionError::UnknownParty(ally.clone()))?;
                if m.kind(a) != PartyKind::Ally {
                    return Err(ActionError::NotAnAlly(ally.clone()));
                }
                Checked::Nothing
            }
            Action::UseLever { lever } => {
                let l = m
                    .scenario
                    .levers
                    .iter()
                    .position(|x| &x.id == lever)
                    .ok_or_else(|| ActionError::UnknownLever(lever.clone()))?;
                if m.scenario.levers[l].owner != m.party_id(p) {
                    return Err(ActionError::NotYourLever(lever.clone()));
                }
                if self.lever_uses[l] >= m.scenario.levers[l].max_uses {
                    return Err(ActionError::LeverExhausted(lever.clone()));
                }
                if !self.holds(&m.scenario.levers[l].enabled_when) {
                    return Err(ActionError::LeverNotEnabled(lever.clone()));
                }
                Checked::Lever(l)
            }
            Action::WalkOut { reason } => {
                Self::text_ok(reason.as_deref())?;
                Checked::Nothing
            }
            Action::Pass => Checked::Nothing,
        })
    }

    fn push(&mut self, visibility: Visibility, kind: EntryKind) {
        self.log.push(Entry {
            seq: self.log.len(),
            round: self.round,
            visibility,
            kind,
        });
    }

    fn id(&self, p: usize) -> String {
        self.model.party_id(p).to_string()
    }

    fn execute(&mut self, p: usize, action: Action, checked: Checked) {
        let me = self.id(p);
        match (action, checked) {
            (Action::Propose { note, .. }, Checked::Package(package)) => {
                self.put_offer(Some(p), package, None, note);
            }
            (Action::Counter { to, note, .. }, Checked::Package(package)) => {
                self.reject(p, to, None);
                self.put_offer(Some(p), package, Some(to), note);
            }
            (Action::Accept { offer }, _) => {
                self.push(Visibility::Public, EntryKind::Accepted { by: me, offer });
                if let Some(o) = self.offers.iter_mut().find(|o| o.id == offer) {
                    o.accepted_by.push(p);
                }
                self.settle_if_agreed(offer);
            }
            (Action::Reject { offer, reason }, _) => self.reject(p, offer, reason),
            (Action::Withdraw { offer }, _) => {
                self.set_status(offer, OfferStatus::Withdrawn, format!("by {me}"));
            }
            (Action::Statement { to, stances, text }, _) => {
                let visibility = match to {
                    Audience::Public => Visibility::Public,
                    Audience::Private(list) => Visibility::Private {
                        from: me.clone(),
                        to: list.into_iter().filter(|q| *q != me).collect(),
                    },
                };
                self.push(
                    visibility,
                    EntryKind::Statement {
                        by: me,
                        stances,
                        text,
                    },
                );
            }
            (Action::AskMediator { note }, _) => {
                self.mediator_asked[p] = true;
                self.push(
                    Visibility::Public,
                    EntryKind::AskedMediator { by: me, note },
                );
            }
            (Action::Caucus { ally, text }, _) => {
                self.push(
                    Visibility::Caucus {
                        delegation: me.clone(),
                        ally: ally.clone(),
                    },
                    EntryKind::Caucus { by: me, ally, text },
                );
            }
            (Action::UseLever { lever }, Checked::Lever(l)) => {
                let model = Arc::clone(&self.model);
                let def = &model.scenario.levers[l];
                self.lever_uses[l] += 1;
                self.lever_costs[p] += def.cost;
                self.push(
                    Visibility::Public,
                    EntryKind::LeverUsed {
                        by: me,
                        lever,
                        text: def.public_text.clone(),
                    },
                );
                for effect in &def.effects {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, Some(p));
                }
            }
            (Action::WalkOut { reason }, _) => {
                self.push(
                    Visibility::Public,
                    EntryKind::WalkedOut {
                        by: me.clone(),
                        reason: reason.clone(),
                    },
                );
                self.end(
                    OutcomeKind::WalkOut,
                    Some(me.clone()),
                    reason.unwrap_or_else(|| format!("{me} walked out")),
                );
            }
            (Action::Pass, _) => self.push(Visibility::Public, EntryKind::Passed { by: me }),
            // `check` returns the matching `Checked` for each action.
            _ => {}
        }
    }

    fn reject(&mut self, p: usize, offer: OfferId, reason: Option<Reason>) {
        let sq = self.model.status_quo();
        if let Some(o) = self.offers.iter_mut().find(|o| o.id == offer) {
            o.accepted_by.retain(|&q| q != p);
            let issues = o
                .package
                .iter()
                .enumerate()
                .filter(|(i, x)| x.is_some_and(|x| x != sq[*i]))
                .map(|(i, _)| i)
                .collect();
            self.rejections.push(Rejection { by: p, issues });
        }
        let by = self.id(p);
        self.push(
            Visibility::Public,
            EntryKind::Rejected { by, offer, reason },
        );
    }

    fn set_status(&mut self, offer: OfferId, status: OfferStatus, why: String) {
        if let Some(o) = self.offers.iter_mut().find(|o| o.id == offer) {
            o.status = status;
        }
        if status != OfferStatus::Settled {
            self.push(Visibility::Public, EntryKind::Withdrawn { offer, why });
        }
    }

    fn put_offer(
        &mut self,
        author: Option<usize>,
        package: Vec<Option<usize>>,
        counter_to: Option<OfferId>,
        note: Option<String>,
    ) {
        if let Some(a) = author {
            let previous: Vec<OfferId> = self
                .standing_offers()
                .filter(|o| o.author == Some(a))
                .map(|o| o.id)
                .collect();
            for id in previous {
                self.set_status(id, OfferStatus::Replaced, "replaced by a new offer".into());
            }
        }
        let id = self.offers.len() as OfferId + 1;
        let accepted_by = match author {
            Some(a) if self.model.kind(a) == PartyKind::Delegation => vec![a],
            _ => Vec::new(),
        };
        self.push(
            Visibility::Public,
            EntryKind::Proposed {
                by: author.map(|a| self.id(a)),
                offer: id,
                package: self.model.partial_package_ids(&package),
                counter_to,
                note,
            },
        );
        self.offers.push(Offer {
            id,
            author,
            round: self.round,
            package,
            status: OfferStatus::Standing,
            accepted_by,
            counter_to,
        });
        self.settle_if_agreed(id);
    }

    /// Settles an offer every delegation has accepted; ends the talks if nothing is left.
    fn settle_if_agreed(&mut self, offer: OfferId) {
        let Some(o) = self.offer(offer) else { return };
        if o.status != OfferStatus::Standing
            || !self
                .model
                .delegations
                .iter()
                .all(|d| o.accepted_by.contains(d))
        {
            return;
        }
        let package = o.package.clone();
        self.set_status(offer, OfferStatus::Settled, String::new());
        for (i, option) in package.iter().enumerate() {
            if let Some(option) = *option {
                self.settled[i] = Some(option);
                let issue = &self.model.scenario.issues[i];
                let (issue_id, option_id) = (issue.id.clone(), issue.options[option].id.clone());
                self.push(
                    Visibility::Public,
                    EntryKind::Settled {
                        issue: issue_id,
                        option: option_id,
                    },
                );
            }
        }
        self.end_if_all_settled();
    }

    /// A full deal: every issue agreed, or off the table with at least one agreed.
    fn end_if_all_settled(&mut self) {
        let all_closed = self
            .settled
            .iter()
            .zip(&self.locked)
            .all(|(s, l)| s.is_some() || l.is_some());
        if !self.is_over() && all_closed && self.settled.iter().any(Option::is_some) {
            self.end(
                OutcomeKind::FullDeal,
                None,
                "every issue is settled".to_string(),
            );
        }
    }

    fn apply_effect(&mut self, effect: &Effect, owner: Option<usize>) {
        let m = Arc::clone(&self.model);
        match effect {
            Effect::MoveBatna { party, by } => {
                if let Some(p) = m.party_index(party) {
                    let now = (self.prefs[p].batna + by).clamp(0.0, 100.0);
                    let moved = now - self.prefs[p].batna;
                    self.prefs[p].batna = now;
                    self.push(
                        Visibility::Only(party.clone()),
                        EntryKind::BatnaMoved {
                            party: party.clone(),
                            by: moved,
                            now,
                        },
                    );
                }
            }
            Effect::SetValue {
                party,
                issue,
                option,
                value,
            } => {
                if let (Some(p), Some(i)) = (m.party_index(party), m.issue_index(issue))
                    && let Some(o) = m.option_index(i, option)
                {
                    self.prefs[p].values[i][o] = *value;
                    self.push(
                        Visibility::Only(party.clone()),
                        EntryKind::ValueChanged {
                            party: party.clone(),
                            issue: issue.clone(),
                            option: option.clone(),
                            value: *value,
                        },
                    );
                }
            }
            Effect::SetWeight {
                party,
                issue,
                weight,
            } => {
                if let (Some(p), Some(i)) = (m.party_index(party), m.issue_index(issue)) {
                    self.prefs[p].set_weight(i, *weight);
                    self.push(
                        Visibility::Only(party.clone()),
                        EntryKind::WeightChanged {
                            party: party.clone(),
                            issue: issue.clone(),
                            weight: *weight,
                        },
                    );
                }
            }
            Effect::News {
                headline,
                text,
                source,
            } => self.push(
                Visibility::Public,
                EntryKind::News {
                    headline: headline.clone(),
                    text: text.clone(),
                    source: source.clone(),
                },
            ),
            Effect::LockIssue { issue, option } => {
                if let Some(i) = m.issue_index(issue)
                    && let Some(o) = m.option_index(i, option)
                {
                    self.locked[i] = Some(o);
                    self.push(
                        Visibility::Public,
                        EntryKind::Locked {
                            issue: issue.clone(),
                            option: option.clone(),
                        },
                    );
                    let conflicting: Vec<OfferId> = self
                        .standing_offers()
                        .filter(|x| x.package[i].is_some_and(|x| x != o))
                        .map(|x| x.id)
                        .collect();
                    for id in conflicting {
                        self.set_status(
                            id,
                            OfferStatus::Withdrawn,
                            format!("{issue} was taken off the table"),
                        );
                    }
                    self.end_if_all_settled();
                }
            }
            Effect::Propose { package } => {
                let mut resolved = vec![None; m.issue_count()];
                for (issue, option) in package {
                    if let Some(i) = m.issue_index(issue)
                        && let Some(o) = m.option_index(i, option)
                        && self.locked[i].is_none_or(|l| l == o)
                    {
                        resolved[i] = Some(o);
                    }
                }
                if resolved.iter().any(Option::is_some) {
                    self.put_offer(owner, resolved, None, None);
                }
            }
            Effect::EndTalks { reason } => {
                let kind = if self.settled.iter().any(Option::is_some) {
                    OutcomeKind::PartialDeal
                } else {
                    OutcomeKind::NoDeal
                };
                self.end(kind, None, reason.clone());
            }
        }
    }

    /// Events in file order, then the next round or the end at the deadline.
    fn end_of_round(&mut self) {
        let model = Arc::clone(&self.model);
        for (e, event) in model.scenario.events.iter().enumerate() {
            // One draw per random event per round, whatever the state, so that the
            // players' choices never shift later draws.
            let draw = match event.trigger {
                Trigger::Random { .. } => Some(self.events_rng.unit()),
                _ => None,
            };
            if self.is_over() || (self.event_fired[e] > 0 && !event.repeat) {
                continue;
            }
            let fires = match &event.trigger {
                Trigger::AtRound(n) => self.round == *n,
                Trigger::When(c) => self.holds(c),
                Trigger::Random { probability, when } => {
                    draw.is_some_and(|d| d < *probability) && self.holds(when)
                }
            };
            if fires {
                self.event_fired[e] += 1;
                self.push(
                    Visibility::Public,
                    EntryKind::EventFired {
                        event: event.id.clone(),
                        name: event.name.clone(),
                    },
                );
                let owner = model.mediators.first().copied();
                for effect in &event.effects {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, owner);
                }
            }
        }
        if self.is_over() {
            return;
        }
        if self.round >= self.deadline() {
            let kind = if self.settled.iter().any(Option::is_some) {
                OutcomeKind::PartialDeal
            } else {
                OutcomeKind::NoDeal
            };
            self.end(kind, None, "the deadline was reached".to_string());
        } else {
            self.round += 1;
            self.turn = 0;
            self.push(Visibility::Public, EntryKind::RoundStarted);
        }
    }

    fn end(&mut self, kind: OutcomeKind, by: Option<String>, reason: String) {
        let package = self.current_package();
        let settled = self
            .settled
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .map(|(i, _)| self.model.scenario.issues[i].id.clone())
            .collect();
        let outcome = Outcome {
            kind,
            round: self.round,
            by,
            reason,
            package: self.model.package_ids(&package),
            settled,
        };
        self.push(
            Visibility::Public,
            EntryKind::TalksEnded {
                outcome: outcome.describe(),
            },
        );
        let standing: Vec<OfferId> = self.standing_offers().map(|o| o.id).collect();
        for id in standing {
            if let Some(o) = self.offers.iter_mut().find(|o| o.id == id) {
                o.status = OfferStatus::Withdrawn;
            }
        }
        self.outcome = Some(outcome);
    }

    /// Settled issues and their options, by id.
    pub fn settled_ids(&self) -> BTreeMap<String, String> {
        self.settled
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.map(|o| {
                    let issue = &self.model.scenario.issues[i];
                    (issue.id.clone(), issue.options[o].id.clone())
                })
            })
            .collect()
    }
}

/// What `check` resolved, handed to `execute` so nothing is looked up twice.
enum Checked {
    Nothing,
    Package(Vec<Option<usize>>),
    Lever(usize),
}
