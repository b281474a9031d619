//! Scenario files as Bevy assets. A small asset loader hands each file to the core's own
//! loader and validator (no second RON parser); Bevy's file watcher reloads a file when it
//! is saved. A valid edit replaces the scenario in the catalogue (the menus and a game not
//! yet started use it at once); an invalid one keeps the last good version and shows the
//! diagnostics in the game. Files live in `scenarios/` and in the user's mods folder,
//! each registered as an asset source before `AssetPlugin` is built.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use web_time::Instant;

#[cfg(not(target_arch = "wasm32"))]
use bevy::asset::io::{AssetSource, AssetSourceBuilder, AssetSourceEvent, AssetWatcher};
use bevy::asset::io::{AssetSourceId, Reader};
use bevy::asset::{AssetLoader, LoadContext};
use bevy::prelude::*;

use super::Catalogue;
use super::redraw::{Alarm, Redraw};
use crate::sim::Model;
use crate::sim::load::load_str;
use crate::sim::render::render;

/// One scenario file as the core read it: the model, or the diagnostics that kept it out.
#[derive(Asset, TypePath, Debug, Clone)]
pub struct ScenarioAsset {
    /// Where the file lies, as players see it (`scenarios/name.ron`).
    pub origin: String,
    pub outcome: Result<Arc<Model>, String>,
}

/// The asset loader: reads the bytes and calls `sim::load::load_str`. It never fails,
/// so that a broken edit still reaches the game as diagnostics.
#[derive(TypePath)]
pub struct ScenarioLoader {
    /// Asset source name → the folder it reads, to name files as players know them.
    folders: Vec<(String, PathBuf)>,
    /// Wakes the window when a file has been read, and says when.
    loaded: LoadWake,
}

/// The window sleeps between frames: a file read on another thread wakes it, and for a
/// moment after that it keeps drawing, until the asset server has handed the result over
/// (which it does a little after the loader returns).
#[derive(Resource, Clone)]
struct LoadWake {
    alarm: Alarm,
    last: Arc<Mutex<Option<Instant>>>,
}

/// How long frames keep coming after a file was read.
const AFTER_LOAD: Duration = Duration::from_secs(1);

impl LoadWake {
    fn loaded(&self) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        self.alarm.wake();
    }
}

fn frames_after_loads(wake: Res<LoadWake>, mut redraw: ResMut<Redraw>) {
    let last = *wake.last.lock().unwrap_or_else(PoisonError::into_inner);
    if last.is_some_and(|t| t.elapsed() < AFTER_LOAD) {
        redraw.after(Duration::from_millis(50));
    }
}

impl AssetLoader for ScenarioLoader {
    type Asset = ScenarioAsset;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<ScenarioAsset, std::io::Error> {
        let path = load_context.path();
        let source = match path.source() {
            AssetSourceId::Name(name) => name.to_string(),
            AssetSourceId::Default => String::new(),
        };
        let origin = self
            .folders
            .iter()
            .find(|(name, _)| *name == source)
            .map_or_else(
                || path.path().to_path_buf(),
                |(_, dir)| dir.join(path.path()),
            )
            .display()
            .to_string();
        let outcome = match read_limited(reader).await {
            Err(e) => Err(format!("{origin}: error: {e}\n")),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => Err(format!("{origin}: error: the file is not UTF-8 text\n")),
                Ok(text) => {
                    // Parsing and validating is CPU work: on the compute pool, never on
                    // the window's thread (nor holding up the reading of other files).
                    let origin = origin.clone();
                    bevy::tasks::AsyncComputeTaskPool::get()
                        .spawn(async move {
                            load_str(&origin, &text)
                                .map(|l| Arc::new(l.model))
                                .map_err(|d| render(&d.0, &origin, &text, false))
                        })
                        .await
                }
            },
        };
        self.loaded.loaded();
        Ok(ScenarioAsset { origin, outcome })
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

/// Reads a file, up to the core's size limit: a bigger one is refused unread.
async fn read_limited(reader: &mut dyn Reader) -> Result<Vec<u8>, String> {
    use bevy::tasks::futures_lite::AsyncReadExt;
    let limit = crate::sim::load::MAX_SOURCE_BYTES;
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader
            .read(&mut chunk)
            .await
            .map_err(|e| format!("cannot read the file: {e}"))?;
        if n == 0 {
            return Ok(bytes);
        }
        if bytes.len() + n > limit {
            return Err(format!(
                "the file is larger than the {limit} bytes a scenario may have"
            ));
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// The folders scenario files are read from, as (asset source name, folder).
#[derive(Resource, Clone, Debug)]
pub struct ScenarioFolders(pub Vec<(String, PathBuf)>);

impl ScenarioFolders {
    /// The folders of `paths::scenario_folders` (`scenarios/`, then the user's mods
    /// folder, created if missing so that it can be watched), as absolute paths named
    /// `scenarios` and `mods`.
    pub fn standard() -> ScenarioFolders {
        if let Some(dir) = crate::paths::user_scenarios_dir() {
            let _ = std::fs::create_dir_all(dir);
        }
        ScenarioFolders(
            ["scenarios", "mods"]
                .into_iter()
                .zip(crate::paths::scenario_folders())
                .filter_map(|(name, dir)| Some((name.to_string(), std::path::absolute(dir).ok()?)))
                .filter(|(_, dir)| dir.is_dir())
                .collect(),
        )
    }

    /// Registers one asset source per folder. Must run before `AssetPlugin` is added.
    /// Each source's file watcher also wakes the window when a file changes.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn register_sources(&self, app: &mut App) {
        let alarm = app.world_mut().get_resource_or_init::<Alarm>().clone();
        for (name, dir) in &self.0 {
            let path = dir.display().to_string();
            let mut watcher = AssetSource::get_default_watcher(path.clone(), WATCH_DEBOUNCE);
            let alarm = alarm.clone();
            app.register_asset_source(
                name.clone(),
                AssetSourceBuilder::platform_default(&path, None).with_watcher(move |sender| {
                    waking_watcher(&mut watcher, sender, alarm.clone())
                }),
            );
        }
    }
}

/// How long the file watcher waits for a file to settle after a change (Bevy's default).
#[cfg(not(target_arch = "wasm32"))]
const WATCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// Bevy's file watcher for a folder, with a thread between it and the asset server that
/// wakes the window for each change it passes on. The thread ends with the watcher.
#[cfg(not(target_arch = "wasm32"))]
fn waking_watcher(
    watcher: &mut impl FnMut(async_channel::Sender<AssetSourceEvent>) -> Option<Box<dyn AssetWatcher>>,
    to_server: async_channel::Sender<AssetSourceEvent>,
    alarm: Alarm,
) -> Option<Box<dyn AssetWatcher>> {
    let (sender, receiver) = async_channel::unbounded();
    let inner = watcher(sender)?;
    let spawned = std::thread::Builder::new()
        .name("accord-watch".into())
        .spawn(move || {
            while let Ok(event) = receiver.recv_blocking() {
                if to_server.send_blocking(event).is_err() {
                    break;
                }
                alarm.wake();
            }
        });
    match spawned {
        Ok(_) => Some(inner),
        Err(e) => {
            error!("cannot watch scenario files: {e}");
            None
        }
    }
}

/// Loads every scenario file of the folders as assets and keeps the catalogue in step
/// with them. Needs the asset sources registered (`ScenarioFolders::register_sources`).
pub struct ScenarioAssetsPlugin {
    pub folders: ScenarioFolders,
}

impl Plugin for ScenarioAssetsPlugin {
    fn build(&self, app: &mut App) {
        let loaded = LoadWake {
            alarm: app.world_mut().get_resource_or_init::<Alarm>().clone(),
            last: Arc::default(),
        };
        app.init_asset::<ScenarioAsset>()
            .register_asset_loader(ScenarioLoader {
                folders: self.folders.0.clone(),
                loaded: loaded.clone(),
            })
            .insert_resource(loaded)
            .init_resource::<Redraw>()
            .add_systems(Update, frames_after_loads)
            .insert_resource(self.folders.clone())
            .init_resource::<ScenarioHandles>()
            .add_systems(Startup, load_folders)
            .add_systems(Update, apply_scenario_assets);
    }
}

/// Keeps the scenario assets alive (and so watched).
#[derive(Resource, Default)]
pub struct ScenarioHandles(pub Vec<Handle<ScenarioAsset>>);

fn load_folders(
    folders: Res<ScenarioFolders>,
    server: Res<AssetServer>,
    mut handles: ResMut<ScenarioHandles>,
) {
    for (name, dir) in &folders.0 {
        for file in ron_files(dir) {
            let path = format!("{name}://{file}");
            handles.0.push(server.load::<ScenarioAsset>(path));
        }
    }
}

/// The `.ron` files of a folder, by name.
fn ron_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "ron"))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    files.sort();
    files
}

/// Applies loaded and reloaded scenario files to the catalogue.
fn apply_scenario_assets(
    mut events: MessageReader<AssetEvent<ScenarioAsset>>,
    assets: Res<Assets<ScenarioAsset>>,
    mut catalogue: ResMut<Catalogue>,
) {
    for event in events.read() {
        let (AssetEvent::Added { id } | AssetEvent::Modified { id }) = event else {
            continue;
        };
        if let Some(asset) = assets.get(*id) {
            catalogue.apply(asset);
        }
    }
}

impl Catalogue {
    /// Each scenario as the setup screens list it: its title and date.
    pub fn titles(&self) -> Vec<String> {
        self.scenarios
            .iter()
            .map(|(_, m)| format!("{} ({})", m.scenario.meta.title, m.scenario.meta.date))
            .collect()
    }

    /// Takes in a scenario file as the core read it: a valid one replaces the entry from
    /// the same file (or joins the list, unless it is the same scenario as one already
    /// listed); an invalid one leaves the last good version and records the diagnostics.
    pub fn apply(&mut self, asset: &ScenarioAsset) {
        self.problems.retain(|(origin, _)| *origin != asset.origin);
        match &asset.outcome {
            Err(diagnostics) => self
                .problems
                .push((asset.origin.clone(), diagnostics.clone())),
            Ok(model) => {
                if let Some(entry) = self.scenarios.iter_mut().find(|(o, _)| *o == asset.origin) {
                    entry.1 = model.clone();
                } else {
                    self.add(asset.origin.clone(), model.clone());
                }
            }
        }
    }

    /// Lists a scenario, unless the same one (id and text) is listed already.
    pub fn add(&mut self, origin: String, model: Arc<Model>) {
        if !self
            .scenarios
            .iter()
            .any(|(_, m)| m.scenario.meta.id == model.scenario.meta.id && m.source == model.source)
        {
            self.scenarios.push((origin, model));
        }
    }
}
