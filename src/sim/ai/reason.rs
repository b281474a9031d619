//! The two layers of every AI move (MODEL.md, "Reasons").
//!
//! A [`PublicReason`] is strategic and coarse — which issue weighs, which way the party
//! could move — and is rendered into the words the table reads; it never carries a
//! number. A [`Rationale`] holds the numbers that drove the decision (aspiration, the
//! offer's utility, BATNA, the issues that weighed most) for the facilitator and the
//! debrief. Both are built from the computation itself; the text is rendered only when
//! shown.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// What the AI tells the table, as data. Issue and option ids are rendered with their
/// labels; no field holds a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PublicReason {
    /// Putting a package forward; `stress` is the issue it cares most about in it.
    Proposing { stress: String },
    /// Rejecting: too little on `issue`; it could move if it got more on `could_move_for`.
    NotEnough {
        issue: String,
        could_move_for: Option<String>,
    },
    /// The package crosses one of its red lines on `issue`.
    RedLine { issue: String, option: String },
    /// Accepting: it is an improvement, mainly on `issue`.
    Accepting { issue: String },
    /// Walking out: its alternative is better than anything on offer.
    AlternativeIsBetter,
    /// The mediator's text: starting with what it estimates is easiest.
    MediatorText { first: Vec<String> },
    /// Waiting for movement from the other side.
    Waiting,
    /// Asking the chair for a text after a stalemate.
    AskingMediator,
}

impl PublicReason {
    /// Words for the table. `label(issue, option)` turns ids into display labels.
    pub fn render(
        &self,
        issue_name: &dyn Fn(&str) -> String,
        option_label: &dyn Fn(&str, &str) -> String,
    ) -> String {
        match self {
            PublicReason::Proposing { stress } => format!(
                "This is a serious offer; for us, {} is what matters most in it.",
                issue_name(stress)
            ),
            PublicReason::NotEnough {
                issue,
                could_move_for,
            } => match could_move_for {
                Some(other) => format!(
                    "This gives us too little on {}. We could move if there were more for us on {}.",
                    issue_name(issue),
                    issue_name(other)
                ),
                None => format!("This gives us too little on {}.", issue_name(issue)),
            },
            PublicReason::RedLine { issue, option } => format!(
                "We cannot accept “{}” on {}: that is a line we will not cross.",
                option_label(issue, option),
                issue_name(issue)
            ),
            PublicReason::Accepting { issue } => format!(
                "We can accept this: it moves things forward on {}.",
                issue_name(issue)
            ),
            PublicReason::AlternativeIsBetter => {
                "Nothing on the table is better than our alternative to an agreement.".to_string()
            }
            PublicReason::MediatorText { first } => {
                let names: Vec<String> = first.iter().map(|i| issue_name(i)).collect();
                format!(
                    "The chair proposes a text, starting with what both sides may accept: {}.",
                    names.join(", ")
                )
            }
            PublicReason::Waiting => {
                "We are waiting for a serious move from the other side.".to_string()
            }
            PublicReason::AskingMediator => {
                "We are stuck; we ask the chair to put a text on the table.".to_string()
            }
        }
    }
}

/// The numbers behind one decision, for the facilitator and the debrief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Rationale {
    /// What was decided, in a word (`propose`, `accept`, `reject`, `lever`, …).
    pub decision: Cow<'static, str>,
    /// Utility (0–100) the party still demands.
    pub aspiration: Option<f64>,
    /// Its current BATNA (0–100).
    pub batna: f64,
    /// Utility (0–100) of the offer it answered, completed with the current state.
    pub offer_utility: Option<f64>,
    /// Utility (0–100) of what it proposes, or would propose next.
    pub own_proposal_utility: Option<f64>,
    /// The issues that weighed most in the decision, with their weight (0–1); shared by
    /// a party's decisions, not copied.
    pub top_issues: Arc<[(Arc<str>, f64)]>,
    /// Estimated gain of a lever, and its cost (allies and mediators).
    pub lever_gain: Option<f64>,
    pub lever_cost: Option<f64>,
    /// What it believes of the other delegations: estimated utility (0–1) of the chosen
    /// package for each, and their estimated BATNA.
    pub beliefs: Vec<(Arc<str>, f64, f64)>,
}

impl Rationale {
    /// The numbers in a line, naming issues and parties by id.
    pub fn render(&self) -> String {
        self.render_named(&|i| i.to_string(), &|p| p.to_string())
    }

    /// The numbers in a line; `issue_name` and `party_name` turn ids into names.
    pub fn render_named(
        &self,
        issue_name: &dyn Fn(&str) -> String,
        party_name: &dyn Fn(&str) -> String,
    ) -> String {
        let mut parts = vec![format!("decision: {}", self.decision)];
        if let Some(a) = self.aspiration {
            parts.push(format!("aspiration {a:.1}"));
        }
        parts.push(format!("BATNA {:.1}", self.batna));
        if let Some(u) = self.offer_utility {
            parts.push(format!("offer worth {u:.1}"));
        }
        if let Some(u) = self.own_proposal_utility {
            parts.push(format!("own proposal worth {u:.1}"));
        }
        if let (Some(g), Some(c)) = (self.lever_gain, self.lever_cost) {
            parts.push(format!("lever gain {g:.1} for cost {c:.1}"));
        }
        if !self.top_issues.is_empty() {
            let t: Vec<String> = self
                .top_issues
                .iter()
                .map(|(i, w)| format!("{} {:.0}%", issue_name(i), w * 100.0))
                .collect();
            parts.push(format!("weighs {}", t.join(", ")));
        }
        for (who, u, b) in &self.beliefs {
            parts.push(format!(
                "believes {} gets {:.2} vs BATNA {:.2}",
                party_name(who),
                u,
                b
            ));
        }
        parts.join("; ")
    }
}
