//! The screen systems: each draws its screen with the functions in `ui/` and turns the
//! player's intent into state changes and messages. Keyboard shortcuts live here too.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::sim::analysis::OutcomeSpace;

use super::facilitator::{FacilitatorSetting, Overrule};
use super::replay::{OpenReplay, Replay};
use super::session::{
    Facilitate, HumanAction, LiftCurtain, LoadGame, LoadProblem, Pacing, SaveGame, SavesDir,
    Session, SetupChoice, StartGame,
};
use super::settings::Settings;
use super::ui::briefing::{BriefingIntent, briefing};
use super::ui::debrief::{DebriefIntent, debrief};
use super::ui::facilitator::{
    FacilitatorForm, FacilitatorIntent, briefs_window, facilitator_panel,
};
use super::ui::public::{PublicIntent, public_view};
use super::ui::replay::{ReplayIntent, replay_controls, replay_view};
use super::ui::setup::{SetupForm, SetupIntent, setup};
use super::ui::shortcut;
use super::ui::table::{self, TableForm, TableIntent};
use super::ui::title::{TitleIntent, title};
use super::ui::{how_to_play, menu_button};
use super::{Catalogue, FONT_BOLD, FONT_REGULAR, Screen};

/// Forms kept between frames.
#[derive(Resource, Default)]
pub struct Forms {
    pub setup: Option<SetupForm>,
    pub table: Option<TableForm>,
    /// How many news items of this game the player has dismissed.
    pub news_dismissed: usize,
    /// The facilitator panel (F2): open or not, and its text fields.
    pub facilitator: bool,
    pub facilitator_form: FacilitatorForm,
    /// The saved games the load screen lists, newest first (read when it opens).
    pub saves: Vec<std::path::PathBuf>,
    /// The debrief's outcome space, computed once per game.
    pub space: Option<Arc<OutcomeSpace>>,
    /// The table's view of the game, rebuilt only when the transcript grows or the seat
    /// changes: every change of state writes a transcript entry.
    pub view: Option<(usize, usize, Arc<crate::sim::view::PartyView>)>,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Forms>()
        .add_systems(EguiPrimaryContextPass, fonts)
        .add_systems(
            EguiPrimaryContextPass,
            title_screen.run_if(in_state(Screen::Title)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            scenarios_screen.run_if(in_state(Screen::Scenarios)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            how_to_screen.run_if(in_state(Screen::HowToPlay)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            public_screen.run_if(in_state(Screen::PublicView)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            settings_screen.run_if(in_state(Screen::Settings)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            load_screen.run_if(in_state(Screen::Load)),
        )
        .add_systems(OnEnter(Screen::Load), list_saves)
        .add_systems(
            EguiPrimaryContextPass,
            replay_screen.run_if(in_state(Screen::Replay).and_then(resource_exists::<Replay>)),
        )
        .add_systems(
            OnEnter(Screen::Replay),
            |mut forms: ResMut<Forms>, replay: Res<Replay>| {
                forms.table = Some(TableForm::new(replay.model().issue_count()));
            },
        )
        .add_systems(
            EguiPrimaryContextPass,
            setup_screen.run_if(in_state(Screen::Setup)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            briefing_screen.run_if(in_state(Screen::Briefing).and_then(resource_exists::<Session>)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            table_screen.run_if(in_state(Screen::Table).and_then(resource_exists::<Session>)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            debrief_screen.run_if(in_state(Screen::Debrief).and_then(resource_exists::<Session>)),
        )
        .add_systems(
            OnEnter(Screen::Table),
            |mut forms: ResMut<Forms>, session: Res<Session>| {
                forms.table = Some(TableForm::new(session.model.issue_count()));
                forms.news_dismissed = 0;
                forms.view = None;
            },
        )
        .add_systems(
            OnEnter(Screen::Debrief),
            |mut forms: ResMut<Forms>,
             mut work: ResMut<super::background::Background>,
             session: Res<Session>| {
                // The outcome space is computed on the task pool, not in the egui pass.
                forms.space = None;
                work.outcome_space(session.game());
            },
        )
        .add_systems(Update, shortcuts);
}

/// The bundled font for egui, once.
fn fonts(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let mut defs = egui::FontDefinitions::default();
    defs.font_data.insert(
        "dejavu".into(),
        Arc::new(egui::FontData::from_static(FONT_REGULAR)),
    );
    defs.font_data.insert(
        "dejavu-bold".into(),
        Arc::new(egui::FontData::from_static(FONT_BOLD)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        defs.families
            .entry(family)
            .or_default()
            .insert(0, "dejavu".into());
    }
    let ctx = contexts.ctx_mut()?;
    ctx.set_fonts(defs);
    ctx.set_visuals(egui::Visuals::dark());
    *done = true;
    Ok(())
}

fn title_screen(
    mut contexts: EguiContexts,
    catalogue: Res<Catalogue>,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let model = &catalogue.scenarios[catalogue.chosen].1;
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if !catalogue.problems.is_empty() {
            ui.label(
                egui::RichText::new(format!(
                    "{} scenario file(s) have problems: see Scenarios.",
                    catalogue.problems.len()
                ))
                .color(egui::Color32::LIGHT_RED),
            );
        }
        match title(ui, &model.scenario.meta.title, &model.scenario.meta.date) {
            Some(TitleIntent::NewGame) => next.set(Screen::Setup),
            Some(TitleIntent::Load) => next.set(Screen::Load),
            Some(TitleIntent::Scenarios) => next.set(Screen::Scenarios),
            Some(TitleIntent::PublicView) => next.set(Screen::PublicView),
            Some(TitleIntent::HowToPlay) => next.set(Screen::HowToPlay),
            Some(TitleIntent::Settings) => next.set(Screen::Settings),
            Some(TitleIntent::Quit) => {
                exit.write(AppExit::Success);
            }
            None => {}
        }
    });
    Ok(())
}

/// The public view of the chosen scenario, for the projector.
fn public_screen(
    mut contexts: EguiContexts,
    catalogue: Res<Catalogue>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let model = &catalogue.scenarios[catalogue.chosen].1;
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if public_view(ui, model) == Some(PublicIntent::Back) {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

fn scenarios_screen(
    mut contexts: EguiContexts,
    mut catalogue: ResMut<Catalogue>,
    mut next: ResMut<NextState<Screen>>,
    mut forms: ResMut<Forms>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        ui.heading("Scenarios");
        let mut chosen = catalogue.chosen;
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .show(ui, |ui| {
                for (k, (origin, model)) in catalogue.scenarios.iter().enumerate() {
                    let meta = &model.scenario.meta;
                    ui.radio_value(
                        &mut chosen,
                        k,
                        egui::RichText::new(format!("{} ({})", meta.title, meta.date)).strong(),
                    );
                    // The situation; the background paragraphs are on the briefing.
                    ui.label(meta.summary.split("\n\n").next().unwrap_or_default());
                    ui.label(egui::RichText::new(origin).weak());
                    ui.add_space(6.0);
                }
                scenario_problems(ui, &catalogue.problems);
            });
        if chosen != catalogue.chosen {
            catalogue.chosen = chosen;
            forms.setup = None;
        }
        if menu_button(ui, "Back").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

/// Files that failed to load, with the core's diagnostics. A file that loaded before
/// keeps its last good version in the list above.
fn scenario_problems(ui: &mut egui::Ui, problems: &[(String, String)]) {
    if problems.is_empty() {
        return;
    }
    ui.separator();
    ui.label(
        egui::RichText::new("Files with problems (fix and save: they reload)")
            .strong()
            .color(egui::Color32::LIGHT_RED),
    );
    for (origin, diagnostics) in problems {
        ui.label(egui::RichText::new(origin).weak());
        ui.label(egui::RichText::new(diagnostics).monospace());
        ui.add_space(6.0);
    }
}

fn how_to_screen(mut contexts: EguiContexts, mut next: ResMut<NextState<Screen>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .show(ui, how_to_play);
        if menu_button(ui, "Back").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

fn settings_screen(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    mut next: ResMut<NextState<Screen>>,
    mut message: Local<String>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        ui.heading("Settings");
        let mut s = settings.clone();
        ui.add(egui::Slider::new(&mut s.ui_scale, 0.75..=2.0).text("UI scale"));
        ui.add(egui::Slider::new(&mut s.seconds_per_move, 0.0..=3.0).text("seconds per AI move"));
        ui.horizontal(|ui| {
            ui.label("Window size at start:");
            for (w, h) in [(1280, 720), (1600, 900), (1920, 1080)] {
                ui.radio_value(
                    &mut (s.window_width, s.window_height),
                    (w, h),
                    format!("{w}×{h}"),
                )
                .clicked()
                .then(|| {
                    s.window_width = w;
                    s.window_height = h;
                });
            }
        });
        if s != *settings {
            *settings = s;
        }
        ui.add_space(12.0);
        if menu_button(ui, "Save and go back").clicked() {
            match settings.save() {
                Ok(()) => next.set(Screen::Title),
                Err(e) => *message = format!("Could not save the settings: {e}"),
            }
        }
        if !message.is_empty() {
            ui.label(egui::RichText::new(message.as_str()).color(egui::Color32::LIGHT_RED));
        }
    });
    Ok(())
}

fn setup_screen(
    mut contexts: EguiContexts,
    catalogue: Res<Catalogue>,
    mut forms: ResMut<Forms>,
    mut next: ResMut<NextState<Screen>>,
    mut start: MessageWriter<StartGame>,
) -> Result {
    let model = catalogue.scenarios[catalogue.chosen].1.clone();
    if catalogue.is_changed() {
        // A scenario file was reloaded (or another chosen): set up the game afresh.
        forms.setup = None;
    }
    let form = forms
        .setup
        .get_or_insert_with(|| SetupForm::new(&model, rand_seed()));
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| match setup(ui, &model, form) {
        Some(SetupIntent::Start) => {
            start.write(StartGame(SetupChoice {
                model: model.clone(),
                controls: form.controls.clone(),
                seed: form.seed,
                deadline: Some(form.deadline),
                facilitator: crate::game::facilitator::FacilitatorSetup {
                    pin: Some(form.pin.trim().to_string()).filter(|p| !p.is_empty()),
                    round_seconds: form.round_seconds,
                },
            }));
        }
        Some(SetupIntent::Back) => next.set(Screen::Title),
        None => {}
    });
    Ok(())
}

/// A seed for a new game: random, shown on the setup screen so the game can be replayed.
fn rand_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos % 1_000_000
}

fn briefing_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if briefing(ui, &session.model, session.viewer()) == Some(BriefingIntent::Begin) {
            next.set(Screen::Table);
        }
    });
    Ok(())
}

fn table_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut saves: MessageWriter<SaveGame>,
    mut lifts: MessageWriter<LiftCurtain>,
    mut facilitator: FacilitatorWriters,
    mut forms: ResMut<Forms>,
    mut pacing: ResMut<Pacing>,
    mut actions: MessageWriter<HumanAction>,
) -> Result {
    let model = session.model.clone();
    let game = session.game();
    let viewer = session.viewer();
    let ctx = contexts.ctx_mut()?;
    let forms = &mut *forms;
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
    let prefs = &game.prefs()[viewer];
    let current = game.current_package();
    let my_turn = session.human_to_move() == Some(viewer);
    // Legality is the engine's: a human seat's buttons ask it, on that seat's turn only.
    let legal = |action: &crate::sim::Action| my_turn && game.check_action(viewer, action).is_ok();
    let legal: table::Legal = &legal;
    let Some(form) = forms.table.as_mut() else {
        return Ok(());
    };
    let mut intents: Vec<TableIntent> = Vec::new();
    let mut root = root_ui(ctx);
    egui::Panel::top("status").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&model.scenario.meta.title);
            ui.separator();
            ui.label(format!("Round {} of {}", view.round, view.deadline));
            ui.separator();
            let turn = game
                .to_move()
                .map(|p| model.scenario.parties[p].name.clone())
                .unwrap_or_else(|| "the talks are over".into());
            let held = session.facilitator.pending.is_some();
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
        // News of this round and the last: the headline, the story on hover.
        if let Some((headline, text, source)) =
            view.transcript.iter().rev().find_map(|e| match &e.kind {
                crate::sim::transcript::EntryKind::News {
                    headline,
                    text,
                    source,
                } if e.round + 1 >= view.round => {
                    Some((headline.clone(), text.clone(), source.clone()))
                }
                _ => None,
            })
        {
            let story = match source {
                Some(s) => format!("{text}\n\nSource: {s}"),
                None => text,
            };
            ui.label(
                egui::RichText::new(format!("NEWS — {headline}"))
                    .color(egui::Color32::from_rgb(255, 210, 120)),
            )
            .on_hover_text(story);
        }
    });
    egui::Panel::bottom("actions").show(&mut root, |ui| {
        if let Some(i) = table::actions_bar(ui, &model, &view, form, legal) {
            intents.push(i);
        }
    });
    egui::Panel::left("issues")
        .default_size(400.0)
        .resizable(true)
        .show(&mut root, |ui| {
            if let Some(i) = table::issues_board(ui, &model, &view, prefs, &current, form, legal) {
                intents.push(i);
            }
        });
    egui::Panel::right("offers")
        .default_size(380.0)
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
                        table::offers_panel(ui, &model, &view, prefs, &current, form, legal)
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
                        if let Some(i) = table::levers_panel(ui, &view, legal) {
                            intents.push(i);
                        }
                        if view.kind == crate::sim::PartyKind::Ally {
                            ui.separator();
                            table::caucus_panel(ui, &model, &view, form);
                        }
                    });
                ui.separator();
            }
            table::allies_panel(ui, &model, &view);
            ui.separator();
            table::transcript(ui, &model, &view, form);
        });
    egui::CentralPanel::default().show(&mut root, |ui| table::table_scene(ui, &model, &view));
    // News pop-up: each event's news, one at a time, until dismissed.
    let news: Vec<_> = view
        .transcript
        .iter()
        .filter_map(|e| match &e.kind {
            crate::sim::transcript::EntryKind::News {
                headline,
                text,
                source,
            } => Some((e.round, headline, text, source)),
            _ => None,
        })
        .collect();
    if let Some((round, headline, text, source)) = news.get(forms.news_dismissed) {
        egui::Window::new(egui::RichText::new(format!("News — round {round}")).strong())
            .id(egui::Id::new("news"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -50.0])
            .default_width(420.0)
            .show(ctx, |ui| {
                ui.label(
                    egui::RichText::new(*headline)
                        .strong()
                        .color(egui::Color32::from_rgb(255, 210, 120)),
                );
                ui.label(*text);
                if let Some(s) = source {
                    ui.label(egui::RichText::new(format!("Source: {s}")).weak());
                }
                if ui.button("OK (Enter)").clicked()
                    || (form.confirm.is_none() && shortcut(ui, egui::Key::Enter))
                {
                    forms.news_dismissed += 1;
                }
            });
    }
    if let Some((question, action)) = form.confirm.clone() {
        egui::Modal::new(egui::Id::new("confirm")).show(ctx, |ui| {
            ui.label(question);
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
pub(crate) fn ask_staff(form: &mut TableForm, game: &crate::sim::Game, mediator: usize) {
    let model = game.model();
    let obs = crate::sim::observe::Observation::new(game, mediator);
    match crate::sim::ai::mediator::staff_suggestion(&obs) {
        Some(s) => {
            let issue_name = |id: &str| {
                model
                    .issue_index(id)
                    .map_or(id.to_string(), |i| model.scenario.issues[i].name.clone())
            };
            let label = |_: &str, o: &str| o.to_string();
            form.staff_note = Some(s.reason.render(&issue_name, &label));
            form.proposal = s.package;
        }
        None => form.staff_note = Some(String::new()),
    }
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

fn replay_screen(
    mut contexts: EguiContexts,
    mut replay: ResMut<Replay>,
    mut forms: ResMut<Forms>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(form) = forms.table.as_mut() else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let mut intent = None;
    egui::Panel::top("replay-controls").show(&mut root, |ui| {
        intent = replay_controls(ui, &replay);
    });
    let space = replay.space();
    replay_view(&mut root, &replay, &space, form);
    match intent {
        Some(ReplayIntent::Step(by)) => replay.step(by),
        Some(ReplayIntent::Go(at)) => replay.at = at.min(replay.end()),
        Some(ReplayIntent::Seat(p)) => replay.seat = p,
        Some(ReplayIntent::Back) => next.set(replay.back),
        None => {}
    }
    Ok(())
}

fn debrief_screen(
    mut commands: Commands,
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    saves_dir: Res<SavesDir>,
    forms: Res<Forms>,
    mut work: ResMut<super::background::Background>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(space) = forms.space.clone() else {
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.4);
                ui.label(egui::RichText::new("Working out every possible agreement…").size(20.0));
            });
        });
        return Ok(());
    };
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        if let Some(n) = &session.notice {
            ui.label(egui::RichText::new(n).weak());
        }
        match debrief(ui, &session.model, session.game(), &space, session.viewer()) {
            Some(DebriefIntent::BackToTitle) => next.set(Screen::Title),
            Some(DebriefIntent::Replay) => match Replay::of(&session.save_file()) {
                Ok(mut replay) => {
                    replay.back = Screen::Debrief;
                    commands.insert_resource(replay);
                    next.set(Screen::Replay);
                }
                Err(e) => session.notice = Some(format!("Cannot replay: {e}")),
            },
            Some(DebriefIntent::WriteReport) => {
                session.notice = Some("Writing the report…".into());
                work.report(session.game(), saves_dir.0.clone());
            }
            None => {}
        }
    });
    Ok(())
}

/// The `.ron` files of the saves folder, newest first.
fn list_saves(mut forms: ResMut<Forms>, dir: Res<SavesDir>) {
    let mut saves: Vec<(std::time::SystemTime, std::path::PathBuf)> = dir
        .0
        .as_ref()
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, p)
        })
        .collect();
    saves.sort_by_key(|s| std::cmp::Reverse(s.0));
    forms.saves = saves.into_iter().map(|(_, p)| p).collect();
}

/// Saved games, newest first; load one.
fn load_screen(
    mut contexts: EguiContexts,
    forms: Res<Forms>,
    problem: Res<LoadProblem>,
    mut next: ResMut<NextState<Screen>>,
    mut loads: MessageWriter<LoadGame>,
    mut replays: MessageWriter<OpenReplay>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
        ui.heading("Resume or replay a saved game");
        if let Some(p) = &problem.0 {
            ui.label(egui::RichText::new(p).color(egui::Color32::LIGHT_RED));
        }
        let saves = &forms.saves;
        if saves.is_empty() {
            ui.label("No saved games yet: games are saved at every round, and with Save.");
        }
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .show(ui, |ui| {
                for path in saves {
                    let name = path
                        .file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                    ui.horizontal(|ui| {
                        if ui
                            .button("Resume")
                            .on_hover_text("Go on playing from where it was saved")
                            .clicked()
                        {
                            loads.write(LoadGame(path.clone()));
                        }
                        if ui
                            .button("Replay")
                            .on_hover_text("Watch it again round by round, with the charts")
                            .clicked()
                        {
                            replays.write(OpenReplay(path.clone()));
                        }
                        ui.label(egui::RichText::new(name).strong());
                    });
                }
            });
        if menu_button(ui, "Back").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}

/// Keys: Space lets the AI move at once, Esc goes back to the title from the menus,
/// F1 opens "How to play".
fn shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut pacing: ResMut<Pacing>,
) {
    if keys.just_pressed(KeyCode::Space) && *state.get() == Screen::Table {
        pacing.skip = true;
    }
    if keys.just_pressed(KeyCode::Escape)
        && matches!(
            state.get(),
            Screen::Scenarios
                | Screen::PublicView
                | Screen::HowToPlay
                | Screen::Settings
                | Screen::Setup
                | Screen::Load
                | Screen::Replay
        )
    {
        next.set(Screen::Title);
    }
    if keys.just_pressed(KeyCode::F1) && *state.get() == Screen::Title {
        next.set(Screen::HowToPlay);
    }
}

/// A Ui covering the whole window, for the panels of a screen.
fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "screen".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}
