//! The facilitator (a teacher) during a game: a PIN for the panel, a timer per round,
//! allies' and mediators' moves held for approval (let, cancel or replace them), and the
//! projector showing every brief. Rendering-free, like `session`: the panel in
//! `ui/facilitator.rs` only sends the messages handled here, and every move on the game
//! goes through the core (`Game::facilitate`), so that it is in the transcript and the
//! record.

use std::time::Duration;

use bevy::prelude::*;

use crate::sim::ai::Plan;
use crate::sim::model::sha256_hex;
use crate::sim::save::Classroom;
use crate::sim::{Action, FacilitatorMove, Model};

use super::Screen;
use super::redraw::{Redraw, RedrawMessage};
use super::session::{Pacing, Session};

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
fn pin_hash(pin: &str) -> Option<String> {
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
            let issues: Vec<&str> = package.keys().map(String::as_str).collect();
            format!("propose a text on {}", issues.join(", "))
        }
        other => other.name().to_string(),
    }
}

/// What the facilitator does with an ally's or mediator's planned move.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Overrule {
    /// Let it happen.
    Allow,
    /// Cancel it: the party passes this turn.
    Cancel,
    /// Make this move for the party instead.
    Make(Action),
}

/// Facilitator settings changed from the panel.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum FacilitatorSetting {
    /// Try a PIN.
    Unlock(String),
    /// Close the panel (locks it again when there is a PIN).
    Lock,
    /// Set a new PIN (empty: none).
    SetPin(String),
    HoldThirdParties(bool),
    RevealBriefs(bool),
    /// Seconds per round (0: off); the countdown restarts.
    RoundSeconds(u32),
}

fn settings(mut session: ResMut<Session>, mut changes: MessageReader<FacilitatorSetting>) {
    for change in changes.read() {
        let f = &mut session.facilitator;
        match change {
            FacilitatorSetting::Unlock(pin) => {
                if !f.unlock(pin) {
                    session.error = Some("facilitator: wrong PIN".into());
                }
            }
            FacilitatorSetting::Lock => f.lock(),
            FacilitatorSetting::SetPin(pin) => f.set_pin(pin),
            FacilitatorSetting::HoldThirdParties(on) => f.hold_third_parties = *on,
            FacilitatorSetting::RevealBriefs(on) => f.reveal_briefs = *on,
            FacilitatorSetting::RoundSeconds(s) => {
                f.timer.seconds = *s;
                f.timer.left = *s as f32;
            }
        }
    }
}

/// Applies the facilitator's answer to a held move.
fn overrule(mut session: ResMut<Session>, mut answers: MessageReader<Overrule>) {
    for answer in answers.read() {
        let Some(plan) = session.facilitator.pending.take() else {
            continue;
        };
        let party = session.model.party_id(plan.party).to_string();
        session.error = None;
        let (m, action) = match answer {
            Overrule::Allow => {
                session.table.play_plan(plan);
                continue;
            }
            Overrule::Make(action) => (FacilitatorMove::MakeMove { party }, action.clone()),
            Overrule::Cancel => (
                FacilitatorMove::CancelMove {
                    party,
                    planned: describe(
                        &session.model,
                        &plan.decision.action.to_action(&session.model),
                    ),
                },
                Action::Pass,
            ),
        };
        match session.table.game.play_turn(m, action) {
            // The AI remembers having planned the turn, as on a replay of the record.
            Ok(()) => session.table.overruled(plan),
            // Refused (the state unchanged): the planned move still waits.
            Err(e) => {
                session.facilitator.pending = Some(plan);
                session.error = Some(format!("facilitator: {e}"));
            }
        }
    }
}

/// Holds an ally's or mediator's move for the facilitator when asked to: the AI plans it
/// once, and it waits in `pending`. Runs before the AI's pacing, which leaves a held
/// party's turn alone.
fn hold(mut session: ResMut<Session>, pacing: Res<Pacing>) {
    let session = &mut *session;
    let to_move = session.game().to_move();
    if session.game().is_over() {
        session.facilitator.pending = None;
        return;
    }
    if let Some(plan) = &session.facilitator.pending {
        if to_move != Some(plan.party) {
            session.facilitator.pending = None;
        } else if !session.facilitator.hold_third_parties
            && !pacing.paused
            && let Some(plan) = session.facilitator.pending.take()
        {
            // Holding was switched off: the planned move goes ahead (once not paused).
            session.table.play_plan(plan);
        }
        return;
    }
    if session.held_turn().is_some() && session.table.ai_to_move() {
        session.facilitator.pending = session.table.plan();
    }
}

/// The countdown of the round. When it runs out, the human seat to move passes (the
/// transcript says time was up), and so does every human seat after it in that round.
fn round_timer(
    mut session: ResMut<Session>,
    pacing: Res<Pacing>,
    time: Res<Time>,
    mut redraw: ResMut<Redraw>,
) {
    let session = &mut *session;
    let round = session.game().round();
    let over = session.game().is_over();
    let timer = &mut session.facilitator.timer;
    if !timer.on() || over {
        return;
    }
    if timer.round != round {
        timer.round = round;
        timer.left = timer.seconds as f32;
    }
    if pacing.paused || session.facilitator.pending.is_some() {
        return;
    }
    let timer = &mut session.facilitator.timer;
    timer.left = (timer.left - time.delta_secs()).max(0.0);
    if timer.left > 0.0 {
        // The next frame when the countdown shows another second (or runs out).
        redraw.after(Duration::from_secs_f32(timer.until_next_second()));
        return;
    }
    if let Some(p) = session.human_to_move() {
        let party = session.model.party_id(p).to_string();
        let result = session
            .table
            .game
            .play_turn(FacilitatorMove::TimeUp { party }, Action::Pass);
        session.error = result.err().map(|e| format!("timer: {e}"));
    }
}

pub fn plugin(app: &mut App) {
    app.add_redrawing_message::<Overrule>()
        .add_redrawing_message::<FacilitatorSetting>()
        .add_systems(
            Update,
            (settings, overrule, hold, round_timer)
                .chain()
                .before(super::session::AiTurns)
                .run_if(in_state(Screen::Table).and_then(resource_exists::<Session>)),
        );
}
