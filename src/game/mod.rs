//! The Bevy app. It turns input into core actions and core events into pictures, and holds
//! no rule of its own. For now it opens the window on the scenario's title; the game
//! screens (title, setup, briefing, table, debrief) arrive with the game issue.

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::WindowResolution;

use crate::cli::{PlayArgs, load_scenario};

/// The bundled font (DejaVu Sans): covers Latin Extended and Cyrillic, unlike Bevy's
/// default font. Embedded so that a bare binary finds it.
const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Frames to wait before a requested screenshot: the first frames can be black while
/// shaders compile on a software renderer.
const SCREENSHOT_AFTER_FRAMES: u32 = 30;

#[derive(Resource, Clone)]
struct ScenarioTitle {
    title: String,
    date: String,
    summary: String,
    parties: Vec<(String, String, Color)>,
}

#[derive(Resource)]
struct ScreenshotRequest {
    path: PathBuf,
    frames: u32,
    taken: bool,
}

#[derive(Resource)]
struct Fonts {
    regular: Handle<Font>,
    bold: Handle<Font>,
}

/// Starts the game window; returns when it closes.
pub fn run(args: PlayArgs) -> ExitCode {
    let loaded = match load_scenario(&args.scenario) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let s = &loaded.model.scenario;
    let info = ScenarioTitle {
        title: s.meta.title.clone(),
        date: s.meta.date.clone(),
        summary: s.meta.summary.clone(),
        parties: s
            .parties
            .iter()
            .map(|p| (p.label.clone(), p.name.clone(), parse_colour(&p.colour)))
            .collect(),
    };
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: format!("Accord — {}", info.title),
            resolution: WindowResolution::from((1280u32, 720u32)),
            ..default()
        }),
        ..default()
    }))
    .insert_resource(ClearColor(Color::srgb(0.10, 0.12, 0.16)))
    .insert_resource(info)
    .add_systems(Startup, setup);
    if let Some(path) = args.screenshot {
        app.insert_resource(ScreenshotRequest {
            path,
            frames: 0,
            taken: false,
        })
        .add_systems(Update, screenshot_then_exit);
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(_) => ExitCode::FAILURE,
    }
}

/// `#RRGGBB` to a colour; the validator has already checked the form.
fn parse_colour(hex: &str) -> Color {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(128)
    };
    Color::srgb_u8(byte(1), byte(3), byte(5))
}

fn setup(mut commands: Commands, mut fonts: ResMut<Assets<Font>>, info: Res<ScenarioTitle>) {
    let f = Fonts {
        regular: fonts.add(Font::from_bytes(FONT_REGULAR.to_vec())),
        bold: fonts.add(Font::from_bytes(FONT_BOLD.to_vec())),
    };
    commands.spawn(Camera2d);
    let text = |font: &Handle<Font>, size: f32| TextFont {
        font: font.clone().into(),
        font_size: FontSize::Px(size),
        ..default()
    };
    commands
        .spawn(Node {
            width: percent(100),
            height: percent(100),
            flex_direction: FlexDirection::Column,
            align_items: AlignItems::Center,
            justify_content: JustifyContent::Center,
            row_gap: px(16),
            padding: UiRect::all(px(48)),
            ..default()
        })
        .with_children(|root| {
            root.spawn((
                Text::new("ACCORD"),
                text(&f.bold, 22.0),
                TextColor(Color::srgb(0.7, 0.75, 0.85)),
            ));
            root.spawn((
                Text::new(info.title.clone()),
                text(&f.bold, 44.0),
                TextColor(Color::WHITE),
            ));
            root.spawn((
                Text::new(info.date.clone()),
                text(&f.regular, 22.0),
                TextColor(Color::srgb(0.8, 0.8, 0.8)),
            ));
            root.spawn((
                Text::new(info.summary.clone()),
                text(&f.regular, 18.0),
                TextColor(Color::srgb(0.85, 0.85, 0.85)),
                TextLayout::justify(Justify::Center),
                Node {
                    max_width: px(1000),
                    ..default()
                },
            ));
            root.spawn(Node {
                flex_direction: FlexDirection::Row,
                flex_wrap: FlexWrap::Wrap,
                justify_content: JustifyContent::Center,
                column_gap: px(24),
                row_gap: px(8),
                margin: UiRect::top(px(24)),
                ..default()
            })
            .with_children(|row| {
                for (label, name, colour) in &info.parties {
                    row.spawn((
                        Text::new(format!("{label} · {name}")),
                        text(&f.regular, 18.0),
                        TextColor(*colour),
                    ));
                }
            });
        });
    commands.insert_resource(f);
}

fn screenshot_then_exit(
    mut commands: Commands,
    mut request: ResMut<ScreenshotRequest>,
    mut exit: MessageWriter<AppExit>,
) {
    request.frames += 1;
    if !request.taken && request.frames >= SCREENSHOT_AFTER_FRAMES {
        request.taken = true;
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(request.path.clone()));
    }
    // Leave the renderer time to read the image back and the observer to write it.
    if request.taken && request.frames >= SCREENSHOT_AFTER_FRAMES + 30 && request.path.exists() {
        exit.write(AppExit::Success);
    }
    if request.frames > SCREENSHOT_AFTER_FRAMES + 600 {
        error!(
            "the screenshot was not written to {}",
            request.path.display()
        );
        exit.write(AppExit::error());
    }
}
