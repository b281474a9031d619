//! The class host: one game, run by the engine on the teacher's machine, and the
//! connections of its seats, observers and facilitator (`docs/protocol.md`).
//!
//! The host is the only authority. A client sends a move; the host checks it with the
//! engine, saves the game, then sends every connection what its role may see
//! ([`WireView::of`]) — the whole view on (re)connecting, then a [`Delta`] after every move.
//! Everything runs on one thread (a Tokio `LocalSet`): the hub below is changed only
//! between awaits, so every connection sees the moves in the same order.
//!
//! Network input is hostile until checked: request heads and frames are size-limited,
//! each connection may send [`Limits::messages_per_second`], the number of connections is
//! capped, idle and slow peers time out, wrong codes are throttled per address, and five
//! wrong PINs lock the facilitator's code for a while. A bad message gets an error for
//! the connection that sent it and changes nothing.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::codes::CodeBook;
use crate::sim::ai::{SeatControl, Table};
use crate::sim::record::GameRecord;
#[cfg(not(target_arch = "wasm32"))]
use crate::sim::record::Seat;
use crate::sim::save::{self, SaveFile};
use crate::sim::{Game, Model};

/// The limits the host holds every connection to.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    /// Messages per second per connection (a burst of as many is allowed).
    pub messages_per_second: u32,
    /// Time to send a request head.
    pub handshake_timeout: Duration,
    /// A connection that sends nothing (not even a pong) for this long is closed.
    pub idle_timeout: Duration,
    /// How often the host pings each connection.
    pub ping_every: Duration,
    /// Wrong codes one address may try per minute before it is refused outright.
    pub wrong_codes_per_minute: u32,
    /// Wrong PINs before the facilitator's code is locked, and for how long.
    pub pin_failures: u32,
    pub pin_lockout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 100,
            messages_per_second: 20,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            ping_every: Duration::from_secs(20),
            wrong_codes_per_minute: 10,
            pin_failures: 5,
            pin_lockout: Duration::from_secs(300),
        }
    }
}

/// How the host runs.
#[derive(Debug, Clone)]
pub struct HostSettings {
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// Seconds each person's seat has from the start of its turn; 0: no limit.
    pub turn_seconds: u32,
    /// SHA-256 of the facilitator's PIN, if there is one.
    pub pin_sha256: Option<String>,
    pub save: Option<PathBuf>,
    /// Release the debrief to everyone when the talks end.
    pub release_debrief: bool,
    /// Stop (after the last save) when the talks end.
    pub exit_when_over: bool,
    /// Allies' and mediators' moves wait for the facilitator (who lets, cancels or
    /// replaces each).
    pub hold_third_parties: bool,
    pub limits: Limits,
    /// The browser client's files, served at `/` (none: the page that points students to
    /// the desktop game).
    #[cfg(not(target_arch = "wasm32"))]
    pub web: Option<Arc<super::bundle::Bundle>>,
}

impl Default for HostSettings {
    fn default() -> HostSettings {
        HostSettings {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            turn_seconds: 0,
            pin_sha256: None,
            save: None,
            release_debrief: false,
            exit_when_over: false,
            hold_third_parties: false,
            limits: Limits::default(),
            #[cfg(not(target_arch = "wasm32"))]
            web: None,
        }
    }
}

/// What a host's save keeps beyond the game, so that `--resume` takes up where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostSave {
    pub codes: CodeBook,
    pub turn_seconds: u32,
    pub release_debrief: bool,
    pub debrief_released: bool,
}

#[derive(Debug, Error)]
pub enum HostError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("the operating system gave no random numbers for the codes: {0}")]
    Random(getrandom::Error),
    #[error(transparent)]
    Save(#[from] save::SaveError),
    #[error("{0}")]
    Setup(String),
    #[error("the host stopped: {0}")]
    Runtime(io::Error),
}

/// A game ready to host: the table (the AI seats with their agents), who plays each
/// seat, and the codes.
pub struct HostGame {
    pub table: Table,
    pub controls: Vec<SeatControl>,
    pub origin: String,
    pub codes: CodeBook,
    pub debrief_released: bool,
}

impl HostGame {
    /// A new game: `ai` gives the seats the AI plays (party index → preset); every other
    /// seat gets a code.
    pub fn new(
        model: Arc<Model>,
        origin: &str,
        seed: u64,
        ai: &BTreeMap<usize, String>,
    ) -> Result<HostGame, HostError> {
        let parties = &model.scenario.parties;
        let controls: Vec<SeatControl> = (0..parties.len())
            .map(|p| match ai.get(&p) {
                Some(preset) => SeatControl::Ai(preset.clone()),
                None => SeatControl::Human,
            })
            .collect();
        let people: Vec<String> = parties
            .iter()
            .zip(&controls)
            .filter(|(_, c)| **c == SeatControl::Human)
            .map(|(p, _)| p.id.clone())
            .collect();
        let codes = CodeBook::new(&people).map_err(HostError::Random)?;
        let game = Game::new(model, seed);
        Ok(HostGame {
            table: Table::new(game, &controls),
            controls,
            origin: origin.to_string(),
            codes,
            debrief_released: false,
        })
    }

    /// A game from a host's save: the same seed, seats, codes and PIN; the AI seats decide
    /// again as they did (the game goes on exactly where it stopped).
    pub fn resume(file: &SaveFile, path: &str) -> Result<(HostGame, HostSave), HostError> {
        let Some(host) = file.host.clone() else {
            return Err(HostError::Setup(format!(
                "{path} is a save of a game on one screen, not of a hosted game"
            )));
        };
        let record = &file.record;
        let replay_error = |e| {
            HostError::Save(save::SaveError::Replay {
                path: path.to_string(),
                source: Box::new(e),
            })
        };
        let start = record.replay_start().map_err(replay_error)?;
        let controls = SeatControl::from_recorded(start.model(), &record.seats);
        let table = Table::resume(record, &controls).map_err(replay_error)?;
        Ok((
            HostGame {
                table,
                controls,
                origin: record.scenario.origin.clone(),
                codes: host.codes.clone(),
                debrief_released: host.debrief_released,
            },
            host,
        ))
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn seats(&self) -> Vec<Seat> {
        SeatControl::recorded(self.table.game.model(), &self.controls)
    }
}

/// The first line the host prints: where to connect and the codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    pub address: String,
    pub http: String,
    pub seats: BTreeMap<String, String>,
    pub observer: String,
    pub facilitator: String,
    pub scenario: String,
}

/// Counters of a hosted game, for the closing figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostStats {
    /// Bytes of updates sent, all connections together, per move.
    pub update_bytes: Vec<u64>,
    /// From a move's arrival to its last update queued for every connection, in
    /// microseconds.
    pub fanout_micros: Vec<u64>,
    pub connections_accepted: u64,
    pub refused_codes: u64,
    pub peak_connections: usize,
}

/// How a hosted game ended.
#[derive(Debug)]
pub struct HostEnd {
    pub record: GameRecord,
    pub stats: HostStats,
}

#[cfg(not(target_arch = "wasm32"))]
mod run;
#[cfg(not(target_arch = "wasm32"))]
pub use run::{Hosted, start};

/// In the browser there is no host: a class is hosted from the desktop game.
#[cfg(target_arch = "wasm32")]
pub struct Hosted {
    pub addr: SocketAddr,
    pub announcement: Announcement,
}

#[cfg(target_arch = "wasm32")]
pub fn start(_game: HostGame, _settings: HostSettings) -> Result<Hosted, HostError> {
    Err(HostError::Setup(
        "a class is hosted from the desktop game, not from the browser".into(),
    ))
}
