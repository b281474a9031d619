//! Results: each party's score, the outcome space and the metrics of a deal.

use super::*;

impl Game {
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

    /// The delegations' normalised utilities of the package as it stands.
    pub fn delegation_point(&self) -> Vec<f64> {
        let package = self.current_package();
        self.model
            .delegations
            .iter()
            .map(|&d| self.prefs[d].utility(&package) / 100.0)
            .collect()
    }

    /// Measures of the agreement, if anything was settled.
    pub fn deal_metrics(&self, space: &OutcomeSpace) -> Option<DealMetrics> {
        if self.settled.iter().all(Option::is_none) {
            return None;
        }
        let point = self.delegation_point();
        Some(DealMetrics {
            distance_to_frontier: space.distance_to_frontier(&point),
            distance_to_nash: space.distance_to_nash(&point),
            joint_gain: joint_gain(&point, &space.batnas),
            point,
        })
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
