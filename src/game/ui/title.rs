//! The title screen.

use bevy_egui::egui;

use super::menu_button;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleIntent {
    NewGame,
    /// The guided first game.
    Guided,
    Load,
    /// Host a class: every team on its own machine.
    HostClass,
    /// Join a class hosted on another machine, at a seat.
    JoinClass,
    Scenarios,
    /// The public view of the scenario, for the projector.
    PublicView,
    HowToPlay,
    Settings,
    Quit,
}

/// `scenario`: the title of the scenario a new game uses.
pub fn title(ui: &mut egui::Ui, scenario: &str, date: &str) -> Option<TitleIntent> {
    let mut intent = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.12);
        ui.label(egui::RichText::new("ACCORD").size(56.0).strong());
        ui.label(egui::RichText::new("a negotiation game").size(20.0).italics());
        ui.add_space(16.0);
        ui.label(egui::RichText::new(format!("{scenario} — {date}")).size(18.0));
        ui.add_space(28.0);
        let new = menu_button(ui, "New game");
        if new.clicked() {
            intent = Some(TitleIntent::NewGame);
        }
        if menu_button(ui, "Guided first game")
            .on_hover_text("A short case, step by step: the brief, a package, the answer, the mediator, the debrief")
            .clicked()
        {
            intent = Some(TitleIntent::Guided);
        }
        if menu_button(ui, "Resume or replay").clicked() {
            intent = Some(TitleIntent::Load);
        }
        if menu_button(ui, "Host a class")
            .on_hover_text("Run the game for a class from this machine: each team plays its seat on its own machine, with a code")
            .clicked()
        {
            intent = Some(TitleIntent::HostClass);
        }
        if menu_button(ui, "Join a class")
            .on_hover_text("Play a seat of a class hosted on your teacher's machine: type its address and your seat's code")
            .clicked()
        {
            intent = Some(TitleIntent::JoinClass);
        }
        if menu_button(ui, "Scenarios").clicked() {
            intent = Some(TitleIntent::Scenarios);
        }
        if menu_button(ui, "Public view (projector)").clicked() {
            intent = Some(TitleIntent::PublicView);
        }
        if menu_button(ui, "How to play").clicked() {
            intent = Some(TitleIntent::HowToPlay);
        }
        if menu_button(ui, "Settings").clicked() {
            intent = Some(TitleIntent::Settings);
        }
        if menu_button(ui, "Quit").clicked() {
            intent = Some(TitleIntent::Quit);
        }
        if ui.memory(|m| m.focused().is_none()) {
            new.request_focus();
        }
        ui.add_space(20.0);
        ui.label(
            egui::RichText::new(
                "Lines spoken in the game are simulated and attributed to delegations, not to real people.",
            )
            .size(13.0)
            .weak(),
        );
    });
    intent
}
