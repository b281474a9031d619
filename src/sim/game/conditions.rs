//! Conditions on the state of the game: whether a lever is enabled, whether an event's
//! condition holds. Conditions come compiled, by index ([`Cond`]).

use super::*;

impl Game {
    /// Whether the lever could be used now (owner's turn aside).
    pub fn lever_enabled(&self, lever: usize) -> bool {
        let l = &self.model.scenario.levers[lever];
        self.lever_uses[lever] < l.max_uses
            && self.holds(&self.model.rules().levers[lever].enabled_when)
    }

    /// Whether a condition holds in the current state.
    pub fn holds(&self, c: &Cond) -> bool {
        match c {
            Cond::Always => true,
            Cond::Never => false,
            Cond::Round(n) => self.round == *n,
            Cond::RoundAtLeast(n) => self.round >= *n,
            Cond::OfferRejected { by, issue } => self
                .rejections
                .iter()
                .any(|r| r.by == *by && issue.is_none_or(|i| r.issues.contains(&i))),
            Cond::IssueSettled { issue, option } => match (self.settled[*issue], option) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(o), Some(opt)) => o == *opt,
            },
            Cond::BatnaBelow { party, value } => self.prefs[*party].batna < *value,
            Cond::BatnaAbove { party, value } => self.prefs[*party].batna > *value,
            Cond::LeverUsed(l) => self.lever_uses[*l] > 0,
            Cond::EventFired(e) => self.event_fired[*e] > 0,
            Cond::MediatorAsked(p) => self.mediator_asked[*p],
            Cond::All(list) => list.iter().all(|c| self.holds(c)),
            Cond::Any(list) => list.iter().any(|c| self.holds(c)),
            Cond::Not(inner) => !self.holds(inner),
        }
    }
}
