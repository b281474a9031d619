//! The debrief: the outcome in words, each party's score against its initial BATNA, the
//! charts (utilities of the offers over the rounds; the outcome space with the Pareto
//! frontier, the Nash point, the BATNA lines, every offer and the final deal), every
//! AI rationale, every confidential brief, the full transcript, and what happened in
//! reality.

use bevy_egui::egui::{self, Color32};
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints, Points, VLine};

use crate::game::party_colour;
use crate::sim::analysis::OutcomeSpace;
use crate::sim::narrate::Narrator;
use crate::sim::transcript::Kind;
use crate::sim::{Game, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebriefIntent {
    BackToTitle,
    /// Write the printable report (HTML) of this game.
    WriteReport,
    /// Step through this game again, round by round.
    Replay,
}

/// `viewer`: the seat whose utility is on the horizontal axis of the outcome space.
pub fn debrief(
    ui: &mut egui::Ui,
    model: &Model,
    game: &Game,
    space: &OutcomeSpace,
    viewer: usize,
) -> Option<DebriefIntent> {
    let s = &model.scenario;
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading("Debrief");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(egui::RichText::new("Back to the title").size(16.0))
                .clicked()
            {
                intent = Some(DebriefIntent::BackToTitle);
            }
            if ui
                .button(egui::RichText::new("Replay it").size(16.0))
                .on_hover_text("Step through the game again, round by round, with the charts")
                .clicked()
            {
                intent = Some(DebriefIntent::Replay);
            }
            if ui
                .button(egui::RichText::new("Write a printable report").size(16.0))
                .on_hover_text(
                    "One HTML file with the outcome, scores, charts, transcript and briefs",
                )
                .clicked()
            {
                intent = Some(DebriefIntent::WriteReport);
            }
        });
    });
    if let Some(o) = game.outcome() {
        ui.label(egui::RichText::new(Narrator::new(model).outcome(o)).size(17.0));
    }
    ui.separator();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.strong("Scores");
        super::notice_label(ui, crate::sim::notice::ASSUMPTIONS);
        egui::Grid::new("scores").striped(true).num_columns(5).show(ui, |ui| {
            for h in ["Party", "Outcome worth", "Initial BATNA", "Gain", "Final BATNA"] {
                super::glossed(ui, egui::RichText::new(h).strong());
            }
            ui.end_row();
            for r in game.results() {
                let p = model.party_index(&r.party).unwrap_or(0);
                ui.label(egui::RichText::new(&s.parties[p].name).color(party_colour(&s.parties[p].colour)));
                ui.label(format!("{:.1}", r.utility));
                ui.label(format!("{:.1}", r.initial_batna));
                ui.label(egui::RichText::new(format!("{:+.1}", r.gain)).color(if r.gain >= 0.0 { Color32::LIGHT_GREEN } else { Color32::LIGHT_RED }));
                ui.label(format!("{:.1}", r.final_batna));
                ui.end_row();
            }
        });
        if let Some(m) = game.deal_metrics(space) {
            super::glossed(ui, format!(
                "The agreement lies {:.3} from the Pareto frontier and {} from the Nash point; joint gain over BATNAs {:+.3} (normalised utilities).",
                m.distance_to_frontier,
                m.distance_to_nash.map_or("—".to_string(), |d| format!("{d:.3}")),
                m.joint_gain
            ));
        }
        if let Some(c) = game.could_have_had(space) {
            ui.add_space(4.0);
            ui.strong("What the talks could have had");
            super::glossed(ui, Narrator::new(model).could_have_had(&c));
        }
        ui.add_space(8.0);
        ui.columns(2, |cols| {
            utility_chart(&mut cols[0], model, game, game.round());
            outcome_space_chart(&mut cols[1], model, game, space, viewer);
        });
        ui.separator();
        if let Some(h) = &s.historical_outcome {
            ui.strong("What happened in reality");
            super::glossed(ui, &h.summary);
            ui.separator();
        }
        egui::CollapsingHeader::new("Every confidential brief").show(ui, |ui| {
            super::notice_label(ui, &crate::sim::notice::role_play(&s.meta));
            for p in &s.parties {
                ui.label(egui::RichText::new(&p.name).strong());
                ui.label(&p.confidential_brief);
                ui.add_space(4.0);
            }
        });
        if let Some(notes) = &s.meta.designer_notes {
            egui::CollapsingHeader::new("The designer's notes").show(ui, |ui| {
                ui.label(notes);
            });
        }
        egui::CollapsingHeader::new("The AI's private rationales").show(ui, |ui| {
            for e in game.transcript() {
                if let Kind::Rationale { by, rationale } = &e.kind {
                    let n = Narrator::new(model);
                    let by = n.party(model.party_id(*by));
                    ui.label(format!("Round {} · {by}: {}", e.round, n.rationale(rationale)));
                }
            }
        });
        egui::CollapsingHeader::new("The full transcript").show(ui, |ui| {
            for e in game.transcript() {
                if !matches!(e.kind, Kind::Rationale { .. }) {
                    ui.label(Narrator::new(model).line(&e.entry(model)));
                }
            }
        });
        if !s.debrief_questions.is_empty() {
            ui.separator();
            ui.strong("Questions for discussion");
            for q in &s.debrief_questions {
                super::glossed(ui, format!("• {q}"));
            }
        }
    });
    intent
}

/// Each delegation's utility of every offer, by the round it was made.
/// The utility of every offer to each delegation, by round, with the BATNA lines; the
/// rounds axis spans `rounds`.
pub fn utility_chart(ui: &mut egui::Ui, model: &Model, game: &Game, rounds: u32) {
    ui.strong("Utility of the offers, round by round");
    super::glossed(
        ui,
        egui::RichText::new(
            "Each dot is an offer's worth to a delegation; the flat lines are their BATNAs.",
        )
        .weak(),
    );
    let plot = Plot::new("utilities")
        .legend(Legend::default())
        .height(260.0)
        .include_y(0.0)
        .include_y(100.0)
        .include_x(0.5)
        .include_x(rounds as f64 + 0.5);
    let mut names = Vec::new();
    let r = plot.show(ui, |plot| {
        for &d in &model.delegations {
            let party = &model.scenario.parties[d];
            let points: Vec<[f64; 2]> = game
                .offers()
                .iter()
                .map(|o| {
                    [
                        o.round as f64,
                        game.prefs()[d].utility(&game.complete(&o.package)),
                    ]
                })
                .collect();
            plot.points(
                Points::new(party.name.clone(), PlotPoints::from(points))
                    .color(party_colour(&party.colour))
                    .radius(3.0),
            );
            let name = format!("{} BATNA", party.name);
            plot.hline(
                HLine::new(name.clone(), game.prefs()[d].batna)
                    .color(party_colour(&party.colour).gamma_multiply(0.5)),
            );
            names.push(name);
        }
    });
    explain_hovered_item(ui, &r, &names);
}

/// The glossary's explanation of the chart item under the pointer, on the chart or in its
/// legend (`names`: the items' names, whose hashes are their ids).
fn explain_hovered_item<R>(ui: &egui::Ui, r: &egui_plot::PlotResponse<R>, names: &[String]) {
    let Some(id) = r.hovered_plot_item else {
        return;
    };
    let Some(name) = names.iter().find(|n| egui::Id::new(n.as_str()) == id) else {
        return;
    };
    let text = super::explain(name);
    if text.is_empty() {
        return;
    }
    egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        r.response.id.with("term"),
        egui::PopupAnchor::Pointer,
    )
    .show(|ui| {
        ui.label(text);
    });
}

/// The outcome space: the viewer's utility against the other delegation's.
pub fn outcome_space_chart(
    ui: &mut egui::Ui,
    model: &Model,
    game: &Game,
    space: &OutcomeSpace,
    viewer: usize,
) {
    let Some(x) = model.delegations.iter().position(|&d| d == viewer) else {
        return;
    };
    let y = if x == 0 { 1 } else { 0 };
    if model.delegations.len() < 2 {
        return;
    }
    let (xd, yd) = (model.delegations[x], model.delegations[y]);
    let (xname, yname) = (
        &model.scenario.parties[xd].name,
        &model.scenario.parties[yd].name,
    );
    ui.strong(format!("Outcome space: {xname} (across) and {yname} (up)"));
    super::glossed(
        ui,
        egui::RichText::new(
            "Grey: every package the rules allow; yellow: the Pareto frontier; green: the \
             Nash point; red: the BATNAs; blue: the offers made.",
        )
        .weak(),
    );
    let pick = |k: usize| [space.points[k][x] * 100.0, space.points[k][y] * 100.0];
    // The packages the option rules allow: the others can never be agreed.
    let all: Vec<[f64; 2]> = (0..space.points.len())
        .filter(|&k| space.is_allowed(k))
        .map(pick)
        .collect();
    let mut frontier: Vec<[f64; 2]> = space.frontier.iter().map(|&k| pick(k)).collect();
    frontier.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let offers: Vec<[f64; 2]> = game
        .offers()
        .iter()
        .map(|o| {
            let p = game.complete(&o.package);
            [game.prefs()[xd].utility(&p), game.prefs()[yd].utility(&p)]
        })
        .collect();
    let deal = game.settled().iter().any(Option::is_some).then(|| {
        let p = game.current_package();
        [game.prefs()[xd].utility(&p), game.prefs()[yd].utility(&p)]
    });
    let names = [
        "Pareto frontier".to_string(),
        format!("{xname} BATNA"),
        format!("{yname} BATNA"),
        "Nash point".to_string(),
    ];
    let r = Plot::new("space")
        .legend(Legend::default())
        .height(260.0)
        .data_aspect(1.0)
        .show(ui, |plot| {
            plot.points(
                Points::new("packages", PlotPoints::from(all))
                    .color(Color32::from_gray(90))
                    .radius(1.0),
            );
            plot.line(
                Line::new("Pareto frontier", PlotPoints::from(frontier))
                    .color(Color32::LIGHT_YELLOW),
            );
            plot.vline(
                VLine::new(format!("{xname} BATNA"), space.batnas[x] * 100.0)
                    .color(Color32::LIGHT_RED),
            );
            plot.hline(
                HLine::new(format!("{yname} BATNA"), space.batnas[y] * 100.0)
                    .color(Color32::LIGHT_RED),
            );
            if let Some(k) = space.nash {
                plot.points(
                    Points::new("Nash point", PlotPoints::from(vec![pick(k)]))
                        .color(Color32::LIGHT_GREEN)
                        .radius(6.0),
                );
            }
            plot.points(
                Points::new("offers", PlotPoints::from(offers))
                    .color(Color32::LIGHT_BLUE)
                    .radius(3.5),
            );
            if let Some(d) = deal {
                let label = if game.is_over() {
                    "final deal"
                } else {
                    "agreed so far"
                };
                plot.points(
                    Points::new(label, PlotPoints::from(vec![d]))
                        .color(Color32::WHITE)
                        .radius(7.0),
                );
            }
        });
    explain_hovered_item(ui, &r, &names);
}
