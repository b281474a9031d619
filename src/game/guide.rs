//! The guided first game, in the app: [`StartGuide`] (from the title) starts the short
//! case with the player in its first delegation and the guide at step 1; every frame the
//! guide reads what the player has done (`ui::guide::Facts`, from the player's own view)
//! and moves on when the step is done; its window is drawn over every screen. Leaving
//! for the title ends it. No rule here: the guide watches and explains.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::redraw::RedrawMessage;
use super::screens::TableScreen;
use super::session::{Session, SetupChoice, StartGame};
use super::ui::guide::{
    Facts, GUIDE_SCENARIO, GUIDE_SEED, Guide, GuideIntent, Place, Step, guide_window,
};
use super::{Catalogue, GameSystems, Screen};
use crate::sim::Model;
use crate::sim::ai::SeatControl;

/// Start the guided first game.
#[derive(Message, Debug, Clone, Copy)]
pub struct StartGuide;

/// The guide of the game in progress, with what it last saw of the player's doings.
#[derive(Resource, Debug, Clone, Default)]
pub struct ActiveGuide {
    pub guide: Guide,
    pub facts: Facts,
    /// What the facts were read from: the transcript's length, the screen, the choices.
    seen: Option<(usize, Screen, usize)>,
}

impl ActiveGuide {
    /// The player has read the answer ("Next").
    pub fn next(&mut self) {
        self.guide.read_reply = true;
        let facts = self.facts.clone();
        self.guide.follow(&facts);
    }
}

/// The guide's logic: headless tests add it with the core.
pub fn plugin(app: &mut App) {
    app.add_redrawing_message::<StartGuide>()
        .add_systems(Update, start_guide.in_set(GameSystems::Input))
        .add_systems(
            Update,
            follow_guide
                .run_if(resource_exists::<ActiveGuide>.and_then(resource_exists::<Session>))
                .after(GameSystems::Saving),
        )
        .add_systems(OnEnter(Screen::Title), |mut commands: Commands| {
            commands.remove_resource::<ActiveGuide>();
        });
}

/// The guide's window: the game adds it with its screens.
pub fn window_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        guide_screen.run_if(resource_exists::<ActiveGuide>),
    );
}

/// The short case of the guided game: the catalogue's (a modder's edit included), or the
/// built-in one.
fn guide_model(catalogue: Option<&Catalogue>) -> Option<Arc<Model>> {
    catalogue
        .and_then(|c| {
            c.scenarios
                .iter()
                .find(|(_, m)| m.scenario.meta.id == GUIDE_SCENARIO)
                .map(|(_, m)| m.clone())
        })
        .or_else(|| {
            crate::sim::load::load_built_in(GUIDE_SCENARIO)
                .and_then(Result::ok)
                .map(|l| Arc::new(l.model))
        })
}

fn start_guide(
    mut commands: Commands,
    mut starts: MessageReader<StartGuide>,
    catalogue: Option<Res<Catalogue>>,
    mut games: MessageWriter<StartGame>,
) {
    if starts.read().last().is_none() {
        return;
    }
    let Some(model) = guide_model(catalogue.as_deref()) else {
        return;
    };
    let controls = SeatControl::one_human(
        model.scenario.parties.len(),
        model.delegations.first().copied(),
    );
    games.write(StartGame(SetupChoice {
        model,
        controls,
        seed: GUIDE_SEED,
        deadline: None,
        facilitator: Default::default(),
    }));
    commands.insert_resource(ActiveGuide::default());
}

fn follow_guide(
    mut active: ResMut<ActiveGuide>,
    session: Res<Session>,
    state: Res<State<Screen>>,
    table: Option<Res<TableScreen>>,
) {
    let screen = *state.get();
    let chosen = table.as_ref().map_or(0, |t| {
        t.form.proposal.iter().filter(|o| o.is_some()).count()
    });
    let key = (session.game().transcript().len(), screen, chosen);
    if active.seen == Some(key) {
        return;
    }
    let place = match screen {
        Screen::Briefing => Place::Briefing,
        Screen::Table => Place::Table,
        Screen::Debrief => Place::Debrief,
        _ => Place::Elsewhere,
    };
    let view = session.game().view(session.viewer());
    let facts = Facts::of(&session.model, &view, place, chosen);
    let ActiveGuide {
        guide,
        facts: f,
        seen,
    } = &mut *active;
    guide.follow(&facts);
    *f = facts;
    *seen = Some(key);
}

fn guide_screen(
    mut commands: Commands,
    mut contexts: EguiContexts,
    mut active: ResMut<ActiveGuide>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    match guide_window(ctx, &active.guide, &active.facts) {
        Some(GuideIntent::Next) => active.next(),
        Some(GuideIntent::Finish) => {
            active.guide.step = Step::Done;
            next.set(Screen::Title);
        }
        Some(GuideIntent::Leave) => commands.remove_resource::<ActiveGuide>(),
        None => {}
    }
    Ok(())
}
