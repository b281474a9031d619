//! The scenario format: the serde types a RON scenario file deserialises into.
//!
//! These types are the file format, field for field (documented in
//! `docs/scenario-format.md`). They hold no game state and no derived data: loading
//! (`load.rs`) parses them, `validate.rs` checks them, and `compiled.rs` turns a valid
//! scenario into the index-based form the engine runs on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The scenario format version this build reads. A file of another version is refused
/// with a clear error (see `docs/scenario-format.md`, "Format version").
pub const FORMAT_VERSION: u32 = 1;

pub type PartyId = String;
pub type IssueId = String;
pub type OptionId = String;

/// A complete scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    pub meta: Meta,
    pub parties: Vec<Party>,
    pub issues: Vec<Issue>,
    /// Links between options that additive utilities cannot express: an option that
    /// comes only with one of some others, or never with another. They hold for every
    /// agreement, checked on the completed package (see [`OptionRule`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_rules: Vec<OptionRule>,
    pub rules: Rules,
    /// Moves allies and mediators can make, with their costs and triggers.
    #[serde(default)]
    pub levers: Vec<Lever>,
    /// Scripted, conditional and random events, fired in file order.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Events a facilitator may inject at any moment (classroom mode).
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// Questions for the debrief.
    #[serde(default)]
    pub debrief_questions: Vec<String>,
    /// What happened in reality, for comparison in the debrief.
    #[serde(default)]
    pub historical_outcome: Option<HistoricalOutcome>,
}

impl Scenario {
    /// The status-quo option of each issue, by position (the first option where the
    /// status quo names none: the validator refuses such a file).
    pub fn status_quo_package(&self) -> Vec<usize> {
        self.issues
            .iter()
            .map(|issue| {
                issue
                    .options
                    .iter()
                    .position(|o| o.id == issue.status_quo)
                    .unwrap_or(0)
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short machine id, e.g. `istanbul-2025` (lowercase letters, digits, `-`, `_`).
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Date the scenario is set on, ISO 8601 (`2025-05-16`).
    pub date: String,
    /// BCP 47 language tag of the scenario's texts (`en`, `uk`, `tr`...).
    #[serde(default = "default_language")]
    pub language: String,
    pub authors: Vec<String>,
    /// Licence of the scenario's texts, e.g. `CC-BY-4.0`.
    #[serde(default)]
    pub license: Option<String>,
    pub sources: Vec<Source>,
    /// A note on how the numbers were chosen: they are the designer's assumptions. For
    /// teachers and modders: shown to the facilitator, in the debrief and in reports, never
    /// on a player's briefing.
    #[serde(default)]
    pub designer_notes: Option<String>,
    /// The scenario portrays real events and real governments. Its news and lever texts
    /// must then cite a source or say that they are hypothetical or illustrative (the
    /// validator warns otherwise; docs/scenario-format.md, "Neutrality").
    #[serde(default)]
    pub historical: bool,
}

fn default_language() -> String {
    "en".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short id so texts can cite it, e.g. `ap-2025-05-16`.
    pub id: String,
    pub title: String,
    pub publisher: String,
    /// ISO 8601 date of publication.
    pub date: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PartyKind {
    /// Sits at the table; can propose, accept and walk out; played by a human or the AI.
    Delegation,
    /// Backs a delegation from outside the room; acts through levers.
    Ally,
    /// Chairs or facilitates; proposes single negotiating texts.
    Mediator,
}

/// A drawn marker so that parties are told apart by shape as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Shape {
    #[default]
    Circle,
    Square,
    Triangle,
    Diamond,
    Hexagon,
    Star,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Machine id, e.g. `ukraine`.
    pub id: PartyId,
    /// Display name, e.g. `Ukrainian delegation`.
    pub name: String,
    pub kind: PartyKind,
    /// Two- to four-letter label drawn on the marker, e.g. `UA`.
    pub label: String,
    /// The leader the party answers to (not necessarily present).
    pub leader: String,
    /// Who leads the party in the room.
    pub head_of_delegation: String,
    /// `#RRGGBB`.
    pub colour: String,
    #[serde(default)]
    pub shape: Shape,
    /// For allies: the delegation it backs.
    #[serde(default)]
    pub ally_of: Option<PartyId>,
    /// The party's public position, attributed and in its own voice. Visible to all.
    pub public_line: String,
    /// The confidential brief, in the party's own voice. Visible only to that party.
    pub confidential_brief: String,
    /// Interests per issue: weight and value of each option. Confidential.
    pub preferences: BTreeMap<IssueId, IssuePreference>,
    /// Options this party can never accept: a package containing one is worth 0 to it.
    #[serde(default)]
    pub red_lines: Vec<OptionRef>,
    /// Walk-away value (BATNA), 0–100 on the utility scale.
    pub batna: f64,
    /// What the BATNA stands for, in the party's own words.
    #[serde(default)]
    pub batna_description: String,
    #[serde(default)]
    pub personality: Personality,
}

/// A party's interest in one issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuePreference {
    /// Relative importance, 0–100; weights are normalised to sum to 1 at load.
    pub weight: f64,
    /// Value 0–100 of every option of the issue, by option id.
    pub values: BTreeMap<OptionId, f64>,
}

/// One option of one issue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionRef {
    pub issue: IssueId,
    pub option: OptionId,
}

/// A rule between options, checked on the *completed* package of an agreement: the
/// options it settles, what is already settled or locked, and the status quo of every
/// other issue. A proposal, a counter or an acceptance whose completed package breaks a
/// rule is refused; the analysis and the AI range over the packages no rule forbids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum OptionRule {
    /// `option` is agreed only together with at least one of `one_of` (options of other
    /// issues), e.g. sanctions relief only with a ceasefire.
    Requires {
        option: OptionRef,
        one_of: Vec<OptionRef>,
        /// Why, in neutral and attributed words, with its source if it has one: shown
        /// where the rule greys an option out. Optional.
        #[serde(default)]
        why: String,
    },
    /// `option` and `other` are never agreed together.
    Excludes {
        option: OptionRef,
        other: OptionRef,
        #[serde(default)]
        why: String,
    },
}

impl OptionRule {
    /// The option the rule is about.
    pub fn option(&self) -> &OptionRef {
        match self {
            OptionRule::Requires { option, .. } | OptionRule::Excludes { option, .. } => option,
        }
    }
    pub fn why(&self) -> Option<&str> {
        match self {
            OptionRule::Requires { why, .. } | OptionRule::Excludes { why, .. } => {
                Some(why.trim()).filter(|w| !w.is_empty())
            }
        }
    }
}

/// How an AI negotiator behaves (MODEL.md, "AI agents").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Personality {
    /// Concession exponent `e` of the aspiration curve `1 - t^(1/e)`: below 1 is tough
    /// ("Boulware", concedes late), above 1 is soft ("conceder"). Range 0.1–10, default 1.
    pub toughness: f64,
    /// How far beyond this session the party's horizon reaches: its horizon is
    /// `1 + patience` times the deadline, so a patient party has made only part of its
    /// concessions when the talks end. Range 0–1, default 0.5.
    pub patience: f64,
    /// How far it believes what the other side says. Range 0–1, default 0.5.
    pub trust: f64,
    /// Appetite for risk: the margin over its BATNA it insists on (0.5 + 6·risk points,
    /// shrinking as the deadline comes). Range 0–1, default 0.5.
    pub risk: f64,
}

impl Default for Personality {
    fn default() -> Self {
        Personality {
            toughness: 1.0,
            patience: 0.5,
            trust: 0.5,
            risk: 0.5,
        }
    }
}

/// The closed ranges of the personality fields, used by the validator and the docs.
pub const TOUGHNESS_RANGE: (f64, f64) = (0.1, 10.0);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    pub id: IssueId,
    pub name: String,
    pub description: String,
    /// Ordered options, e.g. from least to most far-reaching.
    pub options: Vec<IssueOption>,
    /// The option that holds if the issue is not settled.
    pub status_quo: OptionId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueOption {
    pub id: OptionId,
    pub label: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The talks end after this many rounds.
    pub deadline: u32,
    /// Order in which delegations act within a round: every delegation exactly once.
    pub turn_order: Vec<PartyId>,
    /// "Nothing is agreed until everything is agreed": only complete packages can be
    /// settled. When false, issues can be settled one by one (partial agreements).
    #[serde(default)]
    pub nothing_agreed_until_all_agreed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeverKind {
    /// Press a party (usually one's own client) to move.
    Pressure,
    /// Promise support if something happens.
    Promise,
    /// Threaten (or impose) costs, e.g. sanctions.
    Threat,
    /// A mediator's bridging proposal.
    Bridging,
    /// A public statement that changes the mood of the talks.
    Statement,
}

/// A move an ally or mediator can make, with its cost and effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lever {
    pub id: String,
    /// The ally or mediator that can pull it.
    pub owner: PartyId,
    pub kind: LeverKind,
    pub name: String,
    /// What the move is, in neutral words.
    pub description: String,
    /// What the table is told when the lever is used (attributed to the owner).
    pub public_text: String,
    /// Cost to the owner, on its 0–100 utility scale.
    #[serde(default)]
    pub cost: f64,
    /// When the lever may be used; `Always` if absent.
    #[serde(default = "Condition::always")]
    pub enabled_when: Condition,
    /// How many times it can be used in a game.
    #[serde(default = "one")]
    pub max_uses: u32,
    pub effects: Vec<Effect>,
    /// The source (an id in `meta.sources`) of a move the owner really made, if it did.
    #[serde(default)]
    pub source: Option<String>,
}

fn one() -> u32 {
    1
}

/// A condition on the state of the game. Closed so that the validator can decide
/// whether it can ever hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Condition {
    Always,
    /// The current round equals this number (rounds count from 1).
    Round(u32),
    /// The current round is at least this number.
    RoundAtLeast(u32),
    /// `by` has rejected (or countered) an offer; with `issue`, an offer that settles that
    /// issue on another option than its status quo.
    OfferRejected {
        by: PartyId,
        #[serde(default)]
        issue: Option<IssueId>,
    },
    /// The issue is settled; with `option`, settled on that option.
    IssueSettled {
        issue: IssueId,
        #[serde(default)]
        option: Option<OptionId>,
    },
    /// The party's current BATNA is below the value.
    BatnaBelow {
        party: PartyId,
        value: f64,
    },
    /// The party's current BATNA is above the value.
    BatnaAbove {
        party: PartyId,
        value: f64,
    },
    /// The lever has been used at least once.
    LeverUsed(String),
    /// The event has fired at least once.
    EventFired(String),
    /// The delegation has asked the mediator for a proposal.
    MediatorAsked(PartyId),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    pub fn always() -> Condition {
        Condition::Always
    }
}

/// A change to the state of the game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Effect {
    /// Move a party's BATNA by `by` points (clamped to 0–100).
    MoveBatna { party: PartyId, by: f64 },
    /// Set the value a party places on one option.
    SetValue {
        party: PartyId,
        issue: IssueId,
        option: OptionId,
        value: f64,
    },
    /// Set a party's raw weight on an issue (weights are normalised again).
    SetWeight {
        party: PartyId,
        issue: IssueId,
        weight: f64,
    },
    /// A news item shown to everyone.
    News {
        headline: String,
        text: String,
        #[serde(default)]
        source: Option<String>,
    },
    /// Take an issue off the table, fixed on an option (no proposal can change it).
    LockIssue { issue: IssueId, option: OptionId },
    /// Put a single negotiating text on the table in the lever owner's name (bridging).
    Propose {
        package: BTreeMap<IssueId, OptionId>,
    },
    /// The talks end at once.
    EndTalks { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Trigger {
    /// Fires at the end of this round.
    AtRound(u32),
    /// Fires at the end of the first round where the condition holds.
    When(Condition),
    /// Each round where `when` holds, fires with this probability (0–1).
    Random {
        probability: f64,
        #[serde(default = "Condition::always")]
        when: Condition,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub trigger: Trigger,
    pub effects: Vec<Effect>,
    /// May fire again in later rounds; by default an event fires at most once.
    #[serde(default)]
    pub repeat: bool,
}

/// An event a facilitator can inject by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub id: String,
    pub name: String,
    /// What the facilitator is told about it (why and when it makes a good inject).
    pub description: String,
    pub effects: Vec<Effect>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoricalOutcome {
    /// What happened, in neutral words.
    pub summary: String,
    /// The issues that were settled in reality, and on which option.
    #[serde(default)]
    pub settled: BTreeMap<IssueId, OptionId>,
    /// Ids of `meta.sources` that report it.
    #[serde(default)]
    pub sources: Vec<String>,
}
