//! The transcript in the players' words: parties, issues, options, levers, events and
//! sources by the names the scenario gives them, never by id.
//!
//! One renderer for everything a person reads of a game: the table's transcript and
//! speech bubbles, the facilitator's panel, the debrief, the printed report and
//! `accord replay`. The id form ([`Entry::render_with`]) stays for the golden tests and
//! for modders who debug a scenario (`simulate --transcript`).

use super::action::{PackageIds, Stance, StanceKind};
use super::ai::reason::{PublicReason, Rationale};
use super::game::{CouldHaveHad, Outcome, OutcomeKind};
use super::model::Model;
use super::notice::SIMULATED;
use super::scenario::PartyKind;
use super::transcript::{Entry, EntryKind, Visibility, Withdrawal};

/// Renders entries, reasons and outcomes of one scenario with its names.
#[derive(Clone, Copy)]
pub struct Narrator<'a> {
    model: &'a Model,
}

impl<'a> Narrator<'a> {
    pub fn new(model: &'a Model) -> Narrator<'a> {
        Narrator { model }
    }

    /// A party's name as a sentence uses it: the scenario's name without a trailing
    /// parenthesis ("Türkiye (host and chair)" → "Türkiye"). An unknown id is shown as
    /// given.
    pub fn party(&self, id: &str) -> String {
        match self.model.party_index(id) {
            Some(p) => short_name(&self.model.scenario.parties[p].name).to_string(),
            None => id.to_string(),
        }
    }

    /// The same name with a capital, for the start of a sentence.
    fn party_start(&self, id: &str) -> String {
        capitalise(&self.party(id))
    }

    pub fn issue(&self, id: &str) -> String {
        self.model.issue_index(id).map_or_else(
            || id.to_string(),
            |i| self.model.scenario.issues[i].name.clone(),
        )
    }

    pub fn option(&self, issue: &str, option: &str) -> String {
        self.model
            .issue_index(issue)
            .and_then(|i| {
                let o = self.model.option_index(i, option)?;
                Some(self.model.scenario.issues[i].options[o].label.clone())
            })
            .unwrap_or_else(|| option.to_string())
    }

    /// One issue and its option: "Prisoner exchange — 1,000-for-1,000 exchange".
    pub fn choice(&self, issue: &str, option: &str) -> String {
        format!("{} — {}", self.issue(issue), self.option(issue, option))
    }

    /// A package in the scenario's order of issues, one choice after another.
    pub fn package(&self, package: &PackageIds) -> String {
        let mut items: Vec<(usize, String)> = package
            .iter()
            .map(|(i, o)| {
                let at = self.model.issue_index(i).unwrap_or(usize::MAX);
                (at, self.choice(i, o))
            })
            .collect();
        items.sort_by_key(|(at, _)| *at);
        let items: Vec<String> = items.into_iter().map(|(_, s)| s).collect();
        items.join("; ")
    }

    pub fn lever(&self, id: &str) -> String {
        self.model
            .scenario
            .levers
            .iter()
            .find(|l| l.id == id)
            .map_or_else(|| id.to_string(), |l| l.name.clone())
    }

    /// A cited source as a reader finds it: publisher, title and date.
    pub fn source(&self, id: &str) -> String {
        self.model
            .scenario
            .meta
            .sources
            .iter()
            .find(|s| s.id == id)
            .map_or_else(
                || id.to_string(),
                |s| format!("{}, “{}”, {}", s.publisher, s.title, s.date),
            )
    }

    /// An AI's public reason, in the table's words.
    pub fn reason(&self, reason: &PublicReason) -> String {
        reason.render(&|i| self.issue(i), &|i, o| self.option(i, o))
    }

    /// The numbers behind an AI's move, with names (facilitator and debrief).
    pub fn rationale(&self, rationale: &Rationale) -> String {
        rationale.render_named(&|i| self.issue(i), &|p| self.party(p))
    }

    /// How the talks ended, in a sentence: "A partial agreement in round 5 (the deadline
    /// was reached): Ceasefire — 30-day ceasefire."
    pub fn outcome(&self, o: &Outcome) -> String {
        let kind = match o.kind {
            OutcomeKind::FullDeal => "A full agreement",
            OutcomeKind::PartialDeal => "A partial agreement",
            OutcomeKind::NoDeal => "No agreement",
            OutcomeKind::WalkOut => "A walk-out",
        };
        let reason = match (&o.by, o.reason.is_empty()) {
            (Some(by), true) => format!("{} walked out", self.party(by)),
            (Some(by), false) => format!("{} walked out: “{}”", self.party(by), o.reason),
            (None, _) => o.reason.clone(),
        };
        let settled: PackageIds = o
            .settled
            .iter()
            .filter_map(|i| Some((i.clone(), o.package.get(i)?.clone())))
            .collect();
        if settled.is_empty() {
            format!("{kind} in round {} ({reason}).", o.round)
        } else {
            format!(
                "{kind} in round {} ({reason}): {}.",
                o.round,
                self.package(&settled)
            )
        }
    }

    /// What the talks left on the table, in words: the nearest package on the Pareto
    /// frontier and what it would have given each delegation, against the outcome.
    pub fn could_have_had(&self, c: &CouldHaveHad) -> String {
        let sides: Vec<String> = self
            .model
            .delegations
            .iter()
            .zip(c.frontier.iter().zip(&c.outcome))
            .map(|(&d, (f, o))| {
                let name = self.party(self.model.party_id(d));
                format!("{name} {f:.0} (instead of {o:.0})")
            })
            .collect();
        let package = self.package(&c.package);
        if c.on_frontier {
            let worth: Vec<String> = self
                .model
                .delegations
                .iter()
                .zip(&c.outcome)
                .map(|(&d, o)| format!("{} {o:.0}", self.party(self.model.party_id(d))))
                .collect();
            return format!(
                "The agreement is on the Pareto frontier: no other package allowed by the \
                 rules would have given one side more without giving another less. It was \
                 worth {}.",
                worth.join(", ")
            );
        }
        let start = if c.agreement {
            "The agreement left something on the table. The nearest package on the Pareto \
             frontier"
        } else {
            "With nothing agreed, each side kept its walk-away value (BATNA). The nearest \
             package on the Pareto frontier"
        };
        let better = c.frontier.iter().zip(&c.outcome).all(|(f, o)| f >= o);
        let verb = if better {
            ", which leaves no side worse off,"
        } else {
            ""
        };
        format!(
            "{start}{verb} was: {package}. It would have given {}.",
            sides.join(", ")
        )
    }

    fn stance(&self, s: &Stance) -> String {
        let verb = match s.stance {
            StanceKind::Demand => "insists on",
            StanceKind::OpenTo => "is open to",
            StanceKind::Reject => "rejects",
        };
        format!("{verb} {}", self.choice(&s.issue, &s.option))
    }

    /// Who may see an entry, in words, or `None` for everyone.
    pub fn audience(&self, v: &Visibility) -> Option<String> {
        match v {
            Visibility::Public => None,
            Visibility::Private { from, to } => {
                let to: Vec<String> = to.iter().map(|t| self.party(t)).collect();
                Some(format!(
                    "private, {} to {}",
                    self.party(from),
                    to.join(", ")
                ))
            }
            Visibility::Caucus { delegation, ally } => Some(format!(
                "out of the room, {} and {}",
                self.party(delegation),
                self.party(ally)
            )),
            Visibility::Only(p) => Some(format!("known to {} only", self.party(p))),
            Visibility::Facilitator => Some("facilitator only".to_string()),
        }
    }

    /// What an entry says, without its round and audience.
    pub fn body(&self, e: &Entry) -> String {
        let quote =
            |t: &Option<String>| t.as_deref().map(|t| format!(": “{t}”")).unwrap_or_default();
        match &e.kind {
            EntryKind::RoundStarted => format!("Round {} begins", e.round),
            EntryKind::Proposed {
                by,
                offer,
                package,
                counter_to,
                note,
            } => {
                let mediator = by
                    .as_deref()
                    .and_then(|b| self.model.party_index(b))
                    .is_some_and(|p| self.model.kind(p) == PartyKind::Mediator);
                let who = by
                    .as_deref()
                    .map_or_else(|| "The chair".to_string(), |b| self.party_start(b));
                let verb = match (counter_to, mediator || by.is_none()) {
                    (Some(to), _) => format!("answers offer {to} with offer {offer}"),
                    (None, true) => format!("tables a text (offer {offer})"),
                    (None, false) => format!("proposes offer {offer}"),
                };
                let note = note
                    .as_deref()
                    .map(|n| format!(" — “{n}”"))
                    .unwrap_or_default();
                format!("{who} {verb}: {}{note}", self.package(package))
            }
            EntryKind::Accepted { by, offer } => {
                format!("{} accepts offer {offer}.", self.party_start(by))
            }
            EntryKind::Rejected { by, offer, reason } => {
                let mut line = format!("{} rejects offer {offer}", self.party_start(by));
                if let Some(r) = reason {
                    if let Some(i) = &r.issue {
                        line.push_str(&format!(" because of {}", self.issue(i)));
                    }
                    line.push_str(&quote(&r.text));
                }
                if !line.ends_with('”') {
                    line.push('.');
                }
                line
            }
            EntryKind::Withdrawn { offer, why } => match why {
                Withdrawal::Replaced => {
                    format!("Offer {offer} is withdrawn: its author put a newer one forward.")
                }
                Withdrawal::By(p) => format!("{} withdraws offer {offer}.", self.party_start(p)),
                Withdrawal::TakenOffTable(i) => format!(
                    "Offer {offer} is withdrawn: {} was taken off the table.",
                    self.issue(i)
                ),
            },
            EntryKind::Statement { by, stances, text } => {
                let mut line = format!("{} states its position", self.party_start(by));
                if !stances.is_empty() {
                    let st: Vec<String> = stances.iter().map(|s| self.stance(s)).collect();
                    line = format!("{}: {}", self.party_start(by), st.join("; "));
                }
                line.push_str(&quote(text));
                line
            }
            EntryKind::AskedMediator { by, note } => format!(
                "{} asks the mediator for a proposal{}",
                self.party_start(by),
                quote(note)
            ),
            EntryKind::Caucus { by, ally, text } => format!(
                "{} confers with {}: “{text}”",
                self.party_start(by),
                self.party(ally)
            ),
            EntryKind::LeverUsed { by, lever, text } => format!(
                "{} — {} {SIMULATED}: {text}",
                self.party_start(by),
                self.lever(lever)
            ),
            EntryKind::EventFired { name, .. } => format!("Event: {name}"),
            EntryKind::Facilitator { text } => format!("The facilitator: {text}"),
            EntryKind::News {
                headline,
                text,
                source,
            } => format!(
                "News — {headline}: {text}{}",
                source
                    .as_deref()
                    .map(|s| format!(" (source: {})", self.source(s)))
                    .unwrap_or_default()
            ),
            EntryKind::Settled { issue, option } => {
                format!("Agreed: {}.", self.choice(issue, option))
            }
            EntryKind::Locked { issue, option } => format!(
                "{} is taken off the table at “{}”.",
                self.issue(issue),
                self.option(issue, option)
            ),
            EntryKind::BatnaMoved { party, by, now } => format!(
                "{} walk-away value (BATNA) moves by {by:+.1} to {now:.1}.",
                possessive(&self.party_start(party))
            ),
            EntryKind::ValueChanged {
                party,
                issue,
                option,
                value,
            } => format!(
                "{} now values {} at {value:.1}.",
                self.party_start(party),
                self.choice(issue, option)
            ),
            EntryKind::WeightChanged {
                party,
                issue,
                weight,
            } => format!(
                "{} weight on {} is now {weight:.1}.",
                possessive(&self.party_start(party)),
                self.issue(issue)
            ),
            EntryKind::Passed { by } => format!("{} passes.", self.party_start(by)),
            EntryKind::WalkedOut { by, reason } => {
                format!("{} walks out{}", self.party_start(by), quote(reason))
            }
            EntryKind::TalksEnded { outcome } => {
                format!("The talks end. {}", self.outcome(outcome))
            }
            EntryKind::Explained { by, reason } => format!(
                "{} {SIMULATED}: “{}”",
                self.party_start(by),
                self.reason(reason)
            ),
            EntryKind::Rationale { by, rationale } => format!(
                "{} reasoning: {}",
                possessive(&self.party_start(by)),
                self.rationale(rationale)
            ),
        }
    }

    /// What an entry says, followed by its audience when that is not everyone.
    pub fn text(&self, e: &Entry) -> String {
        let body = self.body(e);
        match self.audience(&e.visibility) {
            Some(a) => format!("{body} ({a})"),
            None => body,
        }
    }

    /// One line of a transcript: "Round 2 · Russia accepts offer 1."
    pub fn line(&self, e: &Entry) -> String {
        if matches!(e.kind, EntryKind::RoundStarted) {
            return format!("— {} —", self.body(e));
        }
        format!("Round {} · {}", e.round, self.text(e))
    }
}

/// A name without a trailing parenthesis.
fn short_name(name: &str) -> &str {
    match name
        .trim_end()
        .strip_suffix(')')
        .and_then(|n| n.rfind(" ("))
    {
        Some(at) if at > 0 => &name[..at],
        _ => name,
    }
}

/// "Türkiye's", "United States'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a text contains something shaped like a scenario id: a word joined by `_`.
/// Player-facing text never should (see the test of every shipped scenario).
/// Web addresses are not ids and are left alone.
pub fn find_id(text: &str) -> Option<&str> {
    text.split_whitespace()
        .filter(|token| !token.contains("://"))
        .flat_map(|token| token.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .find(|w| w.contains('_') && w.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_parenthesis_is_left_out_of_the_short_name() {
        assert_eq!(short_name("Türkiye (host and chair)"), "Türkiye");
        assert_eq!(
            short_name("European partners (UK, France, Germany, Italy, Poland; the EU)"),
            "European partners"
        );
        assert_eq!(short_name("Ukrainian delegation"), "Ukrainian delegation");
        assert_eq!(short_name("(odd)"), "(odd)");
        assert_eq!(capitalise("the chair"), "The chair");
    }

    #[test]
    fn ids_are_found_and_prose_is_not_flagged() {
        assert_eq!(find_id("alliance=nato_path, x"), Some("nato_path"));
        assert_eq!(
            find_id("uses turkiye_prisoner_bridge"),
            Some("turkiye_prisoner_bridge")
        );
        assert_eq!(find_id("A 1,000-for-1,000 exchange — “quoted”."), None);
        assert_eq!(find_id("a __ line"), None);
        assert_eq!(find_id("see https://example.org/a_b and x_y"), Some("x_y"));
    }
}
