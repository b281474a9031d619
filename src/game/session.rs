//! The game in progress, as a Bevy resource, and the messages that drive it.
//!
//! Screens send [`StartGame`] and [`HumanAction`]; this plugin turns them into core calls
//! (`Table`, `Game::apply`) and lets the AI take its turns at the pace the player chose.
//! No rule lives here: the core decides what is legal and what happens. Rendering-free,
//! so headless tests drive it with `MinimalPlugins`.

use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;

use crate::sim::ai::{SeatControl, Table};
use crate::sim::record::{GameRecord, Seat};
use crate::sim::save::{self, SaveFile};
use crate::sim::{Action, ActionError, Game, Model};

use super::redraw::{Redraw, RedrawMessage};
use super::{GameSystems, Screen};
use crate::sim::classroom::{FacilitatorSetup, FacilitatorState};

/// Who plays each delegation, chosen on the setup screen.
#[derive(Debug, Clone)]
pub struct SetupChoice {
    pub model: Arc<Model>,
    /// One per party, any kind of party: human or an AI preset.
    pub controls: Vec<SeatControl>,
    pub seed: u64,
    /// Overrides the scenario's deadline when set.
    pub deadline: Option<u32>,
    /// The facilitator's PIN and round timer.
    pub facilitator: FacilitatorSetup,
}

/// Start a new game with this setup and open its briefing.
#[derive(Message, Debug, Clone)]
pub struct StartGame(pub SetupChoice);

/// A human seat's move, from the table screen.
#[derive(Message, Debug, Clone)]
pub struct HumanAction {
    pub party: usize,
    pub action: Action,
}

/// How fast the AI plays: seconds between two AI moves; `skip` plays them at once.
#[derive(Resource, Debug, Clone)]
pub struct Pacing {
    pub seconds_per_move: f32,
    pub skip: bool,
    pub elapsed: f32,
    /// The AI could move at the last frame: `elapsed` counts from then.
    pub waiting: bool,
    /// The facilitator paused the AI.
    pub paused: bool,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            seconds_per_move: 0.8,
            skip: false,
            elapsed: 0.0,
            waiting: false,
            paused: false,
        }
    }
}

/// The game being played.
#[derive(Resource)]
pub struct Session {
    pub table: Table,
    pub model: Arc<Model>,
    pub controls: Vec<SeatControl>,
    /// The last refusal of a human move, shown to the player.
    pub error: Option<String>,
    /// The last save or report written (or why it failed), shown to the player.
    pub notice: Option<String>,
    /// The round last autosaved.
    pub autosaved_round: u32,
    /// Hot-seat: the human seat whose confidential data the screen may show now. When
    /// another human seat is to move, the screen shows a privacy curtain until that seat's
    /// player says they are ready.
    pub revealed: Option<usize>,
    /// The facilitator's PIN, timer, held moves and projector.
    pub facilitator: FacilitatorState,
}

impl Session {
    pub fn new(choice: &SetupChoice) -> Session {
        let mut model = (*choice.model).clone();
        if let Some(d) = choice.deadline {
            model.scenario.rules.deadline = d.clamp(1, crate::sim::validate::MAX_DEADLINE);
        }
        let model = Arc::new(model);
        let game = Game::new(model.clone(), choice.seed);
        Session {
            table: Table::new(game, &choice.controls),
            model,
            controls: choice.controls.clone(),
            error: None,
            notice: None,
            autosaved_round: 0,
            revealed: None,
            facilitator: FacilitatorState::new(&choice.facilitator),
        }
    }

    /// A session for a saved game, the AI's memories rebuilt by replaying it.
    pub fn from_save(file: &SaveFile) -> Result<Session, String> {
        let mut session = Session::from_record(&file.record)?;
        session.facilitator = FacilitatorState::from_classroom(&file.classroom);
        Ok(session)
    }

    /// A session for a game's record (a class's, once its debrief is released), the AI's
    /// memories rebuilt by replaying it.
    pub fn from_record(record: &GameRecord) -> Result<Session, String> {
        let controls = controls_of(&record.seats, record);
        let table = Table::resume(record, &controls).map_err(|e| e.to_string())?;
        let model = table.game.model().clone();
        let notice = table.diverged_at.map(|i| {
            format!(
                "Resumed; the AI no longer decides as recorded at move {}, so it goes on from the saved position without its memories of the game",
                i + 1
            )
        });
        Ok(Session {
            table,
            model,
            controls,
            error: None,
            notice,
            autosaved_round: 0,
            revealed: None,
            facilitator: FacilitatorState::from_classroom(&Default::default()),
        })
    }

    /// Who plays each seat, as a save records it.
    pub fn seats(&self) -> Vec<Seat> {
        SeatControl::recorded(&self.model, &self.controls)
    }

    pub fn save_file(&self) -> SaveFile {
        let origin = format!("scenario:{}", self.model.scenario.meta.id);
        let mut file = SaveFile::of(self.game(), &origin, self.seats());
        file.classroom = self.facilitator.classroom();
        file
    }

    /// Every party's brief when the facilitator shows them on the projector; `None`
    /// otherwise (the screen then shows only the seat's own, behind the curtain).
    pub fn projected_briefs(&self) -> Option<Vec<(String, String)>> {
        self.facilitator
            .reveal_briefs
            .then(|| crate::sim::classroom::all_briefs(&self.model))
    }

    pub fn game(&self) -> &Game {
        &self.table.game
    }

    /// The human seats, in party order.
    pub fn humans(&self) -> Vec<usize> {
        (0..self.model.scenario.parties.len())
            .filter(|&p| self.controls.get(p) == Some(&SeatControl::Human))
            .collect()
    }

    /// The human seat whose turn it is, if any.
    pub fn human_to_move(&self) -> Option<usize> {
        self.game()
            .to_move()
            .filter(|p| self.controls.get(*p) == Some(&SeatControl::Human))
    }

    /// The seat the screen shows: the human to move, else the first human, else (an
    /// all-AI game) the first delegation.
    pub fn viewer(&self) -> usize {
        self.human_to_move()
            .or_else(|| self.humans().first().copied())
            .unwrap_or_else(|| self.model.delegations[0])
    }

    /// Hot-seat: the seat the screen must be handed to before anything confidential is
    /// shown, if any. With one human seat there is never a curtain.
    pub fn curtain(&self) -> Option<usize> {
        let humans = self.humans();
        if humans.len() < 2 {
            return None;
        }
        let seat = self.viewer();
        (self.revealed != Some(seat)).then_some(seat)
    }

    /// What the screen may show: the view of the seat at the screen, or nothing while the
    /// curtain is down.
    pub fn shown(&self) -> Option<(usize, crate::sim::view::PartyView)> {
        if self.curtain().is_some() {
            return None;
        }
        let seat = self.viewer();
        Some((seat, self.game().view(seat)))
    }

    /// Whether the AI may take the turn now: an AI seat is to move and, when the
    /// facilitator holds allies' and mediators' moves, it is a delegation.
    pub fn ai_may_move(&self) -> bool {
        self.table.ai_to_move() && self.held_turn().is_none()
    }

    /// The party to move when its move must wait for the facilitator: an ally or a
    /// mediator while the facilitator holds their moves.
    pub fn held_turn(&self) -> Option<usize> {
        self.game().to_move().filter(|&p| {
            self.facilitator.hold_third_parties
                && self.model.kind(p) != crate::sim::PartyKind::Delegation
        })
    }

    pub fn apply_human(&mut self, party: usize, action: Action) -> Result<(), ActionError> {
        self.table.game.apply_index(party, action).map(|_| ())
    }
}

/// The seat controls a save records (AI with the scenario's personality where missing).
fn controls_of(seats: &[Seat], record: &GameRecord) -> Vec<SeatControl> {
    let Ok(start) = record.replay_start() else {
        return Vec::new();
    };
    SeatControl::from_recorded(start.model(), seats)
}

/// A facilitator's move (inject, news, end of the talks), from the facilitator panel.
#[derive(Message, Debug, Clone)]
pub struct Facilitate(pub crate::sim::FacilitatorMove);

fn facilitate(mut session: ResMut<Session>, mut moves: MessageReader<Facilitate>) {
    for Facilitate(m) in moves.read() {
        // A move held for the facilitator was decided before this: it is decided again
        // on the changed game.
        session.facilitator.pending = None;
        session.error = session
            .table
            .game
            .facilitate(m.clone())
            .err()
            .map(|e| format!("facilitator: {e}"));
    }
}

/// Hot-seat: the player of the seat behind the curtain is at the screen.
#[derive(Message, Debug, Clone)]
pub struct LiftCurtain;

fn lift_curtain(mut session: ResMut<Session>, mut lifts: MessageReader<LiftCurtain>) {
    if lifts.read().last().is_some() {
        session.revealed = session.curtain();
    }
}

/// Save the game in progress (to the saves folder, named after the scenario, seed and
/// round).
#[derive(Message, Debug, Clone)]
pub struct SaveGame;

/// Load a saved game and open it at the table (or the debrief if it is over).
#[derive(Message, Debug, Clone)]
pub struct LoadGame(pub std::path::PathBuf);

/// Where saves go: the user's data folder by default (`None` where the platform has
/// none); tests point it elsewhere.
#[derive(Resource, Debug, Clone)]
pub struct SavesDir(pub Option<std::path::PathBuf>);

impl Default for SavesDir {
    fn default() -> Self {
        SavesDir(crate::paths::saves_dir())
    }
}

fn write_save(session: &Session, dir: &SavesDir, name: &str) -> Result<std::path::PathBuf, String> {
    let dir = dir.0.clone().ok_or("no data folder to save into")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(name);
    save::save(&path, &session.save_file()).map_err(|e| e.to_string())?;
    Ok(path)
}

fn save_game(mut session: ResMut<Session>, mut saves: MessageReader<SaveGame>, dir: Res<SavesDir>) {
    if saves.read().last().is_none() {
        return;
    }
    let name = format!(
        "{}-seed{}-round{}.ron",
        session.model.scenario.meta.id,
        session.game().seed(),
        session.game().round()
    );
    session.notice = Some(match write_save(&session, &dir, &name) {
        Ok(path) => format!("Saved to {}", path.display()),
        Err(e) => format!("Not saved: {e}"),
    });
}

/// Saves the game to `autosave.ron` at the start of every round (atomically, so a crash
/// while saving keeps the previous autosave).
fn autosave(mut session: ResMut<Session>, dir: Res<SavesDir>) {
    let round = session.game().round();
    if round == session.autosaved_round {
        return;
    }
    session.autosaved_round = round;
    if let Err(e) = write_save(&session, &dir, "autosave.ron") {
        session.notice = Some(format!("Autosave failed: {e}"));
    }
}

fn load_game(
    mut commands: Commands,
    mut loads: MessageReader<LoadGame>,
    mut next: ResMut<NextState<Screen>>,
    mut pacing: ResMut<Pacing>,
    mut problem: ResMut<LoadProblem>,
) {
    let Some(LoadGame(path)) = loads.read().last() else {
        return;
    };
    let session = save::read(path)
        .map_err(|e| e.to_string())
        .and_then(|file| {
            Session::from_save(&file)
                .map_err(|e| format!("{}: the game does not replay: {e}", path.display()))
        });
    match session {
        Ok(mut session) => {
            session.autosaved_round = session.game().round();
            let over = session.game().is_over();
            commands.insert_resource(session);
            pacing.skip = false;
            pacing.elapsed = 0.0;
            problem.0 = None;
            next.set(if over { Screen::Debrief } else { Screen::Table });
        }
        Err(e) => problem.0 = Some(e),
    }
}

/// Why the last load failed, shown on the load screen.
#[derive(Resource, Default, Debug, Clone)]
pub struct LoadProblem(pub Option<String>);

pub fn plugin(app: &mut App) {
    app.add_redrawing_message::<StartGame>()
        .add_redrawing_message::<HumanAction>()
        .add_redrawing_message::<SaveGame>()
        .add_redrawing_message::<LoadGame>()
        .add_redrawing_message::<LiftCurtain>()
        .add_redrawing_message::<Facilitate>()
        .init_resource::<LoadProblem>()
        .init_resource::<SavesDir>()
        .init_resource::<Pacing>()
        .add_systems(
            Update,
            (
                load_game,
                start_game,
                apply_human_actions.run_if(resource_exists::<Session>),
                lift_curtain.run_if(resource_exists::<Session>),
            )
                .chain()
                .in_set(GameSystems::Input),
        )
        .add_systems(
            Update,
            facilitate
                .run_if(resource_exists::<Session>)
                .in_set(GameSystems::Facilitator),
        )
        .add_systems(
            Update,
            (play_ai, finish)
                .chain()
                .in_set(GameSystems::Ai)
                .run_if(in_state(Screen::Table).and_then(resource_exists::<Session>)),
        )
        .add_systems(
            Update,
            (
                save_game.run_if(resource_exists::<Session>),
                autosave.run_if(in_state(Screen::Table).and_then(resource_exists::<Session>)),
            )
                .chain()
                .in_set(GameSystems::Saving),
        );
}

fn start_game(
    mut commands: Commands,
    mut starts: MessageReader<StartGame>,
    mut next: ResMut<NextState<Screen>>,
    mut pacing: ResMut<Pacing>,
) {
    if let Some(StartGame(choice)) = starts.read().last() {
        commands.insert_resource(Session::new(choice));
        pacing.skip = false;
        pacing.elapsed = 0.0;
        next.set(Screen::Briefing);
    }
}

fn apply_human_actions(mut session: ResMut<Session>, mut actions: MessageReader<HumanAction>) {
    for HumanAction { party, action } in actions.read() {
        session.error = session
            .apply_human(*party, action.clone())
            .err()
            .map(|e| e.to_string());
    }
}

/// One AI move every `seconds_per_move`, counted from when the AI could first move, or
/// all of them until a human is to move when the player skips ahead. Asks for the frame
/// of the next move, since the window sleeps between frames.
fn play_ai(
    mut session: ResMut<Session>,
    mut pacing: ResMut<Pacing>,
    time: Res<Time>,
    mut redraw: ResMut<Redraw>,
) {
    if !session.ai_may_move() || pacing.paused {
        // Space pressed while the AI could not move is not kept for later.
        pacing.skip = false;
        pacing.waiting = false;
        pacing.elapsed = 0.0;
        return;
    }
    if pacing.skip || pacing.seconds_per_move <= 0.0 {
        while session.ai_may_move() {
            session.table.step();
        }
        pacing.skip = false;
        return;
    }
    if pacing.waiting {
        // The time since the last frame, however long the window slept.
        pacing.elapsed += time.delta_secs();
    } else {
        // The frame the AI's turn began in counts from now, not from the frame before.
        pacing.waiting = true;
        pacing.elapsed = 0.0;
    }
    if pacing.elapsed >= pacing.seconds_per_move {
        pacing.elapsed = 0.0;
        session.table.step();
    }
    redraw.after(Duration::from_secs_f32(
        (pacing.seconds_per_move - pacing.elapsed).max(0.0),
    ));
}

fn finish(session: Res<Session>, mut next: ResMut<NextState<Screen>>) {
    if session.game().is_over() {
        next.set(Screen::Debrief);
    }
}
