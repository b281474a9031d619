//! The class screens of a student's machine: "Join a class" (the host's address, the
//! seat's code, a name) and the class seat's table, drawn as a local game's table is, from
//! the seat's mirror of the host's game.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::class::{ClassSeat, JoinClass, LeaveClass, RemoteAct};
use super::super::ui::class::{JoinForm, JoinIntent, clock_text, join_form, link_label};
use super::super::ui::table::{TableForm, TableIntent};
use super::root_ui;
use super::table::{SeatTable, ask_staff_from, seat_table};
use crate::game::Screen;
use crate::net::protocol::Role;
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
            // The browser's page without `?code=`: the student types it.
            Err(_) if t.0.code.trim().is_empty() => {}
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
    mut redraw: ResMut<crate::game::redraw::Redraw>,
    mut drawn: Local<bool>,
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
    if !*drawn {
        *drawn = true;
        table_drawn();
    }
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
    let left = seat.turn_left();
    if let Some((_, left)) = left
        && !wire.clock.paused
    {
        // The countdown shows another second.
        redraw.after(left.min(std::time::Duration::from_secs(1)));
    }
    let clock = clock_text(&model, &wire.clock, left);
    let handed = own.host_ai.is_some();
    let intents = seat_table(ctx, table, &mut forms.form, &mut forms.news_seen, |ui| {
        ui.label(match (&turn, my_turn) {
            _ if handed => "The AI plays your seat".to_string(),
            (_, true) => "Your move".to_string(),
            (Some(t), false) => format!("{t} is moving…"),
            (None, _) => "The talks are over".to_string(),
        });
        if handed {
            ui.label(
                egui::RichText::new("(your teacher handed it over; it plays your turns until your seat is given back)")
                    .weak(),
            );
        }
        if let Some(clock) = &clock {
            ui.separator();
            ui.label(egui::RichText::new(clock).color(egui::Color32::from_rgb(255, 200, 120)));
        }
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

/// Says once that a seat's table is drawn, and how long after the start it took: in the
/// browser on the page's console, from the page's load (CI waits for this line).
fn table_drawn() {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now());
        web_sys::console::log_1(&format!("accord: table drawn after {ms:.0} ms").into());
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(started) = crate::game::demo::STARTED.get() {
        info!(
            "accord: table drawn after {} ms",
            started.elapsed().as_millis()
        );
    }
}
