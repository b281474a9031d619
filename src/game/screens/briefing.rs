//! The briefing: the public situation and the seat's confidential brief.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::session::Session;
use super::super::ui::briefing::{BriefingIntent, briefing};
use super::root_ui;
use crate::game::Screen;

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        briefing_screen.run_if(in_state(Screen::Briefing).and_then(resource_exists::<Session>)),
    );
}

fn briefing_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if briefing(ui, &session.model, session.viewer()) == Some(BriefingIntent::Begin) {
            next.set(Screen::Table);
        }
    });
    Ok(())
}
