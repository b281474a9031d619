//! References: every id a scenario names (parties, issues, options, sources, events,
//! levers) exists, and conditions and effects are well formed.

use super::*;

impl<'a> Validator<'a> {
    /// Checks that `issue` (and `option`, if given) exist; returns whether they do.
    pub(super) fn check_option(
        &mut self,
        issue_path: &FieldPath,
        option_path: &FieldPath,
        issue: &str,
        option: Option<&str>,
    ) -> bool {
        let Some(found) = self.issue(issue) else {
            self.err(
                issue_path,
                format!(
                    "unknown issue `{issue}`{}",
                    self.suggest(issue, self.s.issues.iter().map(|i| &i.id))
                ),
            );
            return false;
        };
        if let Some(option) = option
            && !found.options.iter().any(|o| o.id == option)
        {
            self.err(
                option_path,
                format!(
                    "issue `{issue}` has no option `{option}`{}",
                    self.suggest(option, found.options.iter().map(|o| &o.id))
                ),
            );
            return false;
        }
        true
    }

    pub(super) fn check_party(&mut self, path: &FieldPath, id: &str) -> Option<&'a Party> {
        let found = self.party(id);
        if found.is_none() {
            self.err(
                path,
                format!(
                    "unknown party `{id}`{}",
                    self.suggest(id, self.s.parties.iter().map(|p| &p.id))
                ),
            );
        }
        found
    }

    pub(super) fn check_source(&mut self, path: &FieldPath, id: &str) {
        if !self.source_ids.contains_key(id) {
            self.err(
                path,
                format!(
                    "unknown source `{id}`{}",
                    self.suggest(id, self.s.meta.sources.iter().map(|s| &s.id))
                ),
            );
        }
    }

    pub(super) fn condition(&mut self, p: &FieldPath, c: &Condition) {
        match c {
            Condition::Always | Condition::Round(_) | Condition::RoundAtLeast(_) => {}
            Condition::OfferRejected { by, issue } => {
                if let Some(party) = self.check_party(&p.field("by"), by)
                    && party.kind != PartyKind::Delegation
                {
                    self.err(
                        &p.field("by"),
                        format!("`{by}` is not a delegation: only delegations reject offers"),
                    );
                }
                if let Some(issue) = issue {
                    self.check_option(&p.field("issue"), &p.field("issue"), issue, None);
                }
            }
            Condition::IssueSettled { issue, option } => {
                self.check_option(
                    &p.field("issue"),
                    &p.field("option"),
                    issue,
                    option.as_deref(),
                );
            }
            Condition::BatnaBelow { party, .. } | Condition::BatnaAbove { party, .. } => {
                self.check_party(&p.field("party"), party);
            }
            Condition::LeverUsed(id) => {
                if !self.lever_ids.contains_key(id.as_str()) {
                    let hint = self.suggest(id, self.s.levers.iter().map(|l| &l.id));
                    self.err(&p.index(0), format!("unknown lever `{id}`{hint}"));
                }
            }
            Condition::EventFired(id) => {
                if !self.event_ids.contains_key(id.as_str()) {
                    let hint = self.suggest(id, self.s.events.iter().map(|e| &e.id));
                    self.err(&p.index(0), format!("unknown event `{id}`{hint}"));
                }
            }
            Condition::MediatorAsked(id) => {
                if let Some(party) = self.check_party(&p.index(0), id)
                    && party.kind != PartyKind::Delegation
                {
                    self.err(
                        &p.index(0),
                        format!("`{id}` is not a delegation: only delegations ask the mediator"),
                    );
                }
            }
            Condition::All(list) | Condition::Any(list) => {
                if list.len() > MAX_CONDITION_LIST {
                    self.err(
                        &p.index(0),
                        format!(
                            "{} conditions in one list: at most {MAX_CONDITION_LIST} (nest lists to combine more)",
                            list.len()
                        ),
                    );
                }
                for (i, c) in list.iter().enumerate() {
                    self.condition(&p.index(0).index(i), c);
                }
            }
            Condition::Not(inner) => self.condition(&p.index(0), inner),
        }
    }

    /// Effects of events and injects: a `Propose` there speaks for the mediator.
    pub(super) fn unowned_effects(&mut self, p: &FieldPath, effects: &[Effect]) {
        let has_mediator = self.s.parties.iter().any(|x| x.kind == PartyKind::Mediator);
        for (i, e) in effects.iter().enumerate() {
            if matches!(e, Effect::Propose { .. }) && !has_mediator {
                self.err(
                    &p.index(i),
                    "a `Propose` in an event or inject speaks for the mediator, and this scenario has none",
                );
            }
        }
        self.effects(p, effects);
    }

    pub(super) fn effects(&mut self, p: &FieldPath, effects: &[Effect]) {
        for (i, e) in effects.iter().enumerate() {
            let ep = p.index(i);
            match e {
                Effect::MoveBatna { party, by } => {
                    self.check_party(&ep.field("party"), party);
                    if !in_range(*by, -100.0, 100.0) {
                        self.err(
                            &ep.field("by"),
                            format!("a BATNA move of {by} is outside −100–100"),
                        );
                    }
                }
                Effect::SetValue {
                    party,
                    issue,
                    option,
                    value,
                } => {
                    self.check_party(&ep.field("party"), party);
                    self.check_option(&ep.field("issue"), &ep.field("option"), issue, Some(option));
                    if !in_range(*value, 0.0, 100.0) {
                        self.err(
                            &ep.field("value"),
                            format!("value {value} is outside 0–100"),
                        );
                    }
                }
                Effect::SetWeight {
                    party,
                    issue,
                    weight,
                } => {
                    self.check_party(&ep.field("party"), party);
                    self.check_option(&ep.field("issue"), &ep.field("issue"), issue, None);
                    if !in_range(*weight, 0.0, 100.0) {
                        self.err(
                            &ep.field("weight"),
                            format!("weight {weight} is outside 0–100"),
                        );
                    }
                }
                Effect::News {
                    headline, source, ..
                } => {
                    if headline.trim().is_empty() {
                        self.err(&ep.field("headline"), "the headline is empty");
                    }
                    if let Some(source) = source {
                        self.check_source(&ep.field("source"), source);
                    }
                }
                Effect::LockIssue { issue, option } => {
                    self.check_option(&ep.field("issue"), &ep.field("option"), issue, Some(option));
                }
                Effect::Propose { package } => {
                    let pp = ep.field("package");
                    for (issue, option) in package {
                        let kp = pp.key(issue);
                        self.check_option(&kp, &kp, issue, Some(option));
                    }
                    if package.is_empty() {
                        self.err(&pp, "the proposed package is empty");
                    }
                    if self.s.rules.nothing_agreed_until_all_agreed
                        && self.s.issues.iter().any(|i| !package.contains_key(&i.id))
                    {
                        self.err(
                            &pp,
                            "under `nothing_agreed_until_all_agreed` a proposal must cover every issue",
                        );
                    }
                }
                Effect::EndTalks { reason } => {
                    if reason.trim().is_empty() {
                        self.err(&ep.field("reason"), "give the reason the talks end");
                    }
                }
            }
        }
    }

    /// "; did you mean `x`?" for an unknown id, for the first few in a file.
    pub(super) fn suggest<'x>(
        &self,
        unknown: &str,
        known: impl Iterator<Item = &'x String>,
    ) -> String {
        let n = self.suggestions.get();
        if n >= MAX_SUGGESTIONS {
            return String::new();
        }
        self.suggestions.set(n + 1);
        suggest(unknown, known)
    }
}
