//! Conditions on the state of the game: whether a lever is enabled, whether an event's
//! condition holds.

use super::*;

impl Game {
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
}
