//! A class on several machines: the student's "Join a class" form, and how the
//! connection to the class's host stands.

use bevy_egui::egui;

use super::shortcut;
use crate::net::remote::LinkStatus;
use crate::sim::ai::SeatControl;

/// The "Join a class" form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinForm {
    /// What the teacher's screen or the slip shows: `192.168.1.20:7878`, the `ws://`
    /// address, or the slip's link (which holds the code).
    pub address: String,
    pub code: String,
    pub name: String,
    /// Why the last try did not join, in words.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinIntent {
    /// Join at this address (`ws://…/ws`) with this code and name.
    Join {
        address: String,
        code: String,
        name: String,
    },
    Back,
}

impl JoinForm {
    /// What the form asks for, or why it cannot yet.
    pub fn target(&self) -> Result<(String, String), String> {
        let (address, code) =
            crate::net::client::join_target(&self.address).map_err(|e| e.to_string())?;
        let code = match code {
            Some(c) if self.code.trim().is_empty() => c,
            _ => self.code.trim().to_string(),
        };
        if code.is_empty() {
            return Err("Type your seat's code (on your slip).".into());
        }
        Ok((address, code))
    }
}

/// The form; `connecting`: how the connection stands while it opens.
pub fn join_form(
    ui: &mut egui::Ui,
    form: &mut JoinForm,
    connecting: Option<&LinkStatus>,
) -> Option<JoinIntent> {
    let mut intent = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.08);
        ui.heading(egui::RichText::new("Join a class").size(30.0));
        ui.add_space(6.0);
        ui.label("Your teacher's screen shows the address; your slip has your seat's code.");
        ui.add_space(16.0);
    });
    let width = 360.0;
    egui::Grid::new("join-form")
        .num_columns(2)
        .spacing([12.0, 10.0])
        .show(ui, |ui| {
            ui.label("Address");
            let address = ui.add(
                egui::TextEdit::singleline(&mut form.address)
                    .hint_text("192.168.1.20:7878")
                    .desired_width(width),
            );
            if ui.memory(|m| m.focused().is_none()) && form.address.is_empty() {
                address.request_focus();
            }
            ui.end_row();
            ui.label("Code");
            ui.add(
                egui::TextEdit::singleline(&mut form.code)
                    .hint_text("from your slip")
                    .desired_width(width),
            );
            ui.end_row();
            ui.label("Your name");
            ui.add(
                egui::TextEdit::singleline(&mut form.name)
                    .hint_text("what the teacher sees (optional)")
                    .char_limit(40)
                    .desired_width(width),
            );
            ui.end_row();
        });
    ui.add_space(14.0);
    let busy = matches!(
        connecting,
        Some(LinkStatus::Connecting | LinkStatus::Reconnecting { .. } | LinkStatus::Connected)
    );
    ui.horizontal(|ui| {
        let join = ui.add_enabled(
            !busy,
            egui::Button::new(egui::RichText::new("Join").size(20.0)),
        );
        if join.clicked() || (!busy && shortcut(ui, egui::Key::Enter)) {
            match form.target() {
                Ok((address, code)) => {
                    form.problem = None;
                    intent = Some(JoinIntent::Join {
                        address,
                        code,
                        name: form.name.trim().to_string(),
                    });
                }
                Err(e) => form.problem = Some(e),
            }
        }
        if ui.button(egui::RichText::new("Back").size(20.0)).clicked() {
            intent = Some(JoinIntent::Back);
        }
    });
    ui.add_space(10.0);
    match connecting {
        Some(LinkStatus::Failed { why, .. }) => {
            ui.label(egui::RichText::new(why).color(egui::Color32::LIGHT_RED));
        }
        Some(status) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(status_text(status));
            });
        }
        None => {}
    }
    if let Some(p) = &form.problem {
        ui.label(egui::RichText::new(p).color(egui::Color32::LIGHT_RED));
    }
    ui.add_space(18.0);
    ui.label(
        egui::RichText::new(
            "The connection is not encrypted: on a shared network, others could read the moves sent. Your brief is sent only to your seat.",
        )
        .weak()
        .size(13.0),
    );
    intent
}

/// How the connection stands, in a few words.
pub fn status_text(status: &LinkStatus) -> String {
    match status {
        LinkStatus::Connecting => "Connecting to the class…".into(),
        LinkStatus::Connected => "Connected".into(),
        LinkStatus::Reconnecting { why, attempts } => {
            if *attempts == 0 {
                format!("Connection lost ({why}); reconnecting…")
            } else {
                format!(
                    "Connection lost ({why}); reconnecting, try {}…",
                    attempts + 1
                )
            }
        }
        LinkStatus::Failed { why, .. } => format!("Disconnected: {why}"),
    }
}

/// The connection's state in the table's status bar: quiet when connected, loud when not.
pub fn link_label(ui: &mut egui::Ui, status: &LinkStatus, address: &str) {
    match status {
        LinkStatus::Connected => {
            ui.label(egui::RichText::new("● connected").color(egui::Color32::LIGHT_GREEN))
                .on_hover_text(format!("Playing on the class's host at {address}"));
        }
        LinkStatus::Connecting | LinkStatus::Reconnecting { .. } => {
            ui.spinner();
            ui.label(
                egui::RichText::new(status_text(status))
                    .strong()
                    .color(egui::Color32::from_rgb(255, 170, 90)),
            );
        }
        LinkStatus::Failed { .. } => {
            ui.label(
                egui::RichText::new(status_text(status))
                    .strong()
                    .color(egui::Color32::LIGHT_RED),
            );
        }
    }
}

/// Who plays a seat of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlayedBy {
    /// People, who join with this code.
    People { code: String },
    /// The host's AI, with this preset.
    Ai(String),
}

/// One seat on the roster, with who is connected at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterSeat {
    pub party: String,
    pub name: String,
    pub played_by: PlayedBy,
    /// A people's seat the facilitator handed to the host's AI: its preset.
    pub handed: Option<String>,
    /// Connection number and the name it gave.
    pub connected: Vec<(u64, String)>,
}

/// Everything the teacher's roster shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roster {
    /// What students type in Join a class: `HOST:PORT`.
    pub address: String,
    pub seats: Vec<RosterSeat>,
    pub observer_code: String,
    pub observers: Vec<(u64, String)>,
    /// The facilitator's code: for the teacher's own eyes (joining from another machine).
    pub facilitator_code: String,
    pub facilitators: Vec<(u64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterIntent {
    /// A new code for this seat (or the observers); those who joined with the old one
    /// are let go.
    Rotate(crate::net::protocol::Role),
    /// Close this connection.
    Remove(u64),
    /// The host's AI plays this seat (with this preset) until it is taken back.
    HandToAi { party: String, preset: String },
    /// The seat's people play it again.
    TakeBack(String),
}

impl Roster {
    /// The roster of a facilitator's view of a class: `names` gives each party's name.
    pub fn of(
        address: &str,
        view: &crate::net::wire::FacilitatorView,
        names: &[(String, String)],
    ) -> Roster {
        use crate::net::protocol::Role;
        let connected = |role: &Role| -> Vec<(u64, String)> {
            view.connections
                .iter()
                .filter(|c| c.role == *role)
                .map(|c| (c.id, c.name.clone()))
                .collect()
        };
        let seats = names
            .iter()
            .enumerate()
            .map(|(p, (id, name))| {
                let played_by = match view.codes.seats.get(id) {
                    Some(code) => PlayedBy::People { code: code.clone() },
                    None => PlayedBy::Ai(
                        view.record
                            .seats
                            .iter()
                            .find(|s| &s.party == id)
                            .and_then(|s| match &s.controller {
                                crate::sim::record::Controller::Ai(p) => Some(p.clone()),
                                crate::sim::record::Controller::Human => None,
                            })
                            .unwrap_or_else(|| "scenario".into()),
                    ),
                };
                let handed = match (&played_by, view.control.seats.get(p)) {
                    (PlayedBy::People { .. }, Some(SeatControl::Ai(preset))) => {
                        Some(preset.clone())
                    }
                    _ => None,
                };
                RosterSeat {
                    party: id.clone(),
                    name: name.clone(),
                    played_by,
                    handed,
                    connected: connected(&Role::Seat { party: id.clone() }),
                }
            })
            .collect();
        Roster {
            address: address.to_string(),
            seats,
            observer_code: view.codes.observer.clone(),
            observers: connected(&Role::Observer),
            facilitator_code: view.codes.facilitator.clone(),
            facilitators: connected(&Role::Facilitator),
        }
    }
}

fn connection_list(ui: &mut egui::Ui, list: &[(u64, String)], intent: &mut Option<RosterIntent>) {
    ui.vertical(|ui| {
        for (id, name) in list {
            ui.horizontal(|ui| {
                let shown = if name.is_empty() {
                    format!("#{id} (no name)")
                } else {
                    name.clone()
                };
                ui.label(shown);
                if ui
                    .small_button("Remove")
                    .on_hover_text("Close this connection (it may join again with the code)")
                    .clicked()
                {
                    *intent = Some(RosterIntent::Remove(*id));
                }
            });
        }
    });
}

/// A people's seat handed to the AI (a preset from a menu), or taken back.
fn hand_over(ui: &mut egui::Ui, seat: &RosterSeat, intent: &mut Option<RosterIntent>) {
    if seat.handed.is_some() {
        if ui
            .button("Take back")
            .on_hover_text("The seat's people play it again from its next turn")
            .clicked()
        {
            *intent = Some(RosterIntent::TakeBack(seat.party.clone()));
        }
        return;
    }
    ui.menu_button("Hand to the AI", |ui| {
        ui.label(egui::RichText::new("The AI plays this seat until you take it back:").weak());
        for (preset, about) in crate::sim::ai::presets::PRESETS {
            if ui.button(*preset).on_hover_text(*about).clicked() {
                *intent = Some(RosterIntent::HandToAi {
                    party: seat.party.clone(),
                    preset: preset.to_string(),
                });
                ui.close();
            }
        }
    })
    .response
    .on_hover_text("When a team is absent or stuck: the AI plays its turns meanwhile");
}

/// The roster: each seat, who plays it, its code, who is connected there.
pub fn roster(ui: &mut egui::Ui, roster: &Roster) -> Option<RosterIntent> {
    use crate::net::protocol::Role;
    let mut intent = None;
    egui::Grid::new("roster")
        .num_columns(4)
        .striped(true)
        .spacing([18.0, 8.0])
        .show(ui, |ui| {
            ui.strong("Seat");
            ui.strong("Code");
            ui.strong("Connected");
            ui.strong("");
            ui.end_row();
            for seat in &roster.seats {
                ui.label(&seat.name);
                match &seat.played_by {
                    PlayedBy::People { code } => {
                        ui.label(egui::RichText::new(code).monospace().size(16.0));
                        ui.vertical(|ui| {
                            if let Some(preset) = &seat.handed {
                                ui.label(
                                    egui::RichText::new(format!("the AI plays it ({preset})"))
                                        .color(egui::Color32::from_rgb(150, 190, 255)),
                                );
                            }
                            if seat.connected.is_empty() {
                                ui.label(
                                    egui::RichText::new("no one connected")
                                        .color(egui::Color32::from_rgb(255, 170, 90)),
                                );
                            } else {
                                connection_list(ui, &seat.connected, &mut intent);
                            }
                        });
                        ui.horizontal(|ui| {
                            if ui
                                .button("New code")
                                .on_hover_text("Give this seat a new code; whoever joined with the old one is let go")
                                .clicked()
                            {
                                intent = Some(RosterIntent::Rotate(Role::Seat {
                                    party: seat.party.clone(),
                                }));
                            }
                            hand_over(ui, seat, &mut intent);
                        });
                    }
                    PlayedBy::Ai(preset) => {
                        ui.label(egui::RichText::new(format!("AI ({preset})")).weak());
                        ui.label("—");
                        ui.label("");
                    }
                }
                ui.end_row();
            }
            ui.label("Observers (projector, guests)");
            ui.label(egui::RichText::new(&roster.observer_code).monospace().size(16.0));
            if roster.observers.is_empty() {
                ui.label(egui::RichText::new("none").weak());
            } else {
                connection_list(ui, &roster.observers, &mut intent);
            }
            if ui.button("New code").clicked() {
                intent = Some(RosterIntent::Rotate(Role::Observer));
            }
            ui.end_row();
            ui.label("Facilitator");
            ui.label(egui::RichText::new(&roster.facilitator_code).monospace().size(16.0))
                .on_hover_text("For you only: join with it (and the PIN) from another machine");
            connection_list(ui, &roster.facilitators, &mut intent);
            ui.label("");
            ui.end_row();
        });
    intent
}

/// The projector view of a class: where to join, the observers' code, how the talks
/// stand (`status`) and the public view — never a seat's code, though the roster holds
/// them all.
pub fn projector(
    ui: &mut egui::Ui,
    roster: &Roster,
    model: &crate::sim::Model,
    status: &str,
) -> Option<super::public::PublicIntent> {
    ui.vertical_centered(|ui| {
        ui.label(egui::RichText::new("Join a class at").size(20.0));
        ui.label(
            egui::RichText::new(&roster.address)
                .size(40.0)
                .strong()
                .monospace(),
        );
        ui.label(
            egui::RichText::new(format!("Observers: code {}", roster.observer_code))
                .size(18.0)
                .weak(),
        );
        ui.label(
            egui::RichText::new("Each team's code is on its slip.")
                .size(16.0)
                .weak(),
        );
        ui.label(egui::RichText::new(status).size(18.0));
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .show(ui, |ui| super::public::public_view(ui, model))
        .inner
}

/// Seconds per turn the teacher picks from (0: no limit).
const TURN_CHOICES: [u32; 8] = [0, 30, 60, 90, 120, 180, 300, 600];

fn seconds_text(seconds: u32) -> String {
    match seconds {
        0 => "no limit".into(),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s if s > 60 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

/// How the turn's clock and the pause stand, in words (`left`: the timed party and the
/// time it has left now).
pub fn clock_text(
    model: &crate::sim::Model,
    clock: &crate::net::wire::Clock,
    left: Option<(usize, std::time::Duration)>,
) -> Option<String> {
    let turn = left.map(|(p, left)| {
        let name = model
            .scenario
            .parties
            .get(p)
            .map_or("the seat", |p| p.name.as_str());
        format!("{name}: {} s left", left.as_secs_f32().ceil() as u64)
    });
    match (clock.paused, turn) {
        (true, Some(t)) => Some(format!("Paused by the facilitator ({t})")),
        (true, None) => Some("Paused by the facilitator".into()),
        (false, t) => t,
    }
}

/// The facilitator's hold on a class's table: pause the host's AI and the clock, the
/// seconds per turn, allies' and mediators' moves held for an answer (let, cancel or make
/// another). Returns the messages for the host.
pub fn table_control(
    ui: &mut egui::Ui,
    model: &crate::sim::Model,
    game: &crate::sim::Game,
    clock: &crate::net::wire::Clock,
    control: &crate::net::wire::Control,
    left: Option<(usize, std::time::Duration)>,
) -> Vec<crate::net::protocol::ClientMessage> {
    use super::facilitator::{FacilitatorIntent, held_move};
    use crate::game::facilitator::Overrule;
    use crate::net::protocol::{Answer, ClientMessage};
    let mut out = Vec::new();
    ui.label(egui::RichText::new("The table").strong());
    ui.horizontal_wrapped(|ui| {
        let (label, hover) = if clock.paused {
            ("Resume", "The host's AI seats and the turn's clock go on")
        } else {
            (
                "Pause",
                "The host's AI seats and the turn's clock wait (people may still move)",
            )
        };
        if ui.button(label).on_hover_text(hover).clicked() {
            out.push(ClientMessage::Pause {
                paused: !clock.paused,
            });
        }
        ui.label("Time per turn");
        egui::ComboBox::from_id_salt("turn-seconds")
            .selected_text(seconds_text(clock.turn_seconds))
            .show_ui(ui, |ui| {
                for s in TURN_CHOICES {
                    if ui
                        .selectable_label(clock.turn_seconds == s, seconds_text(s))
                        .clicked()
                        && clock.turn_seconds != s
                    {
                        out.push(ClientMessage::TurnSeconds { seconds: s });
                    }
                }
            });
    });
    if let Some(text) = clock_text(model, clock, left) {
        ui.label(egui::RichText::new(text).color(egui::Color32::from_rgb(255, 200, 120)));
    }
    let mut hold = control.hold;
    if ui
        .checkbox(&mut hold, "Allies' and mediators' moves wait for me")
        .changed()
    {
        out.push(ClientMessage::Hold { on: hold });
    }
    if let Some(held) = &control.pending {
        let mut intents = Vec::new();
        held_move(ui, model, game, held.party, &held.action, &mut intents);
        for intent in intents {
            if let FacilitatorIntent::Overrule(o) = intent {
                let answer = match o {
                    Overrule::Allow => Answer::Allow,
                    Overrule::Cancel => Answer::Cancel,
                    Overrule::Make(action) => Answer::Make { action },
                };
                out.push(ClientMessage::Overrule { answer });
            }
        }
    }
    out
}
