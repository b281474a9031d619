//! The table: the negotiating table drawn in 2D with every party around it, the issues
//! board, the proposal builder, the offers with accept and reject, statements, the
//! mediator and caucus buttons, the transcript and the allies' moves.
//!
//! Every panel is a function of `&mut egui::Ui` that reads the player's view and returns
//! the [`Action`] the player chose; the screen system sends it to the core.

use std::collections::BTreeMap;

use bevy_egui::egui::{self, Color32, Pos2, Stroke, Vec2};

use crate::game::party_colour;
use crate::sim::action::{Audience, Reason};
use crate::sim::game::OfferStatus;
use crate::sim::model::Prefs;
use crate::sim::narrate::Narrator;
use crate::sim::notice;
use crate::sim::scenario::{PartyKind, Shape};
use crate::sim::transcript::{EntryKind, Visibility};
use crate::sim::view::PartyView;
use crate::sim::{Action, Model};

use super::{explain, glossed, shortcut, with_terms};

/// The table screen's state between frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableForm {
    /// The proposal being built: an option per issue, or `None` to leave the issue out.
    pub proposal: Vec<Option<usize>>,
    pub statement: String,
    pub statement_public: bool,
    /// The listener of a private statement; `None`: the mediators (a delegation's usual
    /// confidant), or for a mediator or an ally the first delegation.
    pub statement_to: Option<usize>,
    pub caucus_ally: Option<usize>,
    pub caucus_text: String,
    pub reject_text: String,
    /// An action waiting for the player's confirmation (walk-out, crossing a red line).
    pub confirm: Option<(String, Action)>,
    pub filter_party: Option<String>,
    pub show_private: bool,
    /// A mediator's staff suggestion, in the words of its public reason, once asked for;
    /// `Some("")` when the staff found nothing to suggest.
    pub staff_note: Option<String>,
    /// The AI plays elsewhere (a class's host): no button to hurry it.
    pub remote: bool,
}

impl TableForm {
    pub fn new(issues: usize) -> TableForm {
        TableForm {
            proposal: vec![None; issues],
            statement_public: true,
            show_private: true,
            ..TableForm::default()
        }
    }
}

/// What the player asked for on the table screen.
#[derive(Debug, Clone, PartialEq)]
pub enum TableIntent {
    Act(Action),
    /// Let the AI play its moves at once.
    Skip,
    /// A mediator asks its staff for a text (the screen fills the builder with it).
    AskStaff,
}

/// Whether the engine would take this action from the seat now: the panels ask the core
/// (`Game::check_action`) instead of deciding legality themselves. On another seat's turn
/// it refuses everything, so `legal(&Action::Pass)` says whether it is this seat's turn.
pub type Legal<'a> = &'a dyn Fn(&Action) -> bool;

/// A complete package from a partial one: its options, else the current state.
fn completed(current: &[usize], partial: &[Option<usize>]) -> Vec<usize> {
    partial
        .iter()
        .zip(current)
        .map(|(o, c)| o.unwrap_or(*c))
        .collect()
}

fn option_index(model: &Model, issue: &str, option: &str) -> Option<(usize, usize)> {
    let i = model.issue_index(issue)?;
    Some((i, model.option_index(i, option)?))
}

/// The issues board and the proposal builder (left panel).
pub fn issues_board(
    ui: &mut egui::Ui,
    model: &Model,
    view: &PartyView,
    prefs: &Prefs,
    current: &[usize],
    form: &mut TableForm,
    legal: Legal,
) -> Option<TableIntent> {
    let s = &model.scenario;
    let mut intent = None;
    // Delegations build proposals and mediators texts; allies only read the board.
    let builds = view.kind != PartyKind::Ally;
    ui.heading("Issues");
    let legend = "Your value of each option (0–100); ● on the table now; ✖ one of your red \
                  lines; % the issue's weight to you";
    ui.add(egui::Label::new(egui::RichText::new(legend).weak()).wrap())
        .on_hover_text(with_terms(notice::ASSUMPTIONS, legend));
    ui.label(
        egui::RichText::new("The values are the scenario designer's assumptions.")
            .size(11.5)
            .weak(),
    );
    egui::ScrollArea::vertical()
        .id_salt("issues")
        .max_height(ui.available_height() - 120.0)
        .show(ui, |ui| {
            for (i, issue) in s.issues.iter().enumerate() {
                // The proposal so far, completed with what stands: what the rules read.
                let package = completed(current, &form.proposal);
                let settled = view.settled.get(&issue.id);
                let locked = view.locked.get(&issue.id);
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&issue.name).strong())
                        .on_hover_text(&issue.description);
                    ui.label(
                        egui::RichText::new(format!("{:.0}%", prefs.weights[i] * 100.0)).weak(),
                    )
                    .on_hover_text(explain("Weight"));
                    if settled.is_some() {
                        ui.label(egui::RichText::new("🔒 settled").color(Color32::LIGHT_GREEN));
                    } else if locked.is_some() {
                        ui.label(
                            egui::RichText::new("🔒 off the table").color(Color32::LIGHT_BLUE),
                        );
                    }
                });
                let fixed = settled.is_some() || locked.is_some();
                ui.horizontal_wrapped(|ui| {
                    let chosen = &mut form.proposal[i];
                    if builds
                        && ui
                            .selectable_label(chosen.is_none(), "—")
                            .on_hover_text("Leave this issue out of the proposal")
                            .clicked()
                    {
                        *chosen = None;
                    }
                    for (o, option) in issue.options.iter().enumerate() {
                        let mark = if current[i] == o { "● " } else { "" };
                        let red = if prefs.red[i][o] { " ✖" } else { "" };
                        let description = if prefs.red[i][o] {
                            with_terms(&option.description, "red line")
                        } else {
                            option.description.clone()
                        };
                        let text = format!("{mark}{} {:.0}{red}", option.label, prefs.values[i][o]);
                        // An option a rule forbids with the rest of the proposal (and what
                        // stands elsewhere) is greyed out, the rule on hover.
                        let blocked = (!fixed && *chosen != Some(o))
                            .then(|| model.links().blocking(&package, i, o))
                            .flatten();
                        let r = ui.add_enabled(
                            builds && (!fixed || current[i] == o) && blocked.is_none(),
                            egui::Button::selectable(*chosen == Some(o), text),
                        );
                        let r = match blocked {
                            Some(k) => r.on_disabled_hover_text(format!(
                                "{description}\n\nNot with the rest of this proposal: {}",
                                model.links().text(k)
                            )),
                            None => r.on_hover_text(description),
                        };
                        if r.clicked() {
                            *chosen = Some(o);
                        }
                    }
                });
                ui.add_space(4.0);
            }
        });
    ui.separator();
    if view.kind == PartyKind::Ally {
        // What it weighs every lever against: the deal as things stand, and its own BATNA.
        let u = prefs.utility(current);
        ui.horizontal(|ui| {
            ui.label(format!("The package as it stands is worth {u:.1} to you"));
            glossed(ui, format!("BATNA {:.1}", prefs.batna));
        });
        ui.label(
            egui::RichText::new(
                "An ally makes no offers: it weighs in with its levers, its statements and its \
                 answers to a delegation's caucus.",
            )
            .weak(),
        );
        return intent;
    }
    let package = completed(current, &form.proposal);
    let u = prefs.utility(&package);
    let crosses = prefs.crosses_red_line(&package);
    ui.horizontal(|ui| {
        ui.label(if view.kind == PartyKind::Mediator {
            format!("This text is worth {u:.1} to you")
        } else {
            format!("Your proposal is worth {u:.1}")
        });
        glossed(
            ui,
            egui::RichText::new(format!("BATNA {:.1}", prefs.batna)).color(if u > prefs.batna {
                Color32::LIGHT_GREEN
            } else {
                Color32::LIGHT_RED
            }),
        );
    });
    if crosses {
        glossed(
            ui,
            egui::RichText::new("It crosses one of your red lines.").color(Color32::LIGHT_RED),
        );
    }
    // A proposal the scenario's option rules forbid cannot be made (the engine would refuse
    // it): say which rule, and why.
    let broken = model.links().broken(&package);
    if let Some(k) = broken {
        ui.label(
            egui::RichText::new(format!("Not possible: {}", model.links().text(k)))
                .color(Color32::LIGHT_RED),
        );
    }
    let newest_other = view
        .offers
        .iter()
        .filter(|o| {
            o.status == OfferStatus::Standing && o.author.as_deref() != Some(view.me.as_str())
        })
        .max_by_key(|o| o.id)
        .map(|o| o.id);
    if view.kind == PartyKind::Mediator {
        return mediator_text_buttons(ui, model, form, legal).or(intent);
    }
    ui.horizontal(|ui| {
        let action_propose = Action::Propose {
            package: model.partial_package_ids(&form.proposal),
            note: None,
        };
        let can = legal(&action_propose);
        let propose = ui
            .add_enabled(can, egui::Button::new("Propose"))
            .on_hover_text("Key: P");
        if propose.clicked() || (can && shortcut(ui, egui::Key::P)) {
            intent = guard(form, crosses, action_propose);
        }
        if let Some(to) = newest_other {
            let action = Action::Counter {
                to,
                package: model.partial_package_ids(&form.proposal),
                note: None,
            };
            let can = legal(&action);
            let counter = ui
                .add_enabled(can, egui::Button::new(format!("Counter offer {to}")))
                .on_hover_text("Key: C");
            if counter.clicked() || (can && shortcut(ui, egui::Key::C)) {
                intent = guard(form, crosses, action);
            }
        }
    });
    intent
}

/// A mediator's buttons under the issues board: table the text built on it (one issue
/// or the whole package), or ask its staff for one.
fn mediator_text_buttons(
    ui: &mut egui::Ui,
    model: &Model,
    form: &mut TableForm,
    legal: Legal,
) -> Option<TableIntent> {
    let mut intent = None;
    let text = Action::Propose {
        package: model.partial_package_ids(&form.proposal),
        note: None,
    };
    let can = legal(&text);
    ui.horizontal(|ui| {
        let table = ui
            .add_enabled(can, egui::Button::new("Table this text"))
            .on_hover_text(
                "A single negotiating text for the delegations to accept or reject; it \
                 replaces your text on the table. Key: P",
            );
        if table.clicked() || (can && shortcut(ui, egui::Key::P)) {
            intent = Some(TableIntent::Act(text.clone()));
        }
        if ui
            .add_enabled(legal(&Action::Pass), egui::Button::new("Ask your staff"))
            .on_hover_text(
                "Your staff suggest a text from what the table has shown (offers, rejections, \
                 statements): never the delegations' confidential values.",
            )
            .clicked()
        {
            intent = Some(TableIntent::AskStaff);
        }
    });
    match form.staff_note.as_deref() {
        Some("") => {
            ui.label(
                egui::RichText::new(
                    "Your staff see no text that every delegation would prefer to walking away.",
                )
                .weak(),
            );
        }
        Some(note) => {
            ui.label(
                egui::RichText::new(format!("Your staff suggest the text above: “{note}”")).weak(),
            );
        }
        None => {}
    }
    intent
}

/// An ally's or mediator's levers: what each does and costs, whether it can be used now,
/// and why not, in the words of the seat's view (right panel, top).
pub fn levers_panel(ui: &mut egui::Ui, view: &PartyView, legal: Legal) -> Option<TableIntent> {
    let mut intent = None;
    ui.heading("Your levers");
    if view.levers.is_empty() {
        ui.label(egui::RichText::new("This scenario gives you no lever.").weak());
    }
    for lever in &view.levers {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(&lever.name).strong());
                ui.label(
                    egui::RichText::new(format!(
                        "costs you {:.0} · {} use{} left",
                        lever.cost,
                        lever.uses_left,
                        if lever.uses_left == 1 { "" } else { "s" }
                    ))
                    .weak(),
                );
            });
            ui.label(&lever.description);
            let why = if lever.blocked.is_empty() {
                "Not your turn".to_string()
            } else {
                format!("Not now: {}", lever.blocked.join("; "))
            };
            if !lever.enabled {
                ui.label(egui::RichText::new(&why).color(Color32::LIGHT_YELLOW));
            }
            let action = Action::UseLever {
                lever: lever.id.clone(),
            };
            let button = ui
                .add_enabled(legal(&action), egui::Button::new("Use"))
                .on_disabled_hover_text(why);
            if button.clicked() {
                intent = Some(TableIntent::Act(action));
            }
        });
    }
    intent
}

/// What delegations said to this ally in caucus, newest first, each with a button that
/// readies a private answer to that delegation (answered in the ally's next turn).
pub fn caucus_panel(ui: &mut egui::Ui, model: &Model, view: &PartyView, form: &mut TableForm) {
    ui.heading("Caucus");
    let asks: Vec<(u32, &str, &str)> = view
        .transcript
        .iter()
        .rev()
        .filter_map(|e| match &e.kind {
            EntryKind::Caucus { by, ally, text } if *ally == view.me => {
                Some((e.round, by.as_str(), text.as_str()))
            }
            _ => None,
        })
        .collect();
    if asks.is_empty() {
        ui.label(egui::RichText::new("No delegation has consulted you yet.").weak());
    }
    for (round, by, text) in asks.into_iter().take(4) {
        let p = model.party_index(by);
        let name = p.map_or(by, |p| model.scenario.parties[p].name.as_str());
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("round {round}, {name}: “{text}”"));
            if let Some(p) = p
                && ui
                    .small_button("Answer")
                    .on_hover_text("Write the answer in the statement box: it goes to them alone")
                    .clicked()
            {
                form.statement_public = false;
                form.statement_to = Some(p);
            }
        });
    }
}

/// Asks for confirmation before crossing a red line; otherwise acts at once.
fn guard(form: &mut TableForm, crosses: bool, action: Action) -> Option<TableIntent> {
    if crosses {
        form.confirm = Some((
            "This crosses one of your red lines: your side would value the deal at 0. Go ahead?"
                .into(),
            action,
        ));
        None
    } else {
        Some(TableIntent::Act(action))
    }
}

/// Offers on the table with accept and reject; other actions (right panel, top).
pub fn offers_panel(
    ui: &mut egui::Ui,
    model: &Model,
    view: &PartyView,
    prefs: &Prefs,
    current: &[usize],
    form: &mut TableForm,
    legal: Legal,
) -> Option<TableIntent> {
    let mut intent = None;
    let my_turn = legal(&Action::Pass);
    ui.heading("On the table");
    let standing: Vec<_> = view
        .offers
        .iter()
        .filter(|o| o.status == OfferStatus::Standing)
        .collect();
    if standing.is_empty() {
        ui.label(egui::RichText::new("No offer stands.").weak());
    }
    // Key A accepts, key R rejects, the newest offer of another party.
    let newest_other = standing
        .iter()
        .filter(|o| o.author.as_deref() != Some(view.me.as_str()))
        .map(|o| o.id)
        .max();
    let delegation = view.kind == PartyKind::Delegation;
    let accept_key = delegation && my_turn && newest_other.is_some() && shortcut(ui, egui::Key::A);
    let reject_key = delegation && my_turn && newest_other.is_some() && shortcut(ui, egui::Key::R);
    for offer in standing {
        let keyed = newest_other == Some(offer.id);
        let mut partial = vec![None; model.issue_count()];
        for (issue, option) in &offer.package {
            if let Some((i, o)) = option_index(model, issue, option) {
                partial[i] = Some(o);
            }
        }
        let package = completed(current, &partial);
        let u = prefs.utility(&package);
        let n = Narrator::new(model);
        let author = offer
            .author
            .as_deref()
            .map_or_else(|| "the chair".to_string(), |a| n.party(a));
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(egui::RichText::new(format!("Offer {} by {author}", offer.id)).strong());
            for (i, o) in partial.iter().enumerate() {
                if let Some(o) = *o {
                    let is = &model.scenario.issues[i];
                    ui.label(format!("{}: {}", is.name, is.options[o].label));
                }
            }
            glossed(
                ui,
                format!(
                    "Worth {u:.1} to you (BATNA {:.1}); accepted by {}",
                    prefs.batna,
                    if offer.accepted_by.is_empty() {
                        "nobody yet".to_string()
                    } else {
                        let names: Vec<String> =
                            offer.accepted_by.iter().map(|p| n.party(p)).collect();
                        names.join(", ")
                    }
                ),
            );
            let mine = offer.author.as_deref() == Some(view.me.as_str());
            let withdraw = Action::Withdraw { offer: offer.id };
            let broken = model.links().broken(&package);
            if let Some(k) = broken {
                ui.label(
                    egui::RichText::new(format!("Cannot be agreed now: {}", model.links().text(k)))
                        .color(Color32::LIGHT_RED),
                );
            }
            ui.horizontal(|ui| {
                if view.kind != PartyKind::Delegation {
                    // Allies and mediators neither accept nor reject; a mediator may
                    // take its own text back.
                    if mine
                        && ui
                            .add_enabled(legal(&withdraw), egui::Button::new("Withdraw"))
                            .clicked()
                    {
                        intent = Some(TableIntent::Act(withdraw));
                    }
                    return;
                }
                let action = Action::Accept { offer: offer.id };
                let can_accept = legal(&action);
                let accept = ui.add_enabled(can_accept, egui::Button::new("Accept"));
                let accept = if keyed {
                    accept.on_hover_text("Key: A")
                } else {
                    accept
                };
                if accept.clicked() || (keyed && accept_key && can_accept) {
                    intent = guard(form, prefs.crosses_red_line(&package), action);
                }
                let text = form.reject_text.trim();
                let rejection = Action::Reject {
                    offer: offer.id,
                    reason: (!text.is_empty()).then(|| Reason {
                        issue: None,
                        text: Some(text.to_string()),
                    }),
                };
                let can_reject = legal(&rejection);
                let reject = ui.add_enabled(can_reject, egui::Button::new("Reject"));
                let reject = if keyed {
                    reject.on_hover_text("Key: R")
                } else {
                    reject
                };
                if reject.clicked() || (keyed && reject_key && can_reject) {
                    intent = Some(TableIntent::Act(rejection));
                    form.reject_text.clear();
                }
                if mine
                    && ui
                        .add_enabled(legal(&withdraw), egui::Button::new("Withdraw"))
                        .clicked()
                {
                    intent = Some(TableIntent::Act(withdraw));
                }
            });
        });
    }
    if !delegation {
        return intent;
    }
    ui.horizontal(|ui| {
        ui.label("Reason for a rejection:");
        ui.add(
            egui::TextEdit::singleline(&mut form.reject_text)
                .char_limit(crate::sim::action::MAX_TEXT_CHARS)
                .desired_width(160.0),
        );
    });
    intent
}

/// Statements, the mediator, a caucus, a walk-out, a pass (bottom panel). A delegation
/// has them all; an ally or a mediator speaks (to everyone or to one party) and passes.
pub fn actions_bar(
    ui: &mut egui::Ui,
    model: &Model,
    view: &PartyView,
    form: &mut TableForm,
    legal: Legal,
) -> Option<TableIntent> {
    let s = &model.scenario;
    let delegation = view.kind == PartyKind::Delegation;
    let mut intent = None;
    let my_turn = legal(&Action::Pass);
    ui.horizontal_wrapped(|ui| {
        ui.label("Statement:");
        ui.add(
            egui::TextEdit::singleline(&mut form.statement)
                .char_limit(crate::sim::action::MAX_TEXT_CHARS)
                .desired_width(260.0),
        );
        ui.checkbox(&mut form.statement_public, "public");
        let mediators: Vec<String> = s
            .parties
            .iter()
            .filter(|p| p.kind == PartyKind::Mediator && p.id != view.me)
            .map(|p| p.id.clone())
            .collect();
        // Who hears a private statement: one party, chosen; by default a delegation's
        // mediators, or another seat's first delegation.
        let others: Vec<usize> = (0..s.parties.len())
            .filter(|&p| s.parties[p].id != view.me)
            .collect();
        let default_to = if delegation && !mediators.is_empty() {
            None
        } else {
            model
                .delegations
                .iter()
                .copied()
                .find(|&p| s.parties[p].id != view.me)
        };
        if !form.statement_public {
            let to = form.statement_to.or(default_to);
            let shown = match to {
                Some(p) => s.parties[p].name.clone(),
                None => "the mediator".to_string(),
            };
            ui.label("to");
            egui::ComboBox::from_id_salt("statement-to")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if delegation && !mediators.is_empty() {
                        ui.selectable_value(&mut form.statement_to, None, "the mediator");
                    }
                    for &p in &others {
                        ui.selectable_value(&mut form.statement_to, Some(p), &s.parties[p].name);
                    }
                });
        }
        let to = if form.statement_public {
            Audience::Public
        } else {
            match form.statement_to.or(default_to) {
                Some(p) => Audience::Private(vec![s.parties[p].id.clone()]),
                None => Audience::Private(mediators.clone()),
            }
        };
        let statement = Action::Statement {
            to,
            stances: Vec::new(),
            text: Some(form.statement.trim().to_string()),
        };
        if ui
            .add_enabled(legal(&statement), egui::Button::new("Say it"))
            .clicked()
        {
            intent = Some(TableIntent::Act(statement));
            form.statement.clear();
        }
        ui.separator();
        if delegation && let Some(i) = delegation_actions(ui, model, form, legal) {
            intent = Some(i);
        }
        if ui
            .add_enabled(my_turn, egui::Button::new("Pass"))
            .on_hover_text("Key: N (next)")
            .clicked()
            || (my_turn && shortcut(ui, egui::Key::N))
        {
            intent = Some(TableIntent::Act(Action::Pass));
        }
        let walk_out = Action::WalkOut { reason: None };
        let can_walk = legal(&walk_out);
        if delegation
            && (ui
                .add_enabled(can_walk, egui::Button::new("Walk out…"))
                .on_hover_text("Key: W (asks first)")
                .clicked()
                || (can_walk && shortcut(ui, egui::Key::W)))
        {
            form.confirm = Some((
                format!(
                    "Walk out of the talks? They end at once; {} keeps only what is settled.",
                    view.me
                ),
                walk_out,
            ));
        }
        if !form.remote && ui.button("AI: move now (Space)").clicked() {
            intent = Some(TableIntent::Skip);
        }
    });
    intent
}

/// A delegation's own actions: ask the mediator for a text, consult an ally in caucus.
fn delegation_actions(
    ui: &mut egui::Ui,
    model: &Model,
    form: &mut TableForm,
    legal: Legal,
) -> Option<TableIntent> {
    let s = &model.scenario;
    let mut intent = None;
    let ask = Action::AskMediator { note: None };
    let can_ask = legal(&ask);
    if ui
        .add_enabled(can_ask, egui::Button::new("Ask the mediator"))
        .on_hover_text("Key: M. The mediator answers in the next round's first phase.")
        .clicked()
        || (can_ask && shortcut(ui, egui::Key::M))
    {
        intent = Some(TableIntent::Act(ask));
    }
    ui.separator();
    let allies: Vec<(usize, &str)> = s
        .parties
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PartyKind::Ally)
        .map(|(i, p)| (i, p.name.as_str()))
        .collect();
    if !allies.is_empty() {
        let chosen = form.caucus_ally.unwrap_or(allies[0].0);
        egui::ComboBox::from_id_salt("caucus")
            .selected_text(
                allies
                    .iter()
                    .find(|(i, _)| *i == chosen)
                    .map_or("", |(_, n)| n),
            )
            .show_ui(ui, |ui| {
                for (i, name) in &allies {
                    ui.selectable_value(&mut form.caucus_ally, Some(*i), *name);
                }
            });
        ui.add(
            egui::TextEdit::singleline(&mut form.caucus_text)
                .char_limit(crate::sim::action::MAX_TEXT_CHARS)
                .hint_text("what you tell them")
                .desired_width(160.0),
        );
        let caucus = Action::Caucus {
            ally: s.parties[chosen].id.clone(),
            text: form.caucus_text.trim().to_string(),
        };
        // An empty message is not worth a caucus: the button waits for words.
        if ui
            .add_enabled(
                !form.caucus_text.trim().is_empty() && legal(&caucus),
                egui::Button::new("Caucus"),
            )
            .on_hover_text("The ally answers in the next round's first phase.")
            .clicked()
        {
            intent = Some(TableIntent::Act(caucus));
            form.caucus_text.clear();
        }
        ui.separator();
    }
    intent
}

/// The allies' and the mediator's latest moves, as the table heard them.
pub fn allies_panel(ui: &mut egui::Ui, model: &Model, view: &PartyView) {
    ui.heading("Allies and mediator");
    for party in model
        .scenario
        .parties
        .iter()
        .filter(|p| p.kind != PartyKind::Delegation)
    {
        let last = view.transcript.iter().rev().find_map(|e| match &e.kind {
            EntryKind::LeverUsed { by, text, .. } if *by == party.id => {
                Some(format!("round {}: {text} {}", e.round, notice::SIMULATED))
            }
            EntryKind::Proposed {
                by: Some(by),
                offer,
                ..
            } if *by == party.id => Some(format!("round {}: tabled text (offer {offer})", e.round)),
            EntryKind::Statement {
                by, text: Some(t), ..
            } if *by == party.id => Some(format!("round {}: “{t}”", e.round)),
            _ => None,
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("[{}]", party.label))
                    .color(party_colour(&party.colour))
                    .strong(),
            );
            ui.label(last.unwrap_or_else(|| "no move yet".to_string()));
        });
    }
}

/// The transcript, filtered by party and by public or private (right panel, below).
pub fn transcript(ui: &mut egui::Ui, model: &Model, view: &PartyView, form: &mut TableForm) {
    ui.horizontal(|ui| {
        ui.heading("Transcript");
        egui::ComboBox::from_id_salt("filter")
            .selected_text(
                form.filter_party
                    .clone()
                    .unwrap_or_else(|| "everyone".into()),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.filter_party, None, "everyone");
                for p in &model.scenario.parties {
                    ui.selectable_value(&mut form.filter_party, Some(p.id.clone()), &p.name);
                }
            });
        ui.checkbox(&mut form.show_private, "private");
    });
    egui::ScrollArea::vertical()
        .id_salt("transcript")
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for e in &view.transcript {
                if matches!(e.kind, EntryKind::RoundStarted) {
                    ui.label(egui::RichText::new(format!("— round {} —", e.round)).weak());
                    continue;
                }
                if !form.show_private && e.visibility != Visibility::Public {
                    continue;
                }
                let by = entry_author(&e.kind);
                if let Some(filter) = &form.filter_party
                    && by.as_deref() != Some(filter.as_str())
                {
                    continue;
                }
                let text = Narrator::new(model).text(e);
                let colour = by
                    .as_deref()
                    .and_then(|b| model.party_index(b))
                    .map(|p| party_colour(&model.scenario.parties[p].colour));
                let rich = egui::RichText::new(text);
                ui.add(
                    egui::Label::new(match colour {
                        Some(c) => rich.color(c.gamma_multiply(1.2)),
                        None => rich,
                    })
                    .wrap(),
                );
            }
        });
}

/// One news item as the table shows it: its round, headline, story and source in words.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsItem {
    pub round: u32,
    pub headline: String,
    pub text: String,
    pub source: Option<String>,
}

/// Every news item the seat has heard, oldest first.
pub fn news_items(model: &Model, view: &PartyView) -> Vec<NewsItem> {
    let n = Narrator::new(model);
    view.transcript
        .iter()
        .filter_map(|e| match &e.kind {
            EntryKind::News {
                headline,
                text,
                source,
            } => Some(NewsItem {
                round: e.round,
                headline: headline.clone(),
                text: text.clone(),
                source: source.as_deref().map(|s| n.source(s)),
            }),
            _ => None,
        })
        .collect()
}

/// The news pop-up: the newest round's news, all of it in one window, shown once — until
/// the player dismisses it (`seen` then holds its round). Older rounds' news never queue
/// up over the table: they are in the news feed. Returns whether it was dismissed.
pub fn news_window(ctx: &egui::Context, items: &[NewsItem], seen: &mut u32, enter: bool) -> bool {
    let Some(round) = items.last().map(|i| i.round) else {
        return false;
    };
    if round <= *seen {
        return false;
    }
    let mut dismissed = false;
    egui::Window::new(egui::RichText::new(format!("News — round {round}")).strong())
        .id(egui::Id::new("news"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -50.0])
        .default_width(440.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(ctx.content_rect().height() * 0.5)
                .show(ui, |ui| {
                    for item in items.iter().filter(|i| i.round == round) {
                        news_story(ui, item);
                    }
                });
            if ui.button("OK (Enter)").clicked() || (enter && shortcut(ui, egui::Key::Enter)) {
                dismissed = true;
            }
        });
    if dismissed {
        *seen = round;
    }
    dismissed
}

fn news_story(ui: &mut egui::Ui, item: &NewsItem) {
    ui.label(
        egui::RichText::new(&item.headline)
            .strong()
            .color(Color32::from_rgb(255, 210, 120)),
    );
    ui.add(egui::Label::new(&item.text).wrap());
    if let Some(s) = &item.source {
        ui.label(egui::RichText::new(format!("Source: {s}")).weak());
    }
    ui.add_space(4.0);
}

/// The news feed: a menu with every item heard, newest first.
pub fn news_feed(ui: &mut egui::Ui, items: &[NewsItem]) {
    if items.is_empty() {
        return;
    }
    ui.menu_button(format!("News ({})", items.len()), |ui| {
        egui::ScrollArea::vertical()
            .max_height(420.0)
            .show(ui, |ui| {
                ui.set_max_width(460.0);
                for item in items.iter().rev() {
                    ui.label(egui::RichText::new(format!("Round {}", item.round)).weak());
                    news_story(ui, item);
                }
            });
    });
}

/// Who an entry is by, if anyone.
pub fn entry_author(kind: &EntryKind) -> Option<String> {
    match kind {
        EntryKind::Proposed { by, .. } => by.clone(),
        EntryKind::Accepted { by, .. }
        | EntryKind::Rejected { by, .. }
        | EntryKind::Statement { by, .. }
        | EntryKind::AskedMediator { by, .. }
        | EntryKind::Caucus { by, .. }
        | EntryKind::LeverUsed { by, .. }
        | EntryKind::Passed { by }
        | EntryKind::WalkedOut { by, .. }
        | EntryKind::Explained { by, .. }
        | EntryKind::Rationale { by, .. } => Some(by.clone()),
        _ => None,
    }
}

/// The negotiating table in 2D: delegations facing each other, the mediator at the head,
/// allies on the side; each party a coloured marker of its own shape with its label,
/// name and leader, and a speech bubble with the last thing it said.
pub fn table_scene(ui: &mut egui::Ui, model: &Model, view: &PartyView) {
    let s = &model.scenario;
    let (rect, _) = ui.allocate_exact_size(ui.available_size(), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let c = rect.center();
    let table = Vec2::new(rect.width() * 0.30, rect.height() * 0.22);
    painter.add(egui::Shape::ellipse_filled(
        c,
        table,
        Color32::from_rgb(92, 64, 44),
    ));
    painter.add(egui::Shape::ellipse_stroke(
        c,
        table,
        Stroke::new(2.0, Color32::from_rgb(150, 110, 80)),
    ));
    painter.text(
        c,
        egui::Align2::CENTER_CENTER,
        format!("Round {} of {}", view.round, view.deadline),
        egui::FontId::proportional(16.0),
        Color32::from_gray(230),
    );
    // Seats: delegations left and right, mediators at the top, allies along the bottom.
    let delegations: Vec<usize> = model.delegations.clone();
    let mediators: Vec<usize> = model.mediators.clone();
    let allies: Vec<usize> = model.allies.clone();
    let mut seats: Vec<(usize, Pos2)> = Vec::new();
    let side_x = (table.x + 50.0).min(rect.width() / 2.0 - 70.0);
    for (k, &p) in delegations.iter().enumerate() {
        let side = if k % 2 == 0 { -1.0 } else { 1.0 };
        let row = (k / 2) as f32;
        seats.push((p, Pos2::new(c.x + side * side_x, c.y - 30.0 + row * 90.0)));
    }
    for (k, &p) in mediators.iter().enumerate() {
        seats.push((
            p,
            Pos2::new(
                c.x + (k as f32 - (mediators.len() as f32 - 1.0) / 2.0) * 160.0,
                c.y - table.y - 75.0,
            ),
        ));
    }
    for (k, &p) in allies.iter().enumerate() {
        let x = rect.left() + (k as f32 + 1.0) * rect.width() / (allies.len() as f32 + 1.0);
        seats.push((p, Pos2::new(x, rect.bottom() - 115.0)));
    }
    let last_words = last_words(model, view);
    for (p, pos) in seats {
        let party = &s.parties[p];
        let colour = party_colour(&party.colour);
        marker(&painter, pos, 22.0, party.shape, colour);
        painter.text(
            pos,
            egui::Align2::CENTER_CENTER,
            &party.label,
            egui::FontId::proportional(13.0),
            Color32::BLACK,
        );
        let me = party.id == view.me;
        let name = if me {
            format!("{} (you)", party.name)
        } else {
            party.name.clone()
        };
        // Each seat gets a column of its own; longer names wrap within it.
        let width = (rect.width() / (allies.len().max(2) as f32 + 1.0)).clamp(110.0, 220.0);
        let left = within(
            pos.x - width / 2.0,
            rect.left() + 2.0,
            rect.right() - width - 2.0,
        );
        let name = painter.layout(
            name,
            egui::FontId::proportional(14.0),
            Color32::WHITE,
            width,
        );
        let below = pos.y + 30.0 + name.size().y;
        let x = left + (width - name.size().x) / 2.0;
        painter.galley(Pos2::new(x, pos.y + 30.0), name, Color32::WHITE);
        let head = painter.layout(
            party.head_of_delegation.clone(),
            egui::FontId::proportional(12.0),
            Color32::from_gray(190),
            width,
        );
        let x = left + (width - head.size().x) / 2.0;
        painter.galley(Pos2::new(x, below + 2.0), head, Color32::from_gray(190));
        if let Some(words) = last_words.get(&party.id) {
            let at = bubble(&painter, rect, pos + Vec2::new(0.0, -34.0), words);
            // The whole of what was said, on hover (a cut bubble ends in "…"), and for
            // screen readers.
            let full = format!("{}: {words} {}", party.name, notice::SIMULATED);
            let seen = ui.interact(at, ui.id().with(("bubble", p)), egui::Sense::hover());
            seen.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, &full));
            if bubble_text(words).ends_with(&format!("… {}", notice::SIMULATED)) {
                seen.on_hover_ui(|ui| {
                    ui.set_max_width(360.0);
                    ui.label(full.as_str());
                });
            }
        }
    }
}

/// An AI's public reason in the table's words: issue names and option labels.
pub fn render_reason(model: &Model, reason: &crate::sim::ai::reason::PublicReason) -> String {
    Narrator::new(model).reason(reason)
}

/// The last public words of each party this round or the one before.
fn last_words(model: &Model, view: &PartyView) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in &view.transcript {
        if e.round + 1 < view.round {
            continue;
        }
        let text = match &e.kind {
            EntryKind::Explained { by, reason } => Some((by.clone(), render_reason(model, reason))),
            EntryKind::LeverUsed { by, text, .. } => Some((by.clone(), text.clone())),
            _ => None,
        };
        if let Some((by, text)) = text {
            out.insert(by, text);
        }
    }
    out
}

fn marker(painter: &egui::Painter, c: Pos2, r: f32, shape: Shape, fill: Color32) {
    let stroke = Stroke::new(2.0, Color32::WHITE);
    let polygon = |n: usize, phase: f32, radius: &dyn Fn(usize) -> f32| -> Vec<Pos2> {
        (0..n)
            .map(|k| {
                let a = phase + k as f32 * std::f32::consts::TAU / n as f32;
                c + Vec2::new(a.cos(), a.sin()) * radius(k)
            })
            .collect()
    };
    let shape = match shape {
        Shape::Circle => egui::Shape::circle_filled(c, r, fill),
        Shape::Square => egui::Shape::rect_filled(
            egui::Rect::from_center_size(c, Vec2::splat(r * 1.8)),
            2.0,
            fill,
        ),
        Shape::Triangle => egui::Shape::convex_polygon(
            polygon(3, -std::f32::consts::FRAC_PI_2, &|_| r * 1.2),
            fill,
            Stroke::NONE,
        ),
        Shape::Diamond => {
            egui::Shape::convex_polygon(polygon(4, 0.0, &|_| r * 1.2), fill, Stroke::NONE)
        }
        Shape::Hexagon => {
            egui::Shape::convex_polygon(polygon(6, 0.0, &|_| r * 1.1), fill, Stroke::NONE)
        }
        Shape::Star => egui::Shape::convex_polygon(
            polygon(10, -std::f32::consts::FRAC_PI_2, &|k| {
                if k % 2 == 0 { r * 1.3 } else { r * 0.8 }
            }),
            fill,
            Stroke::NONE,
        ),
    };
    painter.add(shape);
    painter.circle_stroke(c, r + 4.0, stroke);
}

/// What a speech bubble says: the words, cut to fit, and the mark that they are the
/// game's, not a real person's.
pub fn bubble_text(words: &str) -> String {
    let words = if words.chars().count() > 80 {
        format!("{}…", words.chars().take(79).collect::<String>())
    } else {
        words.to_string()
    };
    format!("{words} {}", notice::SIMULATED)
}

/// `v` kept between `lo` and `hi`; `lo` when the room is too small for both (a narrow
/// window, a large UI scale), where `f32::clamp` would panic.
pub fn within(v: f32, lo: f32, hi: f32) -> f32 {
    v.min(hi).max(lo)
}

/// Draws a bubble; returns where it is.
fn bubble(painter: &egui::Painter, area: egui::Rect, anchor: Pos2, words: &str) -> egui::Rect {
    let text = bubble_text(words);
    let galley = painter.layout(
        text,
        egui::FontId::proportional(12.0),
        Color32::BLACK,
        220.0,
    );
    let size = galley.size() + Vec2::splat(12.0);
    let mut min = Pos2::new(anchor.x - size.x / 2.0, anchor.y - size.y);
    min.x = within(min.x, area.left() + 4.0, area.right() - size.x - 4.0);
    min.y = within(min.y, area.top() + 4.0, area.bottom() - size.y - 4.0);
    let r = egui::Rect::from_min_size(min, size);
    painter.rect_filled(r, 8.0, Color32::from_rgb(245, 242, 230));
    painter.galley(r.min + Vec2::splat(6.0), galley, Color32::BLACK);
    r
}
