//! Replays in the window: a saved game played again from its seed and actions, shown in
//! the table view one round at a time, forward and back, with the debrief's charts
//! following. Every stop is computed once when the replay opens
//! (`GameRecord::replay_rounds`), so stepping is instant and exact. Rendering-free; the
//! screen is drawn in `screens`.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;

use crate::sim::analysis::OutcomeSpace;
use crate::sim::save;
use crate::sim::{Game, Model};

use super::Screen;
use super::redraw::RedrawMessage;
use super::session::LoadProblem;

/// The replay being watched.
#[derive(Resource)]
pub struct Replay {
    /// What the save calls itself (scenario, seed, round).
    pub title: String,
    /// The screen "Back" returns to: the load screen, or the debrief it was opened from.
    pub back: Screen,
    /// The game as it starts, at the end of each round, and as it ends.
    pub stops: Vec<Game>,
    /// The stop shown.
    pub at: usize,
    /// The party whose view the table shows.
    pub seat: usize,
    /// The outcome space of the charts at each stop (events and injects change values
    /// and walk-away values), computed when the stop is first shown.
    spaces: Vec<Option<Arc<OutcomeSpace>>>,
}

impl Replay {
    /// Reads a save and replays it, keeping every round; a damaged or foreign save gives
    /// the save's error.
    pub fn open(path: &std::path::Path) -> Result<Replay, String> {
        let file = save::read(path).map_err(|e| e.to_string())?;
        Replay::of(&file).map_err(|e| format!("{}: the game does not replay: {e}", path.display()))
    }

    /// The replay of a game in memory (the debrief's); "Back" returns to the load screen
    /// unless `back` is changed.
    pub fn of(file: &save::SaveFile) -> Result<Replay, crate::sim::record::ReplayError> {
        let stops = file.record.replay_rounds()?;
        let spaces = vec![None; stops.len()];
        let seat = stops[0].model().delegations.first().copied().unwrap_or(0);
        Ok(Replay {
            title: format!("{} — seed {}", file.title, file.record.seed),
            back: Screen::Load,
            stops,
            at: 0,
            seat,
            spaces,
        })
    }

    pub fn game(&self) -> &Game {
        &self.stops[self.at.min(self.stops.len() - 1)]
    }

    pub fn model(&self) -> &Arc<Model> {
        self.stops[0].model()
    }

    /// The outcome space as it stood at the stop shown.
    /// The outcome space as it stood at the current stop, once worked out (on the task
    /// pool: see `background::Background::replay_space`).
    pub fn space(&self) -> Option<Arc<OutcomeSpace>> {
        self.spaces[self.at.min(self.end())].clone()
    }

    /// The stop shown now, clamped to the last.
    pub fn stop(&self) -> usize {
        self.at.min(self.end())
    }

    /// Keeps the outcome space of stop `at`, worked out elsewhere.
    pub fn set_space(&mut self, at: usize, space: Arc<OutcomeSpace>) {
        if let Some(slot) = self.spaces.get_mut(at) {
            *slot = Some(space);
        }
    }

    pub fn end(&self) -> usize {
        self.stops.len() - 1
    }

    /// Moves `by` stops (negative: back), staying within the replay.
    pub fn step(&mut self, by: isize) {
        self.at = self.at.saturating_add_signed(by).min(self.end());
    }

    /// Where the replay stands, in words: "Start", "End of round 3", "Final".
    pub fn stop_name(&self) -> String {
        if self.at == 0 {
            return "Before the first move".into();
        }
        let game = self.game();
        if self.at == self.end() && game.is_over() {
            return format!("The end (round {})", game.round());
        }
        let previous = &self.stops[self.at - 1];
        if self.at == self.end() && game.round() == previous.round() {
            // Saved during a round: the last stop is that round, unfinished.
            return format!("Round {}, as saved", game.round());
        }
        format!("End of round {}", game.round().saturating_sub(1).max(1))
    }
}

/// Open this save as a replay.
#[derive(Message, Debug, Clone)]
pub struct OpenReplay(pub PathBuf);

fn open_replay(
    mut commands: Commands,
    mut opens: MessageReader<OpenReplay>,
    mut next: ResMut<NextState<Screen>>,
    mut problem: ResMut<LoadProblem>,
) {
    let Some(OpenReplay(path)) = opens.read().last() else {
        return;
    };
    match Replay::open(path) {
        Ok(replay) => {
            commands.insert_resource(replay);
            problem.0 = None;
            next.set(Screen::Replay);
        }
        Err(e) => {
            problem.0 = Some(e);
            next.set(Screen::Load);
        }
    }
}

pub fn plugin(app: &mut App) {
    app.add_redrawing_message::<OpenReplay>()
        .add_systems(Update, open_replay);
}
