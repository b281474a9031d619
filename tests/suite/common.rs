//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use accord::sim::rng::Stream;
use accord::sim::{Action, Audience, Game, Model, PartyKind, Reason, Stance, StanceKind, load_str};

pub const MINIMAL: &str = include_str!("../fixtures/valid/minimal.ron");

pub fn model(src: &str) -> Arc<Model> {
    match load_str("test.ron", src) {
        Ok(l) => Arc::new(l.model),
        Err(d) => panic!("scenario does not load:\n{d}"),
    }
}

pub fn minimal() -> Arc<Model> {
    model(MINIMAL)
}

/// The minimal fixture with one rule: North never draws all the water while South fishes.
pub fn minimal_with_rule() -> Arc<Model> {
    let rules = r#"    option_rules: [
        Excludes(
            option: (issue: "water", option: "all"),
            other: (issue: "fish", option: "yes"),
            why: "A test rule.",
        ),
    ],
    rules: ("#;
    let src = MINIMAL.replacen("    rules: (", rules, 1);
    assert_ne!(src, MINIMAL);
    model(&src)
}

pub fn istanbul() -> Arc<Model> {
    model(accord::sim::load::ISTANBUL_2025)
}

/// A built-in scenario by id.
#[allow(dead_code)]
pub fn built_in(id: &str) -> Arc<Model> {
    match accord::sim::load::load_built_in(id) {
        Some(Ok(l)) => Arc::new(l.model),
        Some(Err(d)) => panic!("{id} does not load:\n{d}"),
        None => panic!("no built-in scenario {id}"),
    }
}

pub fn pkg(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(i, o)| (i.to_string(), o.to_string()))
        .collect()
}

/// A random action for the party to move: mostly legal, sometimes not (the engine must
/// refuse those without a change). Walk-outs are rare so that games run long.
pub fn random_action(game: &Game, rng: &mut Stream) -> Action {
    let m = game.model();
    let s = &m.scenario;
    let me = game.to_move().expect("game not over");
    let kind = m.kind(me);
    let random_package = |rng: &mut Stream| {
        let mut p = BTreeMap::new();
        for issue in &s.issues {
            if rng.below(2) == 0 || s.rules.nothing_agreed_until_all_agreed {
                let o = rng.below(issue.options.len() as u64) as usize;
                p.insert(issue.id.clone(), issue.options[o].id.clone());
            }
        }
        if p.is_empty() {
            let issue = &s.issues[0];
            p.insert(issue.id.clone(), issue.status_quo.clone());
        }
        p
    };
    let offers: Vec<u32> = game.standing_offers().map(|o| o.id).collect();
    let any_offer = |rng: &mut Stream| {
        if offers.is_empty() {
            rng.below(5) as u32 + 1
        } else {
            offers[rng.below(offers.len() as u64) as usize]
        }
    };
    let other = |rng: &mut Stream| {
        s.parties[rng.below(s.parties.len() as u64) as usize]
            .id
            .clone()
    };
    let stance = |rng: &mut Stream| {
        let issue = &s.issues[rng.below(s.issues.len() as u64) as usize];
        Stance {
            issue: issue.id.clone(),
            option: issue.options[rng.below(issue.options.len() as u64) as usize]
                .id
                .clone(),
            stance: [StanceKind::Demand, StanceKind::OpenTo, StanceKind::Reject]
                [rng.below(3) as usize],
        }
    };
    match kind {
        PartyKind::Ally | PartyKind::Mediator => match rng.below(6) {
            0 | 1 if !s.levers.is_empty() => Action::UseLever {
                lever: s.levers[rng.below(s.levers.len() as u64) as usize]
                    .id
                    .clone(),
            },
            2 if kind == PartyKind::Mediator => Action::Propose {
                package: random_package(rng),
                note: None,
            },
            3 => Action::Statement {
                to: Audience::Private(vec![other(rng)]),
                stances: vec![stance(rng)],
                text: Some(format!("private word from {}", m.party_id(me))),
            },
            _ => Action::Pass,
        },
        PartyKind::Delegation => match rng.below(40) {
            0..=9 => Action::Propose {
                package: random_package(rng),
                note: Some("our offer".into()),
            },
            10..=15 => Action::Accept {
                offer: any_offer(rng),
            },
            16..=20 => Action::Reject {
                offer: any_offer(rng),
                reason: Some(Reason {
                    issue: Some(s.issues[0].id.clone()),
                    text: Some("not enough".into()),
                }),
            },
            21..=23 => Action::Counter {
                to: any_offer(rng),
                package: random_package(rng),
                note: None,
            },
            24..=26 => Action::Statement {
                to: Audience::Private(vec![other(rng)]),
                stances: vec![stance(rng)],
                text: Some(format!("private word from {}", m.party_id(me))),
            },
            27..=28 => Action::Statement {
                to: Audience::Public,
                stances: vec![stance(rng)],
                text: None,
            },
            29..=30 => Action::Caucus {
                ally: other(rng),
                text: format!("caucus secret of {}", m.party_id(me)),
            },
            31 => Action::AskMediator { note: None },
            32 => Action::Withdraw {
                offer: any_offer(rng),
            },
            33 => Action::UseLever {
                lever: "nope".into(),
            },
            34 if rng.below(8) == 0 => Action::WalkOut {
                reason: Some("enough".into()),
            },
            _ => Action::Pass,
        },
    }
}

/// Plays a whole game with random actions (refused ones are retried with a pass).
pub fn play_random(model: Arc<Model>, seed: u64) -> Game {
    let mut game = Game::new(model, seed);
    let mut rng = Stream::new(seed, "test-policy");
    let mut steps = 0;
    while let Some(p) = game.to_move() {
        let action = random_action(&game, &mut rng);
        if game.apply_index(p, action).is_err() {
            game.apply_index(p, Action::Pass)
                .expect("pass is always legal");
        }
        steps += 1;
        assert!(steps < 10_000, "game does not end");
    }
    game
}

/// An id in player-facing text, if there is one: a word joined by `_`, or a party's id
/// where its name belongs (`turkiye`, `calvora`: ids the scenario's own texts never use
/// as a word outside quotes). Web addresses are left alone.
pub fn id_in(model: &Model, text: &str) -> Option<String> {
    if let Some(id) = accord::sim::narrate::find_id(text) {
        return Some(id.to_string());
    }
    let source = ron::to_string(&model.scenario).unwrap_or_default();
    let text: Vec<&str> = text
        .split_whitespace()
        .filter(|t| !t.contains("://"))
        .collect();
    let text = text.join(" ");
    model
        .scenario
        .parties
        .iter()
        .map(|p| p.id.as_str())
        .filter(|id| !word_in(&source, id, true))
        .find(|id| word_in(&text, id, false))
        .map(str::to_string)
}

/// Whether `word` stands alone in `text` (not inside a longer word or id; with
/// `unquoted`, not as a quoted string either).
fn word_in(text: &str, word: &str, unquoted: bool) -> bool {
    let edge = |c: Option<char>| {
        c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || (unquoted && c == '"')))
    };
    text.match_indices(word).any(|(at, _)| {
        edge(text[..at].chars().next_back()) && edge(text[at + word.len()..].chars().next())
    })
}
