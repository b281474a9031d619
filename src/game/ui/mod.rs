//! The screens' contents, as functions of `&mut egui::Ui`: they read core state and return
//! what the player asked for (an intent), which the screen systems turn into messages and
//! core actions. No rule here; no Bevy here, so they can be tested with egui alone.

pub mod briefing;
pub mod class;
pub mod debrief;
pub mod facilitator;
pub mod guide;
pub mod public;
pub mod replay;
pub mod setup;
pub mod table;
pub mod title;

use bevy_egui::egui;

/// The terms a newcomer meets, each explained in a sentence (tooltips and "How to play").
pub const GLOSSARY: &[(&str, &str)] = &[
    (
        "BATNA",
        "Best alternative to a negotiated agreement: what a party gets if the talks fail; it accepts nothing worth less.",
    ),
    (
        "Package",
        "One option chosen for every issue on the table; offers and deals are packages, complete or partial.",
    ),
    (
        "Zone of possible agreement",
        "The packages every delegation prefers to its BATNA; if it is empty, no deal can satisfy everyone.",
    ),
    (
        "Pareto frontier",
        "The packages no other package beats for one party without hurting another: deals on it leave nothing on the table.",
    ),
    (
        "Nash point",
        "The Nash bargaining point: the package that maximises the product of every delegation's gain over its BATNA; one classic idea of a fair deal.",
    ),
    (
        "Weight",
        "How much an issue counts for a party: a party's weights add up to 100%, and a package is worth the sum of its options' values (0-100) times their issues' weights.",
    ),
    (
        "Red line",
        "An option a party has said it will never accept: a package containing it is worth nothing to that party.",
    ),
    (
        "Partial agreement",
        "Issues settled one by one; the others stay as they are (their status quo) unless settled later.",
    ),
    (
        "Single negotiating text",
        "The mediator's method: one draft for everyone, revised after each objection.",
    ),
];

pub fn glossary_tip(term: &str) -> &'static str {
    GLOSSARY
        .iter()
        .find(|(t, _)| *t == term)
        .map_or("", |(_, d)| d)
}

/// The glossary's explanation of every term that `text` uses (in any case), a paragraph
/// each: "BATNA: Best alternative …". Empty when it uses none.
pub fn explain(text: &str) -> String {
    let lower = text.to_lowercase();
    GLOSSARY
        .iter()
        .filter(|(t, _)| lower.contains(&t.to_lowercase()))
        .map(|(t, d)| format!("{t}: {d}"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `before` (a description, or nothing), then the explanation of the terms `text` uses.
pub fn with_terms(before: &str, text: &str) -> String {
    let terms = explain(text);
    match (before.is_empty(), terms.is_empty()) {
        (_, true) => before.to_string(),
        (true, false) => terms,
        (false, false) => format!("{before}\n\n{terms}"),
    }
}

/// A label that explains the glossary's terms it uses on hover: every term a newcomer
/// meets has its explanation where it appears.
pub fn glossed(ui: &mut egui::Ui, text: impl Into<egui::RichText>) -> egui::Response {
    let text = text.into();
    let tip = explain(text.text());
    let r = ui.label(text);
    if tip.is_empty() {
        r
    } else {
        r.on_hover_text(tip)
    }
}

/// A notice that goes with a text (role-play, assumptions): small, framed, never missed.
pub fn notice_label(ui: &mut egui::Ui, text: &str) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        glossed(ui, egui::RichText::new(text).size(12.5).weak());
    });
}

/// Every party's public face: name, who leads it, its public line.
pub fn parties_in_public(ui: &mut egui::Ui, scenario: &crate::sim::Scenario) {
    for p in &scenario.parties {
        ui.label(
            egui::RichText::new(format!("[{}] {}", p.label, p.name))
                .strong()
                .color(crate::game::party_colour(&p.colour)),
        );
        ui.label(format!(
            "Led by {} · answers to {}",
            p.head_of_delegation, p.leader
        ));
        ui.label(egui::RichText::new(&p.public_line).italics());
        ui.add_space(4.0);
    }
}

/// The scenario's option rules, in words: which options come only together, or never.
/// Public: every party knows them.
pub fn option_rules(ui: &mut egui::Ui, model: &crate::sim::Model) {
    let links = model.links();
    if links.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.strong("What can only be agreed together");
    for k in 0..links.links.len() {
        ui.label(format!("• {}", links.text(k)));
    }
}

/// The scenario's sources, one a line; a title with a web address is a link that opens in
/// the browser. Only http and https addresses are links (a scenario file is user data):
/// any other is shown as text.
pub fn sources(ui: &mut egui::Ui, scenario: &crate::sim::Scenario) {
    ui.strong("Sources");
    for src in &scenario.meta.sources {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            ui.label(format!("{}, {}, ", src.publisher, src.date));
            match src.url.as_deref().filter(|u| web_address(u)) {
                Some(url) => {
                    ui.hyperlink_to(&src.title, url).on_hover_text(url);
                }
                None => {
                    ui.label(&src.title);
                    if let Some(other) = &src.url {
                        ui.label(format!(" {other}"));
                    }
                }
            }
        });
    }
}

/// Whether `url` is a web address the browser may open.
pub fn web_address(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(char::is_whitespace)
}

/// A big, keyboard-reachable menu button.
pub fn menu_button(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add_sized(
        [280.0, 40.0],
        egui::Button::new(egui::RichText::new(text).size(20.0)),
    )
}

/// How to play: the rules in a few paragraphs, then the glossary.
pub fn how_to_play(ui: &mut egui::Ui) {
    ui.heading("How to play");
    ui.label(
        egui::RichText::new(
            "New to the game? “Guided first game” on the title screen plays a short case \
             with a guide at your side, one step at a time.",
        )
        .strong(),
    );
    ui.label(
        "You lead a delegation. Each round the allies and the mediator act first, then each \
         delegation takes one action: propose a package, accept or reject an offer, make a \
         statement, ask the mediator for a text, step out to consult an ally, or walk out. \
         Then events may change the situation. The talks end at the deadline, when every \
         issue is settled, or when a delegation walks out.",
    );
    ui.label(
        "Your confidential brief tells you what matters to your side: the weight of each \
         issue, the value of each option, your red lines and your walk-away alternative \
         (BATNA). The other side's are hidden — read their offers and statements. Your score \
         is what you obtained against your initial BATNA.",
    );
    ui.label(
        "Keys at the table: P propose, C counter, A accept and R reject the newest offer, \
         M ask the mediator, N pass, W walk out (it asks first), Enter or Esc to answer a \
         question; Space lets the AI move at once; F2 opens the facilitator's panel (pause, \
         the round timer, injects and news, holding or overruling the allies' moves, every \
         brief on the projector, the end of the talks, the AI's rationales). In a replay, \
         \u{2190} and \u{2192} step a round back and forward, Home and End jump to the start \
         and the end. Elsewhere: F1 opens this help from the title, Esc goes back from the \
         menus. Tab moves between controls everywhere and Enter presses the focused one.",
    );
    ui.separator();
    ui.strong("Glossary");
    egui::Grid::new("glossary")
        .num_columns(2)
        .spacing([16.0, 8.0])
        .show(ui, |ui| {
            for (term, text) in GLOSSARY {
                ui.strong(*term);
                ui.add(egui::Label::new(*text).wrap());
                ui.end_row();
            }
        });
}

/// Whether a one-key shortcut was pressed this frame (and takes it), unless the player
/// is typing in a text field.
pub fn shortcut(ui: &egui::Ui, key: egui::Key) -> bool {
    !ui.ctx().text_edit_focused() && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key))
}
