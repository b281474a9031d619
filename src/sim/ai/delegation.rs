//! An AI delegation: a time-dependent concession strategy (Faratin et al.) with an
//! opponent model.
//!
//! Its aspiration falls from its best package towards its BATNA as the deadline nears, at
//! a pace set by its personality (`toughness` is the concession exponent: below 1 it holds
//! out, "Boulware"; above 1 it concedes early). It proposes the package that keeps its own
//! utility above that aspiration while giving the other side as much as it believes they
//! want; it accepts an offer that beats what it would propose next and its BATNA, and never
//! one across its red lines; it walks out when no package can beat its BATNA. Allies' and
//! events' moves reach it through its own BATNA and values, which it re-reads every turn.

use crate::sim::action::{Action, Audience, OfferId, PackageIds, Stance, StanceKind};
use crate::sim::game::Offer;
use crate::sim::model::Prefs;
use crate::sim::observe::Observation;
use crate::sim::rng::Stream;
use crate::sim::scenario::{Personality, TOUGHNESS_RANGE};
use crate::sim::transcript::EntryKind;

use super::Decision;
use super::estimate::Beliefs;
use super::reason::{PublicReason, Rationale};
use super::space::{Space, consistent};
use crate::sim::model::{UtilityTable, same_utility};
use std::sync::Arc;

/// How strongly a fall in its walk-away value makes a delegation concede: a fall of
/// 1/PRESSURE_RESPONSE of the gap between its BATNA and its best package brings it all the
/// way down to its floor.
const PRESSURE_RESPONSE: f64 = 2.5;

#[derive(Debug, Clone)]
pub struct DelegationAi {
    me: usize,
    personality: Personality,
    space: Space,
    /// The preferences the tables below were computed from.
    prefs: Option<Prefs>,
    /// Own utility of every package, and the packages in decreasing order of it.
    table: Arc<UtilityTable>,
    /// Its three heaviest issues and their weights, for rationales and statements.
    heaviest: Vec<(Arc<str>, f64)>,
    /// Party ids, shared into rationales without copying.
    party_ids: Vec<Arc<str>>,
    /// Beliefs about each other delegation.
    beliefs: Beliefs,
    /// Offers already answered with a rejection or a counter.
    answered: Vec<OfferId>,
    /// The last round in which something was settled or an offer moved.
    last_progress: u32,
    last_asked: Option<u32>,
    last_statement: Option<u32>,
}

impl DelegationAi {
    pub fn new(obs: &Observation, personality: Personality, seed: u64) -> DelegationAi {
        let mut rng = Stream::new(seed, &format!("ai:{}", obs.my_id()));
        // No two sessions are alike: resolve varies around the scenario's personality.
        let mut personality = personality;
        let (lo, hi) = TOUGHNESS_RANGE;
        personality.toughness = (personality.toughness * (0.6 + 1.0 * rng.unit())).clamp(lo, hi);
        personality.patience = (personality.patience * (0.5 + rng.unit())).clamp(0.0, 1.0);
        DelegationAi {
            me: obs.me(),
            personality,
            space: Space::new(obs.option_counts()),
            prefs: None,
            table: Arc::new(UtilityTable::default()),
            heaviest: Vec::new(),
            party_ids: (0..obs.party_count())
                .map(|p| Arc::from(obs.id_of(p)))
                .collect(),
            beliefs: Beliefs::new(obs, personality.trust),
            answered: Vec::new(),
            last_progress: 1,
            last_asked: None,
            last_statement: None,
        }
    }

    /// Recomputes the utility table when the party's own weights, values or red lines have
    /// changed (a BATNA move does not change it). The table for the scenario's initial
    /// preferences is shared by every game of a model.
    fn refresh_tables(&mut self, obs: &Observation, prefs: &Prefs) {
        if self.prefs.as_ref().is_some_and(|p| same_utility(p, prefs)) {
            return;
        }
        let table = if same_utility(obs.initial_prefs(), prefs) {
            obs.initial_table()
        } else {
            Arc::new(UtilityTable::new(&self.space.radix, prefs))
        };
        self.table = table;
        self.heaviest = top_issues(obs, prefs, 3);
        self.prefs = Some(prefs.clone());
    }

    /// Reads what happened since the last turn into the opponent models.
    fn observe(&mut self, obs: &Observation) {
        for entry in self.beliefs.update(obs) {
            if matches!(
                entry.kind,
                EntryKind::Proposed { .. } | EntryKind::Settled { .. }
            ) {
                self.last_progress = entry.round;
            }
        }
    }

    /// The aspiration (0–100) at this round: from the best package still possible down to
    /// the floor above the BATNA, along `1 - t^(1/e)`. `t` is the share of its time
    /// horizon that has passed; a patient party sees talks going on beyond this session
    /// (its horizon is `1 + patience` times the deadline), so by the deadline it has made
    /// only part of its concessions. Pressure moves it too: a party whose walk-away value
    /// has fallen since the start concedes more, one whose alternative has improved less.
    fn aspiration(&self, obs: &Observation, top: f64, floor: f64) -> f64 {
        let deadline = obs.deadline().max(2) as f64;
        let t = ((obs.round() as f64 - 1.0) / (deadline - 1.0)).clamp(0.0, 1.0);
        let horizon = 1.0 + self.personality.patience;
        let f = (t / horizon).powf(1.0 / self.personality.toughness);
        let initial = obs.my_initial_batna();
        let pressure = (PRESSURE_RESPONSE * (initial - obs.my_prefs().batna)
            / (top - initial).max(1.0))
        .clamp(-0.5, 1.0);
        let f = if pressure >= 0.0 {
            f + (1.0 - f) * pressure
        } else {
            f * (1.0 + pressure)
        };
        if floor >= top {
            top
        } else {
            top - (top - floor) * f.clamp(0.0, 1.0)
        }
    }

    /// The package to propose: own utility at least `aspiration`, the most for the others.
    fn choose(&self, fixed: &[Option<usize>], aspiration: f64) -> Option<usize> {
        let n = self.space.radix.len();
        let width = self.space.radix.iter().copied().max().unwrap_or(0);
        // What each option adds to each other delegation's estimated utility, flattened
        // as `[estimate][issue][option]`; a vetoed option makes the whole package
        // worthless to that delegation (negative infinity, floored at 0 below).
        let estimates = self.beliefs.estimates();
        let mut contributions = vec![0.0; estimates.len() * n * width];
        for (d, e) in estimates.iter().enumerate() {
            for i in 0..n {
                for (o, v) in e.values[i].iter().enumerate() {
                    contributions[(d * n + i) * width + o] = if e.vetoed[i][o] {
                        f64::NEG_INFINITY
                    } else {
                        e.weights[i] * v
                    };
                }
            }
        }
        let any_fixed = fixed.iter().any(Option::is_some);
        let table = &self.table;
        let mut best: Option<(usize, f64)> = None;
        for (position, &k) in table.order.iter().enumerate() {
            let k = k as usize;
            let u = table.utils[k];
            if u < aspiration && best.is_some() {
                break;
            }
            let options = &table.options[position * n..(position + 1) * n];
            if u <= 0.0
                || (any_fixed
                    && options
                        .iter()
                        .zip(fixed)
                        .any(|(&o, f)| f.is_some_and(|f| f != o as usize)))
            {
                continue;
            }
            let mut score = u * 1e-6; // ties go towards what we like best
            for d in 0..estimates.len() {
                let base = d * n * width;
                let mut theirs = 0.0;
                for (i, &o) in options.iter().enumerate() {
                    theirs += contributions[base + i * width + o as usize];
                }
                score += theirs.max(0.0);
            }
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((k, score));
            }
            if u < aspiration {
                break; // nothing reached the aspiration: the best consistent package
            }
        }
        best.map(|(k, _)| k)
    }

    pub fn decide(&mut self, obs: &Observation) -> Decision {
        let prefs = obs.my_prefs();
        self.refresh_tables(obs, prefs);
        self.observe(obs);
        let me = self.me;
        let batna = prefs.batna;
        let fixed = obs.fixed();
        let open: Vec<usize> = (0..fixed.len()).filter(|&i| fixed[i].is_none()).collect();
        // The best package still possible given what is fixed.
        let mut buffer = vec![0; fixed.len()];
        let top = self
            .table
            .order
            .iter()
            .map(|&k| k as usize)
            .find(|&k| {
                self.space.decode_into(k, &mut buffer);
                consistent(&buffer, &fixed)
            })
            .map_or(0.0, |k| self.table.utils[k]);
        // The margin over the BATNA it insists on: wider for a risk-taker, and shrinking
        // to half a point as the deadline comes, when anything better than walking away
        // is worth taking.
        let t =
            (obs.round().saturating_sub(1) as f64 / (obs.deadline().max(2) - 1) as f64).min(1.0);
        let margin = 0.5 + 6.0 * self.personality.risk * (1.0 - t);
        let aspiration = self.aspiration(obs, top, batna + margin);
        let candidate = if open.is_empty() {
            None
        } else {
            self.choose(&fixed, aspiration)
        };
        let candidate_u = candidate.map(|k| self.table.utils[k]);
        let mut rationale = Rationale {
            decision: "".into(),
            aspiration: Some(aspiration),
            batna,
            own_proposal_utility: candidate_u,
            top_issues: self.heaviest.clone(),
            ..Rationale::default()
        };
        if let Some(k) = candidate {
            let options = self.space.decode(k);
            for (p, m) in self.beliefs.models.iter().enumerate() {
                if let Some(m) = m {
                    rationale.beliefs.push((
                        self.party_ids[p].clone(),
                        m.utility(&options),
                        m.batna,
                    ));
                }
            }
        }
        let current = obs.current_package();
        let current_u = prefs.utility(&current);

        // 1. Accept the best acceptable standing offer.
        let mut best_offer: Option<(&Offer, f64)> = None;
        for o in obs.standing_offers() {
            if o.author == Some(me) || o.accepted_by.contains(&me) {
                continue;
            }
            let completed = obs.complete(&o.package);
            if prefs.crosses_red_line(&completed) {
                continue;
            }
            let u = prefs.utility(&completed);
            let improves_each =
                o.package.iter().enumerate().all(|(i, x)| {
                    x.is_none_or(|x| prefs.values[i][x] >= prefs.values[i][current[i]])
                });
            let acceptable = u > batna
                && (u >= aspiration
                    || candidate_u.is_some_and(|c| u >= c)
                    || (improves_each && u > current_u && covers_some_open(o, &open)));
            if acceptable && best_offer.is_none_or(|(_, b)| u > b) {
                best_offer = Some((o, u));
            }
        }
        if let Some((o, u)) = best_offer {
            rationale.decision = "accept".into();
            rationale.offer_utility = Some(u);
            let issue = biggest_gain_issue(obs, prefs, &o.package, &current);
            return Decision::new(
                Action::Accept { offer: o.id },
                Some(PublicReason::Accepting { issue }),
                rationale,
            );
        }

        // 2. Walk out when no package can beat the BATNA.
        if top <= batna && obs.round() > 1 {
            rationale.decision = "walk out".into();
            return Decision::new(
                Action::WalkOut { reason: None },
                Some(PublicReason::AlternativeIsBetter),
                rationale,
            );
        }

        // 3. Answer the newest offer from another party with a counter or a rejection.
        let newest = obs
            .standing_offers()
            .filter(|o| o.author != Some(me) && !self.answered.contains(&o.id))
            .max_by_key(|o| o.id);
        let my_standing = obs
            .standing_offers()
            .find(|o| o.author == Some(me))
            .map(|o| o.package.clone());
        let proposal = candidate.map(|k| self.package_of(obs, k, &open));
        let proposal_is_new = proposal.as_ref().is_some_and(|p| {
            my_standing
                .as_ref()
                .is_none_or(|s| *s != to_partial(obs, p, &open))
        });
        if let Some(o) = newest {
            self.answered.push(o.id);
            let completed = obs.complete(&o.package);
            rationale.offer_utility = Some(prefs.utility(&completed));
            let reason = rejection_reason(
                obs,
                prefs,
                &completed,
                candidate.map(|k| self.space.decode(k)),
            );
            if let (Some(p), true) = (proposal.clone(), proposal_is_new) {
                rationale.decision = "counter".into();
                return Decision::new(
                    Action::Counter {
                        to: o.id,
                        package: p,
                        note: None,
                    },
                    Some(reason),
                    rationale,
                );
            }
            rationale.decision = "reject".into();
            let issue = match &reason {
                PublicReason::NotEnough { issue, .. } | PublicReason::RedLine { issue, .. } => {
                    Some(issue.clone())
                }
                _ => None,
            };
            return Decision::new(
                Action::Reject {
                    offer: o.id,
                    reason: Some(crate::sim::action::Reason { issue, text: None }),
                },
                Some(reason),
                rationale,
            );
        }

        // 4. Put a new package on the table.
        if let (Some(p), true) = (proposal, proposal_is_new) {
            rationale.decision = "propose".into();
            let stress = self
                .heaviest
                .first()
                .map(|(i, _)| i.to_string())
                .unwrap_or_default();
            return Decision::new(
                Action::Propose {
                    package: p,
                    note: None,
                },
                Some(PublicReason::Proposing { stress }),
                rationale,
            );
        }

        // 5. Stalemate: ask the mediator for a text.
        let round = obs.round();
        if obs.has_mediator()
            && round >= self.last_progress + 2
            && self.last_asked.is_none_or(|r| round >= r + 3)
        {
            self.last_asked = Some(round);
            rationale.decision = "ask the mediator".into();
            return Decision::new(
                Action::AskMediator { note: None },
                Some(PublicReason::AskingMediator),
                rationale,
            );
        }

        // 6. Say where we stand on what matters most, now and then.
        if self.last_statement.is_none_or(|r| round >= r + 3)
            && let Some(k) = candidate
        {
            self.last_statement = Some(round);
            let options = self.space.decode(k);
            let stances: Vec<Stance> = self
                .heaviest
                .iter()
                .take(2)
                .filter_map(|(id, _)| {
                    let i = obs.issues().iter().position(|x| x.id == **id)?;
                    Some(Stance {
                        issue: id.to_string(),
                        option: obs.issues()[i].options[options[i]].id.clone(),
                        stance: StanceKind::Demand,
                    })
                })
                .collect();
            if !stances.is_empty() {
                rationale.decision = "statement".into();
                return Decision::new(
                    Action::Statement {
                        to: Audience::Public,
                        stances,
                        text: None,
                    },
                    Some(PublicReason::Waiting),
                    rationale,
                );
            }
        }
        rationale.decision = "pass".into();
        Decision::new(Action::Pass, Some(PublicReason::Waiting), rationale)
    }

    /// The ids of package `k` on the open issues (settled ones are not re-proposed).
    fn package_of(&self, obs: &Observation, k: usize, open: &[usize]) -> PackageIds {
        let options = self.space.decode(k);
        open.iter()
            .map(|&i| {
                let issue = &obs.issues()[i];
                (issue.id.clone(), issue.options[options[i]].id.clone())
            })
            .collect()
    }
}

fn to_partial(obs: &Observation, p: &PackageIds, open: &[usize]) -> Vec<Option<usize>> {
    let mut out = vec![None; obs.issues().len()];
    for &i in open {
        let issue = &obs.issues()[i];
        if let Some(id) = p.get(&issue.id) {
            out[i] = issue.options.iter().position(|o| &o.id == id);
        }
    }
    out
}

fn covers_some_open(o: &Offer, open: &[usize]) -> bool {
    open.iter().any(|&i| o.package[i].is_some())
}

/// The party's most heavily weighted issues, with their weights.
fn top_issues(obs: &Observation, prefs: &Prefs, n: usize) -> Vec<(Arc<str>, f64)> {
    let mut order: Vec<usize> = (0..prefs.weights.len()).collect();
    order.sort_by(|&a, &b| {
        prefs.weights[b]
            .total_cmp(&prefs.weights[a])
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(n)
        .map(|i| (Arc::from(obs.issues()[i].id.as_str()), prefs.weights[i]))
        .collect()
}

/// The issue on which an offer improves most on the current state, weighted.
fn biggest_gain_issue(
    obs: &Observation,
    prefs: &Prefs,
    offer: &[Option<usize>],
    current: &[usize],
) -> String {
    let mut best = (0usize, f64::MIN);
    for (i, o) in offer.iter().enumerate() {
        if let Some(o) = o {
            let gain = prefs.weights[i] * (prefs.values[i][*o] - prefs.values[i][current[i]]);
            if gain > best.1 {
                best = (i, gain);
            }
        }
    }
    obs.issues()[best.0].id.clone()
}

/// Why an offer falls short: a red line it crosses, or the issues where it gives least
/// compared with what the party would propose itself.
fn rejection_reason(
    obs: &Observation,
    prefs: &Prefs,
    offer: &[usize],
    own: Option<Vec<usize>>,
) -> PublicReason {
    for (i, &o) in offer.iter().enumerate() {
        if prefs.red[i][o] {
            return PublicReason::RedLine {
                issue: obs.issues()[i].id.clone(),
                option: obs.issues()[i].options[o].id.clone(),
            };
        }
    }
    let reference: Vec<usize> = own.unwrap_or_else(|| {
        prefs
            .values
            .iter()
            .map(|vs| {
                (0..vs.len())
                    .max_by(|&a, &b| vs[a].total_cmp(&vs[b]))
                    .unwrap_or(0)
            })
            .collect()
    });
    let mut losses: Vec<(usize, f64)> = offer
        .iter()
        .enumerate()
        .map(|(i, &o)| {
            (
                i,
                prefs.weights[i] * (prefs.values[i][reference[i]] - prefs.values[i][o]),
            )
        })
        .collect();
    losses.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let issue = obs.issues()[losses[0].0].id.clone();
    let could_move_for = losses
        .get(1)
        .filter(|(_, l)| *l > 0.0)
        .map(|(i, _)| obs.issues()[*i].id.clone());
    PublicReason::NotEnough {
        issue,
        could_move_for,
    }
}
