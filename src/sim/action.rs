//! What a party can do on its turn, and why the engine may refuse it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::model::{Model, partial_package_ids};
use super::scenario::{Issue, IssueId, OptionId, PartyId, PartyKind};

/// Offers are numbered from 1 in the order they are made.
pub type OfferId = u32;

/// A package as written in actions and records: issue id → option id. An issue left out
/// is not part of the offer (it stays as it is: settled, or at its status quo).
pub type PackageIds = BTreeMap<IssueId, OptionId>;

/// One move. Delegations may do anything but `UseLever`; allies may use their levers,
/// make statements and pass; mediators may also put forward and withdraw texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Put a package on the table; replaces the author's standing offer.
    Propose {
        package: PackageIds,
        #[serde(default)]
        note: Option<String>,
    },
    /// Reject another party's offer and put a package in its place.
    Counter {
        to: OfferId,
        package: PackageIds,
        #[serde(default)]
        note: Option<String>,
    },
    /// Accept a standing offer. It is settled when every delegation has accepted it.
    Accept {
        offer: OfferId,
    },
    /// Reject a standing offer, optionally saying why.
    Reject {
        offer: OfferId,
        #[serde(default)]
        reason: Option<Reason>,
    },
    /// Take one's own offer off the table.
    Withdraw {
        offer: OfferId,
    },
    /// Say where one stands, to everyone or privately to named parties.
    Statement {
        to: Audience,
        #[serde(default)]
        stances: Vec<Stance>,
        #[serde(default)]
        text: Option<String>,
    },
    /// Ask the mediator for a proposal.
    AskMediator {
        #[serde(default)]
        note: Option<String>,
    },
    /// Step out to consult an ally, privately.
    Caucus {
        ally: PartyId,
        text: String,
    },
    /// An ally's or mediator's move from the scenario's levers.
    UseLever {
        lever: String,
    },
    /// Leave the talks; they end at once.
    WalkOut {
        #[serde(default)]
        reason: Option<String>,
    },
    Pass,
}

impl Action {
    /// What kind of move it is.
    pub fn kind(&self) -> MoveKind {
        match self {
            Action::Propose { .. } => MoveKind::Propose,
            Action::Counter { .. } => MoveKind::Counter,
            Action::Accept { .. } => MoveKind::Accept,
            Action::Reject { .. } => MoveKind::Reject,
            Action::Withdraw { .. } => MoveKind::Withdraw,
            Action::Statement { .. } => MoveKind::Statement,
            Action::AskMediator { .. } => MoveKind::AskMediator,
            Action::Caucus { .. } => MoveKind::Caucus,
            Action::UseLever { .. } => MoveKind::UseLever,
            Action::WalkOut { .. } => MoveKind::WalkOut,
            Action::Pass => MoveKind::Pass,
        }
    }

    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Whether a party of this kind may ever take this action.
    pub fn allowed_for(&self, kind: PartyKind) -> bool {
        self.kind().allowed_for(kind)
    }
}

/// The kinds of move, shared by [`Action`] and [`Move`]: who may make each is one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    Propose,
    Counter,
    Accept,
    Reject,
    Withdraw,
    Statement,
    AskMediator,
    Caucus,
    UseLever,
    WalkOut,
    Pass,
}

impl MoveKind {
    pub fn name(self) -> &'static str {
        match self {
            MoveKind::Propose => "propose",
            MoveKind::Counter => "counter",
            MoveKind::Accept => "accept",
            MoveKind::Reject => "reject",
            MoveKind::Withdraw => "withdraw",
            MoveKind::Statement => "statement",
            MoveKind::AskMediator => "ask the mediator",
            MoveKind::Caucus => "caucus",
            MoveKind::UseLever => "use a lever",
            MoveKind::WalkOut => "walk out",
            MoveKind::Pass => "pass",
        }
    }

    /// Delegations may do anything but use levers; allies may use their levers, make
    /// statements and pass; mediators may also put forward and withdraw texts.
    pub fn allowed_for(self, kind: PartyKind) -> bool {
        use MoveKind::*;
        match kind {
            PartyKind::Delegation => self != UseLever,
            PartyKind::Ally => matches!(self, UseLever | Statement | Pass),
            PartyKind::Mediator => {
                matches!(self, Propose | Withdraw | UseLever | Statement | Pass)
            }
        }
    }
}

/// A move as the engine runs it: an [`Action`] with parties, issues, options and levers
/// by index. Actions are the edge form (records, the UI, later the network); the AI
/// decides in moves, and [`Move::to_action`] writes one as an action for the record.
#[derive(Debug, Clone, PartialEq)]
pub enum Move {
    /// A partial package: option per issue, `None` where the issue is not in the offer.
    Propose {
        package: Vec<Option<usize>>,
        note: Option<String>,
    },
    Counter {
        to: OfferId,
        package: Vec<Option<usize>>,
        note: Option<String>,
    },
    Accept {
        offer: OfferId,
    },
    Reject {
        offer: OfferId,
        reason: Option<MoveReason>,
    },
    Withdraw {
        offer: OfferId,
    },
    /// `to`: `None` for everyone, else the listeners' party indices.
    Statement {
        to: Option<Vec<usize>>,
        stances: Vec<MoveStance>,
        text: Option<String>,
    },
    AskMediator {
        note: Option<String>,
    },
    Caucus {
        ally: usize,
        text: String,
    },
    UseLever {
        lever: usize,
    },
    WalkOut {
        reason: Option<String>,
    },
    Pass,
}

/// A stance by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveStance {
    pub issue: usize,
    pub option: usize,
    pub stance: StanceKind,
}

/// A reason by index.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MoveReason {
    pub issue: Option<usize>,
    pub text: Option<String>,
}

impl Move {
    /// The same move as an action, by id (for records and people).
    pub fn to_action(&self, model: &Model) -> Action {
        let s = &model.scenario;
        self.to_action_with(&s.issues, &|p| s.parties[p].id.clone(), &|l| {
            s.levers[l].id.clone()
        })
    }

    /// The same move as an action, with ids read from the issues and the given ids of
    /// parties and levers: what a seat away from the scenario file (a remote client,
    /// which knows only the public issues and its own levers) sends.
    pub fn to_action_with(
        &self,
        issues: &[Issue],
        party: &dyn Fn(usize) -> String,
        lever: &dyn Fn(usize) -> String,
    ) -> Action {
        let issue = |i: usize| issues[i].id.clone();
        let package_ids = |package: &[Option<usize>]| partial_package_ids(issues, package);
        match self {
            Move::Propose { package, note } => Action::Propose {
                package: package_ids(package),
                note: note.clone(),
            },
            Move::Counter { to, package, note } => Action::Counter {
                to: *to,
                package: package_ids(package),
                note: note.clone(),
            },
            Move::Accept { offer } => Action::Accept { offer: *offer },
            Move::Reject { offer, reason } => Action::Reject {
                offer: *offer,
                reason: reason.as_ref().map(|r| Reason {
                    issue: r.issue.map(issue),
                    text: r.text.clone(),
                }),
            },
            Move::Withdraw { offer } => Action::Withdraw { offer: *offer },
            Move::Statement { to, stances, text } => Action::Statement {
                to: match to {
                    None => Audience::Public,
                    Some(list) => Audience::Private(list.iter().map(|&p| party(p)).collect()),
                },
                stances: stances
                    .iter()
                    .map(|st| Stance {
                        issue: issue(st.issue),
                        option: issues[st.issue].options[st.option].id.clone(),
                        stance: st.stance,
                    })
                    .collect(),
                text: text.clone(),
            },
            Move::AskMediator { note } => Action::AskMediator { note: note.clone() },
            Move::Caucus { ally, text } => Action::Caucus {
                ally: party(*ally),
                text: text.clone(),
            },
            Move::UseLever { lever: l } => Action::UseLever { lever: lever(*l) },
            Move::WalkOut { reason } => Action::WalkOut {
                reason: reason.clone(),
            },
            Move::Pass => Action::Pass,
        }
    }

    /// What kind of move it is.
    pub fn kind(&self) -> MoveKind {
        match self {
            Move::Propose { .. } => MoveKind::Propose,
            Move::Counter { .. } => MoveKind::Counter,
            Move::Accept { .. } => MoveKind::Accept,
            Move::Reject { .. } => MoveKind::Reject,
            Move::Withdraw { .. } => MoveKind::Withdraw,
            Move::Statement { .. } => MoveKind::Statement,
            Move::AskMediator { .. } => MoveKind::AskMediator,
            Move::Caucus { .. } => MoveKind::Caucus,
            Move::UseLever { .. } => MoveKind::UseLever,
            Move::WalkOut { .. } => MoveKind::WalkOut,
            Move::Pass => MoveKind::Pass,
        }
    }

    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Whether a party of this kind may ever make this move.
    pub fn allowed_for(&self, kind: PartyKind) -> bool {
        self.kind().allowed_for(kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    Public,
    /// Only the named parties (and the speaker) hear it.
    Private(Vec<PartyId>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StanceKind {
    Demand,
    OpenTo,
    Reject,
}

/// A structured position on one option: what the AI reasons on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stance {
    pub issue: IssueId,
    pub option: OptionId,
    pub stance: StanceKind,
}

/// Why an offer is rejected: the issue that weighed most, and words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Reason {
    #[serde(default)]
    pub issue: Option<IssueId>,
    #[serde(default)]
    pub text: Option<String>,
}

/// Longest free text accepted in a note, statement or reason.
pub const MAX_TEXT_CHARS: usize = 2000;

/// Why an action was refused. The state is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ActionError {
    #[error("the talks are over")]
    TalksOver,
    #[error("unknown party `{0}`")]
    UnknownParty(String),
    #[error("it is `{expected}`'s turn, not `{got}`'s")]
    NotYourTurn { expected: String, got: String },
    #[error("a {kind:?} cannot {action}")]
    NotAllowed {
        kind: PartyKind,
        action: &'static str,
    },
    #[error("unknown issue `{0}`")]
    UnknownIssue(String),
    #[error("issue `{issue}` has no option `{option}`")]
    UnknownOption { issue: String, option: String },
    #[error("a proposal must name at least one issue")]
    EmptyPackage,
    #[error(
        "nothing is agreed until everything is agreed: the proposal must cover every issue (missing `{0}`)"
    )]
    IncompletePackage(String),
    #[error(
        "the agreement would break a rule of the scenario, with what is settled and the status quo elsewhere: {0}"
    )]
    BreaksRule(String),
    #[error("issue `{issue}` is locked on `{option}`")]
    IssueLocked { issue: String, option: String },
    #[error("there is no offer {0}")]
    UnknownOffer(OfferId),
    #[error("offer {0} is no longer on the table")]
    OfferNotStanding(OfferId),
    #[error("offer {0} is your own")]
    OwnOffer(OfferId),
    #[error("offer {0} is not yours")]
    NotYourOffer(OfferId),
    #[error("you have already accepted offer {0}")]
    AlreadyAccepted(OfferId),
    #[error("unknown lever `{0}`")]
    UnknownLever(String),
    #[error("lever `{0}` belongs to another party")]
    NotYourLever(String),
    #[error("lever `{0}` is not enabled now")]
    LeverNotEnabled(String),
    #[error("lever `{0}` has been used as often as it can be")]
    LeverExhausted(String),
    #[error("this scenario has no mediator")]
    NoMediator,
    #[error("unknown inject `{0}`")]
    UnknownInject(String),
    #[error("unknown AI preset `{0}` (one of: {names})", names = crate::sim::ai::presets::names())]
    UnknownPreset(String),
    #[error("the facilitator cannot play a turn with {0}")]
    NotATurn(&'static str),
    #[error("`{0}` is not an ally")]
    NotAnAlly(String),
    #[error("a statement needs a stance or some text")]
    EmptyStatement,
    #[error("a private statement needs at least one other party to hear it")]
    NoAudience,
    #[error("text is longer than {MAX_TEXT_CHARS} characters")]
    TextTooLong,
    #[error("no {what} has the number {index}")]
    OutOfRange { what: &'static str, index: usize },
    #[error("more {what} than the {limit} there can be")]
    TooMany { what: &'static str, limit: usize },
}
