//! The briefing: the public situation for all, the player's own confidential brief in its
//! own voice, what each option means, and the sources. The designer's notes are not here:
//! they are for the facilitator and the debrief (they can name the deal to aim for).

use bevy_egui::egui;

use crate::sim::Model;
use crate::sim::notice;

use super::{glossed, notice_label, option_rules, parties_in_public, sources, with_terms};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BriefingIntent {
    Begin,
}

/// `party`: the seat being briefed.
pub fn briefing(ui: &mut egui::Ui, model: &Model, party: usize) -> Option<BriefingIntent> {
    let s = &model.scenario;
    let me = &s.parties[party];
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading(&s.meta.title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(egui::RichText::new("To the table ▶").size(18.0))
                .clicked()
            {
                intent = Some(BriefingIntent::Begin);
            }
        });
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // Room for the scroll bar: text never runs under it.
            ui.set_max_width(ui.available_width() - 14.0);
            ui.columns(2, |cols| {
                let ui = &mut cols[0];
                ui.strong("The situation (public)");
                ui.label(&s.meta.summary);
                ui.add_space(6.0);
                parties_in_public(ui, s);
                let ui = &mut cols[1];
                ui.strong(format!("Your confidential brief — {}", me.name));
                notice_label(ui, &notice::role_play(&s.meta));
                glossed(ui, &me.confidential_brief);
                ui.add_space(6.0);
                glossed(
                    ui,
                    egui::RichText::new("Your walk-away alternative (BATNA)").strong(),
                );
                ui.label(format!(
                    "{} — worth {:.0} to you.",
                    me.batna_description, me.batna
                ));
                if !me.red_lines.is_empty() {
                    glossed(ui, egui::RichText::new("Your red lines").strong());
                    for r in &me.red_lines {
                        let issue = s.issues.iter().find(|i| i.id == r.issue);
                        let label = issue
                            .and_then(|i| i.options.iter().find(|o| o.id == r.option))
                            .map_or(r.option.clone(), |o| o.label.clone());
                        ui.label(format!(
                            "• {} — {}",
                            issue.map_or(&r.issue, |i| &i.name),
                            label
                        ));
                    }
                }
            });
            ui.separator();
            ui.strong("The issues, and what each option is worth to you");
            notice_label(ui, notice::ASSUMPTIONS);
            let prefs = &model.prefs[party];
            egui::Grid::new("issues")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for (i, issue) in s.issues.iter().enumerate() {
                        ui.label(egui::RichText::new(&issue.name).strong())
                            .on_hover_text(&issue.description);
                        glossed(ui, format!("weight {:.0}%", prefs.weights[i] * 100.0));
                        ui.vertical(|ui| {
                            for (o, option) in issue.options.iter().enumerate() {
                                let sq = if option.id == issue.status_quo {
                                    " (status quo)"
                                } else {
                                    ""
                                };
                                let red = if prefs.red[i][o] {
                                    "  ✖ red line"
                                } else {
                                    ""
                                };
                                let text =
                                    format!("{}{sq}: {:.0}{red}", option.label, prefs.values[i][o]);
                                let tip = with_terms(&option.description, red);
                                ui.label(text).on_hover_text(tip);
                            }
                        });
                        ui.end_row();
                    }
                });
            option_rules(ui, model);
            ui.separator();
            sources(ui, s);
        });
    intent
}
