//! Player settings — UI scale, AI pacing, window size — kept in the user's config folder
//! (`settings.ron`), applied to egui and the pacing of AI moves.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use serde::{Deserialize, Serialize};

use super::session::Pacing;

#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// egui zoom: 1.0 is normal; larger for projectors.
    pub ui_scale: f32,
    /// Seconds between two AI moves.
    pub seconds_per_move: f32,
    /// Window size at start, in logical pixels.
    pub window_width: u32,
    pub window_height: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ui_scale: 1.0,
            seconds_per_move: 0.8,
            window_width: 1280,
            window_height: 720,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
use crate::paths::project_dirs as dirs;

/// The browser's local storage key of the settings.
#[cfg(target_arch = "wasm32")]
const STORAGE_KEY: &str = "accord.settings";

impl Settings {
    #[cfg(not(target_arch = "wasm32"))]
    fn path() -> Option<std::path::PathBuf> {
        dirs().map(|d| d.config_dir().join("settings.ron"))
    }

    /// The saved settings, or the defaults when there are none or they do not parse.
    pub fn load() -> Settings {
        Settings::read()
            .and_then(|text| ron::from_str::<Settings>(&text).ok())
            .map(Settings::sanitised)
            .unwrap_or_default()
    }

    fn sanitised(mut self) -> Settings {
        self.ui_scale = if self.ui_scale.is_finite() {
            self.ui_scale.clamp(0.6, 2.5)
        } else {
            1.0
        };
        self.seconds_per_move = if self.seconds_per_move.is_finite() {
            self.seconds_per_move.clamp(0.0, 5.0)
        } else {
            0.8
        };
        self.window_width = self.window_width.clamp(800, 7680);
        self.window_height = self.window_height.clamp(600, 4320);
        self
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn read() -> Option<String> {
        Settings::path().and_then(|p| std::fs::read_to_string(p).ok())
    }

    /// In the browser, the settings live in the page's local storage.
    #[cfg(target_arch = "wasm32")]
    fn read() -> Option<String> {
        let storage = web_sys::window()?.local_storage().ok()??;
        storage.get_item(STORAGE_KEY).ok()?
    }

    /// Writes the settings; a failure is reported, never fatal.
    pub fn save(&self) -> Result<(), String> {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| e.to_string())?;
        #[cfg(target_arch = "wasm32")]
        {
            let storage = web_sys::window()
                .and_then(|w| w.local_storage().ok().flatten())
                .ok_or("this browser keeps no local storage for the page")?;
            storage
                .set_item(STORAGE_KEY, &text)
                .map_err(|_| "the browser refused to keep the settings".to_string())
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let path = Settings::path().ok_or("no config folder on this system")?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, text).map_err(|e| e.to_string())
        }
    }

    pub fn window_size(&self) -> (u32, u32) {
        (self.window_width, self.window_height)
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, apply_scale)
        .add_systems(Update, apply_pacing);
}

fn apply_scale(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    mut applied: Local<Option<f32>>,
) -> Result {
    if *applied != Some(settings.ui_scale) {
        contexts.ctx_mut()?.set_zoom_factor(settings.ui_scale);
        *applied = Some(settings.ui_scale);
    }
    Ok(())
}

fn apply_pacing(settings: Res<Settings>, mut pacing: ResMut<Pacing>) {
    if settings.is_changed() {
        pacing.seconds_per_move = settings.seconds_per_move;
    }
}
