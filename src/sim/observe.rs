//! `Observation`: a borrowed `view(party)` for the AI.
//!
//! [`PartyView`](super::view::PartyView) is the owned form for the UI and the network; the
//! AI decides many times a game, so it reads the same information through this borrowed
//! window instead of copying the transcript each time. Both filter with
//! [`Visibility::visible_to`]: a party sees its own brief and preferences, everyone's
//! public face, the offers on the table and the transcript entries visible to it — never
//! another party's preferences, brief or private messages. The AI gets nothing else.

use super::game::{Game, Offer, Phase};
use super::model::{Model, Prefs, UtilityTable};
use super::scenario::{Issue, Lever, PartyKind};
use super::transcript::Entry;

#[derive(Clone, Copy)]
pub struct Observation<'a> {
    game: &'a Game,
    me: usize,
}

impl<'a> Observation<'a> {
    pub fn new(game: &'a Game, me: usize) -> Self {
        Observation { game, me }
    }

    fn model(&self) -> &'a Model {
        self.game.model()
    }

    pub fn me(&self) -> usize {
        self.me
    }
    pub fn my_id(&self) -> &'a str {
        self.model().party_id(self.me)
    }
    pub fn my_kind(&self) -> PartyKind {
        self.model().kind(self.me)
    }
    /// The party's own current preferences (weights, values, red lines, BATNA).
    pub fn my_prefs(&self) -> &'a Prefs {
        &self.game.prefs()[self.me]
    }
    /// Its utility table for the given preferences (shared by the model's games).
    pub fn table_for(&self, prefs: &crate::sim::model::Prefs) -> std::sync::Arc<UtilityTable> {
        self.model().table_for(self.me, prefs)
    }
    /// The memo of Nash-text searches shared by the agents of the model's games: a cache
    /// of computations, not information.
    pub fn text_memo(&self) -> &'a crate::sim::ai::memo::TextMemo {
        self.model().text_memo()
    }
    /// The party's own BATNA at the start of the game.
    pub fn my_initial_batna(&self) -> f64 {
        self.model().prefs[self.me].batna
    }
    pub fn round(&self) -> u32 {
        self.game.round()
    }
    pub fn deadline(&self) -> u32 {
        self.game.deadline()
    }
    pub fn phase(&self) -> Phase {
        self.game.phase()
    }

    // Public facts about the scenario.
    pub fn issues(&self) -> &'a [Issue] {
        &self.model().scenario.issues
    }
    pub fn party_count(&self) -> usize {
        self.model().scenario.parties.len()
    }
    pub fn kind_of(&self, party: usize) -> PartyKind {
        self.model().kind(party)
    }
    pub fn id_of(&self, party: usize) -> &'a str {
        self.model().party_id(party)
    }
    /// The client of an ally, if it names one.
    pub fn ally_of(&self, party: usize) -> Option<usize> {
        let ally = &self.model().scenario.parties[party];
        ally.ally_of
            .as_deref()
            .and_then(|c| self.model().party_index(c))
    }
    /// Delegations in turn order.
    pub fn delegations(&self) -> &'a [usize] {
        &self.model().delegations
    }
    pub fn has_mediator(&self) -> bool {
        !self.model().mediators.is_empty()
    }
    pub fn status_quo(&self) -> Vec<usize> {
        self.model().status_quo()
    }
    pub fn option_counts(&self) -> Vec<usize> {
        self.model().option_counts()
    }

    // The table.
    pub fn offers(&self) -> &'a [Offer] {
        self.game.offers()
    }
    pub fn standing_offers(&self) -> impl Iterator<Item = &'a Offer> + 'a {
        self.game.standing_offers()
    }
    pub fn settled(&self) -> &'a [Option<usize>] {
        self.game.settled()
    }
    pub fn locked(&self) -> &'a [Option<usize>] {
        self.game.locked()
    }
    /// Per issue, the option no proposal of ours should change: locked, or settled.
    pub fn fixed(&self) -> Vec<Option<usize>> {
        self.locked()
            .iter()
            .zip(self.settled())
            .map(|(l, s)| l.or(*s))
            .collect()
    }
    /// Settled and locked options, status quo elsewhere.
    pub fn current_package(&self) -> Vec<usize> {
        self.game.current_package()
    }
    /// An offer completed with the current state.
    pub fn complete(&self, package: &[Option<usize>]) -> Vec<usize> {
        self.game.complete(package)
    }
    /// Delegations that asked the mediator for a proposal (they asked in public).
    pub fn mediator_asked(&self) -> &'a [bool] {
        self.game.mediator_asked()
    }

    /// The transcript entries this party may see, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &'a Entry> + 'a {
        let me = self.my_id();
        self.game
            .transcript()
            .iter()
            .filter(move |e| e.visibility.visible_to(me))
    }

    /// Visible entries from position `from` of the full transcript on: lets an agent read
    /// only what is new since its last turn.
    pub fn entries_since(&self, from: usize) -> impl Iterator<Item = &'a Entry> + 'a {
        let me = self.my_id();
        self.game.transcript()[from.min(self.game.transcript().len())..]
            .iter()
            .filter(move |e| e.visibility.visible_to(me))
    }
    pub fn transcript_len(&self) -> usize {
        self.game.transcript().len()
    }

    /// The party's own levers, with their index and whether each can be used now.
    pub fn my_levers(&self) -> impl Iterator<Item = (usize, &'a Lever, bool)> + 'a {
        let game = self.game;
        let me = self.my_id();
        game.model()
            .scenario
            .levers
            .iter()
            .enumerate()
            .filter(move |(_, l)| l.owner == me)
            .map(move |(k, l)| (k, l, game.lever_enabled(k)))
    }
}
