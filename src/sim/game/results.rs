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

    /// What the delegations could have had (the debrief's "what was left on the table"):
    /// the allowed package on the Pareto frontier nearest to the outcome, among those that
    /// give every delegation at least what the outcome gave it when there are any (there
    /// are unless the outcome is on the frontier), and what each side would have had.
    /// The outcome is the agreement, or with nothing agreed every side's BATNA. `None`
    /// when the space has no frontier.
    pub fn could_have_had(&self, space: &OutcomeSpace) -> Option<CouldHaveHad> {
        let anything_settled = self.settled.iter().any(Option::is_some);
        let outcome: Vec<f64> = if anything_settled {
            self.delegation_point()
        } else {
            self.model
                .delegations
                .iter()
                .map(|&d| self.prefs[d].batna / 100.0)
                .collect()
        };
        let on_frontier = space.distance_to_frontier(&outcome) < 1e-9;
        let nearest = |better: bool| {
            space
                .frontier
                .iter()
                .copied()
                .filter(|&k| !better || space.points[k].iter().zip(&outcome).all(|(f, o)| f >= o))
                .map(|k| {
                    (
                        super::super::analysis::distance(&space.points[k], &outcome),
                        k,
                    )
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| k)
        };
        let k = nearest(true).or_else(|| nearest(false))?;
        Some(CouldHaveHad {
            package: self.model.package_ids(&space.packages[k]),
            outcome: outcome.iter().map(|u| u * 100.0).collect(),
            frontier: space.points[k].iter().map(|u| u * 100.0).collect(),
            on_frontier,
            agreement: anything_settled,
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
