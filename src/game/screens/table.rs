//! The table screen: the game in progress for the seat at the screen, the hot-seat
//! curtain, the news, confirmations, and the facilitator's panel over it all. Its forms and
//! its cached view live while the screen is open.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::facilitator::{FacilitatorSetting, Overrule};
use super::super::session::{Facilitate, HumanAction, LiftCurtain, Pacing, SaveGame, Session};
use super::super::ui::facilitator::{
    FacilitatorForm, FacilitatorIntent, briefs_window, facilitator_panel,
};
use super::super::ui::menu_button;
use super::super::ui::table::{self, TableForm, TableIntent};
use super::super::ui::{glossed, shortcut};
use super::root_ui;
use crate::game::Screen;

/// The table screen's state between frames, while it is open.
#[derive(Resource)]
pub struct TableScreen {
    pub form: TableForm,
    /// The last round whose news the player has dismissed.
    pub news_seen: u32,
    /// The facilitator panel (F2): open or not, and its text fields.
    pub facilitator: bool,
    pub facilitator_form: FacilitatorForm,
    /// The seat's view of the game, rebuilt only when the transcript grows or the seat
    /// changes: every change of state writes a transcript entry.
    pub view: Option<(usize, usize, Arc<crate::sim::view::PartyView>)>,
}

impl TableScreen {
    pub fn new(issues: usize) -> TableScreen {
        TableScreen {
            form: TableForm::new(issues),
            news_seen: 0,
            facilitator: false,
            facilitator_form: FacilitatorForm::default(),
            view: None,
        }
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Table),
        |mut commands: Commands, session: Res<Session>| {
            commands.insert_resource(TableScreen::new(session.model.issue_count()));
        },
    )
    .add_systems(OnExit(Screen::Table), |mut commands: Commands| {
        commands.remove_resource::<TableScreen>()
    })
    .add_systems(
        EguiPrimaryContextPass,
        table_screen.run_if(
            in_state(Screen::Table)
                .and_then(resource_exists::<Session>)
                .and_then(resource_exists::<TableScreen>),
        ),
    );
}

fn table_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut saves: MessageWriter<SaveGame>,
    mut lifts: MessageWriter<LiftCurtain>,
    mut facilitator: FacilitatorWriters,
    mut screen: ResMut<TableScreen>,
    mut pacing: ResMut<Pacing>,
    mut actions: MessageWriter<HumanAction>,
) -> Result {
    let model = session.model.clone();
    let game = session.game();
    let viewer = session.viewer();
    let ctx = contexts.ctx_mut()?;
    let forms = &mut *screen;
    // The facilitator's panel and the projected briefs, over the table or the curtain.
    let intents = facilitator_overlay(
        ctx,
        &session,
        &mut forms.facilitator,
        &mut forms.facilitator_form,
        pacing.paused,
    );
    facilitator.send(intents, &mut pacing);
    if let Some(seat) = session.curtain() {
        // Hot-seat: nothing confidential is drawn until the next player is at the screen.
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.label(
                    egui::RichText::new(format!(
                        "Pass to the {}",
                        model.scenario.parties[seat].name
                    ))
                    .size(32.0)
                    .strong(),
                );
                ui.add_space(12.0);
                ui.label(
                    egui::RichText::new("Press Enter when ready: only that seat may look now.")
                        .size(18.0),
                );
                ui.add_space(20.0);
                if menu_button(ui, "Ready").clicked() || shortcut(ui, egui::Key::Enter) {
                    lifts.write(LiftCurtain);
                }
                if session.facilitator.timer.on() {
                    ui.add_space(20.0);
                    countdown(ui, &session.facilitator.timer, 24.0);
                }
            });
        });
        return Ok(());
    }
    let key = (game.transcript().len(), viewer);
    let view = match &forms.view {
        Some((len, seat, view)) if (*len, *seat) == key => view.clone(),
        _ => {
            let view = Arc::new(game.view(viewer));
            forms.view = Some((key.0, key.1, view.clone()));
            view
        }
    };
    let current = game.current_package();
    let my_turn = session.human_to_move() == Some(viewer);
    // Legality is the engine's: a human seat's buttons ask it, on that seat's turn only.
    let legal = |action: &crate::sim::Action| my_turn && game.check_action(viewer, action).is_ok();
    let turn = game
        .to_move()
        .map(|p| model.scenario.parties[p].name.clone())
        .unwrap_or_else(|| "the talks are over".into());
    let held = session.facilitator.pending.is_some();
    let seat = SeatTable {
        model: &model,
        view: &view,
        prefs: &game.prefs()[viewer],
        current: &current,
        legal: &legal,
    };
    let intents = seat_table(ctx, seat, &mut forms.form, &mut forms.news_seen, |ui| {
        ui.label(if my_turn {
            "Your move".to_string()
        } else if held {
            format!("{turn}: its move waits for the facilitator (F2)")
        } else {
            format!("{turn} is moving…")
        });
        if session.facilitator.timer.on() {
            ui.separator();
            countdown(ui, &session.facilitator.timer, 18.0);
        }
        if pacing.paused {
            ui.separator();
            ui.label(egui::RichText::new("Paused by the facilitator").strong());
        }
        if let Some(e) = &session.error {
            ui.separator();
            ui.label(egui::RichText::new(e).color(egui::Color32::LIGHT_RED));
        }
        ui.separator();
        let save = ui
            .button("Save")
            .on_hover_text("Save the game (Ctrl+S); it is also saved at every round");
        let ctrl_s = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::S));
        if save.clicked() || ctrl_s {
            saves.write(SaveGame);
        }
        if let Some(n) = &session.notice {
            ui.label(egui::RichText::new(n).weak());
        }
    });
    let form = &mut forms.form;
    for intent in intents {
        match intent {
            TableIntent::Act(action) => {
                actions.write(HumanAction {
                    party: viewer,
                    action,
                });
            }
            TableIntent::Skip => pacing.skip = true,
            TableIntent::AskStaff => ask_staff(form, game, viewer),
        }
    }
    Ok(())
}

/// A human mediator asks its staff: the AI mediator's text, read from the seat's own
/// observation, fills the builder, with its public reason for the player to read.
pub fn ask_staff(form: &mut TableForm, game: &crate::sim::Game, mediator: usize) {
    let obs = crate::sim::observe::Observation::new(game, mediator);
    ask_staff_from(form, game.model(), &obs);
}

/// As [`ask_staff`], from any observation of the mediator's seat (a class seat's too).
pub fn ask_staff_from(
    form: &mut TableForm,
    model: &crate::sim::Model,
    obs: &crate::sim::observe::Observation,
) {
    match crate::sim::ai::mediator::staff_suggestion(obs) {
        Some(s) => {
            form.staff_note = Some(table::render_reason(model, &s.reason));
            form.proposal = s.package;
        }
        None => form.staff_note = Some(String::new()),
    }
}

/// What the table shows one seat: the scenario (as the seat knows it), the seat's view,
/// its preferences, the package as it stands, and which moves the rules allow it now.
pub struct SeatTable<'a> {
    pub model: &'a crate::sim::Model,
    pub view: &'a crate::sim::view::PartyView,
    pub prefs: &'a crate::sim::model::Prefs,
    pub current: &'a [usize],
    pub legal: table::Legal<'a>,
}

/// The table for one seat, whether its game is here or on a class's host: the status bar
/// (`status` draws the part that says whose move it is and how the game stands), the news,
/// the actions, the issues, the offers, the levers, the transcript, the table itself and
/// the confirmations. Returns what the player asked for.
pub fn seat_table(
    ctx: &egui::Context,
    seat: SeatTable,
    form: &mut TableForm,
    news_seen: &mut u32,
    status: impl FnOnce(&mut egui::Ui),
) -> Vec<TableIntent> {
    let SeatTable {
        model,
        view,
        prefs,
        current,
        legal,
    } = seat;
    let current = current.to_vec();
    let news = table::news_items(model, view);
    let mut intents: Vec<TableIntent> = Vec::new();
    let mut root = root_ui(ctx);
    egui::Panel::top("status").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&model.scenario.meta.title);
            ui.separator();
            ui.label(format!("Round {} of {}", view.round, view.deadline));
            ui.separator();
            status(ui);
        });
        // The news feed, and the newest headline with its story on hover.
        table::news_feed(ui, &news);
        if let Some(item) = news.last().filter(|i| i.round + 1 >= view.round) {
            let story = match &item.source {
                Some(s) => format!("{}\n\nSource: {s}", item.text),
                None => item.text.clone(),
            };
            ui.label(
                egui::RichText::new(format!("NEWS — {}", item.headline))
                    .color(egui::Color32::from_rgb(255, 210, 120)),
            )
            .on_hover_text(story);
        }
    });
    egui::Panel::bottom("actions").show(&mut root, |ui| {
        if let Some(i) = table::actions_bar(ui, model, view, form, legal) {
            intents.push(i);
        }
    });
    // The side panels take a share of the window: at a large UI scale the table in the
    // middle keeps room.
    let wide = root.available_width();
    egui::Panel::left("issues")
        .default_size((wide * 0.32).min(400.0))
        .resizable(true)
        .show(&mut root, |ui| {
            if let Some(i) = table::issues_board(ui, model, view, prefs, &current, form, legal) {
                intents.push(i);
            }
        });
    egui::Panel::right("offers")
        .default_size((wide * 0.3).min(380.0))
        .resizable(true)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("offers-scroll")
                .max_height(
                    ui.available_height()
                        * if view.kind == crate::sim::PartyKind::Delegation {
                            0.45
                        } else {
                            0.3
                        },
                )
                .show(ui, |ui| {
                    if let Some(i) =
                        table::offers_panel(ui, model, view, prefs, &current, form, legal)
                    {
                        intents.push(i);
                    }
                });
            ui.separator();
            if view.kind != crate::sim::PartyKind::Delegation {
                egui::ScrollArea::vertical()
                    .id_salt("levers-scroll")
                    .max_height(ui.available_height() * 0.5)
                    .show(ui, |ui| {
                        if let Some(i) = table::levers_panel(ui, view, legal) {
                            intents.push(i);
                        }
                        if view.kind == crate::sim::PartyKind::Ally {
                            ui.separator();
                            table::caucus_panel(ui, model, view, form);
                        }
                    });
                ui.separator();
            }
            table::allies_panel(ui, model, view);
            ui.separator();
            table::transcript(ui, model, view, form);
        });
    egui::CentralPanel::default().show(&mut root, |ui| table::table_scene(ui, model, view));
    // News pop-up: the newest round's news, once.
    table::news_window(ctx, &news, news_seen, form.confirm.is_none());
    if let Some((question, action)) = form.confirm.clone() {
        egui::Modal::new(egui::Id::new("confirm")).show(ctx, |ui| {
            glossed(ui, question);
            ui.horizontal(|ui| {
                if ui.button("Yes (Enter)").clicked() || shortcut(ui, egui::Key::Enter) {
                    intents.push(TableIntent::Act(action.clone()));
                    form.confirm = None;
                }
                if ui.button("No (Esc)").clicked() || shortcut(ui, egui::Key::Escape) {
                    form.confirm = None;
                }
            });
        });
    }
    intents
}

/// The round's countdown: orange in its last 15 seconds, red when the time is up.
fn countdown(ui: &mut egui::Ui, timer: &crate::game::facilitator::RoundTimer, size: f32) {
    let colour = if timer.left <= 0.0 {
        egui::Color32::LIGHT_RED
    } else if timer.left < 15.0 {
        egui::Color32::from_rgb(255, 170, 90)
    } else {
        ui.visuals().strong_text_color()
    };
    let text = if timer.left <= 0.0 {
        "Time is up".to_string()
    } else {
        format!("Time left {}", timer.display())
    };
    ui.label(egui::RichText::new(text).size(size).strong().color(colour))
        .on_hover_text("The round's timer: when it runs out, the human seats still to move pass");
}

/// The facilitator's panel (F2, behind its PIN if any) and, when the facilitator shows
/// them, every brief: drawn over the table and over the hot-seat curtain alike.
fn facilitator_overlay(
    ctx: &egui::Context,
    session: &Session,
    shown: &mut bool,
    form: &mut FacilitatorForm,
    paused: bool,
) -> Vec<FacilitatorIntent> {
    let mut intents = Vec::new();
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F2)) {
        *shown = !*shown;
        if !*shown {
            intents.push(FacilitatorIntent::Setting(FacilitatorSetting::Lock));
        }
    }
    if let Some(briefs) = session.projected_briefs() {
        briefs_window(ctx, &briefs);
    }
    if *shown {
        let mut open = true;
        intents.extend(facilitator_panel(
            ctx,
            &session.model,
            session.game(),
            &session.facilitator,
            paused,
            form,
            &mut open,
        ));
        if !open {
            *shown = false;
            intents.push(FacilitatorIntent::Setting(FacilitatorSetting::Lock));
        }
    }
    intents
}

/// Where the facilitator's intents go.
#[derive(bevy::ecs::system::SystemParam)]
struct FacilitatorWriters<'w> {
    moves: MessageWriter<'w, Facilitate>,
    settings: MessageWriter<'w, FacilitatorSetting>,
    overrules: MessageWriter<'w, Overrule>,
}

impl FacilitatorWriters<'_> {
    fn send(&mut self, intents: Vec<FacilitatorIntent>, pacing: &mut Pacing) {
        for intent in intents {
            match intent {
                FacilitatorIntent::Move(m) => {
                    self.moves.write(Facilitate(m));
                }
                FacilitatorIntent::Setting(s) => {
                    self.settings.write(s);
                }
                FacilitatorIntent::Overrule(o) => {
                    self.overrules.write(o);
                }
                FacilitatorIntent::TogglePause => pacing.paused = !pacing.paused,
            }
        }
    }
}
