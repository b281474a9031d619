//! `accord host` and `accord join`: the class host and a remote seat on the command line
//! (no window needed, no `gui` feature).

use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use super::host::{self, HostGame, HostSettings};
use super::join::{AiPlayer, JoinOptions, play_seat};
use crate::sim::ai::presets;
use crate::sim::model::sha256_hex;
use crate::sim::save;

#[derive(Args, Debug, Clone)]
pub struct HostArgs {
    /// Scenario file or built-in id (not needed with --resume).
    #[arg(long, required_unless_present = "resume")]
    pub scenario: Option<String>,
    /// Seed of the game (random when not given; kept in the save).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Address to listen on: 127.0.0.1 for this machine only, 0.0.0.0 for the class's
    /// network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// A seat the host's AI plays: PARTY or PARTY=PRESET (scenario, easy, normal, hard).
    /// Repeat for more seats; every other seat gets a code for people.
    #[arg(long = "ai", value_name = "SEAT[=PRESET]")]
    pub ai: Vec<String>,
    /// Seconds each person's seat has from the start of its turn; then it passes.
    #[arg(long, default_value_t = 0)]
    pub turn_seconds: u32,
    /// A file holding the facilitator's PIN (its first line), needed with the
    /// facilitator's code.
    #[arg(long)]
    pub pin_file: Option<PathBuf>,
    /// Save the game here after every move (before the move is sent to anyone).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Go on with a hosted game from its save: the same seed, seats, codes and PIN.
    #[arg(long, conflicts_with_all = ["scenario", "seed", "ai"])]
    pub resume: Option<PathBuf>,
    /// Release the debrief (every brief, value and rationale) to everyone when the talks
    /// end.
    #[arg(long)]
    pub release_debrief: bool,
    /// Exit when the talks end, after the last save.
    #[arg(long)]
    pub exit_when_over: bool,
}

#[derive(Args, Debug, Clone)]
pub struct JoinArgs {
    /// The host's address, as `accord host` prints it (ws://HOST:PORT/ws), or HOST:PORT.
    pub address: String,
    /// The seat's code.
    #[arg(long)]
    pub code: String,
    /// Play the seat with the AI, with this preset (scenario, easy, normal, hard), with no
    /// window. Without it the game's window opens on the seat.
    #[arg(long, num_args = 0..=1, default_missing_value = "scenario")]
    pub ai: Option<String>,
    /// A name the facilitator sees.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Without --ai: save a PNG of the seat's table once it has drawn, then quit.
    #[arg(long, conflicts_with = "ai")]
    pub screenshot: Option<PathBuf>,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("accord host: {message}");
    ExitCode::FAILURE
}

/// `--ai` values: party index → preset.
fn ai_seats(
    model: &crate::sim::Model,
    given: &[String],
) -> Result<BTreeMap<usize, String>, String> {
    let mut seats = BTreeMap::new();
    for g in given {
        for item in g.split(',').filter(|s| !s.is_empty()) {
            let (party, preset) = item.split_once('=').unwrap_or((item, "scenario"));
            let Some(p) = model.party_index(party) else {
                let ids: Vec<&str> = model
                    .scenario
                    .parties
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect();
                return Err(format!(
                    "--ai {item}: no party `{party}` in this scenario (its parties: {})",
                    ids.join(", ")
                ));
            };
            if !presets::is_preset(preset) {
                return Err(format!(
                    "--ai {item}: no preset `{preset}` (presets: {})",
                    presets::names()
                ));
            }
            seats.insert(p, preset.to_string());
        }
    }
    Ok(seats)
}

fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without a random source, the clock will do: a seed is not a secret.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        return nanos;
    }
    u64::from_le_bytes(bytes)
}

pub fn host(args: &HostArgs) -> ExitCode {
    let mut settings = HostSettings {
        bind: args.bind,
        port: args.port,
        turn_seconds: args.turn_seconds,
        save: args.save.clone().or_else(|| args.resume.clone()),
        release_debrief: args.release_debrief,
        exit_when_over: args.exit_when_over,
        web: web_bundle(),
        ..HostSettings::default()
    };
    if let Some(file) = &args.pin_file {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                let pin = text.lines().next().unwrap_or("").trim();
                if pin.is_empty() {
                    return fail(format!("{} holds no PIN", file.display()));
                }
                settings.pin_sha256 = Some(sha256_hex(pin));
            }
            Err(e) => return fail(format!("cannot read {}: {e}", file.display())),
        }
    }
    let game = if let Some(path) = &args.resume {
        let file = match save::read(path) {
            Ok(f) => f,
            Err(e) => return fail(e),
        };
        match HostGame::resume(&file, &path.display().to_string()) {
            Ok((game, kept)) => {
                if settings.pin_sha256.is_none() {
                    settings.pin_sha256 = file.classroom.pin_sha256.clone();
                }
                if args.turn_seconds == 0 {
                    settings.turn_seconds = kept.turn_seconds;
                }
                settings.release_debrief |= kept.release_debrief;
                settings.hold_third_parties = file.classroom.hold_third_parties;
                game
            }
            Err(e) => return fail(e),
        }
    } else {
        let scenario = args.scenario.as_deref().unwrap_or("istanbul-2025");
        let loaded = match crate::cli::load_scenario(scenario) {
            Ok(l) => l,
            Err(d) => {
                eprint!("{d}");
                return ExitCode::FAILURE;
            }
        };
        let model = Arc::new(loaded.model);
        let ai = match ai_seats(&model, &args.ai) {
            Ok(ai) => ai,
            Err(e) => return fail(e),
        };
        let seed = args.seed.unwrap_or_else(random_seed);
        match HostGame::new(model, scenario, seed, &ai) {
            Ok(g) => g,
            Err(e) => return fail(e),
        }
    };
    let hosted = match host::start(game, settings) {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    {
        let mut out = std::io::stdout().lock();
        let line = serde_json::to_string(&hosted.announcement).unwrap_or_default();
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            return fail("cannot write to standard output");
        }
    }
    eprintln!(
        "accord host: listening on {}; the page for students is {}",
        hosted.announcement.address, hosted.announcement.http
    );
    match hosted.wait() {
        Ok(end) => {
            let moves = end.stats.update_bytes.len().max(1) as u64;
            let bytes: u64 = end.stats.update_bytes.iter().sum();
            eprintln!(
                "accord host: the talks ended after {} actions; {} connections; {} bytes of updates per move on average",
                end.record.actions.len(),
                end.stats.connections_accepted,
                bytes / moves
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `accord join --ai`: the seat played by the AI, without a window.
pub fn join(args: &JoinArgs) -> ExitCode {
    let preset = args.ai.as_deref().unwrap_or("scenario");
    if !presets::is_preset(preset) {
        eprintln!(
            "accord join: no preset `{preset}` (presets: {})",
            presets::names()
        );
        return ExitCode::FAILURE;
    }
    let options = JoinOptions {
        name: args.name.clone(),
        ..JoinOptions::default()
    };
    let address = match super::client::join_target(&args.address) {
        Ok((address, _)) => address,
        Err(e) => {
            eprintln!("accord join: {e}");
            return ExitCode::from(2);
        }
    };
    let mut player = AiPlayer::new(preset);
    match play_seat(&address, &args.code, &mut player, &options) {
        Ok(end) => {
            eprintln!(
                "accord join: the talks ended after {} actions ({} messages, {} bytes received, {} reconnections)",
                end.view.actions, end.messages_received, end.bytes_received, end.reconnections
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("accord join: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The browser client beside the binary, if `web/build` made one; said on stderr.
pub fn web_bundle() -> Option<Arc<super::bundle::Bundle>> {
    match super::bundle::Bundle::beside_binary() {
        Some(b) => {
            let mib = |n: usize| n as f64 / (1024.0 * 1024.0);
            let (raw, gz) = b.wasm_sizes();
            eprintln!(
                "serving the browser client from {} ({:.1} MiB, {} gzipped)",
                b.dir.display(),
                mib(raw),
                gz.map_or("not".to_string(), |g| format!("{:.1} MiB", mib(g)))
            );
            Some(Arc::new(b))
        }
        None => {
            eprintln!(
                "no browser client beside this binary (web/build makes one): students join from the desktop game"
            );
            None
        }
    }
}
