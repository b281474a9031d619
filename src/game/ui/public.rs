//! The public view, for the projector: what every party may know — the public situation,
//! each party's public line, the issues and what each option means, the sources and the
//! role-play notice. No confidential brief, no value, no walk-away alternative, no
//! designer's note: a class can watch it while each team reads its own brief.

use bevy_egui::egui;

use crate::sim::Model;
use crate::sim::notice;

use super::{notice_label, option_rules, parties_in_public, sources};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicIntent {
    Back,
}

pub fn public_view(ui: &mut egui::Ui, model: &Model) -> Option<PublicIntent> {
    let s = &model.scenario;
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading(&s.meta.title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("◀ Back").clicked() {
                intent = Some(PublicIntent::Back);
            }
            ui.label(egui::RichText::new("Public view · for the projector").weak());
        });
    });
    notice_label(ui, &notice::role_play(&s.meta));
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // Room for the scroll bar: text never runs under it.
            ui.set_max_width(ui.available_width() - 14.0);
            ui.columns(2, |cols| {
                let ui = &mut cols[0];
                ui.strong("The situation");
                ui.label(&s.meta.summary);
                ui.add_space(8.0);
                ui.strong("The parties in public");
                parties_in_public(ui, s);
                let ui = &mut cols[1];
                ui.strong("The issues and the options");
                for issue in &s.issues {
                    ui.add_space(4.0);
                    ui.label(egui::RichText::new(&issue.name).strong());
                    ui.label(&issue.description);
                    for option in &issue.options {
                        let sq = if option.id == issue.status_quo {
                            " (status quo)"
                        } else {
                            ""
                        };
                        ui.label(format!("• {}{sq}: {}", option.label, option.description));
                    }
                }
                option_rules(ui, model);
            });
            ui.separator();
            sources(ui, s);
        });
    intent
}
