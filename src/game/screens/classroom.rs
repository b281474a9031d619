//! The teacher's screen of a class (the facilitator's connection to the class's host,
//! run in this process by "Host a class" or joined from another machine): the address, the
//! roster, the facilitator's moves, the transcript, the debrief, the projector view and the
//! printable slips.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::class::{ClassCommand, ClassHost, ClassSeat, LeaveClass};
use super::super::ui::class::{
    Roster, RosterIntent, link_label, projector, roster, status_text, table_control,
};
use super::super::ui::facilitator::{
    FacilitatorForm, FacilitatorIntent, facilitator_moves, pin_prompt,
};
use super::super::ui::public::PublicIntent;
use super::root_ui;
use crate::game::Screen;
use crate::net::protocol::ClientMessage;
use crate::sim::FacilitatorMove;
use crate::sim::narrate::Narrator;

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

pub fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::ClassRoom), |mut commands: Commands| {
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
    mut redraw: ResMut<crate::game::redraw::Redraw>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let screen = &mut *screen;
    if seat.pin_required {
        egui::CentralPanel::default().show(&mut root_ui(ctx), |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.25);
                ui.heading("The facilitator's PIN");
                if let Some(pin) = pin_prompt(ui, &mut screen.pin) {
                    sends.write(ClassCommand(ClientMessage::Unlock { pin }));
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
    let mut controls = Vec::new();
    let clock = seat
        .wire
        .as_ref()
        .map(|w| w.clock.clone())
        .unwrap_or_default();
    let left = seat.turn_left();
    if let Some((_, left)) = left
        && !clock.paused
    {
        // The countdown shows another second.
        redraw.after(left.min(std::time::Duration::from_secs(1)));
    }
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
                if !game.is_over() {
                    controls = table_control(ui, &model, game, &clock, &view.control, left);
                    ui.separator();
                }
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
        Some(RosterIntent::HandToAi { party, preset }) => {
            sends.write(ClassCommand(ClientMessage::Facilitate {
                facilitator_move: FacilitatorMove::HandSeat {
                    party,
                    ai: Some(preset),
                },
            }));
        }
        Some(RosterIntent::TakeBack(party)) => {
            sends.write(ClassCommand(ClientMessage::Facilitate {
                facilitator_move: FacilitatorMove::HandSeat { party, ai: None },
            }));
        }
        None => {}
    }
    for m in controls {
        sends.write(ClassCommand(m));
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
