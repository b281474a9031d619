//! The batch simulator: many AI-vs-AI games, and the figures a designer needs from them
//! (MODEL.md, "`simulate --json` shape").
//!
//! Game `k` uses seed `S + k`. Games run on a rayon pool of as many threads as asked;
//! each game's summary is kept by its index and the figures are summed in seed order, so
//! the results are the same whatever the thread count.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::Serialize;

use super::ai::{SeatControl, Table};
use super::analysis::{Frontier, distance};
use super::game::{Game, OutcomeKind};
use super::model::Model;

/// What one finished game contributes to the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct GameSummary {
    pub seed: u64,
    pub outcome: OutcomeKind,
    pub rounds: u32,
    /// Per party: outcome value (0–100) and gain over the initial BATNA.
    pub utilities: Vec<f64>,
    pub gains: Vec<f64>,
    /// For agreements: distances in normalised utility space.
    pub pareto_distance: Option<f64>,
    pub nash_distance: Option<f64>,
    /// Per issue: the agreed option, if any.
    pub settled: Vec<Option<usize>>,
    /// Per event: whether it fired.
    pub events_fired: Vec<bool>,
    /// Per lever: how often it was used.
    pub lever_uses: Vec<u32>,
    /// For a walk-out: the party that walked out.
    pub walked_out: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Outcomes {
    pub full: u64,
    pub partial: u64,
    pub none: u64,
    pub walk_out: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyFigures {
    pub mean_utility: f64,
    pub mean_gain_over_batna: f64,
}

/// The figures of a batch, in the shape MODEL.md fixes for `simulate --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub games: u64,
    pub games_per_second: f64,
    /// (full + partial) / games.
    pub agreement_rate: f64,
    pub outcomes: Outcomes,
    pub parties: BTreeMap<String, PartyFigures>,
    pub mean_pareto_distance: Option<f64>,
    pub mean_nash_distance: Option<f64>,
    pub mean_rounds: f64,
    /// issue id → option id (or `unsettled`) → count.
    pub issues: BTreeMap<String, BTreeMap<String, u64>>,
    /// event id → games in which it fired (for `lint`).
    pub events_fired: BTreeMap<String, u64>,
    /// lever id → uses over all games.
    pub lever_uses: BTreeMap<String, u64>,
    /// Time of one AI decision, in microseconds: median and 99th percentile. Like
    /// `games_per_second`, a measurement, not a result: it varies between runs.
    pub decision_micros_p50: f64,
    pub decision_micros_p99: f64,
}

/// Plays one game with every seat controlled as given (AI by default) to its end.
pub fn play(model: &Arc<Model>, seed: u64, controls: &[SeatControl]) -> Game {
    let mut table = Table::new(Game::new(model.clone(), seed), controls);
    table.run_ai();
    table.game
}

/// As [`play`], with the time each AI decision took (nanoseconds).
pub fn play_timed(model: &Arc<Model>, seed: u64, controls: &[SeatControl]) -> (Game, Vec<u64>) {
    let mut table = Table::new(Game::new(model.clone(), seed), controls);
    table.timed = true;
    table.run_ai();
    (table.game, table.decision_nanos)
}

/// The most frontiers a worker keeps (the shipped scenarios need a few dozen over
/// thousands of games).
const FRONTIER_CACHE_ENTRIES: usize = 64;

/// The analysis of the outcome space is the costly part of a summary and depends only
/// on the delegations' final utilities: the frontier is cached by those (the BATNAs only
/// choose the Nash point on it).
#[derive(Default)]
pub struct SpaceCache {
    frontiers: HashMap<Vec<u64>, Arc<Frontier>>,
    /// The keys, oldest first.
    order: std::collections::VecDeque<Vec<u64>>,
}
impl SpaceCache {
    fn get(&mut self, game: &Game) -> Arc<Frontier> {
        let m = game.model();
        let mut key = Vec::new();
        for &d in &m.delegations {
            let p = &game.prefs()[d];
            key.extend(p.weights.iter().map(|w| w.to_bits()));
            key.extend(p.values.iter().flatten().map(|v| v.to_bits()));
        }
        // Bounded: a batch of games whose events change the delegations' values would
        // otherwise keep one per game. The oldest goes first.
        if !self.frontiers.contains_key(&key) {
            while self.frontiers.len() >= FRONTIER_CACHE_ENTRIES {
                let Some(oldest) = self.order.pop_front() else {
                    break;
                };
                self.frontiers.remove(&oldest);
            }
            self.order.push_back(key.clone());
        }
        self.frontiers
            .entry(key)
            .or_insert_with(|| Arc::new(Frontier::new(m, game.prefs())))
            .clone()
    }
}

pub fn summarise(game: &Game, cache: &std::sync::Mutex<SpaceCache>) -> GameSummary {
    let results = game.results();
    let (pareto, nash) = if game.settled().iter().any(Option::is_some) {
        let point = game.delegation_point();
        let batnas: Vec<f64> = game
            .model()
            .delegations
            .iter()
            .map(|&d| game.prefs()[d].batna / 100.0)
            .collect();
        let frontier = match cache.lock() {
            Ok(mut cache) => cache.get(game),
            Err(_) => Arc::new(Frontier::new(game.model(), game.prefs())),
        };
        (
            Some(frontier.distance(&point)),
            frontier.nash(&batnas).map(|n| distance(&point, n)),
        )
    } else {
        (None, None)
    };
    GameSummary {
        seed: game.seed(),
        outcome: game.outcome().map_or(OutcomeKind::NoDeal, |o| o.kind),
        rounds: game.outcome().map_or(game.round(), |o| o.round),
        utilities: results.iter().map(|r| r.utility).collect(),
        gains: results.iter().map(|r| r.gain).collect(),
        pareto_distance: pareto,
        nash_distance: nash,
        settled: game.settled().to_vec(),
        events_fired: game.event_fired().iter().map(|n| *n > 0).collect(),
        lever_uses: game.lever_uses().to_vec(),
        walked_out: game.outcome().and_then(|o| o.by.clone()),
    }
}

/// How many games are played between two folds into the figures: what a batch holds in
/// memory at once, whatever its size.
const CHUNK_GAMES: u64 = 1024;

/// Plays `games` games from seed `seed` on `threads` threads; `progress(done)` is called
/// from the worker threads as games finish. Returns the figures and every game's summary.
pub fn run(
    model: &Arc<Model>,
    games: u64,
    seed: u64,
    threads: usize,
    controls: &[SeatControl],
    progress: &(dyn Fn(u64) + Sync),
) -> (Report, Vec<GameSummary>) {
    let mut summaries = Vec::new();
    let report = run_with(model, games, seed, threads, controls, progress, &mut |g| {
        summaries.push(g)
    });
    (report, summaries)
}

/// As [`run`], keeping only the figures: memory stays the same however many games.
pub fn run_figures(
    model: &Arc<Model>,
    games: u64,
    seed: u64,
    threads: usize,
    controls: &[SeatControl],
    progress: &(dyn Fn(u64) + Sync),
) -> Report {
    run_with(model, games, seed, threads, controls, progress, &mut |_| {})
}

/// Plays the games a chunk at a time, each chunk on the pool; every summary is added to
/// the figures and handed to `each` in seed order, so the sums are the same whatever the
/// threads and the chunks.
fn run_with(
    model: &Arc<Model>,
    games: u64,
    seed: u64,
    threads: usize,
    controls: &[SeatControl],
    progress: &(dyn Fn(u64) + Sync),
    each: &mut (dyn FnMut(GameSummary) + Send),
) -> Report {
    use rayon::prelude::*;
    let start = Instant::now();
    let threads = threads.clamp(1, 256).min(games.max(1) as usize);
    let done = AtomicU64::new(0);
    let cache = std::sync::Mutex::new(SpaceCache::default());
    let mut totals = Totals::new(model);
    let mut times = DecisionTimes::default();
    // Each game by its index, so the results come back in seed order whatever the
    // threads; a game that panics takes the whole batch down with its message instead of
    // losing its games quietly.
    let mut work = || {
        let mut from = 0;
        while from < games {
            let to = (from + CHUNK_GAMES).min(games);
            let chunk: Vec<(GameSummary, Vec<u64>)> = (from..to)
                .into_par_iter()
                .map(|k| {
                    let (game, timing) = play_timed(model, seed.wrapping_add(k), controls);
                    let summary = summarise(&game, &cache);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    (summary, timing)
                })
                .collect();
            for (summary, timing) in chunk {
                times.add(&timing);
                totals.add(&summary);
                each(summary);
            }
            from = to;
        }
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(&mut work),
        Err(_) => work(),
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut report = totals.report(model);
    report.games_per_second = if seconds > 0.0 {
        report.games as f64 / seconds
    } else {
        0.0
    };
    report.decision_micros_p50 = times.quantile(0.5) / 1000.0;
    report.decision_micros_p99 = times.quantile(0.99) / 1000.0;
    report
}

/// Times of AI decisions in a histogram of 64 buckets per power of two (each within
/// 1.6% of the times it holds), so that a batch of any size keeps a few kilobytes.
#[derive(Default)]
struct DecisionTimes {
    counts: Vec<u64>,
    total: u64,
}

const SUB_BUCKETS: u64 = 64;

impl DecisionTimes {
    fn bucket(nanos: u64) -> usize {
        if nanos < SUB_BUCKETS {
            return nanos as usize;
        }
        let power = 63 - u64::from(nanos.leading_zeros()); // at least 6
        let sub = (nanos >> (power - 6)) & (SUB_BUCKETS - 1);
        (SUB_BUCKETS + (power - 6) * SUB_BUCKETS + sub) as usize
    }

    /// The middle of a bucket's range, in nanoseconds.
    fn middle(bucket: usize) -> f64 {
        let b = bucket as u64;
        if b < SUB_BUCKETS {
            return b as f64;
        }
        let power = (b - SUB_BUCKETS) / SUB_BUCKETS + 6;
        let sub = (b - SUB_BUCKETS) % SUB_BUCKETS;
        let width = 1u64 << (power - 6);
        let low = (SUB_BUCKETS + sub) << (power - 6);
        low as f64 + (width as f64 - 1.0) / 2.0
    }

    fn add(&mut self, nanos: &[u64]) {
        for &n in nanos {
            let b = Self::bucket(n);
            if self.counts.len() <= b {
                self.counts.resize(b + 1, 0);
            }
            self.counts[b] += 1;
            self.total += 1;
        }
    }

    /// The time at quantile `q` (as the element of rank `round((count − 1) · q)`).
    fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((self.total as f64 - 1.0) * q).round() as u64;
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return Self::middle(b);
            }
        }
        0.0
    }
}

/// The figures of a batch, summed in the order of the summaries.
pub fn aggregate(model: &Model, summaries: &[GameSummary]) -> Report {
    let mut totals = Totals::new(model);
    for g in summaries {
        totals.add(g);
    }
    totals.report(model)
}

/// The running sums behind a [`Report`], added to one game at a time.
struct Totals {
    n: u64,
    outcomes: Outcomes,
    util: Vec<f64>,
    gain: Vec<f64>,
    pareto: f64,
    nash: f64,
    agreed: u64,
    with_nash: u64,
    rounds: u64,
    /// Per issue, per option (the last: unsettled), how often.
    issues: Vec<Vec<u64>>,
    events: Vec<u64>,
    levers: Vec<u64>,
}

impl Totals {
    fn new(model: &Model) -> Totals {
        let s = &model.scenario;
        Totals {
            n: 0,
            outcomes: Outcomes::default(),
            util: vec![0.0; s.parties.len()],
            gain: vec![0.0; s.parties.len()],
            pareto: 0.0,
            nash: 0.0,
            agreed: 0,
            with_nash: 0,
            rounds: 0,
            issues: s
                .issues
                .iter()
                .map(|i| vec![0; i.options.len() + 1])
                .collect(),
            events: vec![0; s.events.len()],
            levers: vec![0; s.levers.len()],
        }
    }

    fn add(&mut self, g: &GameSummary) {
        self.n += 1;
        let outcomes = &mut self.outcomes;
        match g.outcome {
            OutcomeKind::FullDeal => outcomes.full += 1,
            OutcomeKind::PartialDeal => outcomes.partial += 1,
            OutcomeKind::NoDeal => outcomes.none += 1,
            OutcomeKind::WalkOut => outcomes.walk_out += 1,
        }
        for p in 0..self.util.len() {
            self.util[p] += g.utilities[p];
            self.gain[p] += g.gains[p];
        }
        if let Some(d) = g.pareto_distance {
            self.pareto += d;
            self.agreed += 1;
        }
        if let Some(d) = g.nash_distance {
            self.nash += d;
            self.with_nash += 1;
        }
        self.rounds += g.rounds as u64;
        for (counts, settled) in self.issues.iter_mut().zip(&g.settled) {
            let unsettled = counts.len() - 1;
            counts[settled.unwrap_or(unsettled).min(unsettled)] += 1;
        }
        for (e, fired) in g.events_fired.iter().enumerate() {
            self.events[e] += u64::from(*fired);
        }
        for (l, uses) in g.lever_uses.iter().enumerate() {
            self.levers[l] += u64::from(*uses);
        }
    }

    fn report(self, model: &Model) -> Report {
        let s = &model.scenario;
        let n = self.n;
        let outcomes = self.outcomes;
        let mean = |x: f64| if n > 0 { x / n as f64 } else { 0.0 };
        // Options never agreed are not listed, as before: only what happened.
        let issues = s
            .issues
            .iter()
            .zip(&self.issues)
            .map(|(issue, counts)| {
                let unsettled = counts.len() - 1;
                let by_option: BTreeMap<String, u64> = counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(o, c)| {
                        let id = if o == unsettled {
                            "unsettled".to_string()
                        } else {
                            issue.options[o].id.clone()
                        };
                        (id, *c)
                    })
                    .collect();
                (issue.id.clone(), by_option)
            })
            .filter(|(_, by_option)| !by_option.is_empty())
            .collect();
        Report {
            games: n,
            games_per_second: 0.0,
            agreement_rate: mean((outcomes.full + outcomes.partial) as f64),
            parties: s
                .parties
                .iter()
                .enumerate()
                .map(|(p, party)| {
                    (
                        party.id.clone(),
                        PartyFigures {
                            mean_utility: mean(self.util[p]),
                            mean_gain_over_batna: mean(self.gain[p]),
                        },
                    )
                })
                .collect(),
            outcomes,
            mean_pareto_distance: (self.agreed > 0).then(|| self.pareto / self.agreed as f64),
            mean_nash_distance: (self.with_nash > 0).then(|| self.nash / self.with_nash as f64),
            mean_rounds: mean(self.rounds as f64),
            issues,
            events_fired: s
                .events
                .iter()
                .zip(self.events)
                .map(|(e, c)| (e.id.clone(), c))
                .collect(),
            lever_uses: s
                .levers
                .iter()
                .zip(self.levers)
                .map(|(l, c)| (l.id.clone(), c))
                .collect(),
            decision_micros_p50: 0.0,
            decision_micros_p99: 0.0,
        }
    }
}

impl Report {
    /// The figures for people.
    pub fn render(&self, model: &Model) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let pct = |x: u64| 100.0 * x as f64 / self.games.max(1) as f64;
        let _ = writeln!(out, "games                 {}", self.games);
        let _ = writeln!(out, "games per second      {:.0}", self.games_per_second);
        let _ = writeln!(
            out,
            "AI decision           p50 {:.0} µs, p99 {:.0} µs",
            self.decision_micros_p50, self.decision_micros_p99
        );
        let o = &self.outcomes;
        let _ = writeln!(
            out,
            "agreement rate        {:.1}%  (full {:.1}%, partial {:.1}%, none {:.1}%, walk-out {:.1}%)",
            100.0 * self.agreement_rate,
            pct(o.full),
            pct(o.partial),
            pct(o.none),
            pct(o.walk_out)
        );
        let fmt = |x: Option<f64>| x.map_or("—".to_string(), |x| format!("{x:.3}"));
        let _ = writeln!(
            out,
            "mean Pareto distance  {}",
            fmt(self.mean_pareto_distance)
        );
        let _ = writeln!(
            out,
            "mean Nash distance    {}",
            fmt(self.mean_nash_distance)
        );
        let _ = writeln!(out, "mean rounds           {:.2}", self.mean_rounds);
        let _ = writeln!(
            out,
            "\nparty                 mean utility   mean gain over BATNA"
        );
        for (id, f) in &self.parties {
            let _ = writeln!(
                out,
                "  {id:<20} {:>10.1}   {:>+10.1}",
                f.mean_utility, f.mean_gain_over_batna
            );
        }
        let _ = writeln!(out, "\nagreed options (share of games)");
        for issue in &model.scenario.issues {
            let Some(counts) = self.issues.get(&issue.id) else {
                continue;
            };
            let items: Vec<String> = counts
                .iter()
                .map(|(o, c)| format!("{o} {:.1}%", pct(*c)))
                .collect();
            let _ = writeln!(out, "  {:<20} {}", issue.id, items.join(", "));
        }
        if !self.events_fired.is_empty() {
            let _ = writeln!(out, "\nevents fired (share of games)");
            for (id, c) in &self.events_fired {
                let _ = writeln!(out, "  {id:<32} {:.1}%", pct(*c));
            }
        }
        if !self.lever_uses.is_empty() {
            let _ = writeln!(out, "\nlevers used (uses per game)");
            for (id, c) in &self.lever_uses {
                let _ = writeln!(
                    out,
                    "  {id:<32} {:.2}",
                    *c as f64 / self.games.max(1) as f64
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::generate::bilateral;

    /// Not a check: a steady workload for profiling the engine and the AI
    /// (`cargo test --release --no-default-features --lib -- --ignored workload --nocapture`,
    /// under `perf stat` or `perf record`). Plays 2,000 games (or `ACCORD_WORKLOAD_GAMES`) over 64 random bilateral
    /// problems of 3 issues × 10 options, as the criterion benchmark does.
    #[test]
    #[ignore]
    fn workload_bilateral() {
        let problems: Vec<Arc<Model>> = (0..64)
            .map(|k| Arc::new(Model::new(bilateral(k, 3, 10, 100), "")))
            .collect();
        let games: usize = std::env::var("ACCORD_WORKLOAD_GAMES")
            .ok()
            .and_then(|g| g.parse().ok())
            .unwrap_or(2000);
        let start = std::time::Instant::now();
        let mut rounds = 0u64;
        for k in 0..games {
            rounds += u64::from(play(&problems[k % problems.len()], k as u64, &[]).round());
        }
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{games} games, {:.1} rounds on average, {:.0} games/s",
            rounds as f64 / games as f64,
            games as f64 / seconds
        );
    }
}
