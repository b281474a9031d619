//! `accord lint`: what a scenario designer needs to know beyond validity, found by
//! analysing the outcome space and playing a batch of AI-vs-AI games. Every finding is a
//! warning, not an error, and carries the figures behind it.

use serde::Serialize;

use super::ai::SeatControl;
use super::model::{Model, UtilityTable};
use super::simulate::{self, GameSummary, Report};
use std::sync::Arc;

/// One thing a designer should look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A stable name: `empty-zone`, `rare-agreement`, `one-outcome`, `option-never-agreed`,
    /// `issue-never-settles`, `party-walks-out`, `event-never-fires`, `lever-never-used`.
    pub kind: &'static str,
    pub message: String,
}

/// The analysis of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Lint {
    /// Allowed packages every delegation prefers to its BATNA at the start, and all
    /// packages.
    pub zone_size: u64,
    pub packages: u64,
    /// Packages the option rules allow (all of them when there are none).
    pub allowed_packages: u64,
    /// The most frequent agreements, most frequent first: what was settled at the end of
    /// a game (issues left unsettled are not named), in how many games.
    pub top_agreements: Vec<Agreement>,
    pub report: Report,
    pub findings: Vec<Finding>,
}

/// One agreement and how often the AI games reached it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// The settled options, `issue: option` by id, in issue order.
    pub settled: Vec<(String, String)>,
    pub games: u64,
}

/// How many of the most frequent agreements lint lists.
pub const TOP_AGREEMENTS: usize = 5;

/// Analyses the scenario over `games` AI games from `seed`, on `threads` threads.
pub fn lint(model: &Arc<Model>, games: u64, seed: u64, threads: usize) -> Lint {
    let mut findings = Vec::new();
    let (zone_size, packages) = zone_of_agreement(model);
    if zone_size == 0 {
        findings.push(Finding {
            kind: "empty-zone",
            message: format!(
                "empty zone of agreement: none of the {packages} packages is worth more than \
                 its BATNA to every delegation at the start; only levers and events can open one"
            ),
        });
    }
    let controls = vec![SeatControl::Ai("scenario".into()); model.scenario.parties.len()];
    let (report, summaries) = simulate::run(model, games, seed, threads, &controls, &|_| {});
    findings.extend(from_games(model, &report, &summaries));
    let allowed_packages = model
        .allowed()
        .map_or(packages, |a| a.iter().filter(|x| **x).count() as u64);
    Lint {
        zone_size,
        packages,
        allowed_packages,
        top_agreements: top_agreements(model, &summaries, TOP_AGREEMENTS),
        report,
        findings,
    }
}

/// How many packages the option rules allow and every delegation values above its
/// initial BATNA, out of how many packages.
pub fn zone_of_agreement(model: &Model) -> (u64, u64) {
    // The initial tables are built once per model and shared with the AI.
    let tables: Vec<(Arc<UtilityTable>, f64)> = model
        .delegations
        .iter()
        .map(|&d| (model.initial_table(d), model.prefs[d].batna))
        .collect();
    let packages: usize = model.option_counts().iter().product();
    let allowed = model.allowed();
    let inside = (0..packages)
        .filter(|&k| {
            allowed.is_none_or(|a| a[k]) && tables.iter().all(|(t, batna)| t.utils[k] > *batna)
        })
        .count();
    (inside as u64, packages as u64)
}

/// The `n` most frequent agreements of these games (games that settled nothing are left
/// out), most frequent first, ties in issue and option order.
pub fn top_agreements(model: &Model, summaries: &[GameSummary], n: usize) -> Vec<Agreement> {
    let mut deals: std::collections::BTreeMap<&[Option<usize>], u64> = Default::default();
    for g in summaries {
        if g.settled.iter().any(Option::is_some) {
            *deals.entry(g.settled.as_slice()).or_default() += 1;
        }
    }
    let mut deals: Vec<(&[Option<usize>], u64)> = deals.into_iter().collect();
    deals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let s = &model.scenario;
    deals
        .into_iter()
        .take(n)
        .map(|(settled, games)| Agreement {
            settled: settled
                .iter()
                .enumerate()
                .filter_map(|(i, o)| {
                    let issue = s.issues.get(i)?;
                    let option = issue.options.get((*o)?)?;
                    Some((issue.id.clone(), option.id.clone()))
                })
                .collect(),
            games,
        })
        .collect()
}

fn share(count: u64, games: u64) -> String {
    format!("{:.1}%", 100.0 * count as f64 / games.max(1) as f64)
}

fn from_games(model: &Model, report: &Report, summaries: &[GameSummary]) -> Vec<Finding> {
    let s = &model.scenario;
    let games = report.games;
    let mut findings = Vec::new();
    let agreements = report.outcomes.full + report.outcomes.partial;
    if games > 0 && report.agreement_rate < 0.2 {
        findings.push(Finding {
            kind: "rare-agreement",
            message: format!(
                "the AI delegations agree on something in only {} of {games} games \
                 (full {}, partial {}, none {}, walk-out {})",
                share(agreements, games),
                report.outcomes.full,
                report.outcomes.partial,
                report.outcomes.none,
                report.outcomes.walk_out
            ),
        });
    }
    // The same final set of settled options in nearly every game.
    let mut deals: std::collections::BTreeMap<&[Option<usize>], u64> = Default::default();
    for g in summaries {
        *deals.entry(g.settled.as_slice()).or_default() += 1;
    }
    if let Some((_, &most)) = deals.iter().max_by_key(|(_, n)| **n)
        && games >= 20
        && most as f64 >= 0.95 * games as f64
    {
        findings.push(Finding {
            kind: "one-outcome",
            message: format!(
                "{} of {games} games end with the same settled options: the scenario may \
                 play out the same way every time",
                share(most, games)
            ),
        });
    }
    for issue in &s.issues {
        let counts = report.issues.get(&issue.id);
        let count = |id: &str| counts.and_then(|c| c.get(id)).copied().unwrap_or(0);
        let unsettled = count("unsettled");
        if unsettled >= games && games > 0 {
            findings.push(Finding {
                kind: "issue-never-settles",
                message: format!("issue `{}` is settled in none of {games} games", issue.id),
            });
            continue;
        }
        for option in &issue.options {
            if count(&option.id) == 0 {
                findings.push(Finding {
                    kind: "option-never-agreed",
                    message: format!(
                        "option `{}` of issue `{}` is agreed in none of {games} games \
                         (the issue is settled in {})",
                        option.id,
                        issue.id,
                        share(games - unsettled, games)
                    ),
                });
            }
        }
    }
    for party in &s.parties {
        let walked = summaries
            .iter()
            .filter(|g| g.walked_out.as_deref() == Some(party.id.as_str()))
            .count() as u64;
        if games > 0 && walked as f64 >= 0.5 * games as f64 {
            findings.push(Finding {
                kind: "party-walks-out",
                message: format!(
                    "`{}` walks out in {} of {games} games",
                    party.id,
                    share(walked, games)
                ),
            });
        }
    }
    for event in &s.events {
        if report.events_fired.get(&event.id).copied().unwrap_or(0) == 0 {
            findings.push(Finding {
                kind: "event-never-fires",
                message: format!("event `{}` fires in none of {games} games", event.id),
            });
        }
    }
    for lever in &s.levers {
        if report.lever_uses.get(&lever.id).copied().unwrap_or(0) == 0 {
            findings.push(Finding {
                kind: "lever-never-used",
                message: format!(
                    "lever `{}` of `{}` is used in none of {games} games (the AI never \
                     finds it worth its cost; a human player still may)",
                    lever.id, lever.owner
                ),
            });
        }
    }
    findings
}
