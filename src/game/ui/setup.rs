//! Setup: who plays each party, delegations, allies and mediators alike (a person or the
//! AI with a preset), the seed and the deadline.

use bevy_egui::egui;

use crate::sim::Model;
use crate::sim::ai::SeatControl;
use crate::sim::ai::presets::PRESETS;
use crate::sim::scenario::PartyKind;

/// The form's state between frames.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupForm {
    /// One per party, every kind of party offered the choice.
    pub controls: Vec<SeatControl>,
    pub seed: u64,
    pub seed_text: String,
    pub deadline: u32,
    /// A PIN for the facilitator's panel (F2); none when empty.
    pub pin: String,
    /// Seconds per round (0: no timer); for a class, seconds per move of a people's seat.
    pub round_seconds: u32,
    /// Hosting a class (the teacher's "Host a class"), not a game on this screen.
    pub hosting: Option<Hosting>,
}

/// Where a class's host listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosting {
    /// On the class's network (every address of this machine), or on this machine only.
    pub network: bool,
    pub port_text: String,
}

impl Default for Hosting {
    fn default() -> Hosting {
        Hosting {
            network: true,
            port_text: "7878".into(),
        }
    }
}

impl Hosting {
    /// The port typed, if it is one (0: any free port).
    pub fn port(&self) -> Option<u16> {
        self.port_text.trim().parse().ok()
    }
}

impl SetupForm {
    /// The first delegation in turn order human, the others AI as the scenario describes.
    pub fn new(model: &Model, seed: u64) -> SetupForm {
        SetupForm {
            controls: SeatControl::one_human(
                model.scenario.parties.len(),
                model.delegations.first().copied(),
            ),
            seed,
            seed_text: seed.to_string(),
            deadline: model.scenario.rules.deadline,
            pin: String::new(),
            round_seconds: 0,
            hosting: None,
        }
    }

    /// The form of "Host a class": every delegation played by people, the AI elsewhere.
    pub fn class(model: &Model, seed: u64) -> SetupForm {
        let mut form = SetupForm::new(model, seed);
        for (p, c) in form.controls.iter_mut().enumerate() {
            if model.kind(p) == PartyKind::Delegation {
                *c = SeatControl::Human;
            }
        }
        form.hosting = Some(Hosting::default());
        form
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupIntent {
    Start,
    Back,
    /// Set up a game of another scenario of the list (its index).
    Choose(usize),
}

/// `scenarios`: the titles the player may choose from, `model` the one chosen
/// (`scenarios[chosen]`).
pub fn setup(
    ui: &mut egui::Ui,
    scenarios: &[String],
    chosen: usize,
    model: &Model,
    form: &mut SetupForm,
) -> Option<SetupIntent> {
    let mut intent = None;
    let s = &model.scenario;
    let class = form.hosting.is_some();
    ui.heading(if class {
        format!("Host a class — {}", s.meta.title)
    } else {
        format!("New game — {}", s.meta.title)
    });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label("Scenario");
        let mut pick = chosen;
        egui::ComboBox::from_id_salt("scenario")
            .selected_text(scenarios.get(chosen).map_or("", String::as_str))
            .width(420.0)
            .show_ui(ui, |ui| {
                for (k, title) in scenarios.iter().enumerate() {
                    ui.selectable_value(&mut pick, k, title);
                }
            });
        if pick != chosen {
            intent = Some(SetupIntent::Choose(pick));
        }
    });
    ui.label(egui::RichText::new(s.meta.summary.split("\n\n").next().unwrap_or_default()).weak());
    ui.add_space(8.0);
    egui::Grid::new("seats")
        .num_columns(4)
        .spacing([24.0, 10.0])
        .show(ui, |ui| {
            ui.strong("Party");
            ui.strong("Role");
            ui.strong("Played by");
            ui.strong("AI preset");
            ui.end_row();
            // Delegations first, then allies and mediators, as they sit at the table.
            let order: Vec<usize> = model
                .delegations
                .iter()
                .copied()
                .chain((0..s.parties.len()).filter(|&p| model.kind(p) != PartyKind::Delegation))
                .collect();
            for p in order {
                let party = &s.parties[p];
                ui.label(format!("[{}] {}", party.label, party.name));
                ui.label(match party.kind {
                    PartyKind::Delegation => "delegation",
                    PartyKind::Ally => "ally",
                    PartyKind::Mediator => "mediator",
                });
                let human = form.controls[p] == SeatControl::Human;
                let mut choice = human;
                ui.horizontal(|ui| {
                    ui.radio_value(&mut choice, true, if class { "People" } else { "Human" })
                        .on_hover_text(if class {
                            "A team of students, on their own machines, with the seat's code"
                        } else {
                            "A player at this screen"
                        });
                    ui.radio_value(&mut choice, false, "AI");
                });
                if choice != human {
                    form.controls[p] = if choice {
                        SeatControl::Human
                    } else {
                        SeatControl::Ai("scenario".into())
                    };
                }
                if let SeatControl::Ai(preset) = &mut form.controls[p] {
                    egui::ComboBox::from_id_salt(("preset", p))
                        .selected_text(preset.clone())
                        .show_ui(ui, |ui| {
                            for (name, about) in PRESETS {
                                let about = if party.kind == PartyKind::Delegation {
                                    about.to_string()
                                } else {
                                    third_party_preset(name)
                                };
                                ui.selectable_value(preset, name.to_string(), *name)
                                    .on_hover_text(about);
                            }
                        });
                } else {
                    ui.label("—");
                }
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.label("Seed");
        let r = ui.add(egui::TextEdit::singleline(&mut form.seed_text).desired_width(160.0));
        if r.changed()
            && let Ok(seed) = form.seed_text.trim().parse()
        {
            form.seed = seed;
        }
        ui.label("(note it to replay the same game)");
    });
    ui.horizontal(|ui| {
        ui.label("Deadline");
        ui.add(egui::Slider::new(&mut form.deadline, 1..=40).suffix(" rounds"));
    });
    ui.add_space(8.0);
    ui.label(egui::RichText::new("For a class").strong());
    ui.horizontal(|ui| {
        ui.label(if class {
            "Time per move"
        } else {
            "Time per round"
        });
        ui.add(
            egui::DragValue::new(&mut form.round_seconds)
                .range(0..=3600)
                .speed(5.0)
                .suffix(" s"),
        )
        .on_hover_text(if class {
            "0: no timer. A team that has not moved when its time runs out passes."
        } else {
            "0: no timer. When time runs out, the human seats still to move pass."
        });
        if form.round_seconds == 0 {
            ui.label("(no timer)");
        }
    });
    ui.horizontal(|ui| {
        ui.label("Facilitator PIN");
        ui.add(
            egui::TextEdit::singleline(&mut form.pin)
                .password(true)
                .desired_width(100.0)
                .hint_text("optional"),
        )
        .on_hover_text("Asked for before the facilitator's panel (F2) opens");
    });
    let humans = form
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == SeatControl::Human)
        .count();
    let mut port_ok = true;
    if let Some(h) = &mut form.hosting {
        ui.horizontal(|ui| {
            ui.checkbox(&mut h.network, "Open to the class's network")
                .on_hover_text("Off: only this machine can join (to try it out)");
            ui.label("Port");
            ui.add(egui::TextEdit::singleline(&mut h.port_text).desired_width(60.0));
        });
        port_ok = h.port().is_some();
        if !port_ok {
            ui.label(
                egui::RichText::new("The port is a number from 0 to 65535 (0: any free one).")
                    .color(egui::Color32::LIGHT_RED),
            );
        }
        ui.label(
            egui::RichText::new(
                "Each people's seat gets a code; your screen shows them and prints slips. The connection is not encrypted: on shared Wi-Fi, others on the network could read the moves.",
            )
            .weak(),
        );
    } else if humans > 1 {
        ui.label("Several human seats share this screen: pass the keyboard between turns.");
    }
    ui.add_space(16.0);
    ui.horizontal(|ui| {
        let start = if class { "Start the class" } else { "Start" };
        if ui
            .add_enabled(
                port_ok,
                egui::Button::new(egui::RichText::new(start).size(18.0)),
            )
            .clicked()
        {
            intent = Some(SetupIntent::Start);
        }
        if ui.button(egui::RichText::new("Back").size(18.0)).clicked() {
            intent = Some(SetupIntent::Back);
        }
    });
    intent
}

/// What a preset means for an ally or a mediator played by the AI.
fn third_party_preset(name: &str) -> String {
    match name {
        "scenario" => {
            "believes half of what the delegations say, as the standard third party".into()
        }
        other => format!(
            "believes what the delegations say as the {other} preset does (trust {:.2})",
            crate::sim::ai::presets::personality(other, &Default::default()).trust
        ),
    }
}
