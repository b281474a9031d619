//! The replay screen: the table view of a saved game at one stop (its start, the end of a
//! round, its end), the controls to step forward and back, and the debrief's charts as
//! they stood at that stop.

use bevy_egui::egui;

use super::debrief::{outcome_space_chart, utility_chart};
use super::table::{self, TableForm};
use crate::game::replay::Replay;
use crate::game::ui::shortcut;
use crate::sim::analysis::OutcomeSpace;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayIntent {
    /// Move this many stops (negative: back).
    Step(isize),
    /// Go to this stop.
    Go(usize),
    /// Show the table as this party sees it.
    Seat(usize),
    Back,
}

/// The controls: first, back, where we are, forward, last; whose view; back to the menu.
/// Keys: ← and → step, Home and End jump.
pub fn replay_controls(ui: &mut egui::Ui, replay: &Replay) -> Option<ReplayIntent> {
    let mut intent = None;
    let model = replay.model();
    ui.horizontal(|ui| {
        ui.strong(format!("Replay of {}", replay.title));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back").clicked() {
                intent = Some(ReplayIntent::Back);
            }
        });
    });
    ui.horizontal(|ui| {
        let (at, end) = (replay.at, replay.end());
        if ui
            .add_enabled(at > 0, egui::Button::new("⏮"))
            .on_hover_text("The start (Home)")
            .clicked()
            || shortcut(ui, egui::Key::Home)
        {
            intent = Some(ReplayIntent::Go(0));
        }
        if ui
            .add_enabled(at > 0, egui::Button::new("◀ Back a round"))
            .on_hover_text("←")
            .clicked()
            || shortcut(ui, egui::Key::ArrowLeft)
        {
            intent = Some(ReplayIntent::Step(-1));
        }
        ui.label(
            egui::RichText::new(format!("{} · stop {} of {}", replay.stop_name(), at, end))
                .strong()
                .size(16.0),
        );
        if ui
            .add_enabled(at < end, egui::Button::new("Forward a round ▶"))
            .on_hover_text("→")
            .clicked()
            || shortcut(ui, egui::Key::ArrowRight)
        {
            intent = Some(ReplayIntent::Step(1));
        }
        if ui
            .add_enabled(at < end, egui::Button::new("⏭"))
            .on_hover_text("The end (End)")
            .clicked()
            || shortcut(ui, egui::Key::End)
        {
            intent = Some(ReplayIntent::Go(end));
        }
        ui.separator();
        ui.label("Seen by");
        let mut seat = replay.seat;
        egui::ComboBox::from_id_salt("replay-seat")
            .selected_text(&model.scenario.parties[seat].name)
            .show_ui(ui, |ui| {
                for (p, party) in model.scenario.parties.iter().enumerate() {
                    ui.selectable_value(&mut seat, p, &party.name);
                }
            });
        if seat != replay.seat {
            intent = Some(ReplayIntent::Seat(seat));
        }
    });
    intent
}

/// The whole screen below the controls: charts at the bottom, the issues on the left,
/// offers and the transcript on the right, the table in the middle. Read-only.
/// `space`: the outcome space as it stood at this stop, once worked out.
pub fn replay_view(
    root: &mut egui::Ui,
    replay: &Replay,
    space: Option<&OutcomeSpace>,
    form: &mut TableForm,
) {
    let model = replay.model().clone();
    let game = replay.game();
    let view = game.view(replay.seat);
    let prefs = &game.prefs()[replay.seat];
    let current = game.current_package();
    // The outcome space is drawn for a delegation: the seat shown, or the first one.
    let chart_seat = if model.delegations.contains(&replay.seat) {
        replay.seat
    } else {
        model.delegations.first().copied().unwrap_or(0)
    };
    egui::Panel::bottom("replay-charts")
        .default_size(300.0)
        .resizable(true)
        .show(root, |ui| {
            ui.columns(2, |cols| {
                utility_chart(
                    &mut cols[0],
                    &model,
                    game,
                    game.model().scenario.rules.deadline,
                );
                match space {
                    Some(space) => {
                        outcome_space_chart(&mut cols[1], &model, game, space, chart_seat)
                    }
                    None => {
                        cols[1].label(
                            egui::RichText::new("Working out the outcome space at this stop…")
                                .weak(),
                        );
                    }
                }
            });
        });
    egui::Panel::left("replay-issues")
        .default_size(400.0)
        .resizable(true)
        .show(root, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("replay-issues-scroll")
                .show(ui, |ui| {
                    let _ =
                        table::issues_board(ui, &model, &view, prefs, &current, form, &|_| false);
                    egui::CollapsingHeader::new(format!(
                        "Confidential brief — {}",
                        model.scenario.parties[replay.seat].name
                    ))
                    .show(ui, |ui| {
                        super::notice_label(ui, crate::sim::notice::ROLE_PLAY);
                        ui.label(&view.confidential_brief);
                    });
                });
        });
    egui::Panel::right("replay-offers")
        .default_size(380.0)
        .resizable(true)
        .show(root, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("replay-offers-scroll")
                .max_height(ui.available_height() * 0.4)
                .show(ui, |ui| {
                    let _ =
                        table::offers_panel(ui, &model, &view, prefs, &current, form, &|_| false);
                });
            ui.separator();
            table::transcript(ui, &model, &view, form);
        });
    egui::CentralPanel::default().show(root, |ui| table::table_scene(ui, &model, &view));
}
