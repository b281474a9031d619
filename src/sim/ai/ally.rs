//! An AI ally, and the lever valuation it shares with the mediator.
//!
//! Scenario triggers enable levers; the ally chooses among the enabled ones by its own
//! utility gain minus the lever's cost (MODEL.md). The gain is estimated from what the
//! ally can see: it predicts the deal the delegations would reach — the text that
//! maximises the estimated Nash product over its estimates of their preferences, or no
//! deal if it finds none — before and after the lever's effects, and values the difference
//! on its own preferences. A proposal a lever puts on the table is valued directly, if
//! the ally estimates that every delegation gains from it.

use std::borrow::Cow;

use crate::sim::action::Move;
use crate::sim::model::Prefs;
use crate::sim::observe::Observation;
use crate::sim::rules::Eff;

use super::Decision;
use super::estimate::{Beliefs, Estimate};
use super::reason::Rationale;
use super::space::Space;

#[derive(Debug, Clone)]
pub struct AllyAi {
    space: Space,
    beliefs: Beliefs,
}

impl AllyAi {
    /// `trust`: how far it believes the delegations' statements (0–1).
    pub fn new(obs: &Observation, trust: f64) -> AllyAi {
        AllyAi {
            space: Space::new(obs.option_counts()),
            beliefs: Beliefs::new(obs, trust),
        }
    }

    pub fn decide(&mut self, obs: &Observation) -> Decision {
        self.beliefs.update(obs, |_| {});
        let prefs = obs.my_prefs();
        let evaluator = LeverEvaluator::new(obs, &self.space, self.beliefs.indexed());
        if let Some(decision) = lever_decision(obs, &evaluator) {
            return decision;
        }
        let rationale = Rationale {
            decision: "pass".into(),
            batna: prefs.batna,
            ..Rationale::default()
        };
        Decision::new(Move::Pass, None, rationale)
    }
}

/// Predicts the deal before and after a lever, on the owner's own preferences.
pub struct LeverEvaluator<'a> {
    obs: &'a Observation<'a>,
    space: &'a Space,
    /// (party index, estimate) for every other delegation.
    estimates: Vec<(usize, &'a Estimate)>,
    fixed: Vec<Option<usize>>,
    current: Vec<usize>,
    prefs: &'a Prefs,
    /// The prediction without any lever, computed when first needed.
    baseline: std::cell::OnceCell<f64>,
}

impl<'a> LeverEvaluator<'a> {
    /// `estimates`: (party index, estimate) of every delegation the owner models.
    pub fn new(
        obs: &'a Observation<'a>,
        space: &'a Space,
        estimates: Vec<(usize, &'a Estimate)>,
    ) -> Self {
        LeverEvaluator {
            obs,
            space,
            estimates,
            fixed: obs.fixed(),
            current: obs.current_package(),
            prefs: obs.my_prefs(),
            baseline: std::cell::OnceCell::new(),
        }
    }

    /// Own utility (0–100) of the deal predicted under these estimates.
    fn predict(&self, estimates: &[&Estimate], fixed: &[Option<usize>]) -> f64 {
        match self
            .obs
            .text_memo()
            .nash_text(self.space, estimates, fixed, &[], self.obs.links())
        {
            Some((package, _)) => self.prefs.utility(&package),
            None => self.prefs.utility(&self.current),
        }
    }

    /// Estimated gain (0–100 points) of using the lever now, from its effects.
    pub fn gain(&self, effects: &[Eff]) -> f64 {
        let obs = self.obs;
        // Estimates and fixed options are copied only where an effect changes them.
        let mut estimates: Vec<Cow<Estimate>> = self
            .estimates
            .iter()
            .map(|(_, e)| Cow::Borrowed(*e))
            .collect();
        let modelled = |p: usize| self.estimates.iter().position(|(q, _)| *q == p);
        let mut fixed = Cow::Borrowed(self.fixed.as_slice());
        let mut direct = 0.0;
        let mut changes_prediction = false;
        for effect in effects {
            match effect {
                Eff::MoveBatna { party, by } => {
                    if let Some(k) = modelled(*party) {
                        let e = estimates[k].to_mut();
                        e.batna = (e.batna + by / 100.0).clamp(0.0, 1.0);
                        changes_prediction = true;
                    }
                }
                Eff::SetValue {
                    party,
                    issue,
                    option,
                    value,
                } => {
                    if let Some(k) = modelled(*party) {
                        estimates[k].to_mut().values[*issue][*option] = value / 100.0;
                        changes_prediction = true;
                    }
                }
                Eff::SetWeight {
                    party,
                    issue,
                    weight,
                } => {
                    if let Some(k) = modelled(*party) {
                        let e = estimates[k].to_mut();
                        // Raw weights are on a 0–100 scale; estimates sum to 1.
                        e.weights[*issue] = weight / 100.0;
                        let total: f64 = e.weights.iter().sum();
                        if total > 0.0 {
                            e.weights.iter_mut().for_each(|w| *w /= total);
                        }
                        changes_prediction = true;
                    }
                }
                Eff::LockIssue { issue, option } => {
                    fixed.to_mut()[*issue] = Some(*option);
                    changes_prediction = true;
                }
                Eff::Propose { package } => {
                    let completed = obs.complete(package);
                    let every_side_gains = self
                        .estimates
                        .iter()
                        .all(|(_, e)| e.utility(&completed) > e.utility(&self.current));
                    let already = obs
                        .standing_offers()
                        .any(|o| obs.complete(&o.package) == completed);
                    if every_side_gains && !already {
                        direct +=
                            self.prefs.utility(&completed) - self.prefs.utility(&self.current);
                    }
                }
                Eff::News { .. } | Eff::EndTalks { .. } | Eff::Nothing => {}
            }
        }
        let shift = if changes_prediction {
            let baseline = *self.baseline.get_or_init(|| {
                let refs: Vec<&Estimate> = self.estimates.iter().map(|(_, e)| *e).collect();
                self.predict(&refs, &self.fixed)
            });
            let refs: Vec<&Estimate> = estimates.iter().map(|e| e.as_ref()).collect();
            self.predict(&refs, &fixed) - baseline
        } else {
            0.0
        };
        direct + shift
    }
}

/// The move of an owner whose best enabled lever is worth more than it costs, with the
/// numbers in its rationale; `None` when no lever is worth it.
pub fn lever_decision(obs: &Observation, evaluator: &LeverEvaluator) -> Option<Decision> {
    let (lever, gain, cost) = best_lever(obs, evaluator)?;
    let rationale = Rationale {
        decision: "lever".into(),
        batna: obs.my_prefs().batna,
        lever_gain: Some(gain),
        lever_cost: Some(cost),
        ..Rationale::default()
    };
    // The lever's own public text is what the table hears: no public reason.
    Some(Decision::new(Move::UseLever { lever }, None, rationale))
}

/// The enabled lever with the largest gain over its cost, if any is worth it:
/// (lever index, gain, cost).
pub fn best_lever(obs: &Observation, evaluator: &LeverEvaluator) -> Option<(usize, f64, f64)> {
    let mut best: Option<(usize, f64, f64)> = None;
    for own in obs.my_levers() {
        if !own.enabled {
            continue;
        }
        let gain = evaluator.gain(own.effects);
        let cost = own.lever.cost;
        let net = gain - cost;
        if net > 0.0 && best.as_ref().is_none_or(|(_, g, c)| net > g - c) {
            best = Some((own.index, gain, cost));
        }
    }
    best
}
