//! The screens: one plugin per screen, each drawing its screen with the functions in
//! `ui/` and turning the player's intent into state changes and messages. A screen's own
//! state (its forms, its caches) is a resource of its own, inserted when the screen opens
//! and removed when it closes. Keyboard shortcuts that cross screens live here.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::session::Pacing;
use super::{FONT_BOLD, FONT_REGULAR, Screen};

mod briefing;
pub mod class;
mod classroom;
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
    class::plugin(app);
    classroom::plugin(app);
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

/// What a key pressed outside the screens' own controls does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenShortcut {
    /// Space at the table: the AI moves at once.
    SkipAi,
    /// Esc in a menu: back to the title.
    Back,
    /// F1 on the title: How to play.
    Help,
}

/// The shortcut a key makes on a screen, if any. None fires while the player is typing
/// in a text field (or has a popup open): there the keys are the field's.
pub fn screen_shortcut(screen: Screen, key: KeyCode, typing: bool) -> Option<ScreenShortcut> {
    if typing {
        return None;
    }
    match key {
        KeyCode::Space if screen == Screen::Table => Some(ScreenShortcut::SkipAi),
        KeyCode::Escape
            if matches!(
                screen,
                Screen::Scenarios
                    | Screen::PublicView
                    | Screen::HowToPlay
                    | Screen::Settings
                    | Screen::Setup
                    | Screen::Load
                    | Screen::Replay
                    | Screen::Join
                    | Screen::HostSetup
            ) =>
        {
            Some(ScreenShortcut::Back)
        }
        KeyCode::F1 if screen == Screen::Title => Some(ScreenShortcut::Help),
        _ => None,
    }
}

/// Keys: Space lets the AI move at once, Esc goes back to the title from the menus,
/// F1 opens "How to play". Runs in `Update`, before this frame's egui pass, so egui's
/// wish for the keyboard is the one of the frame the key was pressed in: Esc in a text
/// field leaves the field, not the screen.
fn shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut pacing: ResMut<Pacing>,
) {
    let typing = wants.wants_keyboard_input() || wants.is_popup_open();
    for key in keys.get_just_pressed() {
        match screen_shortcut(*state.get(), *key, typing) {
            Some(ScreenShortcut::SkipAi) => pacing.skip = true,
            Some(ScreenShortcut::Back) => next.set(Screen::Title),
            Some(ScreenShortcut::Help) => next.set(Screen::HowToPlay),
            None => {}
        }
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
