//! The facilitator's panel (F2) and the projector's view of every brief. The panel asks
//! for the PIN when there is one; open, it pauses and resumes the AI, sets the round
//! timer, holds allies' and mediators' moves (let, cancel or replace each), injects the
//! scenario's events or a news item, reveals every brief, ends the talks, and shows every
//! AI's private rationale as it happens.

use bevy_egui::egui;

use crate::game::facilitator::{FacilitatorSetting, FacilitatorState, Overrule, describe};
use crate::sim::narrate::Narrator;
use crate::sim::transcript::Scope;
use crate::sim::{Action, FacilitatorMove, Game, Model};

/// What the facilitator asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum FacilitatorIntent {
    Move(FacilitatorMove),
    Setting(FacilitatorSetting),
    Overrule(Overrule),
    /// Pause or resume the AI (and the timer).
    TogglePause,
}

/// The panel's text fields, kept between frames.
#[derive(Debug, Clone, Default)]
pub struct FacilitatorForm {
    pub pin: String,
    pub new_pin: String,
    pub news_headline: String,
    pub news_text: String,
    pub end_reason: String,
}

/// Draws the panel in its window; `open` is cleared when it is closed.
pub fn facilitator_panel(
    ctx: &egui::Context,
    model: &Model,
    game: &Game,
    state: &FacilitatorState,
    paused: bool,
    form: &mut FacilitatorForm,
    open: &mut bool,
) -> Vec<FacilitatorIntent> {
    let mut intents = Vec::new();
    egui::Window::new("Facilitator (F2)")
        .id(egui::Id::new("facilitator"))
        .open(open)
        .default_width(400.0)
        .default_height(560.0)
        .anchor(egui::Align2::RIGHT_TOP, [-390.0, 40.0])
        .show(ctx, |ui| {
            if !state.unlocked {
                ui.label("Enter the facilitator's PIN:");
                if let Some(pin) = pin_prompt(ui, &mut form.pin) {
                    intents.push(FacilitatorIntent::Setting(FacilitatorSetting::Unlock(pin)));
                }
                return;
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                controls(ui, model, game, state, paused, form, &mut intents);
            });
        });
    intents
}

/// The PIN field, focused, and its "Open" button (or Enter): the PIN typed, once given.
pub fn pin_prompt(ui: &mut egui::Ui, pin: &mut String) -> Option<String> {
    let r = ui.add(
        egui::TextEdit::singleline(pin)
            .password(true)
            .desired_width(120.0),
    );
    if ui.memory(|m| m.focused().is_none()) {
        r.request_focus();
    }
    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    (ui.button("Open").clicked() || enter).then(|| std::mem::take(pin))
}

fn controls(
    ui: &mut egui::Ui,
    model: &Model,
    game: &Game,
    state: &FacilitatorState,
    paused: bool,
    form: &mut FacilitatorForm,
    intents: &mut Vec<FacilitatorIntent>,
) {
    ui.horizontal(|ui| {
        let label = if paused {
            "Resume the AI and the timer"
        } else {
            "Pause the AI and the timer"
        };
        if ui.button(label).clicked() {
            intents.push(FacilitatorIntent::TogglePause);
        }
    });
    ui.horizontal(|ui| {
        ui.label("Time per round");
        let mut seconds = state.timer.seconds;
        let r = ui.add(
            egui::DragValue::new(&mut seconds)
                .range(0..=3600)
                .speed(5.0)
                .suffix(" s"),
        );
        if r.changed() {
            intents.push(FacilitatorIntent::Setting(
                FacilitatorSetting::RoundSeconds(seconds),
            ));
        }
        ui.label(if state.timer.on() {
            format!("{} left", state.timer.display())
        } else {
            "no timer".into()
        });
    });
    ui.separator();
    let mut hold = state.hold_third_parties;
    if ui
        .checkbox(&mut hold, "Allies' and mediators' moves wait for me")
        .changed()
    {
        intents.push(FacilitatorIntent::Setting(
            FacilitatorSetting::HoldThirdParties(hold),
        ));
    }
    if let Some(plan) = &state.pending {
        held_move(
            ui,
            model,
            game,
            plan.party,
            &plan.decision.action.to_action(model),
            intents,
        );
    }
    let mut reveal = state.reveal_briefs;
    if ui
        .checkbox(&mut reveal, "Show every brief on the screen (projector)")
        .changed()
    {
        intents.push(FacilitatorIntent::Setting(
            FacilitatorSetting::RevealBriefs(reveal),
        ));
    }
    ui.separator();
    facilitator_moves(ui, model, game, form, intents);
    ui.separator();
    ui.horizontal(|ui| {
        ui.label("PIN");
        ui.add(
            egui::TextEdit::singleline(&mut form.new_pin)
                .password(true)
                .desired_width(90.0)
                .hint_text(if state.has_pin() { "change" } else { "none" }),
        );
        if ui
            .button("Set")
            .on_hover_text("Empty: no PIN. Asked for whenever the panel opens.")
            .clicked()
        {
            intents.push(FacilitatorIntent::Setting(FacilitatorSetting::SetPin(
                std::mem::take(&mut form.new_pin),
            )));
        }
    });
}

/// The facilitator's own moves (injects, news, the end of the talks), the designer's notes
/// and the AI's private rationales: the part of the panel a class's host also takes.
pub fn facilitator_moves(
    ui: &mut egui::Ui,
    model: &Model,
    game: &Game,
    form: &mut FacilitatorForm,
    intents: &mut Vec<FacilitatorIntent>,
) {
    if !model.scenario.injects.is_empty() {
        ui.label(egui::RichText::new("Inject an event").strong());
        ui.horizontal_wrapped(|ui| {
            for inject in &model.scenario.injects {
                if ui
                    .button(&inject.name)
                    .on_hover_text(&inject.description)
                    .clicked()
                {
                    intents.push(FacilitatorIntent::Move(FacilitatorMove::Inject {
                        inject: inject.id.clone(),
                    }));
                }
            }
        });
    }
    ui.label(egui::RichText::new("A news item").strong());
    ui.add(
        egui::TextEdit::singleline(&mut form.news_headline)
            .char_limit(crate::sim::action::MAX_TEXT_CHARS)
            .hint_text("headline"),
    );
    ui.add(
        egui::TextEdit::multiline(&mut form.news_text)
            .char_limit(crate::sim::action::MAX_TEXT_CHARS)
            .desired_rows(2)
            .hint_text("text"),
    );
    if ui
        .add_enabled(
            !form.news_headline.trim().is_empty(),
            egui::Button::new("Announce"),
        )
        .clicked()
    {
        intents.push(FacilitatorIntent::Move(FacilitatorMove::News {
            headline: form.news_headline.trim().to_string(),
            text: form.news_text.trim().to_string(),
        }));
        form.news_headline.clear();
        form.news_text.clear();
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut form.end_reason)
                .char_limit(crate::sim::action::MAX_TEXT_CHARS)
                .hint_text("why")
                .desired_width(200.0),
        );
        if ui
            .add_enabled(
                !form.end_reason.trim().is_empty(),
                egui::Button::new("End the talks"),
            )
            .clicked()
        {
            intents.push(FacilitatorIntent::Move(FacilitatorMove::EndTalks {
                reason: form.end_reason.trim().to_string(),
            }));
            form.end_reason.clear();
        }
    });
    if let Some(notes) = &model.scenario.meta.designer_notes {
        ui.separator();
        egui::CollapsingHeader::new("The designer's notes (for you, not the players)").show(
            ui,
            |ui| {
                ui.label(notes);
            },
        );
    }
    ui.separator();
    ui.label(egui::RichText::new("The AI's private rationales").strong());
    egui::ScrollArea::vertical()
        .id_salt("rationales")
        .max_height(160.0)
        .show(ui, |ui| {
            for e in game
                .transcript()
                .iter()
                .rev()
                .filter(|e| e.scope == Scope::Facilitator)
                .take(12)
            {
                let text = Narrator::new(model).text(&e.entry(model));
                ui.label(egui::RichText::new(text).small());
            }
        });
}

/// An ally's or mediator's planned move, waiting: let it, cancel it, or make another.
pub fn held_move(
    ui: &mut egui::Ui,
    model: &Model,
    game: &Game,
    p: usize,
    planned: &Action,
    intents: &mut Vec<FacilitatorIntent>,
) {
    let party = &model.scenario.parties[p];
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(
            egui::RichText::new(format!(
                "{} plans: {}",
                party.name,
                describe(model, planned)
            ))
            .strong(),
        );
        ui.horizontal(|ui| {
            if ui.button("Let it happen").clicked() {
                intents.push(FacilitatorIntent::Overrule(Overrule::Allow));
            }
            if ui
                .button("Cancel it")
                .on_hover_text("The party passes this turn")
                .clicked()
            {
                intents.push(FacilitatorIntent::Overrule(Overrule::Cancel));
            }
        });
        ui.label("Or make its move:");
        ui.horizontal_wrapped(|ui| {
            for (l, lever) in model.scenario.levers.iter().enumerate() {
                if lever.owner != party.id {
                    continue;
                }
                let action = Action::UseLever {
                    lever: lever.id.clone(),
                };
                let legal = game.check_action(p, &action);
                let used = game.lever_uses().get(l).copied().unwrap_or(0);
                let hover = match &legal {
                    Ok(()) => format!("{} (used {used} times)", lever.description),
                    Err(e) => format!("{}\nNot now: {e}", lever.description),
                };
                if ui
                    .add_enabled(legal.is_ok(), egui::Button::new(&lever.name))
                    .on_hover_text(&hover)
                    .on_disabled_hover_text(&hover)
                    .clicked()
                {
                    intents.push(FacilitatorIntent::Overrule(Overrule::Make(action)));
                }
            }
        });
    });
}

/// Every party's confidential brief, side by side, when the facilitator reveals them.
pub fn briefs_window(ctx: &egui::Context, briefs: &[(String, String)]) {
    egui::Window::new(egui::RichText::new("Every brief (shown by the facilitator)").strong())
        .id(egui::Id::new("all-briefs"))
        .collapsible(false)
        .default_width(760.0)
        .default_height(480.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                super::notice_label(ui, crate::sim::notice::ROLE_PLAY);
                for (name, brief) in briefs {
                    ui.label(egui::RichText::new(name).strong().size(16.0));
                    ui.label(brief);
                    ui.add_space(8.0);
                }
            });
        });
}
