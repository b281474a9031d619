//! What people read of a game names parties, issues, options, levers and sources by the
//! scenario's names: full games of every shipped scenario, rendered as the table, the
//! facilitator, the debrief, the report and `accord replay` render them, hold no id.

use std::sync::Arc;

use accord::sim::ai::SeatControl;
use accord::sim::load::BUILT_IN;
use accord::sim::narrate::Narrator;
use accord::sim::report::debrief_html;
use accord::sim::transcript::EntryKind;
use accord::sim::{FacilitatorMove, Game, Model, simulate};

use super::common;

/// Games that between them make every kind of entry: AI games with and without presets,
/// random moves through the rule checks, and one with the facilitator's injects, news and
/// early end.
fn games(model: &Arc<Model>) -> Vec<Game> {
    let n = model.scenario.parties.len();
    let mut out = vec![
        simulate::play(model, 1, &[]),
        simulate::play(model, 7, &vec![SeatControl::Ai("hard".into()); n]),
    ];
    for seed in [5u64, 11, 23] {
        out.push(common::play_random(model.clone(), seed));
    }
    let mut game = Game::new(model.clone(), 3);
    game.facilitate(FacilitatorMove::News {
        headline: "A headline".into(),
        text: "The facilitator's news.".into(),
    })
    .unwrap();
    for inject in &model.scenario.injects {
        // An inject may end the talks; those after it are refused.
        let _ = game.facilitate(FacilitatorMove::Inject {
            inject: inject.id.clone(),
        });
    }
    if !game.is_over() {
        game.facilitate(FacilitatorMove::EndTalks {
            reason: "the bell rang".into(),
        })
        .unwrap();
    }
    out.push(game);
    out
}

/// Every line a person may read of a game.
fn player_facing(game: &Game) -> Vec<String> {
    let model = game.model();
    let n = Narrator::new(model);
    let mut lines = Vec::new();
    for e in game.entries() {
        lines.push(n.line(&e));
        match &e.kind {
            EntryKind::Explained { reason, .. } => lines.push(n.reason(reason)),
            EntryKind::Rationale { rationale, .. } => lines.push(n.rationale(rationale)),
            _ => {}
        }
    }
    for p in 0..model.scenario.parties.len() {
        for e in game.view(p).transcript {
            lines.push(n.text(&e));
        }
    }
    if let Some(o) = game.outcome() {
        lines.push(n.outcome(o));
    }
    lines
}

/// The text outside “quotes”.
fn unquoted(line: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '“' => depth += 1,
            '”' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn full_games_of_every_shipped_scenario_read_without_ids() {
    let mut kinds = std::collections::HashSet::new();
    for (id, _, _) in BUILT_IN {
        let model = common::built_in(id);
        for game in games(&model) {
            for e in game.entries() {
                kinds.insert(std::mem::discriminant(&e.kind));
            }
            for line in player_facing(&game) {
                // What a player typed is quoted as typed (the random moves write ids).
                let line = unquoted(&line);
                let found = common::id_in(&model, &line);
                assert!(found.is_none(), "{id}: {found:?} in “{line}”");
                for debug in ["Demand", "OpenTo", "Some(", "None"] {
                    assert!(!line.contains(debug), "{id}: `{debug}` in “{line}”");
                }
            }
        }
    }
    // The games above are worth checking only if they make most kinds of entry.
    assert!(
        kinds.len() >= 18,
        "only {} kinds of entry were made",
        kinds.len()
    );
}

#[test]
fn the_printed_report_reads_without_ids() {
    for (id, _, _) in BUILT_IN {
        let model = common::built_in(id);
        let game = simulate::play(&model, 1, &[]);
        let html = debrief_html(&game);
        // The text between tags, not the markup (class names, style sheet).
        let body = &html[html.find("<body").unwrap_or(0)..];
        let mut text = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        for line in text.lines() {
            let found = common::id_in(&model, line);
            assert!(
                found.is_none(),
                "{id}: {found:?} in the report: “{}”",
                line.trim()
            );
        }
    }
}

#[test]
fn the_mediators_text_reads_as_the_issue_asks() {
    let model = common::built_in("istanbul-2025");
    let game = simulate::play(&model, 1, &[]);
    let n = Narrator::new(&model);
    let lines: Vec<String> = game.entries().iter().map(|e| n.line(e)).collect();
    let tabled = lines
        .iter()
        .find(|l| l.contains("Türkiye tables a text"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(tabled.starts_with("Round 1 · "), "{tabled}");
    assert!(tabled.contains(" — "), "{tabled}");
    assert!(lines.iter().any(|l| l.contains("Agreed: ")), "{lines:#?}");
}

#[test]
fn the_debrief_says_what_the_talks_could_have_had() {
    use accord::sim::analysis::dominates;
    for (id, _, _) in BUILT_IN {
        let model = common::built_in(id);
        for seed in [1u64, 2, 3, 4] {
            let game = simulate::play(&model, seed, &[]);
            let space = game.outcome_space();
            let c = game.could_have_had(&space).expect("a frontier");
            // The package is allowed and on the frontier, and its utilities are its own.
            let package: Vec<usize> = model
                .scenario
                .issues
                .iter()
                .enumerate()
                .map(|(i, issue)| model.option_index(i, &c.package[&issue.id]).unwrap())
                .collect();
            let k = space.index_of(&package).unwrap();
            assert!(
                space.is_allowed(k) && space.frontier.contains(&k),
                "{id}/{seed}"
            );
            for (d, &p) in model.delegations.iter().enumerate() {
                assert!((game.prefs()[p].utility(&package) - c.frontier[d]).abs() < 1e-9);
            }
            let outcome: Vec<f64> = c.outcome.iter().map(|u| u / 100.0).collect();
            let frontier: Vec<f64> = c.frontier.iter().map(|u| u / 100.0).collect();
            if c.on_frontier {
                assert!(space.distance_to_frontier(&outcome) < 1e-9);
            } else {
                // Off the frontier, some frontier package is at least as good for all.
                assert!(
                    dominates(&frontier, &outcome) || frontier == outcome,
                    "{id}/{seed}: {c:?}"
                );
            }
            let text = Narrator::new(&model).could_have_had(&c);
            let found = common::id_in(&model, &text);
            assert!(found.is_none(), "{found:?} in {text}");
            if !c.on_frontier {
                let first = &model.scenario.issues[0];
                assert!(text.contains(&first.name), "{text}");
                for &d in &model.delegations {
                    let name = Narrator::new(&model).party(&model.scenario.parties[d].id);
                    assert!(text.contains(&name), "{text}");
                }
            }
        }
    }
}
