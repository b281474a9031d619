//! The debrief: the outcome, the scores, the charts, the briefs, the report and the
//! replay. The outcome space it charts is worked out on the task pool when it opens.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::background::Background;
use super::super::replay::Replay;
use super::super::session::{SavesDir, Session};
use super::super::ui::debrief::{DebriefIntent, debrief};
use super::root_ui;
use crate::game::Screen;
use crate::sim::analysis::OutcomeSpace;

/// The debrief's state while it is open: the outcome space, once worked out.
#[derive(Resource, Default)]
pub struct DebriefScreen {
    pub space: Option<Arc<OutcomeSpace>>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Debrief),
        |mut commands: Commands, mut work: ResMut<Background>, session: Res<Session>| {
            // The outcome space is computed on the task pool, not in the egui pass.
            commands.insert_resource(DebriefScreen::default());
            work.outcome_space(session.game());
        },
    )
    .add_systems(OnExit(Screen::Debrief), |mut commands: Commands| {
        commands.remove_resource::<DebriefScreen>()
    })
    .add_systems(
        EguiPrimaryContextPass,
        debrief_screen.run_if(
            in_state(Screen::Debrief)
                .and_then(resource_exists::<Session>)
                .and_then(resource_exists::<DebriefScreen>),
        ),
    );
}

fn debrief_screen(
    mut commands: Commands,
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    saves_dir: Res<SavesDir>,
    screen: Res<DebriefScreen>,
    mut work: ResMut<Background>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(space) = screen.space.clone() else {
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.4);
                ui.label(egui::RichText::new("Working out every possible agreement…").size(20.0));
            });
        });
        return Ok(());
    };
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if let Some(n) = &session.notice {
            ui.label(egui::RichText::new(n).weak());
        }
        match debrief(ui, &session.model, session.game(), &space, session.viewer()) {
            Some(DebriefIntent::BackToTitle) => next.set(Screen::Title),
            Some(DebriefIntent::Replay) => match Replay::of(&session.save_file()) {
                Ok(mut replay) => {
                    replay.back = Screen::Debrief;
                    commands.insert_resource(replay);
                    next.set(Screen::Replay);
                }
                Err(e) => session.notice = Some(format!("Cannot replay: {e}")),
            },
            Some(DebriefIntent::WriteReport) => {
                session.notice = Some("Writing the report…".into());
                work.report(session.game(), saves_dir.0.clone());
            }
            None => {}
        }
    });
    Ok(())
}
