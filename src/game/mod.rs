//! The Bevy app. It turns input into core actions and core events into pictures, and holds
//! no rule of its own. One plugin per concern:
//!
//! - `scenarios`: scenario files as assets, through the core's loader, reloaded on save;
//! - `session`: the game in progress and the messages that drive it (no rendering);
//! - `class`: a seat of a class on another machine's host: its connection and mirror;
//! - `facilitator`: the teacher's PIN, round timer, held moves and projector;
//! - `redraw`: frames only when something changes (input, the AI's pacing, the timer, a
//!   scenario file saved), so that an idle window costs no CPU;
//! - `settings`: UI scale, pacing and window size, kept in the user's config folder;
//! - `screens`: the egui screens — title, setup, briefing, table, debrief — each drawn by
//!   functions of `&mut egui::Ui` in `ui/`;
//! - `replay`: a saved game replayed in the table view, round by round;
//! - `icon`: the window's icon;
//! - `guide`: the guided first game, its steps and its window over the screens;
//! - `demo`: `accord play --demo`, an AI-vs-AI game at speed with a screenshot per screen.

pub mod background;
pub mod class;
pub mod demo;
pub mod facilitator;
pub mod guide;
#[cfg(not(target_arch = "wasm32"))]
pub mod icon;
pub mod redraw;
pub mod replay;
pub mod scenarios;
pub mod screens;
pub mod session;
pub mod settings;
pub mod ui;

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;
use std::sync::Arc;

use bevy::prelude::*;
#[cfg(not(target_arch = "wasm32"))]
use bevy::window::WindowResolution;
use bevy_egui::EguiPlugin;

#[cfg(not(target_arch = "wasm32"))]
use crate::cli::{PlayArgs, load_scenario};
use crate::sim::Model;

/// The bundled font (DejaVu Sans): covers Latin Extended and Cyrillic, unlike the
/// default fonts. Embedded so that a bare binary finds it.
pub const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The screens, as states.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    Load,
    Scenarios,
    /// What every party may know, for the projector: no brief, no value.
    PublicView,
    HowToPlay,
    Settings,
    Setup,
    Briefing,
    Table,
    Debrief,
    /// A saved game played again, round by round.
    Replay,
    /// Join a class: the host's address, a seat's code, a name.
    Join,
    /// A class's seat at the table, its game on the class's host.
    ClassTable,
    /// Host a class: the scenario, who plays each seat, the timer, the PIN.
    HostSetup,
    /// The teacher's screen of a class: the address, the codes, the roster, the
    /// facilitator's moves, the projector view.
    ClassRoom,
}

/// Scenarios the player can choose from: built-in, `scenarios/`, the user's folder.
#[derive(Resource, Clone)]
pub struct Catalogue {
    pub scenarios: Vec<(String, Arc<Model>)>,
    /// The one the next game uses.
    pub chosen: usize,
    /// Files that failed to load, with their diagnostics (file → rendered text). A file
    /// listed here that was valid before keeps its last good version in `scenarios`.
    pub problems: Vec<(String, String)>,
}

/// Starts the game window; returns when it closes.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(args: PlayArgs) -> ExitCode {
    let _ = demo::STARTED.set(web_time::Instant::now());
    let first = match load_scenario(&args.scenario) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let origin = if crate::sim::load::BUILT_IN
        .iter()
        .any(|(id, _, _)| *id == args.scenario)
    {
        format!("built-in:{}", args.scenario)
    } else {
        std::path::absolute(&args.scenario)
            .map_or_else(|_| args.scenario.clone(), |p| p.display().to_string())
    };
    let catalogue = catalogue(first.model, &origin);
    let replay = match &args.replay {
        Some(path) => match replay::Replay::open(path) {
            Ok(mut r) => {
                if let Some(round) = args.replay_round {
                    r.at = (round as usize).min(r.end());
                }
                Some(r)
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        },
        None => None,
    };
    let settings = settings::Settings::load();
    let (width, height) = args.size.unwrap_or_else(|| settings.window_size());
    let folders = scenarios::ScenarioFolders::standard();
    let mut app = App::new();
    folders.register_sources(&mut app);
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Accord".to_string(),
                    resolution: WindowResolution::from((width, height)),
                    ..default()
                }),
                ..default()
            })
            .set(AssetPlugin {
                // Scenario files are reloaded when saved (hot reload for modders).
                watch_for_changes_override: Some(true),
                meta_check: bevy::asset::AssetMetaCheck::Never,
                ..default()
            }),
    )
    .add_plugins(scenarios::ScenarioAssetsPlugin { folders })
    .add_plugins(EguiPlugin::default())
    .insert_resource(ClearColor(Color::srgb(0.10, 0.12, 0.16)))
    .insert_resource(catalogue)
    .insert_resource(settings)
    .add_plugins(GamePlugin)
    .add_plugins(redraw::WindowRedrawPlugin)
    .add_systems(Startup, |mut commands: Commands| {
        commands.spawn(Camera2d);
    });
    if let Some(r) = replay {
        app.insert_resource(r)
            .add_systems(Startup, |mut next: ResMut<NextState<Screen>>| {
                next.set(Screen::Replay);
            });
    }
    if args.public_view {
        app.add_systems(Startup, |mut next: ResMut<NextState<Screen>>| {
            next.set(Screen::PublicView);
        });
    }
    if args.demo || args.screenshots.is_some() {
        app.add_plugins(demo::DemoPlugin {
            seed: args.seed.unwrap_or(1),
            dir: args.screenshots.clone(),
        });
    }
    if let Some((address, code, name)) = args.join.clone() {
        app.insert_resource(screens::class::JoinTarget(class::JoinClass {
            address,
            code,
            name,
        }))
        .add_systems(Startup, |mut next: ResMut<NextState<Screen>>| {
            next.set(Screen::Join);
        });
    }
    if let Some(path) = args.screenshot {
        let on = args.join.is_some().then_some(Screen::ClassTable);
        app.add_plugins(demo::OneScreenshot { path, on });
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(_) => ExitCode::FAILURE,
    }
}

/// The browser client: the game in the page's `<canvas id="accord">`, a class's seat
/// only. The host serves the page, so the WebSocket is on the page's own host and port;
/// the seat's code and the student's name come from the link (`/?code=CODE&name=NAME`).
/// There is no scenario, no save and no settings file here: the host keeps the game.
#[cfg(target_arch = "wasm32")]
pub fn run_web() {
    let _ = demo::STARTED.set(web_time::Instant::now());
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let query = location
        .as_ref()
        .and_then(|l| l.search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok());
    let param = |key: &str| {
        query
            .as_ref()
            .and_then(|q| q.get(key))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let target = screens::class::JoinTarget(class::JoinClass {
        address: format!("ws://{host}/ws"),
        code: param("code"),
        name: param("name"),
    });
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Accord".to_string(),
                    canvas: Some("#accord".to_string()),
                    fit_canvas_to_parent: true,
                    ..default()
                }),
                ..default()
            })
            .set(AssetPlugin {
                meta_check: bevy::asset::AssetMetaCheck::Never,
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    .insert_resource(ClearColor(Color::srgb(0.10, 0.12, 0.16)))
    .insert_resource(Catalogue {
        scenarios: Vec::new(),
        chosen: 0,
        problems: Vec::new(),
    })
    .insert_resource(settings::Settings::load())
    .insert_resource(target)
    .add_plugins(GamePlugin)
    .add_plugins(redraw::WindowRedrawPlugin)
    .add_systems(Startup, |mut commands: Commands| {
        commands.spawn(Camera2d);
    })
    .add_systems(Startup, |mut next: ResMut<NextState<Screen>>| {
        next.set(Screen::Join);
    });
    app.run();
}

/// Everything but the window and renderer: what headless tests add to `MinimalPlugins`.
pub struct CorePlugin;

/// The game's systems in `Update`, in this order every frame: what the players asked
/// for (starting, loading, human moves, the curtain), then the facilitator (settings,
/// held moves, the timer), then the AI's turns and the end of the game, then saving.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GameSystems {
    Input,
    Facilitator,
    Ai,
    Saving,
}

impl Plugin for CorePlugin {
    fn build(&self, app: &mut App) {
        app.configure_sets(
            Update,
            (
                GameSystems::Input,
                GameSystems::Facilitator,
                GameSystems::Ai,
                GameSystems::Saving,
            )
                .chain(),
        );
        app.init_state::<Screen>();
        redraw::plugin(app);
        session::plugin(app);
        facilitator::plugin(app);
        replay::plugin(app);
        guide::plugin(app);
        class::plugin(app);
    }
}

/// The whole game on top of `DefaultPlugins` and `EguiPlugin`.
pub struct GamePlugin;

impl Plugin for GamePlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(CorePlugin);
        settings::plugin(app);
        screens::plugin(app);
        guide::window_plugin(app);
        background::plugin(app);
        #[cfg(not(target_arch = "wasm32"))]
        icon::plugin(app);
    }
}

/// The chosen scenario first, then the other built-in ones; the files of `scenarios/`
/// and of the user's mods folder join as assets (`scenarios`).
#[cfg(not(target_arch = "wasm32"))]
fn catalogue(first: Model, origin: &str) -> Catalogue {
    let mut catalogue = Catalogue {
        scenarios: vec![(origin.to_string(), Arc::new(first))],
        chosen: 0,
        problems: Vec::new(),
    };
    for (id, _, _) in crate::sim::load::BUILT_IN {
        if let Some(Ok(l)) = crate::sim::load::load_built_in(id) {
            catalogue.add(format!("built-in:{id}"), Arc::new(l.model));
        }
    }
    catalogue
}

/// Parses `#RRGGBB` into an egui colour (grey if malformed; the validator checks it).
pub fn party_colour(hex: &str) -> bevy_egui::egui::Color32 {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(128)
    };
    bevy_egui::egui::Color32::from_rgb(byte(1), byte(3), byte(5))
}
