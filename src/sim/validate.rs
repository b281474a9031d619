//! Semantic checks of a scenario beyond what serde checks: references, ranges, turn order,
//! events that can never fire, parties that can never gain from a deal.
//!
//! Every problem carries its field path and, through [`SourceMap`], its line and column.
//! All problems of a file are collected; nothing here panics on any input.

use std::collections::{BTreeSet, HashMap};

use super::diagnostic::{Diagnostic, Severity};
use super::locate::{FieldPath, SourceMap};
use super::scenario::*;

/// Exact analysis enumerates every package; beyond this many it would be too slow.
pub const MAX_PACKAGES: u64 = 1_000_000;
/// Options per issue; the AI stores an option in a byte.
pub const MAX_OPTIONS: usize = 64;
/// Rounds are kept in a bitset; deadlines above this are refused.
pub const MAX_DEADLINE: u32 = 100;

/// Checks a deserialised scenario; returns every problem found, errors and warnings.
pub fn validate(s: &Scenario, file: &str, map: &SourceMap) -> Vec<Diagnostic> {
    let mut v = Validator {
        s,
        file,
        map,
        out: Vec::new(),
        event_ids: HashMap::new(),
        lever_ids: HashMap::new(),
        party_ids: first_index(s.parties.iter().map(|p| p.id.as_str())),
        source_ids: first_index(s.meta.sources.iter().map(|x| x.id.as_str())),
        has_mediator: s.parties.iter().any(|p| p.kind == PartyKind::Mediator),
        batna_moved: all_effects(s)
            .filter_map(|e| match e {
                Effect::MoveBatna { party, .. } => Some(party.as_str()),
                _ => None,
            })
            .collect(),
        issue_ids: first_index(s.issues.iter().map(|i| i.id.as_str())),
        event_reach: vec![0; s.events.len()],
        lever_reach: vec![0; s.levers.len()],
        suggestions: std::cell::Cell::new(0),
        dropped: 0,
    };
    v.reachability();
    v.run();
    if v.dropped > 0 {
        let dropped = v.dropped;
        v.out.push(Diagnostic {
            file: file.to_string(),
            line: 1,
            column: 1,
            path: String::new(),
            severity: if v.out.iter().any(Diagnostic::is_error) {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: format!(
                "{dropped} more problems not listed: the first {MAX_DIAGNOSTICS} are; fix those first"
            ),
        });
    }
    v.out.sort_by_key(|d| (d.line, d.column));
    v.out
}

struct Validator<'a> {
    s: &'a Scenario,
    file: &'a str,
    map: &'a SourceMap,
    out: Vec<Diagnostic>,
    /// Index of each event and lever id (the first, if one is duplicated).
    event_ids: HashMap<&'a str, usize>,
    lever_ids: HashMap<&'a str, usize>,
    party_ids: HashMap<&'a str, usize>,
    source_ids: HashMap<&'a str, usize>,
    has_mediator: bool,
    /// Parties whose BATNA some effect moves.
    batna_moved: std::collections::HashSet<&'a str>,
    issue_ids: HashMap<&'a str, usize>,
    /// Rounds in which each event may fire, and each lever may be enabled
    /// (over-approximated; see `reachability`).
    event_reach: Vec<Rounds>,
    lever_reach: Vec<Rounds>,
    /// "Did you mean" suggestions given so far: each costs a pass over the known ids, so
    /// a file full of unknown references gets only the first few.
    suggestions: std::cell::Cell<usize>,
    /// Problems found past `MAX_DIAGNOSTICS`, counted only.
    dropped: usize,
}

/// The most problems listed for one file: beyond, they are counted. A file with a
/// million broken entries gets a readable report in bounded time.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// Each id's index in its list: the first, when an id is duplicated (an error of its own).
fn first_index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id).or_insert(i);
    }
    map
}

/// The most conditions one `All` or `Any` may list.
pub const MAX_CONDITION_LIST: usize = 256;

/// The most "did you mean" suggestions one file gets.
pub const MAX_SUGGESTIONS: usize = 16;

/// An event or a lever, as a node of the reference graph.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Event(usize),
    Lever(usize),
}

/// A set of rounds 1..=100, as bits.
type Rounds = u128;

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn in_range(x: f64, lo: f64, hi: f64) -> bool {
    x.is_finite() && x >= lo && x <= hi
}

impl<'a> Validator<'a> {
    fn push(&mut self, severity: Severity, path: &FieldPath, message: String) {
        if self.out.len() >= MAX_DIAGNOSTICS {
            self.dropped += 1;
            return;
        }
        let pos = self.map.locate(path);
        self.out.push(Diagnostic {
            file: self.file.to_string(),
            line: pos.line,
            column: pos.col,
            path: path.to_string(),
            severity,
            message,
        });
    }
    fn err(&mut self, path: &FieldPath, message: impl Into<String>) {
        self.push(Severity::Error, path, message.into());
    }
    fn warn(&mut self, path: &FieldPath, message: impl Into<String>) {
        self.push(Severity::Warning, path, message.into());
    }

    fn party(&self, id: &str) -> Option<&'a Party> {
        self.party_ids.get(id).map(|&i| &self.s.parties[i])
    }
    fn issue(&self, id: &str) -> Option<&'a Issue> {
        self.issue_ids.get(id).map(|&i| &self.s.issues[i])
    }
    fn deadline(&self) -> u32 {
        self.s.rules.deadline.clamp(1, MAX_DEADLINE)
    }
    fn all_rounds(&self) -> Rounds {
        rounds_from(1, self.deadline())
    }

    fn run(&mut self) {
        let root = FieldPath::root();
        if self.s.format_version != FORMAT_VERSION {
            self.err(
                &root.field("format_version"),
                format!(
                    "format version {} is not supported: this build reads version {FORMAT_VERSION}",
                    self.s.format_version
                ),
            );
        }
        self.meta(&root.field("meta"));
        self.issues(&root.field("issues"));
        self.parties(&root.field("parties"));
        self.rules(&root.field("rules"));
        self.levers(&root.field("levers"));
        self.events(&root.field("events"));
        self.injects(&root.field("injects"));
        self.history(&root.field("historical_outcome"));
        self.neutrality(&root);
        self.feasibility(&root.field("parties"));
    }

    /// In a scenario about real events (`meta.historical`), every news item and lever text
    /// either cites a source or says it is hypothetical or illustrative: otherwise the game
    /// would put words in a real government's mouth that it never said.
    fn neutrality(&mut self, root: &FieldPath) {
        for (i, lever) in self.s.levers.iter().enumerate() {
            if let Some(source) = &lever.source {
                self.check_source(&root.field("levers").index(i).field("source"), source);
            }
        }
        if !self.s.meta.historical {
            return;
        }
        let hint = "cite a source (`source: Some(\"id\")`) or say in the text that it is \
                    hypothetical or illustrative";
        for (i, lever) in self.s.levers.iter().enumerate() {
            let lp = root.field("levers").index(i);
            if lever.source.is_none() && !is_marked(&[&lever.description, &lever.public_text]) {
                self.warn(
                    &lp.field("public_text"),
                    format!(
                        "historical scenario: lever `{}` speaks for `{}` without a source: {hint}",
                        lever.id, lever.owner
                    ),
                );
            }
        }
        let lists = [
            (
                "levers",
                self.s
                    .levers
                    .iter()
                    .map(|l| &l.effects[..])
                    .collect::<Vec<_>>(),
            ),
            (
                "events",
                self.s.events.iter().map(|e| &e.effects[..]).collect(),
            ),
            (
                "injects",
                self.s.injects.iter().map(|e| &e.effects[..]).collect(),
            ),
        ];
        for (list, items) in lists {
            for (i, effects) in items.into_iter().enumerate() {
                for (j, effect) in effects.iter().enumerate() {
                    if let Effect::News {
                        headline,
                        text,
                        source: None,
                    } = effect
                        && !is_marked(&[headline, text])
                    {
                        let ep = root.field(list).index(i).field("effects").index(j);
                        self.warn(
                            &ep.field("text"),
                            format!(
                                "historical scenario: the news “{headline}” has no source: {hint}"
                            ),
                        );
                    }
                }
            }
        }
    }

    fn unique_ids<'x>(&mut self, what: &str, list: &FieldPath, ids: impl Iterator<Item = &'x str>) {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.enumerate() {
            let path = list.index(i).field("id");
            if !is_valid_id(id) {
                self.err(
                    &path,
                    format!(
                        "{what} id `{id}` must be non-empty and use only a-z, 0-9, `_` and `-`"
                    ),
                );
            }
            if !seen.insert(id) {
                self.err(&path, format!("duplicate {what} id `{id}`"));
            }
        }
    }

    fn meta(&mut self, p: &FieldPath) {
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

    fn issues(&mut self, p: &FieldPath) {
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

    /// Checks that `issue` (and `option`, if given) exist; returns whether they do.
    fn check_option(
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

    fn check_party(&mut self, path: &FieldPath, id: &str) -> Option<&'a Party> {
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

    fn parties(&mut self, p: &FieldPath) {
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

    fn personality(&mut self, p: &FieldPath, x: &Personality) {
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

    fn preferences(&mut self, p: &FieldPath, party: &Party) {
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

    fn rules(&mut self, p: &FieldPath) {
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

    fn levers(&mut self, p: &FieldPath) {
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

    fn events(&mut self, p: &FieldPath) {
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

    fn injects(&mut self, p: &FieldPath) {
        self.unique_ids("inject", p, self.s.injects.iter().map(|e| e.id.as_str()));
        for (i, inject) in self.s.injects.iter().enumerate() {
            let ip = p.index(i);
            if inject.effects.is_empty() {
                self.err(&ip.field("effects"), "an inject needs at least one effect");
            }
            self.unowned_effects(&ip.field("effects"), &inject.effects);
        }
    }

    fn history(&mut self, p: &FieldPath) {
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

    fn check_source(&mut self, path: &FieldPath, id: &str) {
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

    fn condition(&mut self, p: &FieldPath, c: &Condition) {
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
    fn unowned_effects(&mut self, p: &FieldPath, effects: &[Effect]) {
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

    fn effects(&mut self, p: &FieldPath, effects: &[Effect]) {
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

    /// Every delegation must have some package it prefers to its BATNA.
    fn feasibility(&mut self, p: &FieldPath) {
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

    // ---- Can a condition ever hold? Sets of rounds, over- and under-approximated. ----

    /// Rounds in which `c` may hold (over-approximation) and in which it surely holds.
    fn rounds(&self, c: &Condition) -> (Rounds, Rounds) {
        let all = self.all_rounds();
        let d = self.deadline();
        match c {
            Condition::Always => (all, all),
            Condition::Round(n) => {
                let r = rounds_from(*n, (*n).min(d));
                (r, r)
            }
            Condition::RoundAtLeast(n) => {
                let r = rounds_from(*n, d);
                (r, r)
            }
            Condition::OfferRejected { by, .. } | Condition::MediatorAsked(by) => {
                let is_delegation = self
                    .party(by)
                    .is_some_and(|p| p.kind == PartyKind::Delegation);
                let needs_mediator = matches!(c, Condition::MediatorAsked(_));
                if is_delegation && (!needs_mediator || self.has_mediator) {
                    (all, 0)
                } else {
                    (0, 0)
                }
            }
            Condition::IssueSettled { .. } => {
                // Under "nothing agreed until all agreed" a deal settles every issue at
                // once and ends the talks, so no event or lever sees a settled issue.
                if self.s.rules.nothing_agreed_until_all_agreed {
                    (0, 0)
                } else {
                    (all, 0)
                }
            }
            Condition::BatnaBelow { party, value } | Condition::BatnaAbove { party, value } => {
                let below = matches!(c, Condition::BatnaBelow { .. });
                let unreachable_bound = if below {
                    *value <= 0.0
                } else {
                    *value >= 100.0
                };
                let moved = self.batna_moved.contains(party.as_str());
                let start = self.party(party).map(|p| p.batna);
                let holds_at_start = start.map(|b| if below { b < *value } else { b > *value });
                if unreachable_bound || !value.is_finite() {
                    (0, 0)
                } else if !moved {
                    match holds_at_start {
                        Some(true) => (all, all),
                        _ => (0, 0),
                    }
                } else {
                    (all, 0)
                }
            }
            Condition::LeverUsed(id) => {
                // A lever is used in some round's ally phase; the condition holds from then.
                let r = self
                    .lever_ids
                    .get(id.as_str())
                    .map_or(0, |&i| self.lever_reach[i]);
                (from_first(r, d), 0)
            }
            Condition::EventFired(id) => {
                let r = self
                    .event_ids
                    .get(id.as_str())
                    .map_or(0, |&i| self.event_reach[i]);
                (from_first(r, d), 0)
            }
            Condition::All(list) => {
                // `All([c, Not(c)])` contradicts itself whatever `c` is.
                let contradiction = list.iter().any(|c| {
                    list.iter()
                        .any(|d| matches!(d, Condition::Not(inner) if **inner == *c))
                });
                if contradiction {
                    return (0, 0);
                }
                list.iter().fold((all, all), |(p, s), c| {
                    let (cp, cs) = self.rounds(c);
                    (p & cp, s & cs)
                })
            }
            Condition::Any(list) => list.iter().fold((0, 0), |(p, s), c| {
                let (cp, cs) = self.rounds(c);
                (p | cp, s | cs)
            }),
            Condition::Not(inner) => {
                let (p, s) = self.rounds(inner);
                (all & !s, all & !p)
            }
        }
    }

    /// When each event may fire and each lever may be enabled: the least fixed point of
    /// the conditions over the reference graph, found with a worklist. The analysis is
    /// monotone (an event that may fire earlier can only make its dependents possible
    /// earlier, `Not` included, since "surely fired" is never assumed), so starting from
    /// "never" and re-evaluating a node whenever one it references changes converges; each
    /// node changes at most once per round, so the work is linear in the size of the file
    /// times the deadline, whatever the shape of the graph. Events and levers that only
    /// wait on each other in a loop stay at "never".
    fn reachability(&mut self) {
        self.event_ids = first_index(self.s.events.iter().map(|e| e.id.as_str()));
        self.lever_ids = first_index(self.s.levers.iter().map(|l| l.id.as_str()));
        let (events, levers) = (self.s.events.len(), self.s.levers.len());
        let slot = |n: Node| match n {
            Node::Event(i) => i,
            Node::Lever(i) => events + i,
        };
        // Who references whom, read off each node's condition.
        let mut dependents: Vec<Vec<Node>> = vec![Vec::new(); events + levers];
        let mut refs = Vec::new();
        let nodes = (0..events)
            .map(Node::Event)
            .chain((0..levers).map(Node::Lever));
        for node in nodes.clone() {
            refs.clear();
            match node {
                Node::Event(i) => match &self.s.events[i].trigger {
                    Trigger::AtRound(_) => {}
                    Trigger::When(c) | Trigger::Random { when: c, .. } => {
                        self.references(c, &mut refs)
                    }
                },
                Node::Lever(i) => self.references(&self.s.levers[i].enabled_when, &mut refs),
            }
            for &r in &refs {
                let deps = &mut dependents[slot(r)];
                if deps.last() != Some(&node) {
                    deps.push(node);
                }
            }
        }
        let mut queue: std::collections::VecDeque<Node> = nodes.collect();
        let mut queued = vec![true; events + levers];
        while let Some(node) = queue.pop_front() {
            queued[slot(node)] = false;
            let (old, new) = match node {
                Node::Event(i) => (self.event_reach[i], self.event_may_fire(i)),
                Node::Lever(i) => (self.lever_reach[i], self.lever_may_be_enabled(i)),
            };
            if new == old {
                continue;
            }
            match node {
                Node::Event(i) => self.event_reach[i] = new,
                Node::Lever(i) => self.lever_reach[i] = new,
            }
            for &d in &dependents[slot(node)] {
                if !queued[slot(d)] {
                    queued[slot(d)] = true;
                    queue.push_back(d);
                }
            }
        }
    }

    /// "; did you mean `x`?" for an unknown id, for the first few in a file.
    fn suggest<'x>(&self, unknown: &str, known: impl Iterator<Item = &'x String>) -> String {
        let n = self.suggestions.get();
        if n >= MAX_SUGGESTIONS {
            return String::new();
        }
        self.suggestions.set(n + 1);
        suggest(unknown, known)
    }

    /// The events and levers a condition refers to (nesting is bounded by the parser).
    fn references(&self, c: &Condition, out: &mut Vec<Node>) {
        match c {
            Condition::EventFired(id) => {
                out.extend(self.event_ids.get(id.as_str()).map(|&i| Node::Event(i)))
            }
            Condition::LeverUsed(id) => {
                out.extend(self.lever_ids.get(id.as_str()).map(|&i| Node::Lever(i)))
            }
            Condition::All(list) | Condition::Any(list) => {
                for c in list {
                    self.references(c, out);
                }
            }
            Condition::Not(inner) => self.references(inner, out),
            _ => {}
        }
    }

    /// The rounds in which event `i` may fire, given what is known of the others.
    fn event_may_fire(&self, i: usize) -> Rounds {
        match &self.s.events[i].trigger {
            Trigger::AtRound(n) => rounds_from(*n, (*n).min(self.deadline())),
            Trigger::When(c) => self.rounds(c).0,
            Trigger::Random { probability, when } => {
                if probability.is_finite() && *probability > 0.0 {
                    self.rounds(when).0
                } else {
                    0
                }
            }
        }
    }

    /// The rounds in which lever `i` may be enabled, given what is known of the others.
    fn lever_may_be_enabled(&self, i: usize) -> Rounds {
        let lever = &self.s.levers[i];
        if lever.max_uses == 0 {
            0
        } else {
            self.rounds(&lever.enabled_when).0
        }
    }
}

/// Every effect of the scenario: its levers', events' and injects'.
fn all_effects(s: &Scenario) -> impl Iterator<Item = &Effect> {
    s.levers
        .iter()
        .flat_map(|l| &l.effects)
        .chain(s.events.iter().flat_map(|e| &e.effects))
        .chain(s.injects.iter().flat_map(|e| &e.effects))
}

/// Rounds `from..=to` (within 1..=100) as a bitset.
fn rounds_from(from: u32, to: u32) -> Rounds {
    let mut r = 0;
    for n in from.max(1)..=to.min(MAX_DEADLINE) {
        r |= 1u128 << n;
    }
    r
}

/// The rounds from the first round of `r` to the deadline.
fn from_first(r: Rounds, deadline: u32) -> Rounds {
    if r == 0 {
        0
    } else {
        rounds_from(r.trailing_zeros(), deadline)
    }
}

/// Whether a text says it is not a record of what happened.
fn is_marked(texts: &[&String]) -> bool {
    texts.iter().any(|t| {
        let t = t.to_lowercase();
        t.contains("hypothetical") || t.contains("illustrative")
    })
}

fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

/// "; did you mean `russia`?" when a known id is close to the unknown one.
pub fn suggest<'x>(unknown: &str, known: impl Iterator<Item = &'x String>) -> String {
    let best = known
        .map(|k| (strsim::levenshtein(unknown, k), k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, k)) => format!("; did you mean `{k}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_close_ids() {
        let known = ["russia".to_string(), "ukraine".to_string()];
        assert_eq!(suggest("rusia", known.iter()), "; did you mean `russia`?");
        assert_eq!(suggest("france", known.iter()), "");
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2025-05-16"));
        assert!(!is_iso_date("2025-13-16"));
        assert!(!is_iso_date("16 May 2025"));
    }

    #[test]
    fn round_sets() {
        assert_eq!(rounds_from(2, 3), 0b1100);
        assert_eq!(from_first(0b1000, 5), 0b111000);
        assert_eq!(from_first(0, 5), 0);
    }
}
