//! Saves: a game's `GameRecord` (scenario text, seed, seats, actions with the AI's
//! reasons) in a versioned RON file. Loading replays the record, so a loaded game is the
//! saved game, state for state. A save is written atomically — to a temporary file in the
//! same folder, flushed to disk, then renamed over the old one — so a crash or a kill
//! while saving never destroys the previous save. A damaged save, one of another version,
//! or one whose scenario no longer loads gives a clear error, never a panic.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::game::Game;
use super::record::{GameRecord, ReplayError, Seat};

/// The version of the save format; saves of another version are refused.
pub const SAVE_VERSION: u32 = 1;

/// The largest save Accord reads: a long game's record is far below it.
pub const MAX_SAVE_BYTES: u64 = 64 * 1024 * 1024;

/// What a save file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveFile {
    /// Always `"accord-save"`: tells a save from other RON files.
    pub kind: String,
    pub save_version: u32,
    /// The round the game was in when saved (shown in lists of saves).
    pub round: u32,
    /// The scenario's title, for lists of saves.
    pub title: String,
    pub record: GameRecord,
    /// The facilitator's settings, so that a resumed lesson keeps them (not part of the
    /// game: they change nothing a replay depends on).
    #[serde(default)]
    pub classroom: Classroom,
    /// A hosted game's codes and settings (`accord host`), so that `--resume` goes on
    /// with them.
    #[serde(default)]
    pub host: Option<crate::net::host::HostSave>,
}

/// The facilitator's settings kept with a save.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classroom {
    /// SHA-256 of the facilitator's PIN (never the PIN itself), when there is one.
    #[serde(default)]
    pub pin_sha256: Option<String>,
    /// Seconds per round; 0: no timer.
    #[serde(default)]
    pub round_seconds: u32,
    /// Allies' and mediators' moves wait for the facilitator.
    #[serde(default)]
    pub hold_third_parties: bool,
}

#[derive(Debug, Error)]
pub enum SaveError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("{path} is {size} bytes, more than the {MAX_SAVE_BYTES} a save may have")]
    TooLarge { path: String, size: u64 },
    #[error("{path} is not an Accord save, or it is damaged: {detail}")]
    Damaged { path: String, detail: String },
    #[error("{path} is a save of format version {found}; this build reads version {SAVE_VERSION}")]
    Version { path: String, found: u32 },
    #[error("{path} does not replay: {source}")]
    Replay {
        path: String,
        source: Box<ReplayError>,
    },
}

impl SaveFile {
    pub fn of(game: &Game, origin: &str, seats: Vec<Seat>) -> SaveFile {
        SaveFile {
            kind: "accord-save".to_string(),
            save_version: SAVE_VERSION,
            round: game.round(),
            title: game.model().scenario.meta.title.clone(),
            record: GameRecord::of(game, origin, seats),
            classroom: Classroom::default(),
            host: None,
        }
    }

    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new().depth_limit(8);
        // Serialising plain data into a string cannot fail; keep a message if it does.
        ron::ser::to_string_pretty(self, config).unwrap_or_else(|e| format!("// {e}\n"))
    }

    /// Reads a save from text; `path` names it in errors.
    pub fn from_ron(path: &str, text: &str) -> Result<SaveFile, SaveError> {
        #[derive(Deserialize)]
        struct Header {
            #[serde(default)]
            kind: String,
            #[serde(default)]
            save_version: u32,
        }
        // The version first, so that a save of another version says so instead of
        // failing on a field it does not know.
        let options = ron::Options::default().with_recursion_limit(128);
        let damaged = |detail: String| SaveError::Damaged {
            path: path.to_string(),
            detail,
        };
        if let Ok(header) = options.from_str::<Header>(text) {
            if header.kind != "accord-save" {
                return Err(damaged("it does not start as an Accord save".into()));
            }
            if header.save_version != SAVE_VERSION {
                return Err(SaveError::Version {
                    path: path.to_string(),
                    found: header.save_version,
                });
            }
        }
        let file = options
            .from_str::<SaveFile>(text)
            .map_err(|e| damaged(e.to_string()))?;
        if file.kind != "accord-save" {
            return Err(damaged("it is not an Accord save".into()));
        }
        if file.save_version != SAVE_VERSION {
            return Err(SaveError::Version {
                path: path.to_string(),
                found: file.save_version,
            });
        }
        Ok(file)
    }

    /// Replays the record into the game it saved.
    pub fn game(&self, path: &str) -> Result<Game, SaveError> {
        self.record.replay().map_err(|source| SaveError::Replay {
            path: path.to_string(),
            source: Box::new(source),
        })
    }
}

/// Writes a save atomically.
pub fn save(path: &Path, file: &SaveFile) -> Result<(), SaveError> {
    write_atomic(path, file.to_ron().as_bytes(), || Ok(())).map_err(|source| SaveError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// Reads and replays a save: the save file and the game it holds.
pub fn load(path: &Path) -> Result<(SaveFile, Game), SaveError> {
    let file = read(path)?;
    let game = file.game(&path.display().to_string())?;
    Ok((file, game))
}

/// Reads a save without replaying it, for callers that replay it their own way (resume,
/// replay by rounds): a damaged, foreign, too large or other-version file is refused.
pub fn read(path: &Path) -> Result<SaveFile, SaveError> {
    let name = path.display().to_string();
    let read_error = |source| SaveError::Read {
        path: name.clone(),
        source,
    };
    let size = fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_SAVE_BYTES {
        return Err(SaveError::TooLarge { path: name, size });
    }
    let bytes = fs::read(path).map_err(|source| SaveError::Read {
        path: name.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| SaveError::Damaged {
        path: name.clone(),
        detail: "it is not UTF-8 text".into(),
    })?;
    SaveFile::from_ron(&name, &text)
}

/// Writes `bytes` to `path` so that `path` holds either its old content or the new, never
/// a mix: a temporary file in the same folder is written and flushed to disk, then renamed
/// over `path`, and the folder is flushed. `before_rename` runs between the two steps (a
/// test uses it to fail there, as a crash would).
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    // A temporary file of its own, in the same folder (so the rename stays on one file
    // system): two writers never share one. Removed if anything fails before the rename.
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    before_rename()?;
    file.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable (where the platform allows opening a folder).
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
