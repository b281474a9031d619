//! `Observation`: what one seat may see, as the AI reads it (MODEL.md, "Visibility").
//!
//! The AI's only input. It is made of three things, none of them the game:
//! - the scenario's public facts ([`Public`]: issues and options, every party's public
//!   face, the turn order, the status quo), which every seat knows;
//! - the seat's own state ([`SeatView`]): its own preferences and levers, the offers on the
//!   table, what is settled and locked, and the transcript entries visible to it — never
//!   another party's preferences, brief or private messages;
//! - caches of pure computations ([`Caches`]: utility tables of the seat's own preferences,
//!   answers of the Nash-text search), which hold no information of their own.
//!
//! In the game's process an observation borrows the seat's state from the game
//! ([`Observation::new`]) instead of copying the transcript for every decision; a remote
//! client builds the same observation from a [`SeatView`] it received
//! ([`SeatView::observation`]), and the AI decides the same either way. Both filter the
//! transcript with [`Scope::visible_to`](super::transcript::Scope::visible_to).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ai::memo::TextMemo;
use super::game::{Game, Offer, Phase};
use super::links::Links;
use super::model::{Model, Prefs, UtilityTable};
use super::rules::Eff;
use super::scenario::{Issue, Lever, PartyKind};
use super::transcript::Logged;

/// The scenario's public facts, by index: what every seat knows. Built once per model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Public {
    pub issues: Vec<Issue>,
    pub parties: Vec<PublicSeat>,
    /// Delegations in turn order.
    pub delegations: Vec<usize>,
    /// The status-quo option of each issue.
    pub status_quo: Vec<usize>,
    /// How many options each issue has.
    pub option_counts: Vec<usize>,
    /// Nothing is agreed until everything is: every proposal covers every issue, and
    /// without a deal each side has its BATNA (the status quo is nobody's fallback).
    pub all_or_nothing: bool,
    /// The option rules: which packages an agreement may be.
    pub links: Links,
}

/// One party as every seat knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicSeat {
    pub id: String,
    pub kind: PartyKind,
    /// The client of an ally, if it names one.
    pub ally_of: Option<usize>,
}

impl Public {
    pub fn new(model: &Model) -> Public {
        let s = &model.scenario;
        Public {
            issues: s.issues.clone(),
            parties: s
                .parties
                .iter()
                .map(|p| PublicSeat {
                    id: p.id.clone(),
                    kind: p.kind,
                    ally_of: p.ally_of.as_deref().and_then(|c| model.party_index(c)),
                })
                .collect(),
            delegations: model.delegations.clone(),
            status_quo: model.status_quo().to_vec(),
            option_counts: model.option_counts(),
            all_or_nothing: s.rules.nothing_agreed_until_all_agreed,
            links: model.links().clone(),
        }
    }
}

/// Computations an agent may reuse: each answer depends only on the inputs it is given.
pub trait Caches: Sync {
    /// The utility table of a party's preferences (over the packages the public option
    /// rules allow).
    fn table_for(&self, party: usize, prefs: &Prefs, public: &Public) -> Arc<UtilityTable>;
    /// Answers of the Nash-text search.
    fn text_memo(&self) -> &TextMemo;
}

impl Caches for Model {
    fn table_for(&self, party: usize, prefs: &Prefs, _public: &Public) -> Arc<UtilityTable> {
        Model::table_for(self, party, prefs)
    }
    fn text_memo(&self) -> &TextMemo {
        Model::text_memo(self)
    }
}

/// Caches for an agent away from the model (a remote seat): tables are computed when
/// asked, searches remembered.
#[derive(Debug, Default)]
pub struct LocalCaches {
    memo: TextMemo,
}

impl Caches for LocalCaches {
    fn table_for(&self, _party: usize, prefs: &Prefs, public: &Public) -> Arc<UtilityTable> {
        let radix: Vec<usize> = prefs.values.iter().map(Vec::len).collect();
        let allowed = public.links.allowed(&radix);
        Arc::new(UtilityTable::new(&radix, prefs, allowed.as_deref()))
    }
    fn text_memo(&self) -> &TextMemo {
        &self.memo
    }
}

/// One of the seat's own levers, and whether it can be used now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatLever {
    /// Its position among the scenario's levers.
    pub index: usize,
    pub lever: Lever,
    /// Its effects, by index.
    pub effects: Vec<Eff>,
    pub enabled: bool,
    /// How many times it has been used.
    #[serde(default)]
    pub uses: u32,
    /// Why it cannot be used now, in words (empty when it can).
    #[serde(default)]
    pub blocked: Vec<String>,
}

/// One of the seat's own levers, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct OwnLever<'a> {
    /// Its position among the scenario's levers.
    pub index: usize,
    pub lever: &'a Lever,
    /// Its effects, by index.
    pub effects: &'a [Eff],
    pub enabled: bool,
}

/// A seat's own state: everything of the game that seat may see, owned, as a remote
/// client would receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatView {
    pub me: usize,
    pub prefs: Prefs,
    /// How many times an effect has changed the seat's weights or values.
    #[serde(default)]
    pub prefs_changes: u32,
    pub initial_batna: f64,
    pub round: u32,
    pub deadline: u32,
    pub phase: Phase,
    pub offers: Vec<Offer>,
    pub settled: Vec<Option<usize>>,
    pub locked: Vec<Option<usize>>,
    /// Delegations that asked the mediator for a proposal (they asked in public).
    pub mediator_asked: Vec<bool>,
    /// The transcript entries visible to the seat, each with its place (`seq`) in the
    /// whole transcript.
    pub transcript: Vec<Logged>,
    /// How long the whole transcript is.
    pub transcript_len: usize,
    pub levers: Vec<SeatLever>,
}

impl SeatView {
    /// The observation an agent decides from.
    pub fn observation<'a>(
        &'a self,
        public: &'a Public,
        caches: &'a dyn Caches,
    ) -> Observation<'a> {
        Observation {
            me: self.me,
            public,
            caches,
            prefs: &self.prefs,
            prefs_changes: self.prefs_changes,
            initial_batna: self.initial_batna,
            round: self.round,
            deadline: self.deadline,
            phase: self.phase,
            offers: &self.offers,
            settled: &self.settled,
            locked: &self.locked,
            mediator_asked: &self.mediator_asked,
            transcript: &self.transcript,
            transcript_len: self.transcript_len,
            levers: self
                .levers
                .iter()
                .map(|l| OwnLever {
                    index: l.index,
                    lever: &l.lever,
                    effects: &l.effects,
                    enabled: l.enabled,
                })
                .collect(),
        }
    }
}

impl Game {
    /// The seat's own state, owned (what a remote seat's agent would receive).
    pub fn seat_view(&self, party: usize) -> SeatView {
        let obs = Observation::new(self, party);
        SeatView {
            me: party,
            prefs: obs.prefs.clone(),
            prefs_changes: obs.prefs_changes,
            initial_batna: obs.initial_batna,
            round: obs.round,
            deadline: obs.deadline,
            phase: obs.phase,
            offers: obs.offers.to_vec(),
            settled: obs.settled.to_vec(),
            locked: obs.locked.to_vec(),
            mediator_asked: obs.mediator_asked.to_vec(),
            transcript: obs.entries().cloned().collect(),
            transcript_len: obs.transcript_len,
            levers: obs
                .levers
                .iter()
                .map(|l| SeatLever {
                    index: l.index,
                    lever: l.lever.clone(),
                    effects: l.effects.to_vec(),
                    enabled: l.enabled,
                    uses: self.lever_uses()[l.index],
                    blocked: self.lever_blockers(l.index, party),
                })
                .collect(),
        }
    }
}

/// What one seat sees, borrowed: the AI's only input.
#[derive(Clone)]
pub struct Observation<'a> {
    me: usize,
    public: &'a Public,
    caches: &'a dyn Caches,
    prefs: &'a Prefs,
    prefs_changes: u32,
    initial_batna: f64,
    round: u32,
    deadline: u32,
    phase: Phase,
    offers: &'a [Offer],
    settled: &'a [Option<usize>],
    locked: &'a [Option<usize>],
    mediator_asked: &'a [bool],
    /// Entries ordered by `seq`: the whole transcript (filtered as read) or only the
    /// visible entries.
    transcript: &'a [Logged],
    transcript_len: usize,
    levers: Vec<OwnLever<'a>>,
}

impl<'a> Observation<'a> {
    /// The observation of seat `me` in a game in progress, borrowed from the game's state:
    /// the same as the one its [`Game::seat_view`] gives.
    pub fn new(game: &'a Game, me: usize) -> Self {
        let model: &'a Model = game.model();
        let me_id = model.party_id(me);
        Observation {
            me,
            public: model.public(),
            caches: model,
            prefs: &game.prefs()[me],
            prefs_changes: game.prefs_changes()[me],
            initial_batna: model.prefs[me].batna,
            round: game.round(),
            deadline: game.deadline(),
            phase: game.phase(),
            offers: game.offers(),
            settled: game.settled(),
            locked: game.locked(),
            mediator_asked: game.mediator_asked(),
            transcript: game.transcript(),
            transcript_len: game.transcript().len(),
            levers: model
                .scenario
                .levers
                .iter()
                .enumerate()
                .filter(|(_, l)| l.owner == me_id)
                .map(|(k, l)| OwnLever {
                    index: k,
                    lever: l,
                    effects: &model.rules().levers[k].effects,
                    enabled: game.lever_enabled(k),
                })
                .collect(),
        }
    }

    pub fn me(&self) -> usize {
        self.me
    }
    pub fn my_id(&self) -> &'a str {
        &self.public.parties[self.me].id
    }
    pub fn my_kind(&self) -> PartyKind {
        self.public.parties[self.me].kind
    }
    /// How many times an effect has changed the party's weights or values: the same count
    /// means the same utility (a BATNA move does not count).
    pub fn my_prefs_changes(&self) -> u32 {
        self.prefs_changes
    }
    /// The party's own current preferences (weights, values, red lines, BATNA).
    pub fn my_prefs(&self) -> &'a Prefs {
        self.prefs
    }
    /// Its utility table for the given preferences (shared by the model's games).
    pub fn table_for(&self, prefs: &Prefs) -> Arc<UtilityTable> {
        self.caches.table_for(self.me, prefs, self.public)
    }
    /// The memo of Nash-text searches: a cache of computations, not information.
    pub fn text_memo(&self) -> &'a TextMemo {
        self.caches.text_memo()
    }
    /// The party's own BATNA at the start of the game.
    pub fn my_initial_batna(&self) -> f64 {
        self.initial_batna
    }
    pub fn round(&self) -> u32 {
        self.round
    }
    pub fn deadline(&self) -> u32 {
        self.deadline
    }
    pub fn phase(&self) -> Phase {
        self.phase
    }

    // Public facts about the scenario.
    pub fn public(&self) -> &'a Public {
        self.public
    }
    pub fn issues(&self) -> &'a [Issue] {
        &self.public.issues
    }
    pub fn party_count(&self) -> usize {
        self.public.parties.len()
    }
    pub fn kind_of(&self, party: usize) -> PartyKind {
        self.public.parties[party].kind
    }
    pub fn id_of(&self, party: usize) -> &'a str {
        &self.public.parties[party].id
    }
    /// The client of an ally, if it names one.
    pub fn ally_of(&self, party: usize) -> Option<usize> {
        self.public.parties[party].ally_of
    }
    /// Delegations in turn order.
    pub fn delegations(&self) -> &'a [usize] {
        &self.public.delegations
    }
    pub fn has_mediator(&self) -> bool {
        self.public
            .parties
            .iter()
            .any(|p| p.kind == PartyKind::Mediator)
    }
    pub fn status_quo(&self) -> &'a [usize] {
        &self.public.status_quo
    }
    pub fn option_counts(&self) -> Vec<usize> {
        self.public.option_counts.clone()
    }
    /// Whether the option rules allow a complete package.
    pub fn allows(&self, package: &[usize]) -> bool {
        self.public.links.allows(package)
    }
    /// The option rules.
    pub fn links(&self) -> &'a Links {
        &self.public.links
    }
    /// Whether nothing is agreed until everything is (see [`Public::all_or_nothing`]).
    pub fn all_or_nothing(&self) -> bool {
        self.public.all_or_nothing
    }

    // The table.
    pub fn offers(&self) -> &'a [Offer] {
        self.offers
    }
    pub fn standing_offers(&self) -> impl Iterator<Item = &'a Offer> + 'a {
        self.offers
            .iter()
            .filter(|o| o.status == super::game::OfferStatus::Standing)
    }
    pub fn settled(&self) -> &'a [Option<usize>] {
        self.settled
    }
    pub fn locked(&self) -> &'a [Option<usize>] {
        self.locked
    }
    /// Per issue, the option no proposal of ours should change: locked, or settled.
    pub fn fixed(&self) -> Vec<Option<usize>> {
        let mut out = Vec::new();
        self.fixed_into(&mut out);
        out
    }
    /// [`Observation::fixed`], written into `out` (reused, not reallocated).
    pub fn fixed_into(&self, out: &mut Vec<Option<usize>>) {
        out.clear();
        out.extend(self.locked.iter().zip(self.settled).map(|(l, s)| l.or(*s)));
    }
    /// Settled and locked options, status quo elsewhere (as
    /// [`Game::current_package`]).
    pub fn current_package(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.current_into(&mut out);
        out
    }
    /// [`Observation::current_package`], written into `out` (reused, not reallocated).
    pub fn current_into(&self, out: &mut Vec<usize>) {
        super::game::as_it_stands_into(self.settled, self.locked, &self.public.status_quo, out);
    }
    /// An offer completed with the current state.
    pub fn complete(&self, package: &[Option<usize>]) -> Vec<usize> {
        let mut out = Vec::new();
        self.complete_into(package, &mut out);
        out
    }
    /// [`Observation::complete`] written into `out` (reused, not reallocated): its options
    /// where the offer names one, the package as it stands elsewhere.
    pub fn complete_into(&self, package: &[Option<usize>], out: &mut Vec<usize>) {
        self.current_into(out);
        for (o, named) in out.iter_mut().zip(package) {
            if let Some(named) = named {
                *o = *named;
            }
        }
    }
    /// Delegations that asked the mediator for a proposal (they asked in public).
    pub fn mediator_asked(&self) -> &'a [bool] {
        self.mediator_asked
    }

    /// The transcript entries this party may see, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &'a Logged> + 'a {
        self.entries_since(0)
    }

    /// Visible entries from position `from` of the whole transcript on: lets an agent read
    /// only what is new since its last turn.
    pub fn entries_since(&self, from: usize) -> impl Iterator<Item = &'a Logged> + 'a {
        let me = self.me;
        // The whole transcript is numbered by position: the entry `from` is at `from`.
        let whole = self.transcript.get(from).is_none_or(|e| e.seq == from)
            && (from == 0
                || self
                    .transcript
                    .get(from - 1)
                    .is_some_and(|e| e.seq + 1 == from));
        let start = if whole {
            from
        } else {
            self.transcript.partition_point(|e| e.seq < from)
        };
        self.transcript[start..]
            .iter()
            .filter(move |e| e.scope.visible_to(me))
    }
    /// How long the whole transcript is (visible or not): where the next entry will be.
    pub fn transcript_len(&self) -> usize {
        self.transcript_len
    }

    /// The party's own levers, with their index, effects and whether each can be used
    /// now.
    pub fn my_levers(&self) -> impl Iterator<Item = OwnLever<'a>> + '_ {
        self.levers.iter().copied()
    }
}
