//! The facilitator (a teacher) during a game: a PIN for the panel, a timer per round,
//! allies' and mediators' moves held for approval (let, cancel or replace them), and the
//! projector showing every brief; their state lives in the core (`sim::classroom`), and
//! these systems apply the panel's messages to it. Rendering-free, like `session`: the panel in
//! `ui/facilitator.rs` only sends the messages handled here, and every move on the game
//! goes through the core (`Game::facilitate`), so that it is in the transcript and the
//! record.

use std::time::Duration;

use bevy::prelude::*;

use crate::sim::ai::Answer;
pub use crate::sim::classroom::{
    FacilitatorSetup, FacilitatorState, RoundTimer, all_briefs, describe,
};
use crate::sim::{Action, FacilitatorMove};

use super::Screen;
use super::redraw::{Redraw, RedrawMessage};
use super::session::{Pacing, Session};

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
        session.error = None;
        let answer = match answer {
            Overrule::Allow => Answer::Allow,
            Overrule::Cancel => Answer::Cancel,
            Overrule::Make(action) => Answer::Make {
                action: action.clone(),
            },
        };
        if let Err((plan, e)) = session.table.answer(plan, answer) {
            // Refused (the state unchanged): the planned move still waits.
            session.facilitator.pending = Some(*plan);
            session.error = Some(format!("facilitator: {e}"));
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
                .in_set(super::GameSystems::Facilitator)
                .run_if(in_state(Screen::Table).and_then(resource_exists::<Session>)),
        );
}
