//! `view(party)`: the state as one party may see it (MODEL.md, "Visibility").
//!
//! The only input to that party's AI and to a human seat's UI, and later what a networked
//! client receives. It holds the party's own brief and preferences, everyone's public
//! face, the offers on the table, and the transcript entries visible to it — never another
//! party's confidential brief, values or private messages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::game::{Game, Offer, OfferStatus, Outcome, Phase};
use super::model::{Model, Prefs};
use super::scenario::{Issue, OptionRef, PartyKind, Scenario, Shape};
use super::transcript::Entry;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicParty {
    pub id: String,
    pub name: String,
    pub kind: PartyKind,
    pub label: String,
    pub leader: String,
    pub head_of_delegation: String,
    pub colour: String,
    pub shape: Shape,
    pub ally_of: Option<String>,
    pub public_line: String,
}

/// A party's own preferences, by id, with normalised weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnPreferences {
    pub weights: BTreeMap<String, f64>,
    pub values: BTreeMap<String, BTreeMap<String, f64>>,
    pub red_lines: Vec<OptionRef>,
    pub batna: f64,
    pub initial_batna: f64,
    pub batna_description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferView {
    pub id: u32,
    pub author: Option<String>,
    pub round: u32,
    pub package: BTreeMap<String, String>,
    pub status: OfferStatus,
    pub accepted_by: Vec<String>,
    pub counter_to: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeverView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub cost: f64,
    pub uses_left: u32,
    pub enabled: bool,
    /// Why it cannot be used now, one line per unmet part of its condition, in words this
    /// seat may read (see [`Game::lever_blockers`]); empty when enabled.
    pub blocked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyView {
    pub me: String,
    pub kind: PartyKind,
    pub round: u32,
    pub deadline: u32,
    pub phase: Phase,
    pub to_move: Option<String>,
    pub parties: Vec<PublicParty>,
    pub issues: Vec<Issue>,
    pub confidential_brief: String,
    pub preferences: OwnPreferences,
    /// Offers made at the table are public.
    pub offers: Vec<OfferView>,
    pub settled: BTreeMap<String, String>,
    /// Issues taken off the table by an event, and the option each is fixed on.
    pub locked: BTreeMap<String, String>,
    /// The party's own levers (allies and mediators).
    pub levers: Vec<LeverView>,
    /// Delegations that have asked the mediator for a proposal (asked in public).
    pub mediator_requests: Vec<String>,
    pub transcript: Vec<Entry>,
    pub outcome: Option<Outcome>,
}

/// Every party's public face.
pub fn public_parties(s: &Scenario) -> Vec<PublicParty> {
    s.parties
        .iter()
        .map(|p| PublicParty {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            label: p.label.clone(),
            leader: p.leader.clone(),
            head_of_delegation: p.head_of_delegation.clone(),
            colour: p.colour.clone(),
            shape: p.shape,
            ally_of: p.ally_of.clone(),
            public_line: p.public_line.clone(),
        })
        .collect()
}

impl OwnPreferences {
    /// A party's preferences by id, from its preferences by index.
    pub fn of(
        issues: &[Issue],
        prefs: &Prefs,
        red_lines: Vec<OptionRef>,
        initial_batna: f64,
        batna_description: String,
    ) -> OwnPreferences {
        OwnPreferences {
            weights: issues
                .iter()
                .zip(&prefs.weights)
                .map(|(i, w)| (i.id.clone(), *w))
                .collect(),
            values: issues
                .iter()
                .zip(&prefs.values)
                .map(|(i, vs)| {
                    (
                        i.id.clone(),
                        i.options
                            .iter()
                            .zip(vs)
                            .map(|(o, v)| (o.id.clone(), *v))
                            .collect(),
                    )
                })
                .collect(),
            red_lines,
            batna: prefs.batna,
            initial_batna,
            batna_description,
        }
    }
}

impl OfferView {
    /// An offer by id.
    pub fn of(m: &Model, o: &Offer) -> OfferView {
        let id_of = |p: usize| m.scenario.parties[p].id.clone();
        OfferView {
            id: o.id,
            author: o.author.map(id_of),
            round: o.round,
            package: m.partial_package_ids(&o.package),
            status: o.status,
            accepted_by: o.accepted_by.iter().map(|&p| id_of(p)).collect(),
            counter_to: o.counter_to,
        }
    }
}

impl Game {
    /// The state as party `party` (an index) may see it.
    pub fn view(&self, party: usize) -> PartyView {
        let m = self.model();
        let s = &m.scenario;
        let me = &s.parties[party];
        let prefs = &self.prefs()[party];
        let id_of = |p: usize| s.parties[p].id.clone();
        PartyView {
            me: me.id.clone(),
            kind: me.kind,
            round: self.round(),
            deadline: self.deadline(),
            phase: self.phase(),
            to_move: self.to_move().map(id_of),
            parties: public_parties(s),
            issues: s.issues.clone(),
            confidential_brief: me.confidential_brief.clone(),
            preferences: OwnPreferences::of(
                &s.issues,
                prefs,
                me.red_lines.clone(),
                m.prefs[party].batna,
                me.batna_description.clone(),
            ),
            offers: self.offers().iter().map(|o| OfferView::of(m, o)).collect(),
            settled: self.settled_ids(),
            locked: s
                .issues
                .iter()
                .zip(self.locked())
                .filter_map(|(i, l)| l.map(|o| (i.id.clone(), i.options[o].id.clone())))
                .collect(),
            levers: s
                .levers
                .iter()
                .enumerate()
                .filter(|(_, l)| l.owner == me.id)
                .map(|(k, l)| LeverView {
                    id: l.id.clone(),
                    name: l.name.clone(),
                    description: l.description.clone(),
                    cost: l.cost,
                    uses_left: l.max_uses.saturating_sub(self.lever_uses()[k]),
                    enabled: self.lever_enabled(k),
                    blocked: self.lever_blockers(k, party),
                })
                .collect(),
            mediator_requests: self
                .mediator_asked()
                .iter()
                .enumerate()
                .filter(|(_, a)| **a)
                .map(|(p, _)| id_of(p))
                .collect(),
            transcript: self
                .transcript()
                .iter()
                .filter(|e| e.scope.visible_to(party))
                .map(|e| e.entry(m))
                .collect(),
            outcome: self.outcome().cloned(),
        }
    }
}
