//! The setup screens: a new game (who plays each party, the seed, the deadline, the
//! facilitator's PIN and timer) and "Host a class" (the same, with people's seats for teams
//! on their own machines, and where the host listens). One form, one system; the form says
//! which it is. Its form lives while the screen is open.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::class::{HostClass, HostProblem};
use super::super::session::{SetupChoice, StartGame};
use super::super::ui::setup::{SetupForm, SetupIntent, setup};
use super::root_ui;
use crate::game::Catalogue;
use crate::game::Screen;
use crate::sim::Model;

/// The setup screen's form, while the screen is open.
#[derive(Resource)]
pub struct SetupScreen(pub SetupForm);

/// The form a screen opens with, for a scenario.
fn fresh(screen: Screen, model: &Model) -> SetupForm {
    if screen == Screen::HostSetup {
        SetupForm::class(model, rand_seed())
    } else {
        SetupForm::new(model, rand_seed())
    }
}

pub fn plugin(app: &mut App) {
    for screen in [Screen::Setup, Screen::HostSetup] {
        app.add_systems(
            OnEnter(screen),
            move |mut commands: Commands, catalogue: Res<Catalogue>| {
                let model = &catalogue.scenarios[catalogue.chosen].1;
                commands.insert_resource(SetupScreen(fresh(screen, model)));
            },
        )
        .add_systems(OnExit(screen), |mut commands: Commands| {
            commands.remove_resource::<SetupScreen>()
        });
    }
    app.add_systems(
        EguiPrimaryContextPass,
        setup_screen.run_if(
            in_state(Screen::Setup)
                .or_else(in_state(Screen::HostSetup))
                .and_then(resource_exists::<SetupScreen>),
        ),
    );
}

#[allow(clippy::too_many_arguments)]
fn setup_screen(
    mut contexts: EguiContexts,
    mut catalogue: ResMut<Catalogue>,
    mut screen: ResMut<SetupScreen>,
    state: Res<State<Screen>>,
    problem: Res<HostProblem>,
    mut next: ResMut<NextState<Screen>>,
    mut start: MessageWriter<StartGame>,
    mut hosts: MessageWriter<HostClass>,
) -> Result {
    let (origin, model) = catalogue.scenarios[catalogue.chosen].clone();
    if catalogue.is_changed() && !catalogue.is_added() {
        // A scenario file was reloaded, or another chosen: set up the game afresh.
        screen.0 = fresh(*state.get(), &model);
    }
    let titles = catalogue.titles();
    let chosen = catalogue.chosen;
    let form = &mut screen.0;
    let ctx = contexts.ctx_mut()?;
    let intent = egui::CentralPanel::default()
        .show(&mut root_ui(ctx), |ui| {
            let intent = setup(ui, &titles, chosen, &model, form);
            if let (Some(p), Some(_)) = (&problem.0, &form.hosting) {
                ui.label(egui::RichText::new(p).color(egui::Color32::LIGHT_RED));
            }
            intent
        })
        .inner;
    match intent {
        Some(SetupIntent::Start) => match &form.hosting {
            Some(hosting) => {
                hosts.write(HostClass {
                    model,
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
            None => {
                start.write(StartGame(SetupChoice {
                    model,
                    controls: form.controls.clone(),
                    seed: form.seed,
                    deadline: Some(form.deadline),
                    facilitator: crate::game::facilitator::FacilitatorSetup {
                        pin: Some(form.pin.trim().to_string()).filter(|p| !p.is_empty()),
                        round_seconds: form.round_seconds,
                    },
                }));
            }
        },
        Some(SetupIntent::Back) => next.set(Screen::Title),
        // The form is set up afresh for it in the next frame (the catalogue changed).
        Some(SetupIntent::Choose(k)) if k < catalogue.scenarios.len() => catalogue.chosen = k,
        Some(SetupIntent::Choose(_)) | None => {}
    }
    Ok(())
}

/// A seed for a new game: random, shown on the setup screen so the game can be replayed.
fn rand_seed() -> u64 {
    let nanos = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos % 1_000_000
}
