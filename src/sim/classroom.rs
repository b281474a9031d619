//! The facilitator's side of a classroom game, without any engine of its own or any
//! window: the PIN that guards the panel, the timer per round, the allies' and
//! mediators' moves held for approval, the projector showing every brief. The Bevy shell
//! (`game/facilitator.rs`) keeps one of these in its session and turns the panel's
//! messages into calls on it; every move on the game itself goes through
//! `Game::facilitate`.

use crate::sim::ai::Plan;
use crate::sim::model::sha256_hex;
use crate::sim::save::Classroom;
use crate::sim::{Action, Model};

/// What the setup screen chooses for the facilitator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacilitatorSetup {
    /// A PIN that guards the facilitator's panel; none when empty.
    pub pin: Option<String>,
    /// Seconds per round; 0 for no timer.
    pub round_seconds: u32,
}

/// The facilitator's state for the game in progress (part of the `Session`).
#[derive(Debug, Clone, Default)]
pub struct FacilitatorState {
    /// SHA-256 of the PIN that guards the panel, when there is one (saved with the game,
    /// so the PIN itself is never written down).
    pub pin_sha256: Option<String>,
    /// The panel is open to whoever is at the screen: no PIN, or the right one entered
    /// since it was last closed.
    pub unlocked: bool,
    /// Allies' and mediators' moves wait for the facilitator.
    pub hold_third_parties: bool,
    /// The move an ally or mediator plans, waiting for the facilitator. Dropped (and
    /// planned again) when the facilitator changes the game meanwhile, so that the AI
    /// decides on what it sees when the move is made.
    pub pending: Option<Plan>,
    /// The screen shows every party's brief (for the projector).
    pub reveal_briefs: bool,
    pub timer: RoundTimer,
}

/// A countdown per round: it starts again with each round, stops while the facilitator
/// pauses or decides on a held move, and when it runs out each human seat still to move
/// in the round passes.
#[derive(Debug, Clone, Default)]
pub struct RoundTimer {
    /// Seconds per round; 0: no timer.
    pub seconds: u32,
    /// The round being timed.
    pub round: u32,
    /// Seconds left in it.
    pub left: f32,
}

impl RoundTimer {
    pub fn on(&self) -> bool {
        self.seconds > 0
    }

    /// Seconds until the countdown shows one second less: it shows whole seconds, rounded
    /// up. A little more than that, so that the frame falls after the change.
    pub fn until_next_second(&self) -> f32 {
        let left = self.left.max(0.0);
        left - (left.ceil() - 1.0).max(0.0) + 0.005
    }

    /// `m:ss` left, for the countdown.
    pub fn display(&self) -> String {
        let s = self.left.max(0.0).ceil() as u32;
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The hash a PIN is kept as; `None` for an empty one. Spaces around it do not count.
pub fn pin_hash(pin: &str) -> Option<String> {
    let pin = pin.trim();
    (!pin.is_empty()).then(|| sha256_hex(pin))
}

impl FacilitatorState {
    pub fn new(setup: &FacilitatorSetup) -> FacilitatorState {
        FacilitatorState::from_classroom(&Classroom {
            pin_sha256: setup.pin.as_deref().and_then(pin_hash),
            round_seconds: setup.round_seconds,
            hold_third_parties: false,
        })
    }

    /// The settings a save kept: the PIN's hash, the timer, holding.
    pub fn from_classroom(c: &Classroom) -> FacilitatorState {
        FacilitatorState {
            unlocked: c.pin_sha256.is_none(),
            pin_sha256: c.pin_sha256.clone(),
            hold_third_parties: c.hold_third_parties,
            timer: RoundTimer {
                seconds: c.round_seconds,
                ..RoundTimer::default()
            },
            ..FacilitatorState::default()
        }
    }

    /// The settings to keep in a save.
    pub fn classroom(&self) -> Classroom {
        Classroom {
            pin_sha256: self.pin_sha256.clone(),
            round_seconds: self.timer.seconds,
            hold_third_parties: self.hold_third_parties,
        }
    }

    pub fn has_pin(&self) -> bool {
        self.pin_sha256.is_some()
    }

    /// Opens the panel if `entered` is the PIN; returns whether it did.
    pub fn unlock(&mut self, entered: &str) -> bool {
        self.unlocked = match &self.pin_sha256 {
            None => true,
            Some(hash) => pin_hash(entered).as_ref() == Some(hash),
        };
        self.unlocked
    }

    /// Closes the panel: with a PIN, it must be entered again.
    pub fn lock(&mut self) {
        self.unlocked = self.pin_sha256.is_none();
    }

    /// Sets a new PIN (empty: none); the panel stays open to whoever set it.
    pub fn set_pin(&mut self, pin: &str) {
        self.pin_sha256 = pin_hash(pin);
    }
}

/// Every party's confidential brief, for the projector, when the facilitator reveals
/// them: (party name, brief).
pub fn all_briefs(model: &Model) -> Vec<(String, String)> {
    model
        .scenario
        .parties
        .iter()
        .map(|p| (p.name.clone(), p.confidential_brief.clone()))
        .collect()
}

/// A planned move in a few words, for the panel and the transcript.
pub fn describe(model: &Model, action: &Action) -> String {
    match action {
        Action::UseLever { lever } => model
            .scenario
            .levers
            .iter()
            .find(|l| l.id == *lever)
            .map_or_else(|| lever.clone(), |l| l.name.clone()),
        Action::Propose { package, .. } => {
            let n = super::narrate::Narrator::new(model);
            let issues: Vec<String> = package.keys().map(|i| n.issue(i)).collect();
            format!("propose a text on {}", issues.join(", "))
        }
        other => other.name().to_string(),
    }
}
