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

impl Game {
    /// Why `viewer` cannot use the lever now, in words that seat may read, one line per
    /// unmet part of its condition; empty when it is enabled. A part that rests on another
    /// party's BATNA, which `viewer` cannot see, reads "not yet", never with its value.
    pub fn lever_blockers(&self, lever: usize, viewer: usize) -> Vec<String> {
        let l = &self.model.scenario.levers[lever];
        let mut out = Vec::new();
        if self.lever_uses[lever] >= l.max_uses {
            out.push(match l.max_uses {
                1 => "already used".to_string(),
                n => format!("already used {n} times, as often as it can be"),
            });
            return out;
        }
        self.unmet(
            &self.model.rules().levers[lever].enabled_when,
            viewer,
            &mut out,
        );
        out
    }

    /// The unmet parts of `c` (nothing when it holds), for `viewer`.
    fn unmet(&self, c: &Cond, viewer: usize, out: &mut Vec<String>) {
        if self.holds(c) {
            return;
        }
        match c {
            Cond::All(list) => {
                for c in list {
                    self.unmet(c, viewer, out);
                }
            }
            Cond::Any(list) => {
                let parts: Vec<String> = list
                    .iter()
                    .map(|c| {
                        let mut part = Vec::new();
                        self.unmet(c, viewer, &mut part);
                        part.join(" and ")
                    })
                    .filter(|p| !p.is_empty())
                    .collect();
                if parts.iter().any(|p| p == NOT_YET) {
                    out.push(NOT_YET.into());
                } else {
                    out.push(format!("one of: {}", parts.join("; or ")));
                }
            }
            Cond::Not(inner) => out.push(match self.describe(inner, viewer) {
                Some(d) => format!("no longer, since {d}"),
                None => NOT_YET.into(),
            }),
            Cond::Never => out.push("never in this scenario".into()),
            Cond::Round(n) if self.round > *n => {
                out.push(format!("only in round {n}, which has passed"))
            }
            Cond::Round(n) => out.push(format!("only in round {n} (this is round {})", self.round)),
            Cond::RoundAtLeast(n) => {
                out.push(format!("from round {n} (this is round {})", self.round))
            }
            _ => out.push(match self.describe(c, viewer) {
                Some(d) => format!("once {d}"),
                None => NOT_YET.into(),
            }),
        }
    }

    /// A single condition as a statement of fact ("Russia has rejected an offer"), or
    /// `None` when it rests on what `viewer` may not see (another party's BATNA).
    fn describe(&self, c: &Cond, viewer: usize) -> Option<String> {
        let s = &self.model.scenario;
        let party = |p: usize| s.parties[p].name.clone();
        let own_batna = |p: usize, below: bool, value: f64| {
            (p == viewer).then(|| {
                format!(
                    "your walk-away value is {} {value:.0} (it is {:.0})",
                    if below { "below" } else { "above" },
                    self.prefs[p].batna
                )
            })
        };
        Some(match c {
            Cond::Always => "always".into(),
            Cond::Never => "never".into(),
            Cond::Round(n) => format!("it is round {n}"),
            Cond::RoundAtLeast(n) => format!("round {n} has come"),
            Cond::OfferRejected { by, issue } => match issue {
                Some(i) => format!(
                    "{} has rejected an offer that changes {}",
                    party(*by),
                    s.issues[*i].name
                ),
                None => format!("{} has rejected an offer", party(*by)),
            },
            Cond::IssueSettled { issue, option } => match option {
                Some(o) => format!(
                    "{} is settled on “{}”",
                    s.issues[*issue].name, s.issues[*issue].options[*o].label
                ),
                None => format!("{} is settled", s.issues[*issue].name),
            },
            Cond::BatnaBelow { party, value } => return own_batna(*party, true, *value),
            Cond::BatnaAbove { party, value } => return own_batna(*party, false, *value),
            Cond::LeverUsed(l) => {
                let lever = &s.levers[*l];
                let owner = s
                    .parties
                    .iter()
                    .find(|p| p.id == lever.owner)
                    .map_or(lever.owner.as_str(), |p| p.name.as_str());
                format!("{owner} has used “{}”", lever.name)
            }
            Cond::EventFired(e) => format!("“{}” has happened", s.events[*e].name),
            Cond::MediatorAsked(p) => format!("{} has asked the mediator for a text", party(*p)),
            Cond::All(list) => list
                .iter()
                .map(|c| self.describe(c, viewer))
                .collect::<Option<Vec<_>>>()?
                .join(" and "),
            Cond::Any(list) => list
                .iter()
                .map(|c| self.describe(c, viewer))
                .collect::<Option<Vec<_>>>()?
                .join(" or "),
            Cond::Not(inner) => format!("not ({})", self.describe(inner, viewer)?),
        })
    }
}

/// What a seat reads for a condition on facts it may not see.
pub const NOT_YET: &str = "not yet";
