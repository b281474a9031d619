//! `GameRecord`: scenario, seed, seats and actions — everything a game is derived from
//! (MODEL.md, "Records and determinism"). The transcript, saves and replays all come from
//! re-running the engine on a record.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::action::{Action, ActionError};
use super::diagnostic::Diagnostics;
use super::game::{Explanation, FacilitatorMove, Game};
use super::load::load_str;
use super::model::sha256_hex;

/// Version of the record format; a record of another version is refused.
pub const RECORD_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSource {
    pub id: String,
    /// Where it was loaded from (a path, or `built-in:ID`).
    pub origin: String,
    /// SHA-256 of `text`.
    pub hash: String,
    /// The full scenario text, so a record replays even if the file has changed.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Controller {
    Human,
    /// An AI, with the name of its difficulty preset or personality.
    Ai(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub party: String,
    pub controller: Controller,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedAction {
    pub party: String,
    pub action: Action,
    /// An AI's reasons, kept so that a replay shows them as they were given.
    #[serde(default)]
    pub explanation: Option<Explanation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameRecord {
    pub format_version: u32,
    pub scenario: ScenarioSource,
    pub seed: u64,
    /// The deadline the game was played with, when the setup changed the scenario's.
    #[serde(default)]
    pub deadline: Option<u32>,
    pub seats: Vec<Seat>,
    pub actions: Vec<RecordedAction>,
    /// The facilitator's moves, each with the number of actions played before it.
    #[serde(default)]
    pub facilitator: Vec<(usize, FacilitatorMove)>,
}

#[derive(Debug, Error)]
pub enum ReplayError {
    #[error("record format version {0} is not supported (this build reads {RECORD_VERSION})")]
    Version(u32),
    #[error("the scenario text does not match its recorded hash: the record is damaged")]
    HashMismatch,
    #[error("the recorded scenario no longer loads:\n{0}")]
    Scenario(Diagnostics),
    #[error("action {index} ({party}: {action}) is refused: {error}")]
    Action {
        index: usize,
        party: String,
        action: &'static str,
        error: ActionError,
    },
    #[error("facilitator move {index} ({what}, before action {at}) is refused: {error}")]
    Facilitator {
        index: usize,
        at: usize,
        what: String,
        error: ActionError,
    },
    #[error(
        "facilitator move {index} is recorded before action {at}, out of order or beyond the record's {actions} actions: the record is damaged"
    )]
    FacilitatorOrder {
        index: usize,
        at: usize,
        actions: usize,
    },
    #[error("the record has {found} {what}, more than the {limit} a game can have")]
    TooLong {
        what: &'static str,
        found: usize,
        limit: usize,
    },
}

/// The most actions a record may hold: far beyond any game (100 rounds of a few dozen
/// parties), small enough that a hostile save cannot make a replay run for hours.
pub const MAX_RECORD_ACTIONS: usize = 100_000;
/// The most facilitator moves a record may hold.
pub const MAX_RECORD_FACILITATOR_MOVES: usize = 10_000;

impl GameRecord {
    /// The record of a game so far.
    pub fn of(game: &Game, origin: &str, seats: Vec<Seat>) -> GameRecord {
        let m = game.model();
        GameRecord {
            format_version: RECORD_VERSION,
            scenario: ScenarioSource {
                id: m.scenario.meta.id.clone(),
                origin: origin.to_string(),
                hash: m.hash.clone(),
                text: m.source.clone(),
            },
            seed: game.seed(),
            deadline: Some(m.scenario.rules.deadline),
            seats,
            actions: game
                .actions()
                .into_iter()
                .map(|(p, action, explanation)| RecordedAction {
                    party: m.party_id(p).to_string(),
                    action,
                    explanation,
                })
                .collect(),
            facilitator: game.facilitator_moves().to_vec(),
        }
    }

    /// Makes the facilitator's moves recorded before action `before`, from move `next` on
    /// (advanced past them); a move the engine refuses is an error naming it.
    pub fn facilitate_before(
        &self,
        game: &mut Game,
        next: &mut usize,
        before: usize,
    ) -> Result<(), ReplayError> {
        self.facilitate_before_with(next, before, |m| game.facilitate(m).map(|_| ()))
    }

    /// As [`GameRecord::facilitate_before`], each move made by `make`.
    pub fn facilitate_before_with(
        &self,
        next: &mut usize,
        before: usize,
        mut make: impl FnMut(FacilitatorMove) -> Result<(), crate::sim::ActionError>,
    ) -> Result<(), ReplayError> {
        while let Some((at, m)) = self.facilitator.get(*next)
            && *at == before
        {
            make(m.clone()).map_err(|error| ReplayError::Facilitator {
                index: *next,
                at: *at,
                what: m.describe(),
                error,
            })?;
            *next += 1;
        }
        Ok(())
    }

    /// The game as it starts: the recorded scenario, seed and deadline, checked.
    pub fn replay_start(&self) -> Result<Game, ReplayError> {
        if self.format_version != RECORD_VERSION {
            return Err(ReplayError::Version(self.format_version));
        }
        if sha256_hex(&self.scenario.text) != self.scenario.hash {
            return Err(ReplayError::HashMismatch);
        }
        let loaded =
            load_str(&self.scenario.origin, &self.scenario.text).map_err(ReplayError::Scenario)?;
        let mut model = loaded.model;
        if let Some(d) = self.deadline {
            model.scenario.rules.deadline = d.clamp(1, super::validate::MAX_DEADLINE);
        }
        Ok(Game::new(Arc::new(model), self.seed))
    }

    /// Re-runs the game from its seed and actions.
    pub fn replay(&self) -> Result<Game, ReplayError> {
        self.replay_with(|_| {})
    }

    /// The game at every stop of a replay: as it starts, as each round ends, and as it
    /// ends (the last stop is what [`GameRecord::replay`] gives). Stepping through these
    /// is stepping through the rounds.
    pub fn replay_rounds(&self) -> Result<Vec<Game>, ReplayError> {
        let mut stops: Vec<Game> = Vec::new();
        let last = self.replay_with(|g| stops.push(g.clone()))?;
        if stops
            .last()
            .is_none_or(|s| s.transcript().len() != last.transcript().len())
        {
            stops.push(last);
        }
        Ok(stops)
    }

    /// Replays the record; `stop` sees the game as it starts and as each round ends. A
    /// move or facilitator move the engine refuses stops the replay with an error naming
    /// it: a replay never skips one.
    fn replay_with(&self, mut stop: impl FnMut(&Game)) -> Result<Game, ReplayError> {
        for (what, found, limit) in [
            ("actions", self.actions.len(), MAX_RECORD_ACTIONS),
            (
                "facilitator moves",
                self.facilitator.len(),
                MAX_RECORD_FACILITATOR_MOVES,
            ),
        ] {
            if found > limit {
                return Err(ReplayError::TooLong { what, found, limit });
            }
        }
        // Facilitator moves in the order they were made, none after the last action.
        let mut last = 0;
        for (index, (at, _)) in self.facilitator.iter().enumerate() {
            if *at < last || *at > self.actions.len() {
                return Err(ReplayError::FacilitatorOrder {
                    index,
                    at: *at,
                    actions: self.actions.len(),
                });
            }
            last = *at;
        }
        let mut game = self.replay_start()?;
        stop(&game);
        let mut next = 0;
        for (index, step) in self.actions.iter().enumerate() {
            self.facilitate_before(&mut game, &mut next, index)?;
            let party =
                game.model()
                    .party_index(&step.party)
                    .ok_or_else(|| ReplayError::Action {
                        index,
                        party: step.party.clone(),
                        action: step.action.name(),
                        error: ActionError::UnknownParty(step.party.clone()),
                    })?;
            let round = game.round();
            game.apply_explained(party, step.action.clone(), step.explanation.clone())
                .map_err(|error| ReplayError::Action {
                    index,
                    party: step.party.clone(),
                    action: step.action.name(),
                    error,
                })?;
            if game.round() != round {
                stop(&game);
            }
        }
        self.facilitate_before(&mut game, &mut next, self.actions.len())?;
        Ok(game)
    }
}
