//! Work the screens hand to Bevy's task pool instead of doing it inside the egui pass: the
//! debrief's outcome space (every package, its frontier and Nash point: large for large
//! scenarios), the outcome space at each stop of a replay, and the printable report. A screen starts the work, draws a line saying it
//! is under way, and shows the result from the frame after it is ready; the window wakes
//! for it, as it does for any change.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};

use crate::sim::Game;
use crate::sim::analysis::OutcomeSpace;

use super::redraw::Redraw;
use super::replay::Replay;
use super::screens::DebriefScreen;
use super::session::Session;

/// How often the window looks again while work is under way.
const POLL: Duration = Duration::from_millis(50);

/// The work under way, at most one of each kind.
#[derive(Resource, Default)]
pub struct Background {
    space: Option<Task<Arc<OutcomeSpace>>>,
    report: Option<Task<String>>,
    /// A replay's stop and its outcome space.
    replay_space: Option<(usize, Task<Arc<OutcomeSpace>>)>,
}

impl Background {
    /// Starts computing the outcome space of this game (replacing any under way).
    pub fn outcome_space(&mut self, game: &Game) {
        let game = game.clone();
        self.space =
            Some(AsyncComputeTaskPool::get().spawn(async move { Arc::new(game.outcome_space()) }));
    }

    /// Starts writing the printable debrief of this game into `dir`; its outcome, in words,
    /// becomes the session's notice.
    pub fn report(&mut self, game: &Game, dir: Option<PathBuf>) {
        let game = game.clone();
        self.report =
            Some(AsyncComputeTaskPool::get().spawn(async move { write_report(&game, dir) }));
    }

    /// Starts computing the outcome space of a replay's stop `at`, unless that stop's is
    /// under way already (a stop left before its space arrived is replaced).
    pub fn replay_space(&mut self, at: usize, game: &Game) {
        if self.replay_space.as_ref().is_some_and(|(s, _)| *s == at) {
            return;
        }
        let game = game.clone();
        let task = AsyncComputeTaskPool::get().spawn(async move { Arc::new(game.outcome_space()) });
        self.replay_space = Some((at, task));
    }

    pub fn busy(&self) -> bool {
        self.space.is_some() || self.report.is_some() || self.replay_space.is_some()
    }
}

/// Writes a printable page (`what`: "Report", "Teaching kit") as `dir/reports/name`,
/// atomically; says where, or why not.
fn write_page(
    dir: Option<PathBuf>,
    name: &str,
    what: &str,
    html: impl FnOnce() -> String,
) -> String {
    let Some(dir) = dir.map(|d| d.join("reports")) else {
        return format!("No data folder to write the {} into.", what.to_lowercase());
    };
    let path = dir.join(name);
    let html = html();
    match std::fs::create_dir_all(&dir)
        .and_then(|_| crate::sim::save::write_atomic(&path, html.as_bytes(), || Ok(())))
    {
        Ok(()) => format!("{what} written to {}", path.display()),
        Err(e) => format!("The {} could not be written: {e}", what.to_lowercase()),
    }
}

/// Writes the scenario's teaching kit into `dir/reports`; says where, or why not.
pub fn write_kit(model: &std::sync::Arc<crate::sim::Model>, dir: Option<PathBuf>) -> String {
    let id = &model.scenario.meta.id;
    let Some(text) = crate::sim::teaching::kit(id) else {
        return "This scenario has no teaching kit.".into();
    };
    write_page(dir, &format!("teaching-{id}.html"), "Teaching kit", || {
        crate::sim::teaching::kit_html(model, text)
    })
}

/// Writes the report into `dir/reports`; says where, or why not.
pub fn write_report(game: &Game, dir: Option<PathBuf>) -> String {
    let name = format!("{}-seed{}.html", game.model().scenario.meta.id, game.seed());
    write_page(dir, &name, "Report", || {
        crate::sim::report::debrief_html(game)
    })
}

/// Collects finished work; while some is under way, asks for another frame soon.
fn collect(
    mut work: ResMut<Background>,
    mut debrief: Option<ResMut<DebriefScreen>>,
    mut session: Option<ResMut<Session>>,
    mut replay: Option<ResMut<Replay>>,
    mut redraw: ResMut<Redraw>,
) {
    if let Some((at, task)) = work.replay_space.as_mut()
        && let Some(space) = check_ready(task)
    {
        let at = *at;
        if let Some(r) = replay.as_mut() {
            r.set_space(at, space);
        }
        work.replay_space = None;
        redraw.now();
    }
    if let Some(task) = work.space.as_mut()
        && let Some(space) = check_ready(task)
    {
        // (Dropped if the debrief closed meanwhile.)
        if let Some(d) = debrief.as_mut() {
            d.space = Some(space);
        }
        work.space = None;
        redraw.now();
    }
    if let Some(task) = work.report.as_mut()
        && let Some(notice) = check_ready(task)
    {
        if let Some(s) = session.as_mut() {
            s.notice = Some(notice);
        }
        work.report = None;
        redraw.now();
    }
    if work.busy() {
        redraw.after(POLL);
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Background>()
        .add_systems(Update, collect);
}
