//! The scenario's conditions and effects compiled once into the index form the engine
//! runs on: parties, issues, options, levers and events by position, so that checking a
//! condition or applying an effect never looks an id up.
//!
//! A validated scenario names nothing it lacks; should a reference not resolve, it
//! compiles to what the engine always did with it: a condition on it never holds
//! ([`Cond::Never`]), an effect on it does nothing ([`Eff::Nothing`]).

use serde::{Deserialize, Serialize};

use super::scenario::{Condition, Effect, Scenario, Trigger};

/// A condition on the state of the game, by index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cond {
    Always,
    /// Names something the scenario lacks: never holds.
    Never,
    Round(u32),
    RoundAtLeast(u32),
    /// `by` rejected an offer; with `issue`, one that put that issue on another option
    /// than its status quo.
    OfferRejected {
        by: usize,
        issue: Option<usize>,
    },
    IssueSettled {
        issue: usize,
        option: Option<usize>,
    },
    BatnaBelow {
        party: usize,
        value: f64,
    },
    BatnaAbove {
        party: usize,
        value: f64,
    },
    LeverUsed(usize),
    EventFired(usize),
    MediatorAsked(usize),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

/// An effect of a lever, an event or an inject, by index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Eff {
    MoveBatna {
        party: usize,
        by: f64,
    },
    SetValue {
        party: usize,
        issue: usize,
        option: usize,
        value: f64,
    },
    /// A raw weight (0–100); weights are normalised again.
    SetWeight {
        party: usize,
        issue: usize,
        weight: f64,
    },
    News {
        headline: String,
        text: String,
        source: Option<String>,
    },
    LockIssue {
        issue: usize,
        option: usize,
    },
    /// A partial package: the option per issue, `None` where the text leaves it out.
    Propose {
        package: Vec<Option<usize>>,
    },
    EndTalks {
        reason: String,
    },
    /// Names something the scenario lacks: does nothing.
    Nothing,
}

/// When an event fires, by index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum When {
    AtRound(u32),
    Holds(Cond),
    Random { probability: f64, when: Cond },
}

/// A lever's condition and effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeverRules {
    pub enabled_when: Cond,
    pub effects: Vec<Eff>,
}

/// An event's trigger and effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRules {
    pub trigger: When,
    pub effects: Vec<Eff>,
}

/// Every condition and effect of a scenario, in the order of its levers, events and
/// injects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub levers: Vec<LeverRules>,
    pub events: Vec<EventRules>,
    pub injects: Vec<Vec<Eff>>,
}

/// Looks ids up while compiling.
struct Names<'a>(&'a Scenario);

impl Names<'_> {
    fn party(&self, id: &str) -> Option<usize> {
        self.0.parties.iter().position(|p| p.id == id)
    }
    fn issue(&self, id: &str) -> Option<usize> {
        self.0.issues.iter().position(|i| i.id == id)
    }
    fn option(&self, issue: usize, id: &str) -> Option<usize> {
        self.0.issues[issue].options.iter().position(|o| o.id == id)
    }
    fn lever(&self, id: &str) -> Option<usize> {
        self.0.levers.iter().position(|l| l.id == id)
    }
    fn event(&self, id: &str) -> Option<usize> {
        self.0.events.iter().position(|e| e.id == id)
    }

    fn cond(&self, c: &Condition) -> Cond {
        let or_never = |c: Option<Cond>| c.unwrap_or(Cond::Never);
        match c {
            Condition::Always => Cond::Always,
            Condition::Round(n) => Cond::Round(*n),
            Condition::RoundAtLeast(n) => Cond::RoundAtLeast(*n),
            Condition::OfferRejected { by, issue } => or_never((|| {
                let by = self.party(by)?;
                let issue = match issue {
                    None => None,
                    Some(i) => Some(self.issue(i)?),
                };
                Some(Cond::OfferRejected { by, issue })
            })()),
            Condition::IssueSettled { issue, option } => or_never((|| {
                let i = self.issue(issue)?;
                let option = match option {
                    None => None,
                    Some(o) => Some(self.option(i, o)?),
                };
                Some(Cond::IssueSettled { issue: i, option })
            })()),
            Condition::BatnaBelow { party, value } => {
                or_never(self.party(party).map(|party| Cond::BatnaBelow {
                    party,
                    value: *value,
                }))
            }
            Condition::BatnaAbove { party, value } => {
                or_never(self.party(party).map(|party| Cond::BatnaAbove {
                    party,
                    value: *value,
                }))
            }
            Condition::LeverUsed(id) => or_never(self.lever(id).map(Cond::LeverUsed)),
            Condition::EventFired(id) => or_never(self.event(id).map(Cond::EventFired)),
            Condition::MediatorAsked(id) => or_never(self.party(id).map(Cond::MediatorAsked)),
            Condition::All(list) => Cond::All(list.iter().map(|c| self.cond(c)).collect()),
            Condition::Any(list) => Cond::Any(list.iter().map(|c| self.cond(c)).collect()),
            Condition::Not(inner) => Cond::Not(Box::new(self.cond(inner))),
        }
    }

    fn eff(&self, e: &Effect) -> Eff {
        let or_nothing = |e: Option<Eff>| e.unwrap_or(Eff::Nothing);
        match e {
            Effect::MoveBatna { party, by } => or_nothing(
                self.party(party)
                    .map(|party| Eff::MoveBatna { party, by: *by }),
            ),
            Effect::SetValue {
                party,
                issue,
                option,
                value,
            } => or_nothing((|| {
                let (party, issue) = (self.party(party)?, self.issue(issue)?);
                Some(Eff::SetValue {
                    party,
                    issue,
                    option: self.option(issue, option)?,
                    value: *value,
                })
            })()),
            Effect::SetWeight {
                party,
                issue,
                weight,
            } => or_nothing((|| {
                Some(Eff::SetWeight {
                    party: self.party(party)?,
                    issue: self.issue(issue)?,
                    weight: *weight,
                })
            })()),
            Effect::News {
                headline,
                text,
                source,
            } => Eff::News {
                headline: headline.clone(),
                text: text.clone(),
                source: source.clone(),
            },
            Effect::LockIssue { issue, option } => or_nothing((|| {
                let i = self.issue(issue)?;
                Some(Eff::LockIssue {
                    issue: i,
                    option: self.option(i, option)?,
                })
            })()),
            Effect::Propose { package } => {
                let mut resolved = vec![None; self.0.issues.len()];
                for (issue, option) in package {
                    if let Some(i) = self.issue(issue)
                        && let Some(o) = self.option(i, option)
                    {
                        resolved[i] = Some(o);
                    }
                }
                Eff::Propose { package: resolved }
            }
            Effect::EndTalks { reason } => Eff::EndTalks {
                reason: reason.clone(),
            },
        }
    }

    fn effs(&self, list: &[Effect]) -> Vec<Eff> {
        list.iter().map(|e| self.eff(e)).collect()
    }
}

impl Rules {
    pub fn compile(s: &Scenario) -> Rules {
        let names = Names(s);
        Rules {
            levers: s
                .levers
                .iter()
                .map(|l| LeverRules {
                    enabled_when: names.cond(&l.enabled_when),
                    effects: names.effs(&l.effects),
                })
                .collect(),
            events: s
                .events
                .iter()
                .map(|e| EventRules {
                    trigger: match &e.trigger {
                        Trigger::AtRound(n) => When::AtRound(*n),
                        Trigger::When(c) => When::Holds(names.cond(c)),
                        Trigger::Random { probability, when } => When::Random {
                            probability: *probability,
                            when: names.cond(when),
                        },
                    },
                    effects: names.effs(&e.effects),
                })
                .collect(),
            injects: s.injects.iter().map(|i| names.effs(&i.effects)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::load::{BUILT_IN, load_built_in};

    fn never_or_nothing(c: &Cond) -> bool {
        match c {
            Cond::Never => true,
            Cond::All(l) | Cond::Any(l) => l.iter().any(never_or_nothing),
            Cond::Not(c) => never_or_nothing(c),
            _ => false,
        }
    }

    #[test]
    fn shipped_scenarios_compile_without_a_dangling_reference() {
        for (id, _, _) in BUILT_IN {
            let model = load_built_in(id).unwrap().unwrap().model;
            let rules = model.rules();
            let s = &model.scenario;
            assert_eq!(rules.levers.len(), s.levers.len());
            assert_eq!(rules.events.len(), s.events.len());
            assert_eq!(rules.injects.len(), s.injects.len());
            for l in &rules.levers {
                assert!(!never_or_nothing(&l.enabled_when), "{id}");
                assert!(!l.effects.contains(&Eff::Nothing), "{id}");
            }
            for e in &rules.events {
                assert!(!e.effects.contains(&Eff::Nothing), "{id}");
                if let When::Holds(c) | When::Random { when: c, .. } = &e.trigger {
                    assert!(!never_or_nothing(c), "{id}");
                }
            }
        }
    }

    #[test]
    fn references_that_do_not_resolve_compile_to_what_never_holds_or_does_nothing() {
        let model = load_built_in("istanbul-2025").unwrap().unwrap().model;
        let names = Names(&model.scenario);
        let missing = [
            Condition::OfferRejected {
                by: "atlantis".into(),
                issue: None,
            },
            Condition::OfferRejected {
                by: "ukraine".into(),
                issue: Some("weather".into()),
            },
            Condition::IssueSettled {
                issue: "ceasefire".into(),
                option: Some("forever".into()),
            },
            Condition::LeverUsed("nope".into()),
            Condition::EventFired("nope".into()),
            Condition::MediatorAsked("nope".into()),
        ];
        for c in &missing {
            assert_eq!(names.cond(c), Cond::Never, "{c:?}");
        }
        assert_eq!(
            names.cond(&Condition::Not(Box::new(missing[0].clone()))),
            Cond::Not(Box::new(Cond::Never))
        );
        assert_eq!(
            names.eff(&Effect::MoveBatna {
                party: "atlantis".into(),
                by: 5.0
            }),
            Eff::Nothing
        );
        assert_eq!(
            names.cond(&Condition::IssueSettled {
                issue: "ceasefire".into(),
                option: None
            }),
            Cond::IssueSettled {
                issue: 0,
                option: None
            }
        );
    }
}
