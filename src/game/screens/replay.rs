//! The replay screen: a saved game, stop by stop, with its charts. Its form lives while
//! the screen is open.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::background::Background;
use super::super::replay::Replay;
use super::super::ui::replay::{ReplayIntent, replay_controls, replay_view};
use super::super::ui::table::TableForm;
use super::root_ui;
use crate::game::Screen;

/// The replay screen's form (the transcript's filters), while it is open.
#[derive(Resource)]
pub struct ReplayScreen(pub TableForm);

pub fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Replay),
        |mut commands: Commands, replay: Res<Replay>| {
            commands.insert_resource(ReplayScreen(TableForm::new(replay.model().issue_count())));
        },
    )
    .add_systems(OnExit(Screen::Replay), |mut commands: Commands| {
        commands.remove_resource::<ReplayScreen>()
    })
    .add_systems(
        EguiPrimaryContextPass,
        replay_screen.run_if(
            in_state(Screen::Replay)
                .and_then(resource_exists::<Replay>)
                .and_then(resource_exists::<ReplayScreen>),
        ),
    );
}

fn replay_screen(
    mut contexts: EguiContexts,
    mut replay: ResMut<Replay>,
    mut screen: ResMut<ReplayScreen>,
    mut work: ResMut<Background>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let form = &mut screen.0;
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let mut intent = None;
    egui::Panel::top("replay-controls").show(&mut root, |ui| {
        intent = replay_controls(ui, &replay);
    });
    let space = replay.space();
    if space.is_none() {
        // Worked out on the task pool; the chart waits for it.
        work.replay_space(replay.stop(), replay.game());
    }
    replay_view(&mut root, &replay, space.as_deref(), form);
    match intent {
        Some(ReplayIntent::Step(by)) => replay.step(by),
        Some(ReplayIntent::Go(at)) => replay.at = at.min(replay.end()),
        Some(ReplayIntent::Seat(p)) => replay.seat = p,
        Some(ReplayIntent::Back) => next.set(replay.back),
        None => {}
    }
    Ok(())
}
