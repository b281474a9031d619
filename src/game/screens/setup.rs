//! The setup screen: who plays each party, the seed, the deadline, the facilitator's PIN
//! and timer. Its form lives while the screen is open.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::super::session::{SetupChoice, StartGame};
use super::super::ui::setup::{SetupForm, SetupIntent, setup};
use super::root_ui;
use crate::game::Catalogue;
use crate::game::Screen;

/// The setup screen's form, while the screen is open.
#[derive(Resource)]
pub struct SetupScreen(pub SetupForm);

pub fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Setup),
        |mut commands: Commands, catalogue: Res<Catalogue>| {
            let model = &catalogue.scenarios[catalogue.chosen].1;
            commands.insert_resource(SetupScreen(SetupForm::new(model, rand_seed())));
        },
    )
    .add_systems(OnExit(Screen::Setup), |mut commands: Commands| {
        commands.remove_resource::<SetupScreen>()
    })
    .add_systems(
        EguiPrimaryContextPass,
        setup_screen.run_if(in_state(Screen::Setup).and_then(resource_exists::<SetupScreen>)),
    );
}

fn setup_screen(
    mut contexts: EguiContexts,
    mut catalogue: ResMut<Catalogue>,
    mut screen: ResMut<SetupScreen>,
    mut next: ResMut<NextState<Screen>>,
    mut start: MessageWriter<StartGame>,
) -> Result {
    let model = catalogue.scenarios[catalogue.chosen].1.clone();
    if catalogue.is_changed() && !catalogue.is_added() {
        // A scenario file was reloaded: set up the game afresh.
        screen.0 = SetupForm::new(&model, rand_seed());
    }
    let titles = catalogue.titles();
    let chosen = catalogue.chosen;
    let form = &mut screen.0;
    let ctx = contexts.ctx_mut()?;
    let intent = egui::CentralPanel::default()
        .show(&mut root_ui(ctx), |ui| {
            setup(ui, &titles, chosen, &model, form)
        })
        .inner;
    match intent {
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
        // The form is set up afresh for it in the next frame (the catalogue changed).
        Some(SetupIntent::Choose(k)) if k < catalogue.scenarios.len() => catalogue.chosen = k,
        Some(SetupIntent::Choose(_)) | None => {}
    }
    Ok(())
}

/// A seed for a new game: random, shown on the setup screen so the game can be replayed.
pub(super) fn rand_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos % 1_000_000
}
