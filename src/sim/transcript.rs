//! The transcript: every action and event of a game, each with who may see it.
//!
//! The engine appends [`Logged`] entries as it runs, with parties, issues, options, levers
//! and events by index; `view(party)` filters them by [`Scope`]; the debrief and the
//! facilitator see them all. Where the transcript leaves the engine (views, reports, the
//! debrief, later the network) each becomes an [`Entry`], which names everything by id
//! and so reads on its own.

use serde::{Deserialize, Serialize};

use super::action::{MoveReason, MoveStance, OfferId, PackageIds, Reason, Stance};
use super::ai::reason::{PublicReason, Rationale};
use super::game::Outcome;
use super::model::Model;
use super::notice::SIMULATED;
use super::scenario::PartyId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Visibility {
    /// Everyone at the table.
    Public,
    /// The speaker and the named listeners.
    Private { from: PartyId, to: Vec<PartyId> },
    /// A delegation and an ally, out of the room.
    Caucus { delegation: PartyId, ally: PartyId },
    /// One party only (e.g. the exact change of its own BATNA).
    Only(PartyId),
    /// No party: the facilitator and the debrief (an AI's private rationale).
    Facilitator,
}

impl Visibility {
    pub fn visible_to(&self, party: &str) -> bool {
        match self {
            Visibility::Public => true,
            Visibility::Private { from, to } => from == party || to.iter().any(|t| t == party),
            Visibility::Caucus { delegation, ally } => delegation == party || ally == party,
            Visibility::Only(p) => p == party,
            Visibility::Facilitator => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the transcript, from 0.
    pub seq: usize,
    pub round: u32,
    pub visibility: Visibility,
    pub kind: EntryKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EntryKind {
    RoundStarted,
    Proposed {
        by: Option<PartyId>,
        offer: OfferId,
        package: PackageIds,
        counter_to: Option<OfferId>,
        note: Option<String>,
    },
    Accepted {
        by: PartyId,
        offer: OfferId,
    },
    Rejected {
        by: PartyId,
        offer: OfferId,
        reason: Option<Reason>,
    },
    Withdrawn {
        offer: OfferId,
        why: Withdrawal<PartyId, String>,
    },
    Statement {
        by: PartyId,
        stances: Vec<Stance>,
        text: Option<String>,
    },
    AskedMediator {
        by: PartyId,
        note: Option<String>,
    },
    Caucus {
        by: PartyId,
        ally: PartyId,
        text: String,
    },
    LeverUsed {
        by: PartyId,
        lever: String,
        text: String,
    },
    EventFired {
        event: String,
        name: String,
    },
    /// The facilitator (a teacher) stepped in: an inject, a news item or the end of the
    /// talks.
    Facilitator {
        text: String,
    },
    News {
        headline: String,
        text: String,
        source: Option<String>,
    },
    Settled {
        issue: String,
        option: String,
    },
    Locked {
        issue: String,
        option: String,
    },
    BatnaMoved {
        party: PartyId,
        by: f64,
        now: f64,
    },
    ValueChanged {
        party: PartyId,
        issue: String,
        option: String,
        value: f64,
    },
    WeightChanged {
        party: PartyId,
        issue: String,
        weight: f64,
    },
    Passed {
        by: PartyId,
    },
    WalkedOut {
        by: PartyId,
        reason: Option<String>,
    },
    TalksEnded {
        outcome: Box<Outcome>,
    },
    /// Why a party made its move, in coarse words (public; AI moves).
    Explained {
        by: PartyId,
        reason: PublicReason,
    },
    /// The numbers behind an AI's move (facilitator and debrief only).
    Rationale {
        by: PartyId,
        rationale: std::sync::Arc<Rationale>,
    },
}

impl Entry {
    /// One line for people, naming issues and options by id.
    pub fn render(&self) -> String {
        self.render_labels(&|i| i.to_string(), &|_, o| o.to_string())
    }

    /// One line for people, with the scenario's names for issues and options.
    pub fn render_with(&self, model: &Model) -> String {
        let issue = |id: &str| {
            model
                .issue_index(id)
                .map_or(id.to_string(), |i| model.scenario.issues[i].name.clone())
        };
        let option = |issue: &str, id: &str| {
            model
                .issue_index(issue)
                .and_then(|i| {
                    let o = model.option_index(i, id)?;
                    Some(model.scenario.issues[i].options[o].label.clone())
                })
                .unwrap_or_else(|| id.to_string())
        };
        self.render_labels(&issue, &option)
    }

    fn render_labels(
        &self,
        issue_name: &dyn Fn(&str) -> String,
        option_label: &dyn Fn(&str, &str) -> String,
    ) -> String {
        let body = match &self.kind {
            EntryKind::RoundStarted => "— round begins —".to_string(),
            EntryKind::Proposed {
                by,
                offer,
                package,
                counter_to,
                note,
            } => {
                let who = by.as_deref().unwrap_or("(the table)");
                let items: Vec<String> = package.iter().map(|(i, o)| format!("{i}={o}")).collect();
                let verb = match counter_to {
                    Some(to) => format!("counters offer {to} with"),
                    None => "proposes".to_string(),
                };
                format!(
                    "{who} {verb} offer {offer}: {}{}",
                    items.join(", "),
                    note.as_deref()
                        .map(|n| format!(" — “{n}”"))
                        .unwrap_or_default()
                )
            }
            EntryKind::Accepted { by, offer } => format!("{by} accepts offer {offer}"),
            EntryKind::Rejected { by, offer, reason } => {
                let why = reason
                    .as_ref()
                    .map(|r| {
                        let mut s = String::new();
                        if let Some(i) = &r.issue {
                            s.push_str(&format!(" (on {i})"));
                        }
                        if let Some(t) = &r.text {
                            s.push_str(&format!(": “{t}”"));
                        }
                        s
                    })
                    .unwrap_or_default();
                format!("{by} rejects offer {offer}{why}")
            }
            EntryKind::Withdrawn { offer, why } => {
                let why = match why {
                    Withdrawal::Replaced => "replaced by a new offer".to_string(),
                    Withdrawal::By(p) => format!("by {p}"),
                    Withdrawal::TakenOffTable(i) => format!("{i} was taken off the table"),
                };
                format!("offer {offer} is withdrawn ({why})")
            }
            EntryKind::Statement { by, stances, text } => {
                let st: Vec<String> = stances
                    .iter()
                    .map(|s| format!("{:?} {}={}", s.stance, s.issue, s.option))
                    .collect();
                let mut line = format!("{by} states");
                if !st.is_empty() {
                    line.push_str(&format!(" [{}]", st.join("; ")));
                }
                if let Some(t) = text {
                    line.push_str(&format!(": “{t}”"));
                }
                line
            }
            EntryKind::AskedMediator { by, note } => format!(
                "{by} asks the mediator for a proposal{}",
                note.as_deref()
                    .map(|n| format!(": “{n}”"))
                    .unwrap_or_default()
            ),
            EntryKind::Caucus { by, ally, text } => format!("{by} caucuses with {ally}: “{text}”"),
            EntryKind::LeverUsed { by, lever, text } => {
                format!("{by} uses {lever} {SIMULATED}: {text}")
            }
            EntryKind::EventFired { event, name } => format!("event {event}: {name}"),
            EntryKind::Facilitator { text } => format!("the facilitator: {text}"),
            EntryKind::News {
                headline,
                text,
                source,
            } => format!(
                "NEWS — {headline}: {text}{}",
                source
                    .as_deref()
                    .map(|s| format!(" [source: {s}]"))
                    .unwrap_or_default()
            ),
            EntryKind::Settled { issue, option } => format!("settled: {issue} = {option}"),
            EntryKind::Locked { issue, option } => {
                format!("{issue} is taken off the table at {option}")
            }
            EntryKind::BatnaMoved { party, by, now } => {
                format!("{party}'s walk-away value moves by {by:+.1} to {now:.1}")
            }
            EntryKind::ValueChanged {
                party,
                issue,
                option,
                value,
            } => format!("{party} now values {issue}={option} at {value:.1}"),
            EntryKind::WeightChanged {
                party,
                issue,
                weight,
            } => format!("{party}'s weight on {issue} is now {weight:.1}"),
            EntryKind::Passed { by } => format!("{by} passes"),
            EntryKind::WalkedOut { by, reason } => format!(
                "{by} walks out{}",
                reason
                    .as_deref()
                    .map(|r| format!(": “{r}”"))
                    .unwrap_or_default()
            ),
            EntryKind::TalksEnded { outcome } => {
                format!("the talks end: {}", outcome.describe())
            }
            EntryKind::Explained { by, reason } => {
                format!(
                    "{by} {SIMULATED}: “{}”",
                    reason.render(issue_name, option_label)
                )
            }
            EntryKind::Rationale { by, rationale } => {
                format!("{by} rationale — {}", rationale.render())
            }
        };
        let scope = match &self.visibility {
            Visibility::Public => String::new(),
            Visibility::Private { from, to } => format!(" (private, {from} → {})", to.join(", ")),
            Visibility::Caucus { delegation, ally } => format!(" (caucus {delegation}–{ally})"),
            Visibility::Only(p) => format!(" (known to {p} only)"),
            Visibility::Facilitator => " (facilitator only)".to_string(),
        };
        format!("[round {}] {body}{scope}", self.round)
    }
}

/// Why a standing offer left the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Withdrawal<P, I> {
    /// Its author put a newer offer forward.
    Replaced,
    /// Its author withdrew it.
    By(P),
    /// An event took this issue off the table at another option.
    TakenOffTable(I),
}

/// Who may see an entry, by party index: the engine's form of [`Visibility`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Scope {
    Public,
    Private { from: usize, to: Vec<usize> },
    Caucus { delegation: usize, ally: usize },
    Only(usize),
    Facilitator,
}

impl Scope {
    pub fn visible_to(&self, party: usize) -> bool {
        match self {
            Scope::Public => true,
            Scope::Private { from, to } => *from == party || to.contains(&party),
            Scope::Caucus { delegation, ally } => *delegation == party || *ally == party,
            Scope::Only(p) => *p == party,
            Scope::Facilitator => false,
        }
    }

    /// The same scope by id.
    pub fn visibility(&self, m: &Model) -> Visibility {
        let id = |p: usize| m.party_id(p).to_string();
        match self {
            Scope::Public => Visibility::Public,
            Scope::Private { from, to } => Visibility::Private {
                from: id(*from),
                to: to.iter().map(|&p| id(p)).collect(),
            },
            Scope::Caucus { delegation, ally } => Visibility::Caucus {
                delegation: id(*delegation),
                ally: id(*ally),
            },
            Scope::Only(p) => Visibility::Only(id(*p)),
            Scope::Facilitator => Visibility::Facilitator,
        }
    }
}

/// An entry as the engine keeps it: by index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    /// Position in the transcript, from 0.
    pub seq: usize,
    pub round: u32,
    pub scope: Scope,
    pub kind: Kind,
}

/// What happened, by index (the engine's form of [`EntryKind`]; see there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Kind {
    RoundStarted,
    Proposed {
        by: Option<usize>,
        offer: OfferId,
        /// A partial package: option per issue, `None` where the offer leaves it out.
        package: Vec<Option<usize>>,
        counter_to: Option<OfferId>,
        note: Option<String>,
    },
    Accepted {
        by: usize,
        offer: OfferId,
    },
    Rejected {
        by: usize,
        offer: OfferId,
        reason: Option<MoveReason>,
    },
    Withdrawn {
        offer: OfferId,
        why: Withdrawal<usize, usize>,
    },
    Statement {
        by: usize,
        stances: Vec<MoveStance>,
        text: Option<String>,
    },
    AskedMediator {
        by: usize,
        note: Option<String>,
    },
    Caucus {
        by: usize,
        ally: usize,
        text: String,
    },
    /// The lever's public text is the scenario's.
    LeverUsed {
        by: usize,
        lever: usize,
    },
    EventFired {
        event: usize,
    },
    Facilitator {
        text: String,
    },
    News {
        headline: String,
        text: String,
        source: Option<String>,
    },
    Settled {
        issue: usize,
        option: usize,
    },
    Locked {
        issue: usize,
        option: usize,
    },
    BatnaMoved {
        party: usize,
        by: f64,
        now: f64,
    },
    ValueChanged {
        party: usize,
        issue: usize,
        option: usize,
        value: f64,
    },
    WeightChanged {
        party: usize,
        issue: usize,
        weight: f64,
    },
    Passed {
        by: usize,
    },
    WalkedOut {
        by: usize,
        reason: Option<String>,
    },
    TalksEnded {
        outcome: Box<Outcome>,
    },
    Explained {
        by: usize,
        reason: std::sync::Arc<PublicReason>,
    },
    Rationale {
        by: usize,
        rationale: std::sync::Arc<Rationale>,
    },
}

impl Logged {
    /// The entry by id, as it leaves the engine.
    pub fn entry(&self, m: &Model) -> Entry {
        let s = &m.scenario;
        let id = |p: usize| s.parties[p].id.clone();
        let issue = |i: usize| s.issues[i].id.clone();
        let option = |i: usize, o: usize| s.issues[i].options[o].id.clone();
        let kind = match &self.kind {
            Kind::RoundStarted => EntryKind::RoundStarted,
            Kind::Proposed {
                by,
                offer,
                package,
                counter_to,
                note,
            } => EntryKind::Proposed {
                by: by.map(id),
                offer: *offer,
                package: m.partial_package_ids(package),
                counter_to: *counter_to,
                note: note.clone(),
            },
            Kind::Accepted { by, offer } => EntryKind::Accepted {
                by: id(*by),
                offer: *offer,
            },
            Kind::Rejected { by, offer, reason } => EntryKind::Rejected {
                by: id(*by),
                offer: *offer,
                reason: reason.as_ref().map(|r| Reason {
                    issue: r.issue.map(issue),
                    text: r.text.clone(),
                }),
            },
            Kind::Withdrawn { offer, why } => EntryKind::Withdrawn {
                offer: *offer,
                why: match why {
                    Withdrawal::Replaced => Withdrawal::Replaced,
                    Withdrawal::By(p) => Withdrawal::By(id(*p)),
                    Withdrawal::TakenOffTable(i) => Withdrawal::TakenOffTable(issue(*i)),
                },
            },
            Kind::Statement { by, stances, text } => EntryKind::Statement {
                by: id(*by),
                stances: stances
                    .iter()
                    .map(|st| Stance {
                        issue: issue(st.issue),
                        option: option(st.issue, st.option),
                        stance: st.stance,
                    })
                    .collect(),
                text: text.clone(),
            },
            Kind::AskedMediator { by, note } => EntryKind::AskedMediator {
                by: id(*by),
                note: note.clone(),
            },
            Kind::Caucus { by, ally, text } => EntryKind::Caucus {
                by: id(*by),
                ally: id(*ally),
                text: text.clone(),
            },
            Kind::LeverUsed { by, lever } => EntryKind::LeverUsed {
                by: id(*by),
                lever: s.levers[*lever].id.clone(),
                text: s.levers[*lever].public_text.clone(),
            },
            Kind::EventFired { event } => EntryKind::EventFired {
                event: s.events[*event].id.clone(),
                name: s.events[*event].name.clone(),
            },
            Kind::Facilitator { text } => EntryKind::Facilitator { text: text.clone() },
            Kind::News {
                headline,
                text,
                source,
            } => EntryKind::News {
                headline: headline.clone(),
                text: text.clone(),
                source: source.clone(),
            },
            Kind::Settled {
                issue: i,
                option: o,
            } => EntryKind::Settled {
                issue: issue(*i),
                option: option(*i, *o),
            },
            Kind::Locked {
                issue: i,
                option: o,
            } => EntryKind::Locked {
                issue: issue(*i),
                option: option(*i, *o),
            },
            Kind::BatnaMoved { party, by, now } => EntryKind::BatnaMoved {
                party: id(*party),
                by: *by,
                now: *now,
            },
            Kind::ValueChanged {
                party,
                issue: i,
                option: o,
                value,
            } => EntryKind::ValueChanged {
                party: id(*party),
                issue: issue(*i),
                option: option(*i, *o),
                value: *value,
            },
            Kind::WeightChanged {
                party,
                issue: i,
                weight,
            } => EntryKind::WeightChanged {
                party: id(*party),
                issue: issue(*i),
                weight: *weight,
            },
            Kind::Passed { by } => EntryKind::Passed { by: id(*by) },
            Kind::WalkedOut { by, reason } => EntryKind::WalkedOut {
                by: id(*by),
                reason: reason.clone(),
            },
            Kind::TalksEnded { outcome } => EntryKind::TalksEnded {
                outcome: outcome.clone(),
            },
            Kind::Explained { by, reason } => EntryKind::Explained {
                by: id(*by),
                reason: PublicReason::clone(reason),
            },
            Kind::Rationale { by, rationale } => EntryKind::Rationale {
                by: id(*by),
                rationale: rationale.clone(),
            },
        };
        Entry {
            seq: self.seq,
            round: self.round,
            visibility: self.scope.visibility(m),
            kind,
        }
    }

    /// One line for people, with the scenario's names (as [`Entry::render_with`]).
    pub fn render_with(&self, m: &Model) -> String {
        self.entry(m).render_with(m)
    }
}
