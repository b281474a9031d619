//! The screens: one plugin per screen, each drawing its screen with the functions in
//! `ui/` and turning the player's intent into state changes and messages. A screen's own
//! state (its forms, its caches) is a resource of its own, inserted when the screen opens
//! and removed when it closes. Keyboard shortcuts that cross screens live here.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::session::Pacing;
use super::{FONT_BOLD, FONT_REGULAR, Screen};

mod briefing;
mod debrief;
mod load;
mod menus;
mod replay;
mod setup;
pub mod table;

pub use debrief::DebriefScreen;
pub use load::LoadScreen;
pub use replay::ReplayScreen;
pub use setup::SetupScreen;
pub use table::{TableScreen, ask_staff};

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, fonts)
        .add_systems(Update, shortcuts);
    menus::plugin(app);
    setup::plugin(app);
    briefing::plugin(app);
    table::plugin(app);
    debrief::plugin(app);
    load::plugin(app);
    replay::plugin(app);
}

/// The bundled font for egui, once.
fn fonts(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let mut defs = egui::FontDefinitions::default();
    defs.font_data.insert(
        "dejavu".into(),
        Arc::new(egui::FontData::from_static(FONT_REGULAR)),
    );
    defs.font_data.insert(
        "dejavu-bold".into(),
        Arc::new(egui::FontData::from_static(FONT_BOLD)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        defs.families
            .entry(family)
            .or_default()
            .insert(0, "dejavu".into());
    }
    let ctx = contexts.ctx_mut()?;
    ctx.set_fonts(defs);
    ctx.set_visuals(egui::Visuals::dark());
    *done = true;
    Ok(())
}

/// Keys: Space lets the AI move at once, Esc goes back to the title from the menus,
/// F1 opens "How to play".
fn shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut pacing: ResMut<Pacing>,
) {
    if keys.just_pressed(KeyCode::Space) && *state.get() == Screen::Table {
        pacing.skip = true;
    }
    if keys.just_pressed(KeyCode::Escape)
        && matches!(
            state.get(),
            Screen::Scenarios
                | Screen::PublicView
                | Screen::HowToPlay
                | Screen::Settings
                | Screen::Setup
                | Screen::Load
                | Screen::Replay
        )
    {
        next.set(Screen::Title);
    }
    if keys.just_pressed(KeyCode::F1) && *state.get() == Screen::Title {
        next.set(Screen::HowToPlay);
    }
}

/// A Ui covering the whole window, for the panels of a screen.
pub(crate) fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "screen".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}
