//! Ranges and sections: each part of the scenario (metadata, issues, parties and their
//! preferences, rules, levers, events, injects, history) holds values in range, and every
//! delegation can gain from some deal.

use super::*;

impl<'a> Validator<'a> {
    pub(super) fn meta(&mut self, p: &FieldPath) {
        let m = &self.s.meta;
        if !is_valid_id(&m.id) {
            self.err(
                &p.field("id"),
                format!(
                    "scenario id `{}` must be non-empty and use only a-z, 0-9, `_` and `-`",
                    m.id
                ),
            );
        }
        for (field, text) in [("title", &m.title), ("summary", &m.summary)] {
            if text.trim().is_empty() {
                self.err(&p.field(field), format!("`{field}` is empty"));
            }
        }
        if !is_iso_date(&m.date) {
            self.err(
                &p.field("date"),
                format!("date `{}` is not an ISO date like 2025-05-16", m.date),
            );
        }
        if m.language.trim().is_empty() {
            self.err(
                &p.field("language"),
                "language is empty (use a tag such as `en`)",
            );
        }
        if m.sources.is_empty() {
            self.warn(
                &p.field("sources"),
                "no sources: cite where the scenario's facts come from",
            );
        }
        let sources = p.field("sources");
        self.unique_ids("source", &sources, m.sources.iter().map(|x| x.id.as_str()));
        for (i, src) in m.sources.iter().enumerate() {
            if !is_iso_date(&src.date) {
                self.err(
                    &sources.index(i).field("date"),
                    format!("date `{}` is not an ISO date like 2025-05-16", src.date),
                );
            }
        }
    }

    pub(super) fn issues(&mut self, p: &FieldPath) {
        if self.s.issues.is_empty() {
            self.err(p, "a scenario needs at least one issue");
        }
        self.unique_ids("issue", p, self.s.issues.iter().map(|i| i.id.as_str()));
        let mut packages: u64 = 1;
        for (i, issue) in self.s.issues.iter().enumerate() {
            let ip = p.index(i);
            if issue.options.len() < 2 {
                self.err(
                    &ip.field("options"),
                    format!("issue `{}` needs at least two options", issue.id),
                );
            }
            if issue.options.len() > MAX_OPTIONS {
                self.err(
                    &ip.field("options"),
                    format!(
                        "issue `{}` has {} options, more than the {MAX_OPTIONS} an issue may have",
                        issue.id,
                        issue.options.len()
                    ),
                );
            }
            self.unique_ids(
                "option",
                &ip.field("options"),
                issue.options.iter().map(|o| o.id.as_str()),
            );
            if !issue.options.iter().any(|o| o.id == issue.status_quo) {
                self.err(
                    &ip.field("status_quo"),
                    format!(
                        "status quo `{}` is not an option of issue `{}`{}",
                        issue.status_quo,
                        issue.id,
                        self.suggest(&issue.status_quo, issue.options.iter().map(|o| &o.id))
                    ),
                );
            }
            packages = packages.saturating_mul(issue.options.len().max(1) as u64);
        }
        if packages > MAX_PACKAGES {
            self.err(
                p,
                format!(
                    "the outcome space has {packages} packages, more than the {MAX_PACKAGES} that exact analysis allows: merge options or issues"
                ),
            );
        }
    }

    pub(super) fn parties(&mut self, p: &FieldPath) {
        self.unique_ids("party", p, self.s.parties.iter().map(|x| x.id.as_str()));
        let delegations = self
            .s
            .parties
            .iter()
            .filter(|x| x.kind == PartyKind::Delegation)
            .count();
        if delegations < 2 {
            self.err(
                p,
                format!("a negotiation needs at least two delegations, found {delegations}"),
            );
        }
        for (i, party) in self.s.parties.iter().enumerate() {
            let pp = p.index(i);
            if !is_colour(&party.colour) {
                self.err(
                    &pp.field("colour"),
                    format!("colour `{}` is not of the form #RRGGBB", party.colour),
                );
            }
            let label_len = party.label.chars().count();
            if !(1..=4).contains(&label_len) {
                self.err(
                    &pp.field("label"),
                    format!("label `{}` must be 1 to 4 characters", party.label),
                );
            }
            for (field, text) in [
                ("name", &party.name),
                ("public_line", &party.public_line),
                ("confidential_brief", &party.confidential_brief),
            ] {
                if text.trim().is_empty() {
                    self.err(&pp.field(field), format!("`{field}` is empty"));
                }
            }
            if let Some(client) = &party.ally_of {
                if party.kind != PartyKind::Ally {
                    self.err(&pp.field("ally_of"), "only an ally can have `ally_of`");
                } else if let Some(c) = self.check_party(&pp.field("ally_of"), client)
                    && c.kind != PartyKind::Delegation
                {
                    self.err(
                        &pp.field("ally_of"),
                        format!("`ally_of` must name a delegation, and `{client}` is not one"),
                    );
                }
            }
            if !in_range(party.batna, 0.0, 100.0) {
                self.err(
                    &pp.field("batna"),
                    format!("BATNA {} is outside 0–100", party.batna),
                );
            }
            self.personality(&pp.field("personality"), &party.personality);
            self.preferences(&pp.field("preferences"), party);
            for (r, red) in party.red_lines.iter().enumerate() {
                let rp = pp.field("red_lines").index(r);
                self.check_option(
                    &rp.field("issue"),
                    &rp.field("option"),
                    &red.issue,
                    Some(&red.option),
                );
            }
        }
    }

    pub(super) fn personality(&mut self, p: &FieldPath, x: &Personality) {
        let (lo, hi) = TOUGHNESS_RANGE;
        if !in_range(x.toughness, lo, hi) {
            self.err(
                &p.field("toughness"),
                format!("toughness {} is outside {lo}–{hi}", x.toughness),
            );
        }
        for (field, value) in [
            ("patience", x.patience),
            ("trust", x.trust),
            ("risk", x.risk),
        ] {
            if !in_range(value, 0.0, 1.0) {
                self.err(&p.field(field), format!("{field} {value} is outside 0–1"));
            }
        }
    }

    pub(super) fn preferences(&mut self, p: &FieldPath, party: &Party) {
        let mut total = 0.0;
        for issue in &self.s.issues {
            match party.preferences.get(&issue.id) {
                None => self.err(
                    p,
                    format!(
                        "party `{}` has no preferences for issue `{}`",
                        party.id, issue.id
                    ),
                ),
                Some(pref) => {
                    let ip = p.key(&issue.id);
                    if !in_range(pref.weight, 0.0, 100.0) {
                        self.err(
                            &ip.field("weight"),
                            format!("weight {} is outside 0–100", pref.weight),
                        );
                    } else {
                        total += pref.weight;
                    }
                    for option in &issue.options {
                        match pref.values.get(&option.id) {
                            None => self.err(
                                &ip.field("values"),
                                format!(
                                    "no value for option `{}` of issue `{}`",
                                    option.id, issue.id
                                ),
                            ),
                            Some(value) if !in_range(*value, 0.0, 100.0) => self.err(
                                &ip.field("values").key(&option.id),
                                format!("value {value} is outside 0–100"),
                            ),
                            Some(_) => {}
                        }
                    }
                    for key in pref.values.keys() {
                        if !issue.options.iter().any(|o| &o.id == key) {
                            self.err(
                                &ip.field("values").key(key),
                                format!(
                                    "issue `{}` has no option `{key}`{}",
                                    issue.id,
                                    self.suggest(key, issue.options.iter().map(|o| &o.id))
                                ),
                            );
                        }
                    }
                }
            }
        }
        for key in party.preferences.keys() {
            if self.issue(key).is_none() {
                self.err(
                    &p.key(key),
                    format!(
                        "unknown issue `{key}`{}",
                        self.suggest(key, self.s.issues.iter().map(|i| &i.id))
                    ),
                );
            }
        }
        if total <= 0.0 && !self.s.issues.is_empty() {
            self.err(
                p,
                format!(
                    "all of `{}`'s weights are zero: it would care about nothing",
                    party.id
                ),
            );
        }
    }

    pub(super) fn rules(&mut self, p: &FieldPath) {
        let r = &self.s.rules;
        if r.deadline == 0 || r.deadline > MAX_DEADLINE {
            self.err(
                &p.field("deadline"),
                format!(
                    "deadline {} must be between 1 and {MAX_DEADLINE} rounds",
                    r.deadline
                ),
            );
        }
        let mut seen = BTreeSet::new();
        for (i, id) in r.turn_order.iter().enumerate() {
            let tp = p.field("turn_order").index(i);
            if let Some(party) = self.check_party(&tp, id) {
                if party.kind != PartyKind::Delegation {
                    self.err(
                        &tp,
                        format!("`{id}` is not a delegation: only delegations take turns"),
                    );
                }
                if !seen.insert(id.as_str()) {
                    self.err(&tp, format!("`{id}` appears twice in the turn order"));
                }
            }
        }
        for party in &self.s.parties {
            if party.kind == PartyKind::Delegation && !seen.contains(party.id.as_str()) {
                self.err(
                    &p.field("turn_order"),
                    format!("delegation `{}` is missing from the turn order", party.id),
                );
            }
        }
    }

    pub(super) fn levers(&mut self, p: &FieldPath) {
        self.unique_ids("lever", p, self.s.levers.iter().map(|l| l.id.as_str()));
        for (i, lever) in self.s.levers.iter().enumerate() {
            let lp = p.index(i);
            if let Some(owner) = self.check_party(&lp.field("owner"), &lever.owner)
                && owner.kind == PartyKind::Delegation
            {
                self.err(
                    &lp.field("owner"),
                    format!(
                        "`{}` is a delegation: levers belong to allies and mediators",
                        lever.owner
                    ),
                );
            }
            if !in_range(lever.cost, 0.0, 100.0) {
                self.err(
                    &lp.field("cost"),
                    format!("cost {} is outside 0–100", lever.cost),
                );
            }
            if lever.max_uses == 0 {
                self.err(
                    &lp.field("max_uses"),
                    "max_uses is 0: the lever could never be used",
                );
            }
            if lever.effects.is_empty() {
                self.err(&lp.field("effects"), "a lever needs at least one effect");
            }
            self.condition(&lp.field("enabled_when"), &lever.enabled_when);
            self.effects(&lp.field("effects"), &lever.effects);
            if self.lever_reach[i] == 0 {
                self.err(
                    &lp.field("enabled_when"),
                    format!("lever `{}` can never be enabled", lever.id),
                );
            }
        }
    }

    pub(super) fn events(&mut self, p: &FieldPath) {
        self.unique_ids("event", p, self.s.events.iter().map(|e| e.id.as_str()));
        for (i, event) in self.s.events.iter().enumerate() {
            let ep = p.index(i);
            let tp = ep.field("trigger");
            match &event.trigger {
                Trigger::AtRound(n) => {
                    if *n == 0 || *n > self.s.rules.deadline {
                        self.err(
                            &tp,
                            format!(
                                "round {n} is outside the talks (rounds 1 to {}): the event can never fire",
                                self.s.rules.deadline
                            ),
                        );
                        continue;
                    }
                }
                Trigger::When(c) => self.condition(&tp.index(0), c),
                Trigger::Random { probability, when } => {
                    if !(probability.is_finite() && *probability > 0.0 && *probability <= 1.0) {
                        self.err(
                            &tp.field("probability"),
                            format!("probability {probability} must be above 0 and at most 1"),
                        );
                    }
                    self.condition(&tp.field("when"), when);
                }
            }
            if event.effects.is_empty() {
                self.err(&ep.field("effects"), "an event needs at least one effect");
            }
            self.unowned_effects(&ep.field("effects"), &event.effects);
            if self.event_reach[i] == 0 {
                self.err(&tp, format!("event `{}` can never fire", event.id));
            }
        }
    }

    pub(super) fn injects(&mut self, p: &FieldPath) {
        self.unique_ids("inject", p, self.s.injects.iter().map(|e| e.id.as_str()));
        for (i, inject) in self.s.injects.iter().enumerate() {
            let ip = p.index(i);
            if inject.effects.is_empty() {
                self.err(&ip.field("effects"), "an inject needs at least one effect");
            }
            self.unowned_effects(&ip.field("effects"), &inject.effects);
        }
    }

    pub(super) fn history(&mut self, p: &FieldPath) {
        let Some(h) = &self.s.historical_outcome else {
            return;
        };
        for (issue, option) in &h.settled {
            let kp = p.field("settled").key(issue);
            self.check_option(&kp, &kp, issue, Some(option));
        }
        for (i, source) in h.sources.iter().enumerate() {
            self.check_source(&p.field("sources").index(i), source);
        }
    }

    /// Every delegation must have some package it prefers to its BATNA.
    pub(super) fn feasibility(&mut self, p: &FieldPath) {
        for (i, party) in self.s.parties.iter().enumerate() {
            if party.kind != PartyKind::Delegation {
                continue;
            }
            let total: f64 = party
                .preferences
                .values()
                .map(|x| x.weight)
                .filter(|w| w.is_finite() && *w > 0.0)
                .sum();
            if total <= 0.0 {
                continue; // reported by `preferences`
            }
            let mut best = 0.0;
            let mut blocked = None;
            for issue in &self.s.issues {
                let Some(pref) = party.preferences.get(&issue.id) else {
                    return; // reported by `preferences`
                };
                let max = issue
                    .options
                    .iter()
                    .filter(|o| {
                        !party
                            .red_lines
                            .iter()
                            .any(|r| r.issue == issue.id && r.option == o.id)
                    })
                    .filter_map(|o| pref.values.get(&o.id).copied())
                    .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
                match max {
                    Some(max) => best += pref.weight.max(0.0) / total * max,
                    None => blocked = Some(issue.id.clone()),
                }
            }
            if let Some(issue) = blocked {
                self.err(
                    &p.index(i).field("red_lines"),
                    format!(
                        "every option of issue `{issue}` is a red line of `{}`: no package is acceptable to it",
                        party.id
                    ),
                );
            } else if best <= party.batna {
                self.err(
                    &p.index(i).field("batna"),
                    format!(
                        "no package is worth more to `{}` than its BATNA ({:.1}): its best package is worth {best:.1}",
                        party.id, party.batna
                    ),
                );
            }
        }
    }
}
