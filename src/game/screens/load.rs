//! The load screen: saved games, newest first, to resume or replay. The list is read when
//! the screen opens and dropped when it closes.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::replay::OpenReplay;
use super::super::session::{LoadGame, LoadProblem, SavesDir};
use super::super::ui::menu_button;
use super::root_ui;
use crate::game::Screen;

/// The saved games the load screen lists, newest first, while it is open.
#[derive(Resource, Default)]
pub struct LoadScreen {
    pub saves: Vec<std::path::PathBuf>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Load), list_saves)
        .add_systems(OnExit(Screen::Load), |mut commands: Commands| {
            commands.remove_resource::<LoadScreen>()
        })
        .add_systems(
            EguiPrimaryContextPass,
            load_screen.run_if(in_state(Screen::Load).and_then(resource_exists::<LoadScreen>)),
        );
}

/// The `.ron` files of the saves folder, newest first.
fn list_saves(mut commands: Commands, dir: Res<SavesDir>) {
    let mut saves: Vec<(std::time::SystemTime, std::path::PathBuf)> = dir
        .0
        .as_ref()
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, p)
        })
        .collect();
    saves.sort_by_key(|s| std::cmp::Reverse(s.0));
    commands.insert_resource(LoadScreen {
        saves: saves.into_iter().map(|(_, p)| p).collect(),
    });
}

/// Saved games, newest first; load one.
fn load_screen(
    mut contexts: EguiContexts,
    screen: Res<LoadScreen>,
    problem: Res<LoadProblem>,
    mut next: ResMut<NextState<Screen>>,
    mut loads: MessageWriter<LoadGame>,
    mut replays: MessageWriter<OpenReplay>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        ui.heading("Resume or replay a saved game");
        if let Some(p) = &problem.0 {
            ui.label(egui::RichText::new(p).color(egui::Color32::LIGHT_RED));
        }
        let saves = &screen.saves;
        if saves.is_empty() {
            ui.label("No saved games yet: games are saved at every round, and with Save.");
        }
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .show(ui, |ui| {
                for path in saves {
                    let name = path
                        .file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                    ui.horizontal(|ui| {
                        if ui
                            .button("Resume")
                            .on_hover_text("Go on playing from where it was saved")
                            .clicked()
                        {
                            loads.write(LoadGame(path.clone()));
                        }
                        if ui
                            .button("Replay")
                            .on_hover_text("Watch it again round by round, with the charts")
                            .clicked()
                        {
                            replays.write(OpenReplay(path.clone()));
                        }
                        ui.label(egui::RichText::new(name).strong());
                    });
                }
            });
        if menu_button(ui, "Back").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}
