//! A class on several machines: the student's "Join a class" form, and how the
//! connection to the class's host stands.

use bevy_egui::egui;

use super::shortcut;
use crate::net::remote::LinkStatus;

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
