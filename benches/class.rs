//! A classroom's load on the class host: one `accord host` process and 40 clients on
//! loopback — the five Istanbul seats played by remote AI clients, four more connections
//! on each seat's code (teams) and fifteen observers — for a whole game. Prints, per move,
//! the time from the move leaving its client to the last of the 40 clients holding the
//! updated view (median, 99th percentile, worst), the host's peak resident memory, and
//! the bytes sent per move.
//!
//! `cargo bench --no-default-features --bench class` (or with `-- GAMES` for more games).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord::net::client::{Transport, TransportError, connect};
use accord::net::join::{AiPlayer, JoinOptions, play_seat_via};
use accord::net::protocol::{ClientMessage, encode_client};

#[global_allocator]
static ALLOCATOR: accord::alloc::Allocator = accord::alloc::Allocator;

/// When each move left its client: (actions in the view it was decided on, time).
type Sends = Arc<Mutex<Vec<(usize, Instant)>>>;
/// When a client first held a view of n actions: (n, time, bytes of the frame).
type Seen = Vec<(usize, Instant, usize)>;

/// The action count a host frame brings, read without decoding the frame.
fn actions_in(frame: &str) -> Option<usize> {
    let at = frame.find("\"actions\":")? + "\"actions\":".len();
    let digits: String = frame[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A seat's transport that notes when each move leaves.
struct Timed {
    inner: Box<dyn Transport>,
    sends: Sends,
}

impl Transport for Timed {
    fn send(&mut self, text: &str) -> Result<(), TransportError> {
        if text.contains("\"type\":\"act\"")
            && let Some(seen) = text
                .find("\"seen\":")
                .map(|at| &text[at + 7..])
                .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|d| d.parse().ok())
        {
            self.sends.lock().unwrap().push((seen, Instant::now()));
        }
        self.inner.send(text)
    }
    fn recv(&mut self, timeout: Duration) -> Result<Option<String>, TransportError> {
        self.inner.recv(timeout)
    }
}

/// A passive connection: when it first held each view, until the talks end.
fn watcher(address: String, code: String) -> std::thread::JoinHandle<Seen> {
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let Ok(mut t) = connect(&address, &code, "watcher", Duration::from_secs(5)) else {
            return seen;
        };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(300) {
            match t.recv(Duration::from_secs(5)) {
                Ok(Some(frame)) => {
                    let at = Instant::now();
                    if let Some(n) = actions_in(&frame) {
                        seen.push((n, at, frame.len()));
                    }
                    if frame.contains("\"phase\":\"Ended\"") {
                        break;
                    }
                }
                Ok(None) => {
                    let _ = t.send(&encode_client(&ClientMessage::Ping));
                }
                Err(_) => break,
            }
        }
        seen
    })
}

fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn one_game(
    seed: u64,
    latencies: &mut Vec<f64>,
    peaks: &mut Vec<u64>,
    bytes_per_move: &mut Vec<f64>,
) {
    let mut host = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args([
            "host",
            "--scenario",
            "istanbul-2025",
            "--port",
            "0",
            "--exit-when-over",
        ])
        .args(["--seed", &seed.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the host starts");
    let mut first = String::new();
    BufReader::new(host.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let a: serde_json::Value = serde_json::from_str(&first).expect("the host's first line");
    let address = a["address"].as_str().unwrap().to_string();
    let seats: Vec<String> = a["seats"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let observer = a["observer"].as_str().unwrap().to_string();
    // Thirty-five watchers first (four per seat's code, fifteen observers), then the
    // five players.
    let mut watchers = Vec::new();
    for code in &seats {
        for _ in 0..4 {
            watchers.push(watcher(address.clone(), code.clone()));
        }
    }
    for _ in 0..15 {
        watchers.push(watcher(address.clone(), observer.clone()));
    }
    std::thread::sleep(Duration::from_millis(500));
    let sends: Sends = Arc::new(Mutex::new(Vec::new()));
    let players: Vec<_> = seats
        .iter()
        .map(|code| {
            let (address, code, sends) = (address.clone(), code.clone(), sends.clone());
            // The player's own frames count too: it is one of the 40.
            std::thread::spawn(move || {
                let mut open = || {
                    connect(&address, &code, "player", Duration::from_secs(5)).map(|t| {
                        Box::new(Timed {
                            inner: Box::new(t),
                            sends: sends.clone(),
                        }) as Box<dyn Transport>
                    })
                };
                let mut player = AiPlayer::new("scenario");
                play_seat_via(&mut open, &mut player, &JoinOptions::default())
            })
        })
        .collect();
    let pid = host.id();
    let mut peak = 0;
    while host.try_wait().ok().flatten().is_none() {
        peak = peak.max(peak_kib(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let ends: Vec<_> = players.into_iter().map(|p| p.join().unwrap()).collect();
    let seen: Vec<Seen> = watchers.into_iter().map(|w| w.join().unwrap()).collect();
    let actions = ends
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .map(|e| e.view.actions)
        .max()
        .unwrap_or(0);
    let sends = sends.lock().unwrap().clone();
    let mut total_bytes = 0usize;
    for s in &seen {
        total_bytes += s.iter().map(|(_, _, b)| b).sum::<usize>();
    }
    for e in ends.iter().flatten() {
        total_bytes += e.bytes_received as usize;
    }
    for &(on, sent) in &sends {
        // The last of the watching connections to hold the view with this move in it.
        let last = seen
            .iter()
            .filter_map(|s| s.iter().find(|(n, _, _)| *n > on).map(|(_, t, _)| *t))
            .max();
        if let Some(last) = last {
            latencies.push(last.saturating_duration_since(sent).as_secs_f64() * 1000.0);
        }
    }
    peaks.push(peak);
    bytes_per_move.push(total_bytes as f64 / actions.max(1) as f64);
    eprintln!(
        "game {seed}: {actions} actions, {} clients, host peak {:.1} MB",
        seen.len() + ends.len(),
        peak as f64 / 1024.0
    );
}

fn main() {
    let games: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3);
    let (mut latencies, mut peaks, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 1..=games {
        one_game(seed, &mut latencies, &mut peaks, &mut bytes);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "move to the updated view at the last of the 35 watching clients (40 in all): median {:.2} ms, p99 {:.2} ms, worst {:.2} ms ({} moves)",
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
        latencies.len()
    );
    println!(
        "host peak resident memory: {:.1} MB (largest of {games} games)",
        peaks.iter().max().copied().unwrap_or(0) as f64 / 1024.0
    );
    println!(
        "bytes sent per move, all 40 clients together: {:.0} (mean of games)",
        bytes.iter().sum::<f64>() / bytes.len().max(1) as f64
    );
}
