//! Semantic checks of a scenario beyond what serde checks: references, ranges, turn order,
//! events that can never fire, parties that can never gain from a deal.
//!
//! Every problem carries its field path and, through [`SourceMap`], its line and column.
//! All problems of a file are collected; nothing here panics on any input.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::diagnostic::{Diagnostic, Severity};
use super::locate::{FieldPath, SourceMap};
use super::scenario::*;

mod neutrality;
mod option_rules;
mod ranges;
mod reachability;
mod references;

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
        self.option_rules(&root.field("option_rules"));
        self.parties(&root.field("parties"));
        self.rules(&root.field("rules"));
        self.levers(&root.field("levers"));
        self.events(&root.field("events"));
        self.injects(&root.field("injects"));
        self.history(&root.field("historical_outcome"));
        self.neutrality(&root);
        self.feasibility(&root.field("parties"));
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
