//! The class screens of a student's machine: "Join a class" (the host's address, the
//! seat's code, a name) and the class seat's table, drawn as a local game's table is, from
//! the seat's mirror of the host's game.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::class::{
    ClassCommand, ClassHost, ClassSeat, HostClass, HostProblem, JoinClass, LeaveClass, RemoteAct,
};
use super::super::ui::class::{
    JoinForm, JoinIntent, Roster, RosterIntent, join_form, link_label, projector, roster,
    status_text,
};
use super::super::ui::facilitator::{FacilitatorForm, FacilitatorIntent, facilitator_moves};
use super::super::ui::public::PublicIntent;
use super::super::ui::setup::{SetupForm, SetupIntent, setup};
use super::super::ui::table::{TableForm, TableIntent};
use super::root_ui;
use super::table::{SeatTable, ask_staff_from, seat_table};
use crate::game::{Catalogue, Screen};
use crate::net::protocol::{ClientMessage, Role};
use crate::net::remote::LinkStatus;
use crate::sim::narrate::Narrator;
use crate::sim::observe::LocalCaches;

/// A class to join at once, from `accord join ADDRESS --code CODE` without `--ai`.
#[derive(Resource, Debug, Clone)]
pub struct JoinTarget(pub JoinClass);

/// The join form, while the screen is open.
#[derive(Resource, Default)]
pub struct JoinScreen(pub JoinForm);

/// The class seat's table: its forms, while the screen is open.
#[derive(Resource)]
pub struct ClassTableScreen {
    pub form: TableForm,
    pub news_seen: u32,
    caches: LocalCaches,
}

pub fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Join), open_join)
        .add_systems(OnExit(Screen::Join), |mut commands: Commands| {
            commands.remove_resource::<JoinScreen>()
        })
        .add_systems(
            EguiPrimaryContextPass,
            join_screen.run_if(in_state(Screen::Join).and_then(resource_exists::<JoinScreen>)),
        )
        .add_systems(
            OnEnter(Screen::ClassTable),
            |mut commands: Commands, seat: Option<Res<ClassSeat>>| {
                let issues = seat
                    .and_then(|s| s.scenario.as_ref().map(|x| x.public.issues.len()))
                    .unwrap_or(0);
                commands.insert_resource(ClassTableScreen {
                    form: TableForm {
                        remote: true,
                        ..TableForm::new(issues)
                    },
                    news_seen: 0,
                    caches: LocalCaches::default(),
                });
            },
        )
        .add_systems(OnExit(Screen::ClassTable), |mut commands: Commands| {
            commands.remove_resource::<ClassTableScreen>()
        })
        .add_systems(
            EguiPrimaryContextPass,
            class_table.run_if(
                in_state(Screen::ClassTable)
                    .and_then(resource_exists::<ClassSeat>)
                    .and_then(resource_exists::<ClassTableScreen>),
            ),
        );
}

/// The form, filled from the command line's class if there is one, which is joined at once.
fn open_join(
    mut commands: Commands,
    target: Option<Res<JoinTarget>>,
    mut joins: MessageWriter<JoinClass>,
) {
    let mut form = JoinForm::default();
    if let Some(t) = target {
        form.address = t.0.address.clone();
        form.code = t.0.code.clone();
        form.name = t.0.name.clone();
        match form.target() {
            Ok((address, code)) => {
                joins.write(JoinClass {
                    address,
                    code,
                    name: form.name.clone(),
                });
            }
            Err(e) => form.problem = Some(e),
        }
        commands.remove_resource::<JoinTarget>();
    }
    commands.insert_resource(JoinScreen(form));
}

fn join_screen(
    mut contexts: EguiContexts,
    mut screen: ResMut<JoinScreen>,
    seat: Option<Res<ClassSeat>>,
    mut joins: MessageWriter<JoinClass>,
    mut leaves: MessageWriter<LeaveClass>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // A code that is not a seat's: this window plays seats only.
    let status = seat.as_ref().map(|s| match &s.role {
        Some(Role::Observer) => LinkStatus::Failed {
            why: "That is the observer's code: the public view is on the teacher's projector. Type your seat's code.".into(),
            refused: true,
        },
        Some(Role::Facilitator) => LinkStatus::Failed {
            why: "That is the facilitator's code: the teacher's panel is on the host's screen. Type your seat's code.".into(),
            refused: true,
        },
        _ => s.status.clone(),
    });
    let intent = egui::CentralPanel::default()
        .show(&mut root_ui(ctx), |ui| {
            ui.vertical_centered(|ui| {
                ui.set_max_width(520.0);
                join_form(ui, &mut screen.0, status.as_ref())
            })
            .inner
        })
        .inner;
    match intent {
        Some(JoinIntent::Join {
            address,
            code,
            name,
        }) => {
            joins.write(JoinClass {
                address,
                code,
                name,
            });
        }
        Some(JoinIntent::Back) => {
            leaves.write(LeaveClass);
        }
        None => {}
    }
    Ok(())
}

fn class_table(
    mut contexts: EguiContexts,
    seat: Res<ClassSeat>,
    mut screen: ResMut<ClassTableScreen>,
    mut acts: MessageWriter<RemoteAct>,
    mut leaves: MessageWriter<LeaveClass>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (Some(mirror), Some(wire), Some(view), Some(own), Some(scenario)) = (
        seat.mirror.as_ref(),
        seat.wire.as_ref(),
        seat.view.as_ref(),
        seat.wire.as_ref().and_then(|w| w.seat.as_ref()),
        seat.scenario.as_ref(),
    ) else {
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.spinner();
        });
        return Ok(());
    };
    let model = mirror.model().clone();
    let current = mirror.current_package(wire);
    let legal = |a: &crate::sim::Action| seat.legal(a);
    let my_turn = seat.my_turn();
    let turn = wire
        .to_move
        .and_then(|p| model.scenario.parties.get(p))
        .map(|p| p.name.clone());
    let forms = &mut *screen;
    let table = SeatTable {
        model: &model,
        view,
        prefs: &own.prefs,
        current: &current,
        legal: &legal,
    };
    let mut leave = false;
    let intents = seat_table(ctx, table, &mut forms.form, &mut forms.news_seen, |ui| {
        ui.label(match (&turn, my_turn) {
            (_, true) => "Your move".to_string(),
            (Some(t), false) => format!("{t} is moving…"),
            (None, _) => "The talks are over".to_string(),
        });
        ui.separator();
        link_label(ui, &seat.status, &seat.remote.address);
        if let Some(r) = &seat.refusal {
            ui.separator();
            ui.label(egui::RichText::new(r).color(egui::Color32::LIGHT_RED));
        }
        ui.separator();
        if ui
            .button("Leave")
            .on_hover_text("Leave the class's table (your seat plays on without you)")
            .clicked()
        {
            leave = true;
        }
    });
    if let Some(outcome) = &view.outcome {
        // The talks are over: the debrief opens when the facilitator releases it.
        egui::Window::new("The talks are over")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(Narrator::new(&model).outcome(outcome));
                ui.add_space(8.0);
                ui.label("The debrief opens here when your teacher releases it.");
            });
    }
    let forms = &mut *screen;
    for intent in intents {
        match intent {
            TableIntent::Act(action) => {
                acts.write(RemoteAct(action));
            }
            // The class's AI plays at the host's pace.
            TableIntent::Skip => {}
            TableIntent::AskStaff => {
                if let Some(seat_view) = wire.seat_view() {
                    let obs = seat_view.observation(&scenario.public, &forms.caches);
                    ask_staff_from(&mut forms.form, &model, &obs);
                }
            }
        }
    }
    if leave {
        leaves.write(LeaveClass);
    }
    Ok(())
}

/// Host a class: the setup form, while the screen is open.
#[derive(Resource)]
pub struct HostSetupScreen(pub SetupForm);

/// The teacher's screen of a class, while it is open: the projector toggle, the
/// facilitator's text fields, the game rebuilt from the facilitator's record.
#[derive(Resource, Default)]
pub struct ClassRoomScreen {
    pub projector: bool,
    pub form: FacilitatorForm,
    pub pin: String,
    /// The record's length (actions, facilitator's moves) and the game it replays to.
    game: Option<((usize, usize), crate::sim::Game)>,
    pub notice: Option<String>,
}

pub fn host_plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::HostSetup),
        |mut commands: Commands, catalogue: Res<Catalogue>| {
            let model = &catalogue.scenarios[catalogue.chosen].1;
            commands.insert_resource(HostSetupScreen(SetupForm::class(
                model,
                super::setup::rand_seed(),
            )));
        },
    )
    .add_systems(OnExit(Screen::HostSetup), |mut commands: Commands| {
        commands.remove_resource::<HostSetupScreen>()
    })
    .add_systems(
        EguiPrimaryContextPass,
        host_setup.run_if(in_state(Screen::HostSetup).and_then(resource_exists::<HostSetupScreen>)),
    )
    .add_systems(OnEnter(Screen::ClassRoom), |mut commands: Commands| {
        commands.insert_resource(ClassRoomScreen::default())
    })
    .add_systems(OnExit(Screen::ClassRoom), |mut commands: Commands| {
        commands.remove_resource::<ClassRoomScreen>()
    })
    .add_systems(
        EguiPrimaryContextPass,
        class_room.run_if(
            in_state(Screen::ClassRoom)
                .and_then(resource_exists::<ClassSeat>)
                .and_then(resource_exists::<ClassRoomScreen>),
        ),
    );
}

fn host_setup(
    mut contexts: EguiContexts,
    mut catalogue: ResMut<Catalogue>,
    mut screen: ResMut<HostSetupScreen>,
    problem: Res<HostProblem>,
    mut next: ResMut<NextState<Screen>>,
    mut hosts: MessageWriter<HostClass>,
) -> Result {
    let (origin, model) = catalogue.scenarios[catalogue.chosen].clone();
    if catalogue.is_changed() && !catalogue.is_added() {
        screen.0 = SetupForm::class(&model, super::setup::rand_seed());
    }
    let titles = catalogue.titles();
    let chosen = catalogue.chosen;
    let form = &mut screen.0;
    let ctx = contexts.ctx_mut()?;
    let intent = egui::CentralPanel::default()
        .show(&mut root_ui(ctx), |ui| {
            let intent = setup(ui, &titles, chosen, &model, form);
            if let Some(p) = &problem.0 {
                ui.label(egui::RichText::new(p).color(egui::Color32::LIGHT_RED));
            }
            intent
        })
        .inner;
    match intent {
        Some(SetupIntent::Start) => {
            let hosting = form.hosting.clone().unwrap_or_default();
            hosts.write(HostClass {
                model: model.clone(),
                origin,
                controls: form.controls.clone(),
                seed: form.seed,
                deadline: Some(form.deadline),
                pin: Some(form.pin.clone()),
                turn_seconds: form.round_seconds,
                network: hosting.network,
                port: hosting.port().unwrap_or(0),
            });
        }
        Some(SetupIntent::Back) => next.set(Screen::Title),
        Some(SetupIntent::Choose(k)) if k < catalogue.scenarios.len() => catalogue.chosen = k,
        Some(SetupIntent::Choose(_)) | None => {}
    }
    Ok(())
}

/// `ws://HOST:PORT/ws` as a student types it: `HOST:PORT`.
pub fn typed_address(ws: &str) -> String {
    ws.trim_start_matches("ws://")
        .trim_end_matches("/ws")
        .to_string()
}

#[allow(clippy::too_many_arguments)]
fn class_room(
    mut contexts: EguiContexts,
    seat: Res<ClassSeat>,
    host: Option<Res<ClassHost>>,
    saves: Res<crate::game::session::SavesDir>,
    mut screen: ResMut<ClassRoomScreen>,
    mut commands: Commands,
    mut sends: MessageWriter<ClassCommand>,
    mut leaves: MessageWriter<LeaveClass>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let screen = &mut *screen;
    if seat.pin_required {
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.25);
                ui.heading("The facilitator's PIN");
                let r = ui.add(
                    egui::TextEdit::singleline(&mut screen.pin)
                        .password(true)
                        .desired_width(160.0),
                );
                if ui.memory(|m| m.focused().is_none()) {
                    r.request_focus();
                }
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Open").clicked() || enter {
                    sends.write(ClassCommand(ClientMessage::Unlock {
                        pin: std::mem::take(&mut screen.pin),
                    }));
                }
                if let Some(r) = &seat.refusal {
                    ui.label(egui::RichText::new(r).color(egui::Color32::LIGHT_RED));
                }
                if ui.button("Back").clicked() {
                    leaves.write(LeaveClass);
                }
            });
        });
        return Ok(());
    }
    let Some(view) = seat.wire.as_ref().and_then(|w| w.facilitator.as_ref()) else {
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(status_text(&seat.status));
            });
            if ui.button("Back").clicked() {
                leaves.write(LeaveClass);
            }
        });
        return Ok(());
    };
    let key = (view.record.actions.len(), view.record.facilitator.len());
    if screen.game.as_ref().is_none_or(|(k, _)| *k != key) {
        match view.record.replay() {
            Ok(game) => screen.game = Some((key, game)),
            Err(e) => screen.notice = Some(format!("the class's record does not replay: {e}")),
        }
    }
    let Some((_, game)) = screen.game.as_ref() else {
        return Ok(());
    };
    let model = game.model().clone();
    let address = match &host {
        Some(h) => typed_address(&h.hosted.announcement.address),
        None => typed_address(&seat.remote.address),
    };
    let names: Vec<(String, String)> = model
        .scenario
        .parties
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let roster_data = Roster::of(&address, view, &names);
    let released = seat.wire.as_ref().is_some_and(|w| w.debrief.is_some());
    let mut root = root_ui(ctx);
    if screen.projector {
        // For the projector: where to join, the observer's code, what everyone may know.
        let status = format!(
            "Round {} of {} · {}",
            game.round(),
            game.deadline(),
            game.to_move()
                .map(|p| format!("{} to move", model.scenario.parties[p].name))
                .unwrap_or_else(|| "the talks are over".into())
        );
        egui::CentralPanel::default().show(&mut root, |ui| {
            if projector(ui, &roster_data, &model, &status) == Some(PublicIntent::Back) {
                screen.projector = false;
            }
        });
        return Ok(());
    }
    let mut intents = Vec::new();
    let mut roster_intent = None;
    let mut open_debrief = false;
    let mut slips = false;
    egui::Panel::top("class-status").show(&mut root, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong(&model.scenario.meta.title);
            ui.separator();
            ui.label(format!("Round {} of {}", game.round(), game.deadline()));
            ui.separator();
            ui.label(
                game.to_move()
                    .map(|p| format!("{} to move", model.scenario.parties[p].name))
                    .unwrap_or_else(|| "The talks are over".into()),
            );
            ui.separator();
            link_label(ui, &seat.status, &address);
        });
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Projector view")
                .on_hover_text(
                    "Only the address, the observers' code and the public view: no seat's code",
                )
                .clicked()
            {
                screen.projector = true;
            }
            if ui
                .button("Print slips")
                .on_hover_text(
                    "A page with each seat's code, link and QR code, to print and hand out",
                )
                .clicked()
            {
                slips = true;
            }
            if released {
                ui.label(egui::RichText::new("Debrief released").weak());
            } else if ui
                .button("Release the debrief")
                .on_hover_text("Every team then sees everything: every brief, value and rationale")
                .clicked()
            {
                sends.write(ClassCommand(ClientMessage::ReleaseDebrief));
            }
            if game.is_over() && ui.button("Open the debrief here").clicked() {
                open_debrief = true;
            }
            let stop = if host.is_some() {
                "Stop the class"
            } else {
                "Leave"
            };
            if ui.button(stop).clicked() {
                leaves.write(LeaveClass);
            }
            if let Some(h) = &host
                && let Some(save) = &h.save
            {
                ui.label(
                    egui::RichText::new(format!("Saved after every move to {}", save.display()))
                        .weak(),
                );
            }
        });
        if let Some(n) = &screen.notice {
            ui.label(egui::RichText::new(n).weak());
        }
        if let Some(r) = &seat.refusal {
            ui.label(egui::RichText::new(r).color(egui::Color32::LIGHT_RED));
        }
    });
    egui::Panel::right("class-facilitator")
        .default_size(360.0)
        .resizable(true)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                facilitator_moves(ui, &model, game, &mut screen.form, &mut intents);
            });
        });
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.label("Students join at");
            ui.label(
                egui::RichText::new(&address)
                    .size(22.0)
                    .strong()
                    .monospace(),
            );
        });
        ui.add_space(6.0);
        roster_intent = roster(ui, &roster_data);
        ui.separator();
        ui.strong("At the table");
        let narrator = Narrator::new(&model);
        egui::ScrollArea::vertical()
            .id_salt("class-transcript")
            .stick_to_bottom(true)
            .show(ui, |ui| {
                for e in game.transcript().iter().rev().take(60).rev() {
                    ui.label(narrator.text(&e.entry(&model)));
                }
            });
    });
    for intent in intents {
        if let FacilitatorIntent::Move(m) = intent {
            sends.write(ClassCommand(ClientMessage::Facilitate {
                facilitator_move: m,
            }));
        }
    }
    match roster_intent {
        Some(RosterIntent::Rotate(role)) => {
            sends.write(ClassCommand(ClientMessage::RotateCode { role }));
        }
        Some(RosterIntent::Remove(connection)) => {
            sends.write(ClassCommand(ClientMessage::Remove { connection }));
        }
        None => {}
    }
    if slips {
        screen.notice = Some(match write_slips(&saves, &model, view, &address, &host) {
            Ok(path) => {
                ctx.open_url(egui::OpenUrl::new_tab(format!("file://{}", path.display())));
                format!(
                    "Slips written to {} (opened in the browser to print)",
                    path.display()
                )
            }
            Err(e) => format!("Slips not written: {e}"),
        });
    }
    if open_debrief {
        match crate::game::session::Session::from_record(&view.record) {
            Ok(session) => {
                commands.insert_resource(session);
                next.set(Screen::Debrief);
            }
            Err(e) => screen.notice = Some(format!("the debrief does not open: {e}")),
        }
    }
    Ok(())
}

/// The page of slips, next to the saves (never served by the host).
fn write_slips(
    saves: &crate::game::session::SavesDir,
    model: &crate::sim::Model,
    view: &crate::net::wire::FacilitatorView,
    address: &str,
    host: &Option<Res<ClassHost>>,
) -> Result<std::path::PathBuf, String> {
    let dir = saves.0.clone().ok_or("no data folder to write into")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let http = match host {
        Some(h) => h.hosted.announcement.http.clone(),
        None => format!("http://{address}/"),
    };
    let announcement = crate::net::host::Announcement {
        address: format!("ws://{address}/ws"),
        http,
        seats: view.codes.seats.clone(),
        observer: view.codes.observer.clone(),
        facilitator: String::new(),
        scenario: model.scenario.meta.id.clone(),
    };
    let seats: Vec<(String, String)> = model
        .scenario
        .parties
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let slips = crate::net::slips::slips(&announcement, &seats);
    let page = crate::net::slips::page(&model.scenario.meta.title, address, &slips);
    let path = dir.join(format!("class-slips-{}.html", model.scenario.meta.id));
    std::fs::write(&path, page).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}
