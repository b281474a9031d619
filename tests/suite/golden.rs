//! Golden games: seeded games of every shipped scenario (AI against AI, with and without
//! difficulty presets, and random moves through the rule checks), their transcripts and
//! results as text, byte for byte as the engine wrote them before its rewrite (issue 14).
//! A refactor that changes any line fails here. After a change that is meant to change the
//! games, regenerate with `ACCORD_BLESS=1 cargo test golden` and review the diff.

use std::fmt::Write;
use std::sync::Arc;

use accord::sim::ai::SeatControl;
use accord::sim::load::BUILT_IN;
use accord::sim::{Game, Model, simulate};

use super::common;

/// Everything a game is, as text: each transcript entry as rendered for people (with its
/// audience), then the outcome and every party's result.
fn golden_text(game: &Game) -> String {
    let model = game.model();
    let mut out = String::new();
    for e in game.transcript() {
        let _ = writeln!(out, "{}", e.render_with(model));
    }
    let _ = writeln!(
        out,
        "outcome: {}",
        game.outcome().map_or("none".to_string(), |o| o.describe())
    );
    for (r, party) in game.results().iter().zip(&model.scenario.parties) {
        let _ = writeln!(
            out,
            "{}: utility {:.6}, batna {:.6} -> {:.6}, gain {:+.6}",
            party.id, r.utility, r.initial_batna, r.final_batna, r.gain
        );
    }
    out
}

fn games(id: &str, model: &Arc<Model>) -> Vec<(String, Game)> {
    let n = model.scenario.parties.len();
    let mut out = Vec::new();
    for seed in [1u64, 7, 42] {
        out.push((format!("{id}-ai-{seed}"), simulate::play(model, seed, &[])));
    }
    for preset in ["easy", "hard"] {
        let controls = vec![SeatControl::Ai(preset.into()); n];
        out.push((
            format!("{id}-{preset}-3"),
            simulate::play(model, 3, &controls),
        ));
    }
    for seed in [5u64, 11] {
        out.push((
            format!("{id}-random-{seed}"),
            common::play_random(model.clone(), seed),
        ));
    }
    out
}

#[test]
fn seeded_games_of_every_shipped_scenario_are_unchanged() {
    let bless = std::env::var_os("ACCORD_BLESS").is_some();
    let dir = std::path::Path::new("tests/golden");
    let mut failures = Vec::new();
    for (id, _, _) in BUILT_IN {
        let model = common::built_in(id);
        for (name, game) in games(id, &model) {
            let text = golden_text(&game);
            let path = dir.join(format!("{name}.txt"));
            if bless {
                std::fs::create_dir_all(dir).unwrap();
                std::fs::write(&path, &text).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (ACCORD_BLESS=1 writes it)", path.display()));
            if want != text {
                let line = want
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.lines().count().min(text.lines().count()));
                failures.push(format!(
                    "{}: differs from line {}:\n  want: {}\n  got:  {}",
                    path.display(),
                    line + 1,
                    want.lines().nth(line).unwrap_or("(end)"),
                    text.lines().nth(line).unwrap_or("(end)")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
