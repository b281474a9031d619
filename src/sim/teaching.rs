//! The teaching kits: `docs/teaching/<scenario>.md`, built into the binary, printed as one
//! self-contained HTML page like the handouts (`accord report --teaching`, or the game's
//! Scenarios screen). A kit's expected outcomes are a table between
//! `<!-- accord:expected scenario=… games=… seed=… -->` and `<!-- /accord:expected -->`;
//! each row names the figure it quotes in its last cell (`agreement_rate`, `gain:ukraine`,
//! …), so that a test can run the same simulation and check every figure against its
//! tolerance: the kit cannot go stale when the AI or the scenario changes.

use std::fmt::Write as _;
use std::sync::Arc;

use super::analysis::OutcomeSpace;
use super::model::Model;
use super::report;
use super::simulate::Report;

/// The kits, by scenario id, as the docs hold them (none in the browser client, whose
/// bundle holds no scenario text).
#[cfg(target_arch = "wasm32")]
pub const KITS: &[(&str, &str, &str)] = &[];

/// The kits, by scenario id, as the docs hold them.
#[cfg(not(target_arch = "wasm32"))]
pub const KITS: &[(&str, &str, &str)] = &[
    (
        "istanbul-2025",
        "docs/teaching/istanbul-2025.md",
        include_str!("../../docs/teaching/istanbul-2025.md"),
    ),
    (
        "river-valley",
        "docs/teaching/river-valley.md",
        include_str!("../../docs/teaching/river-valley.md"),
    ),
];

/// The kit of a scenario, if it has one.
pub fn kit(scenario_id: &str) -> Option<&'static str> {
    KITS.iter()
        .find(|(id, _, _)| *id == scenario_id)
        .map(|(_, _, text)| *text)
}

const OPEN: &str = "<!-- accord:expected";
const CLOSE: &str = "<!-- /accord:expected -->";

/// A kit's table of expected outcomes: the simulation it quotes, and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub scenario: String,
    pub games: u64,
    pub seed: u64,
    pub rows: Vec<ExpectedRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedRow {
    /// The row's words, as the teacher reads them.
    pub label: String,
    pub value: f64,
    pub tolerance: f64,
    /// What it measures: see [`measure`].
    pub key: String,
}

/// The first number in a cell ("62.3%", "+3.1", "± 5 points"), sign included.
fn number(cell: &str) -> Option<f64> {
    let start = cell.find(|c: char| c.is_ascii_digit() || c == '-' || c == '+')?;
    let rest = &cell[start..];
    let end = rest
        .char_indices()
        .skip(1)
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].parse().ok()
}

fn cells(line: &str) -> Vec<&str> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.split('|').map(str::trim).collect()
}

/// Reads a kit's table of expected outcomes; `None` when it has none.
pub fn expected(text: &str) -> Result<Option<Expected>, String> {
    let Some(open) = text.find(OPEN) else {
        return Ok(None);
    };
    let head_end = text[open..]
        .find("-->")
        .ok_or("the expected-outcomes marker is not closed")?
        + open;
    let mut scenario = None;
    let mut games = None;
    let mut seed = None;
    for word in text[open + OPEN.len()..head_end].split_whitespace() {
        match word.split_once('=') {
            Some(("scenario", v)) => scenario = Some(v.to_string()),
            Some(("games", v)) => games = v.parse().ok(),
            Some(("seed", v)) => seed = v.parse().ok(),
            _ => return Err(format!("unknown setting “{word}” in the expected outcomes")),
        }
    }
    let close = text[head_end..]
        .find(CLOSE)
        .ok_or("the expected outcomes have no closing marker")?
        + head_end;
    let mut rows = Vec::new();
    for line in text[head_end + 3..close].lines() {
        let c = cells(line);
        if c.len() < 4 || !c[3].starts_with('`') {
            continue;
        }
        let key = c[3].trim_matches('`').to_string();
        let value = number(c[1]).ok_or_else(|| format!("no number in “{}” ({key})", c[1]))?;
        let tolerance = number(c[2])
            .map(f64::abs)
            .ok_or_else(|| format!("no tolerance in “{}” ({key})", c[2]))?;
        rows.push(ExpectedRow {
            label: c[0].to_string(),
            value,
            tolerance,
            key,
        });
    }
    Ok(Some(Expected {
        scenario: scenario.ok_or("the expected outcomes name no scenario")?,
        games: games.ok_or("the expected outcomes give no number of games")?,
        seed: seed.ok_or("the expected outcomes give no seed")?,
        rows,
    }))
}

/// The figure a row's key names, from a simulation's report: `agreement_rate`, `full`,
/// `partial`, `none`, `walk_out` and `settled:<issue>` in percent of games;
/// `gain:<party>` and `utility:<party>` in points; `rounds`; `pareto` and `nash` (mean
/// distances of agreements).
pub fn measure(report: &Report, key: &str) -> Option<f64> {
    let games = report.games.max(1) as f64;
    let pct = |n: u64| 100.0 * n as f64 / games;
    let o = &report.outcomes;
    match key.split_once(':') {
        None => match key {
            "agreement_rate" => Some(100.0 * report.agreement_rate),
            "full" => Some(pct(o.full)),
            "partial" => Some(pct(o.partial)),
            "none" => Some(pct(o.none)),
            "walk_out" => Some(pct(o.walk_out)),
            "rounds" => Some(report.mean_rounds),
            "pareto" => report.mean_pareto_distance,
            "nash" => report.mean_nash_distance,
            _ => None,
        },
        Some(("gain", p)) => report.parties.get(p).map(|f| f.mean_gain_over_batna),
        Some(("utility", p)) => report.parties.get(p).map(|f| f.mean_utility),
        Some(("settled", issue)) => report.issues.get(issue).map(|counts| {
            let unsettled = counts.get("unsettled").copied().unwrap_or(0);
            pct(report.games - unsettled)
        }),
        _ => None,
    }
}

/// Every figure of `expected` that a fresh `report` does not match within its tolerance,
/// in words.
pub fn mismatches(expected: &Expected, report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for row in &expected.rows {
        match measure(report, &row.key) {
            None => out.push(format!("{}: `{}` measures nothing", row.label, row.key)),
            Some(now) if (now - row.value).abs() > row.tolerance + 1e-9 => out.push(format!(
                "{} (`{}`): the kit says {} ± {}, a fresh run gives {now:.1}",
                row.label, row.key, row.value, row.tolerance
            )),
            Some(_) => {}
        }
    }
    out
}

/// `text` with every expected figure replaced by the fresh one (rounded as a teacher reads
/// it), the tolerances kept: what `ACCORD_BLESS=1` writes back into a kit.
pub fn bless(text: &str, report: &Report) -> String {
    let (Some(open), Some(close)) = (text.find(OPEN), text.find(CLOSE)) else {
        return text.to_string();
    };
    let mut out = text[..open].to_string();
    for line in text[open..close].split_inclusive('\n') {
        let c = cells(line);
        match (c.len() >= 4 && c[3].starts_with('`'))
            .then(|| measure(report, c[3].trim_matches('`')))
            .flatten()
        {
            Some(now) => {
                let key = c[3].trim_matches('`');
                let value = if key.starts_with("gain:") {
                    format!("{now:+.1}")
                } else if matches!(key, "pareto" | "nash") {
                    format!("{now:.3}")
                } else if key == "rounds" || key.starts_with("utility:") {
                    format!("{now:.1}")
                } else {
                    format!("{now:.1}%")
                };
                let _ = writeln!(out, "| {} | {value} | {} | {} |", c[0], c[2], c[3]);
            }
            None => out.push_str(line),
        }
    }
    out.push_str(&text[close..]);
    out
}

/// A kit as one self-contained HTML page: the Markdown rendered, every picture it shows
/// replaced by the debrief's outcome-space chart of a seeded game of `model` (the picture
/// the debrief draws), so that nothing is fetched from anywhere; then the scenario's
/// sources.
pub fn kit_html(model: &Arc<Model>, text: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let game = super::simulate::play(model, 1, &[]);
    let space = OutcomeSpace::new(model, game.prefs());
    let chart = report::space_chart(&game, &space);
    let mut events = Vec::new();
    let mut in_image = false;
    let mut caption = String::new();
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Image { .. }) => {
                in_image = true;
                caption.clear();
            }
            Event::End(TagEnd::Image) => {
                in_image = false;
                events.push(Event::Html(
                    format!(
                        "<figure>{chart}<figcaption>{}</figcaption></figure>",
                        report::esc(&caption)
                    )
                    .into(),
                ));
            }
            Event::Text(t) if in_image => caption.push_str(&t),
            _ if in_image => {}
            e => events.push(e),
        }
    }
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events.into_iter());
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("Teaching kit");
    let mut out = String::new();
    report::page_start(&mut out, title);
    out.push_str(&body);
    report::sources(&mut out, model);
    report::page_end(&mut out);
    out
}
