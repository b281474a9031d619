//! A remote seat's picture of the table ([`Mirror`]): the scenario as the seat knows it
//! (the public facts, its own brief, preferences and levers, stand-ins for what it may not
//! know), from which a client shows the seat's [`PartyView`] and checks a move with the
//! engine's own rules ([`Referee`]) before sending it. The host's game still decides:
//! the mirror only greys out what the host would refuse.

use std::sync::Arc;

use super::protocol::PublicScenario;
use super::wire::{Named, WireView};
use crate::sim::action::OfferId;
use crate::sim::game::Outcome;
use crate::sim::game::{Offer, Referee, as_it_stands, completed, offer_by_id};
use crate::sim::model::{Model, Prefs};
use crate::sim::scenario::{
    Condition, Event, IssuePreference, Lever, LeverKind, Meta, Party, Rules, Scenario, Trigger,
};
use crate::sim::transcript::Kind;
use crate::sim::view::{LeverView, OfferView, OwnPreferences, PartyView};
use crate::sim::{Action, ActionError, Phase};

/// The scenario as one seat knows it, built from the host's welcome and the seat's view.
pub struct Mirror {
    model: Arc<Model>,
    me: Option<usize>,
    named: Named,
}

impl Mirror {
    pub fn new(scenario: &PublicScenario, view: &WireView) -> Mirror {
        let me = view.seat.as_ref().map(|s| s.me);
        let public = &scenario.public;
        let id_of = |p: usize| {
            scenario
                .parties
                .get(p)
                .map_or_else(String::new, |x| x.id.clone())
        };
        let parties = scenario
            .parties
            .iter()
            .enumerate()
            .map(|(p, x)| {
                let own = view.seat.as_ref().filter(|s| s.me == p);
                Party {
                    id: x.id.clone(),
                    name: x.name.clone(),
                    kind: x.kind,
                    label: x.label.clone(),
                    leader: x.leader.clone(),
                    head_of_delegation: x.head_of_delegation.clone(),
                    colour: x.colour.clone(),
                    shape: x.shape,
                    ally_of: x.ally_of.clone(),
                    public_line: x.public_line.clone(),
                    confidential_brief: own.map_or_else(String::new, |s| s.brief.clone()),
                    preferences: own
                        .map(|s| preferences(&public.issues, &s.prefs))
                        .unwrap_or_default(),
                    red_lines: own.map(|s| s.red_lines.clone()).unwrap_or_default(),
                    batna: own.map_or(0.0, |s| s.initial_batna),
                    batna_description: own
                        .map_or_else(String::new, |s| s.batna_description.clone()),
                    personality: Default::default(),
                }
            })
            .collect();
        // Levers and events at their places in the host's scenario: the seat's own levers
        // and those the table saw used, as they are; the others as empty stand-ins.
        let mut levers: Vec<Lever> = Vec::new();
        let mut put_lever = |k: usize, lever: Lever| {
            while levers.len() <= k {
                levers.push(stand_in_lever(String::new(), String::new(), String::new()));
            }
            levers[k] = lever;
        };
        for l in &view.named.levers {
            put_lever(
                l.index,
                stand_in_lever(l.id.clone(), l.owner.clone(), l.public_text.clone()),
            );
        }
        for l in view.seat.iter().flat_map(|s| &s.levers) {
            let mut lever = l.lever.clone();
            // What it needs and does is the host's to judge (`SeatLever::enabled`).
            lever.enabled_when = Condition::Always;
            lever.effects = Vec::new();
            put_lever(l.index, lever);
        }
        let mut events: Vec<Event> = Vec::new();
        for e in &view.named.events {
            while events.len() <= e.index {
                events.push(stand_in_event(String::new(), String::new()));
            }
            events[e.index] = stand_in_event(e.id.clone(), e.name.clone());
        }
        let scenario = Scenario {
            format_version: crate::sim::scenario::FORMAT_VERSION,
            meta: Meta {
                id: scenario.id.clone(),
                title: scenario.title.clone(),
                summary: scenario.summary.clone(),
                date: scenario.date.clone(),
                language: scenario.language.clone(),
                authors: scenario.authors.clone(),
                license: None,
                sources: scenario.sources.clone(),
                designer_notes: None,
                historical: scenario.historical,
            },
            parties,
            issues: public.issues.clone(),
            option_rules: Vec::new(),
            rules: Rules {
                deadline: view.deadline,
                turn_order: public.delegations.iter().map(|&p| id_of(p)).collect(),
                nothing_agreed_until_all_agreed: public.all_or_nothing,
            },
            levers,
            events,
            injects: Vec::new(),
            debrief_questions: Vec::new(),
            historical_outcome: None,
        };
        Mirror {
            model: Arc::new(Model::with_links(scenario, public.links.clone())),
            me,
            named: view.named.clone(),
        }
    }

    /// The scenario as the seat knows it.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Whether this mirror still fits `view` (a newly named lever or event, or another
    /// seat, needs a new one).
    pub fn fits(&self, view: &WireView) -> bool {
        self.named == view.named && self.me == view.seat.as_ref().map(|s| s.me)
    }

    /// The seat's view, as the host's [`Game::view`](crate::sim::Game::view) gives it;
    /// none for a connection without a seat.
    pub fn party_view(&self, view: &WireView) -> Option<PartyView> {
        let own = view.seat.as_ref()?;
        let m = &*self.model;
        let s = &m.scenario;
        let me = &s.parties[own.me];
        let id_of = |p: usize| s.parties.get(p).map_or_else(String::new, |x| x.id.clone());
        let mut levers = own.levers.clone();
        levers.sort_by_key(|l| l.index);
        Some(PartyView {
            me: me.id.clone(),
            kind: me.kind,
            round: view.round,
            deadline: view.deadline,
            phase: view.phase,
            to_move: view.to_move.map(id_of),
            parties: crate::sim::view::public_parties(s),
            issues: s.issues.clone(),
            confidential_brief: own.brief.clone(),
            preferences: OwnPreferences::of(
                &s.issues,
                &own.prefs,
                own.red_lines.clone(),
                own.initial_batna,
                own.batna_description.clone(),
            ),
            offers: view.offers.iter().map(|o| OfferView::of(m, o)).collect(),
            settled: ids_of(m, &view.settled),
            locked: ids_of(m, &view.locked),
            levers: levers
                .iter()
                .map(|l| LeverView {
                    id: l.lever.id.clone(),
                    name: l.lever.name.clone(),
                    description: l.lever.description.clone(),
                    cost: l.lever.cost,
                    uses_left: l.lever.max_uses.saturating_sub(l.uses),
                    enabled: l.enabled,
                    blocked: l.blocked.clone(),
                })
                .collect(),
            mediator_requests: view
                .mediator_asked
                .iter()
                .enumerate()
                .filter(|(_, a)| **a)
                .map(|(p, _)| id_of(p))
                .collect(),
            transcript: view.transcript.iter().map(|e| e.entry(m)).collect(),
            outcome: view.transcript.iter().rev().find_map(|e| match &e.kind {
                Kind::TalksEnded { outcome } => Some(Outcome::clone(outcome)),
                _ => None,
            }),
        })
    }

    /// The package as it stands: settled and locked options, status quo elsewhere.
    pub fn current_package(&self, view: &WireView) -> Vec<usize> {
        as_it_stands(&view.settled, &view.locked, self.model.status_quo())
    }

    /// Whether the seat may play `action` now, by the engine's rules on what it knows.
    pub fn check_action(&self, view: &WireView, action: &Action) -> Result<(), ActionError> {
        let Some(own) = view.seat.as_ref() else {
            return Err(ActionError::TalksOver);
        };
        if view.phase == Phase::Ended {
            return Err(ActionError::TalksOver);
        }
        SeatTable { mirror: self, view }.check_action(own.me, action)
    }
}

/// A preference table by id, from preferences by index.
fn preferences(
    issues: &[crate::sim::scenario::Issue],
    prefs: &Prefs,
) -> std::collections::BTreeMap<String, IssuePreference> {
    issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            (
                issue.id.clone(),
                IssuePreference {
                    weight: prefs.raw_weights.get(i).copied().unwrap_or(0.0),
                    values: issue
                        .options
                        .iter()
                        .enumerate()
                        .map(|(o, x)| {
                            let v = prefs.values.get(i).and_then(|v| v.get(o)).copied();
                            (x.id.clone(), v.unwrap_or(0.0))
                        })
                        .collect(),
                },
            )
        })
        .collect()
}

fn ids_of(m: &Model, chosen: &[Option<usize>]) -> std::collections::BTreeMap<String, String> {
    m.scenario
        .issues
        .iter()
        .zip(chosen)
        .filter_map(|(i, c)| {
            let o = i.options.get((*c)?)?;
            Some((i.id.clone(), o.id.clone()))
        })
        .collect()
}

fn stand_in_lever(id: String, owner: String, public_text: String) -> Lever {
    Lever {
        id,
        owner,
        kind: LeverKind::Statement,
        name: String::new(),
        description: String::new(),
        public_text,
        cost: 0.0,
        enabled_when: Condition::Always,
        max_uses: 0,
        effects: Vec::new(),
        source: None,
    }
}

fn stand_in_event(id: String, name: String) -> Event {
    Event {
        id,
        name,
        trigger: Trigger::When(Condition::Not(Box::new(Condition::Always))),
        effects: Vec::new(),
        repeat: false,
    }
}

/// The table as a seat's view shows it, for the rules.
struct SeatTable<'a> {
    mirror: &'a Mirror,
    view: &'a WireView,
}

impl SeatTable<'_> {
    fn own_lever(&self, k: usize) -> Option<&crate::sim::observe::SeatLever> {
        self.view
            .seat
            .as_ref()?
            .levers
            .iter()
            .find(|l| l.index == k)
    }
}

impl Referee for SeatTable<'_> {
    fn model(&self) -> &Model {
        &self.mirror.model
    }
    fn to_move(&self) -> Option<usize> {
        self.view.to_move
    }
    fn offer(&self, id: OfferId) -> Option<&Offer> {
        offer_by_id(&self.view.offers, id)
    }
    fn locked(&self) -> &[Option<usize>] {
        &self.view.locked
    }
    fn complete(&self, package: &[Option<usize>]) -> Vec<usize> {
        completed(package, &self.mirror.current_package(self.view))
    }
    fn lever_exhausted(&self, lever: usize) -> bool {
        self.own_lever(lever)
            .is_none_or(|l| l.uses >= l.lever.max_uses)
    }
    fn lever_condition_holds(&self, lever: usize) -> bool {
        self.own_lever(lever).is_some_and(|l| l.enabled)
    }
}
