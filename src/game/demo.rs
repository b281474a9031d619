//! `accord play --demo [--screenshots DIR]`: an AI-vs-AI game in the real window at high
//! speed, through every screen — title, setup, briefing, the table mid-game, the debrief —
//! saving a PNG of each into DIR, then quitting with status 0. Also `--screenshot PATH`:
//! one picture of the first screen.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use crate::sim::Action;
use crate::sim::ai::SeatControl;
use crate::sim::scenario::PartyKind;

use super::session::{Pacing, Session, SetupChoice, StartGame};
use super::{Catalogue, Screen};

/// Frames to wait on a screen before its picture: the first frames can be black while
/// shaders compile on a software renderer, and egui needs a frame to lay out.
const SETTLE_FRAMES: u32 = 30;
/// Frames to wait for a screenshot to reach the disk before giving up.
const GIVE_UP_FRAMES: u32 = 900;

pub struct DemoPlugin {
    pub seed: u64,
    pub dir: Option<PathBuf>,
}

#[derive(Resource)]
struct Demo {
    seed: u64,
    dir: Option<PathBuf>,
    step: usize,
    frames: u32,
    pending: Option<PathBuf>,
    /// Frame times on the table screen, in seconds, and the resident memory seen there.
    table_frames: Vec<f32>,
    resident_kib: u64,
    first_frame_reported: bool,
}

/// When the process started: the demo reports the time to its first frame.
pub static STARTED: std::sync::OnceLock<web_time::Instant> = std::sync::OnceLock::new();

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

const FACILITATOR_SHOT: &str = "4b-facilitator.png";

/// The screens, in order, and the file each picture goes to.
const STEPS: &[(Screen, &str)] = &[
    (Screen::Title, "1-title.png"),
    (Screen::Setup, "2-setup.png"),
    (Screen::Briefing, "3-briefing.png"),
    (Screen::Table, "4-table.png"),
    // The table again, with the facilitator's panel open, a round timer running and an
    // ally's move held for the facilitator.
    (Screen::Table, FACILITATOR_SHOT),
    (Screen::Debrief, "5-debrief.png"),
    // New games with a person in one third-party seat, at that seat's turn in round 3.
    (Screen::Table, ALLY_SHOT),
    (Screen::Table, MEDIATOR_SHOT),
];

const ALLY_SHOT: &str = "6-ally-seat.png";
const MEDIATOR_SHOT: &str = "7-mediator-seat.png";

/// The kind of seat a picture shows a person in, for the third-party pictures.
fn seat_shot(file: &str) -> Option<PartyKind> {
    match file {
        ALLY_SHOT => Some(PartyKind::Ally),
        MEDIATOR_SHOT => Some(PartyKind::Mediator),
        _ => None,
    }
}

impl Plugin for DemoPlugin {
    fn build(&self, app: &mut App) {
        if let Some(dir) = &self.dir
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            error!("cannot create {}: {e}", dir.display());
        }
        app.insert_resource(super::redraw::Continuous);
        app.insert_resource(Demo {
            seed: self.seed,
            dir: self.dir.clone(),
            step: 0,
            frames: 0,
            pending: None,
            table_frames: Vec::new(),
            resident_kib: 0,
            first_frame_reported: false,
        })
        .add_systems(Update, drive);
    }
}

#[allow(clippy::too_many_arguments)]
fn drive(
    mut commands: Commands,
    mut demo: ResMut<Demo>,
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    catalogue: Res<Catalogue>,
    mut session: Option<ResMut<Session>>,
    mut table_screen: Option<ResMut<super::screens::TableScreen>>,
    mut pacing: ResMut<Pacing>,
    mut start: MessageWriter<StartGame>,
    mut exit: MessageWriter<AppExit>,
    time: Res<Time>,
) {
    demo.frames += 1;
    if !demo.first_frame_reported {
        demo.first_frame_reported = true;
        if let Some(t) = STARTED.get() {
            info!(
                "demo: first frame {:.2} s after start",
                t.elapsed().as_secs_f64()
            );
        }
    }
    if *state.get() == Screen::Table {
        let dt = time.delta_secs();
        demo.table_frames.push(dt);
        demo.resident_kib = demo.resident_kib.max(resident_kib());
    }
    // Waiting for a picture to be written.
    if let Some(path) = demo.pending.clone() {
        if path.exists() {
            demo.pending = None;
            demo.step += 1;
            demo.frames = 0;
            advance(&mut demo, &mut next, &catalogue, &mut start);
        } else if demo.frames > GIVE_UP_FRAMES {
            error!("the screenshot {} was not written", path.display());
            exit.write(AppExit::error());
        }
        return;
    }
    let Some(&(screen, file)) = STEPS.get(demo.step) else {
        let mut frames = demo.table_frames.clone();
        frames.sort_by(f32::total_cmp);
        if let Some(median) = frames.get(frames.len() / 2) {
            info!(
                "demo: table screen {} frames, median frame time {:.1} ms, resident memory {} MiB",
                frames.len(),
                median * 1000.0,
                demo.resident_kib / 1024
            );
        }
        exit.write(AppExit::Success);
        return;
    };
    if let Some(kind) = seat_shot(file) {
        // The new game opens on its briefing: go to the table.
        match *state.get() {
            Screen::Briefing => {
                next.set(Screen::Table);
                return;
            }
            Screen::Table => {}
            _ => return,
        }
        pacing.seconds_per_move = 0.02;
        let Some(t) = table_screen.as_mut() else {
            return;
        };
        t.facilitator = false;
        let Some(s) = session.as_mut() else {
            return;
        };
        let Some(p) = s.human_to_move() else {
            demo.frames = 0;
            return;
        };
        if s.model.kind(p) != kind {
            return;
        }
        // The person passes until round 3, so that the table has something on it.
        if s.game().round() < 3 {
            let _ = s.apply_human(p, Action::Pass);
            s.table.run_ai();
            demo.frames = 0;
            return;
        }
        // The picture shows the seat, not the news of the day.
        t.news_seen = u32::MAX;
        if kind == PartyKind::Mediator && t.form.staff_note.is_none() {
            super::screens::ask_staff(&mut t.form, s.game(), p);
        }
    } else if *state.get() != screen {
        // The game ended before a picture of the table could be taken: skip it.
        if *state.get() == Screen::Debrief && screen == Screen::Table {
            warn!("demo: the game ended before the picture {file}");
            demo.step += 1;
            demo.frames = 0;
            return;
        }
        // On the table, the AI plays fast (the facilitator no longer holding it) until
        // the debrief.
        if *state.get() == Screen::Table {
            pacing.seconds_per_move = 0.02;
            if let Some(t) = table_screen.as_mut() {
                t.facilitator = false;
            }
            if let Some(s) = session.as_mut() {
                s.facilitator.hold_third_parties = false;
            }
        }
        return;
    }
    if file == FACILITATOR_SHOT {
        let Some(t) = table_screen.as_mut() else {
            return;
        };
        t.facilitator = true;
        pacing.seconds_per_move = 0.02;
        let Some(s) = session.as_mut() else {
            return;
        };
        s.facilitator.hold_third_parties = true;
        if !s.facilitator.timer.on() {
            s.facilitator.timer.seconds = 300;
        }
        if s.facilitator.pending.is_none() && !s.game().is_over() {
            demo.frames = 0;
            return;
        }
    }
    if screen == Screen::Table && file != FACILITATOR_SHOT && seat_shot(file).is_none() {
        pacing.seconds_per_move = 0.02;
        let mid_game = session
            .as_ref()
            .is_some_and(|s| s.game().round() >= 3 || s.game().is_over());
        if !mid_game {
            demo.frames = 0;
            return;
        }
        pacing.seconds_per_move = 10.0; // hold still for the picture
    }
    if demo.frames < SETTLE_FRAMES {
        return;
    }
    match &demo.dir {
        Some(dir) => {
            let path = dir.join(file);
            let _ = std::fs::remove_file(&path);
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path.clone()));
            demo.pending = Some(path);
            demo.frames = 0;
        }
        None => {
            demo.step += 1;
            demo.frames = 0;
            advance(&mut demo, &mut next, &catalogue, &mut start);
        }
    }
}

/// Moves the demo to its next screen.
fn advance(
    demo: &mut Demo,
    next: &mut NextState<Screen>,
    catalogue: &Catalogue,
    start: &mut MessageWriter<StartGame>,
) {
    match STEPS.get(demo.step).map(|s| s.0) {
        Some(Screen::Setup) => next.set(Screen::Setup),
        // The demo's game: every seat the AI, or a person in one seat of a kind.
        Some(Screen::Briefing) => start_demo_game(demo, catalogue, start, None),
        Some(Screen::Table) if seat_shot(STEPS[demo.step].1).is_some() => {
            start_demo_game(demo, catalogue, start, seat_shot(STEPS[demo.step].1));
        }
        // (The facilitator's picture is taken on the table already open.)
        Some(Screen::Table) if STEPS[demo.step].1 != FACILITATOR_SHOT => next.set(Screen::Table),
        // The debrief opens by itself when the game ends.
        _ => {}
    }
}

/// Starts the demo's game on the chosen scenario: the AI in every seat but the first of
/// `human` kind, if any.
fn start_demo_game(
    demo: &Demo,
    catalogue: &Catalogue,
    start: &mut MessageWriter<StartGame>,
    human: Option<PartyKind>,
) {
    let model = catalogue.scenarios[catalogue.chosen].1.clone();
    let seat = (0..model.scenario.parties.len()).find(|&p| Some(model.kind(p)) == human);
    let controls = SeatControl::one_human(model.scenario.parties.len(), seat);
    start.write(StartGame(SetupChoice {
        model,
        controls,
        seed: demo.seed,
        deadline: None,
        facilitator: Default::default(),
    }));
}

/// `--screenshot PATH`: one picture of the first screen, then quit.
pub struct OneScreenshot {
    pub path: PathBuf,
    /// Taken on this screen, once it has drawn (a class seat's table, once joined); on
    /// the first screen when none.
    pub on: Option<Screen>,
}

#[derive(Resource)]
struct One {
    path: PathBuf,
    on: Option<Screen>,
    frames: u32,
    /// Frames drawn before the screen waited for was reached.
    waited: u32,
    taken: bool,
}

/// The most frames a screenshot waits for its screen (a class's host to answer).
const WAIT_FRAMES: u32 = 3_000;

impl Plugin for OneScreenshot {
    fn build(&self, app: &mut App) {
        app.insert_resource(super::redraw::Continuous);
        app.insert_resource(One {
            path: self.path.clone(),
            on: self.on,
            frames: 0,
            waited: 0,
            taken: false,
        })
        .add_systems(Update, one);
    }
}

fn one(
    mut commands: Commands,
    mut one: ResMut<One>,
    state: Res<State<Screen>>,
    mut exit: MessageWriter<AppExit>,
) {
    if one.on.is_some_and(|s| s != *state.get()) && !one.taken {
        one.waited += 1;
        one.frames = 0;
        if one.waited > WAIT_FRAMES {
            error!("the screenshot's screen ({:?}) did not open", one.on);
            exit.write(AppExit::error());
        }
        return;
    }
    one.frames += 1;
    if !one.taken && one.frames >= SETTLE_FRAMES {
        one.taken = true;
        let _ = std::fs::remove_file(&one.path);
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(one.path.clone()));
    }
    if one.taken && one.path.exists() && one.frames >= SETTLE_FRAMES + 30 {
        exit.write(AppExit::Success);
    }
    if one.frames > SETTLE_FRAMES + GIVE_UP_FRAMES {
        error!("the screenshot was not written to {}", one.path.display());
        exit.write(AppExit::error());
    }
}
