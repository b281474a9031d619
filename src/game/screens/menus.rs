//! The menu screens: the title, the public view for the projector, the scenarios, how to
//! play, the settings. None keeps state of its own beyond its frame.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::settings::Settings;
use super::super::ui::public::{PublicIntent, public_view};
use super::super::ui::title::{TitleIntent, title};
use super::super::ui::{how_to_play, menu_button};
use super::root_ui;
use crate::game::Catalogue;
use crate::game::Screen;

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        title_screen.run_if(in_state(Screen::Title)),
    )
    .add_systems(
        EguiPrimaryContextPass,
        scenarios_screen.run_if(in_state(Screen::Scenarios)),
    )
    .add_systems(
        EguiPrimaryContextPass,
        how_to_screen.run_if(in_state(Screen::HowToPlay)),
    )
    .add_systems(
        EguiPrimaryContextPass,
        public_screen.run_if(in_state(Screen::PublicView)),
    )
    .add_systems(
        EguiPrimaryContextPass,
        settings_screen.run_if(in_state(Screen::Settings)),
    );
}

fn title_screen(
    mut contexts: EguiContexts,
    catalogue: Res<Catalogue>,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
    mut guide: MessageWriter<crate::game::guide::StartGuide>,
) -> Result {
    // The browser client has no scenario of its own: its one way in is a class's seat.
    let Some((_, model)) = catalogue.scenarios.get(catalogue.chosen) else {
        next.set(Screen::Join);
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if !catalogue.problems.is_empty() {
            ui.label(
                egui::RichText::new(format!(
                    "{} scenario file(s) have problems: see Scenarios.",
                    catalogue.problems.len()
                ))
                .color(egui::Color32::LIGHT_RED),
            );
        }
        match title(ui, &model.scenario.meta.title, &model.scenario.meta.date) {
            Some(TitleIntent::NewGame) => next.set(Screen::Setup),
            Some(TitleIntent::Guided) => {
                guide.write(crate::game::guide::StartGuide);
            }
            Some(TitleIntent::Load) => next.set(Screen::Load),
            Some(TitleIntent::JoinClass) => next.set(Screen::Join),
            Some(TitleIntent::HostClass) => next.set(Screen::HostSetup),
            Some(TitleIntent::Scenarios) => next.set(Screen::Scenarios),
            Some(TitleIntent::PublicView) => next.set(Screen::PublicView),
            Some(TitleIntent::HowToPlay) => next.set(Screen::HowToPlay),
            Some(TitleIntent::Settings) => next.set(Screen::Settings),
            Some(TitleIntent::Quit) => {
                exit.write(AppExit::Success);
            }
            None => {}
        }
    });
    Ok(())
}

/// The public view of the chosen scenario, for the projector.
fn public_screen(
    mut contexts: EguiContexts,
    catalogue: Res<Catalogue>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let model = &catalogue.scenarios[catalogue.chosen].1;
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if public_view(ui, model) == Some(PublicIntent::Back) {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

fn scenarios_screen(
    mut contexts: EguiContexts,
    mut catalogue: ResMut<Catalogue>,
    mut next: ResMut<NextState<Screen>>,
    saves: Res<crate::game::session::SavesDir>,
    mut written: Local<String>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        ui.heading("Scenarios");
        let mut chosen = catalogue.chosen;
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .show(ui, |ui| {
                for (k, (origin, model)) in catalogue.scenarios.iter().enumerate() {
                    let meta = &model.scenario.meta;
                    ui.radio_value(
                        &mut chosen,
                        k,
                        egui::RichText::new(format!("{} ({})", meta.title, meta.date)).strong(),
                    );
                    // The situation; the background paragraphs are on the briefing.
                    ui.label(meta.summary.split("\n\n").next().unwrap_or_default());
                    ui.label(egui::RichText::new(origin).weak());
                    ui.add_space(6.0);
                }
                scenario_problems(ui, &catalogue.problems);
            });
        if chosen != catalogue.chosen {
            catalogue.chosen = chosen;
            written.clear();
        }
        let model = catalogue.scenarios[catalogue.chosen].1.clone();
        if crate::sim::teaching::kit(&model.scenario.meta.id).is_some() {
            ui.horizontal(|ui| {
                if ui
                    .button("Write the teaching kit")
                    .on_hover_text(
                        "A printable page for the teacher: objectives, timeline, who's who, \
                         the ideas in plain words, expected outcomes, lesson plans, rubric",
                    )
                    .clicked()
                {
                    *written = crate::game::background::write_kit(&model, saves.0.clone());
                }
                if !written.is_empty() {
                    ui.label(egui::RichText::new(written.as_str()).weak());
                }
            });
        }
        if menu_button(ui, "Back").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

/// Files that failed to load, with the core's diagnostics. A file that loaded before
/// keeps its last good version in the list above.
fn scenario_problems(ui: &mut egui::Ui, problems: &[(String, String)]) {
    if problems.is_empty() {
        return;
    }
    ui.separator();
    ui.label(
        egui::RichText::new("Files with problems (fix and save: they reload)")
            .strong()
            .color(egui::Color32::LIGHT_RED),
    );
    for (origin, diagnostics) in problems {
        ui.label(egui::RichText::new(origin).weak());
        ui.label(egui::RichText::new(diagnostics).monospace());
        ui.add_space(6.0);
    }
}

fn how_to_screen(mut contexts: EguiContexts, mut next: ResMut<NextState<Screen>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .show(ui, how_to_play);
        if menu_button(ui, "Back").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

fn settings_screen(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    mut next: ResMut<NextState<Screen>>,
    mut message: Local<String>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        ui.heading("Settings");
        let mut s = settings.clone();
        ui.add(egui::Slider::new(&mut s.ui_scale, 0.75..=2.0).text("UI scale"));
        ui.add(egui::Slider::new(&mut s.seconds_per_move, 0.0..=3.0).text("seconds per AI move"));
        ui.horizontal(|ui| {
            ui.label("Window size at start:");
            for (w, h) in [(1280, 720), (1600, 900), (1920, 1080)] {
                ui.radio_value(
                    &mut (s.window_width, s.window_height),
                    (w, h),
                    format!("{w}×{h}"),
                )
                .clicked()
                .then(|| {
                    s.window_width = w;
                    s.window_height = h;
                });
            }
        });
        if s != *settings {
            *settings = s;
        }
        ui.add_space(12.0);
        if menu_button(ui, "Save and go back").clicked() {
            match settings.save() {
                Ok(()) => next.set(Screen::Title),
                Err(e) => *message = format!("Could not save the settings: {e}"),
            }
        }
        if !message.is_empty() {
            ui.label(egui::RichText::new(message.as_str()).color(egui::Color32::LIGHT_RED));
        }
    });
    Ok(())
}
