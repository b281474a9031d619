//! Where Accord keeps the user's files: settings in the platform's config folder, the
//! user's own scenarios (mods) in its data folder (through the `directories` crate).

use std::path::PathBuf;

pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("org", "Accord", "accord")
}

/// The user's own scenarios (mods): `<data dir>/scenarios`, e.g.
/// `~/.local/share/accord/scenarios` on Linux.
pub fn user_scenarios_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("scenarios"))
}

/// The folders scenario files are read from, in order: `scenarios/` under the working
/// directory, then the user's mods folder.
pub fn scenario_folders() -> Vec<PathBuf> {
    let mut folders = vec![PathBuf::from("scenarios")];
    folders.extend(user_scenarios_dir());
    folders
}

/// Saved games: `<data dir>/saves`, e.g. `~/.local/share/accord/saves` on Linux.
pub fn saves_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("saves"))
}
