//! Every seat for people: human allies and mediators, presets for every kind of seat,
//! what each kind of seat sees, and a game with every seat human.

use std::collections::BTreeMap;

use accord::sim::ai::mediator::staff_suggestion;
use accord::sim::ai::presets::{THIRD_PARTY_TRUST, seat_personality};
use accord::sim::ai::{SeatControl, Table};
use accord::sim::game::{NOT_YET, OutcomeKind};
use accord::sim::observe::{LocalCaches, Observation, Public, SeatView};
use accord::sim::scenario::PartyKind;
use accord::sim::transcript::{EntryKind, Visibility};
use accord::sim::{Action, Audience, Game};

use crate::common;

/// The Istanbul package as it stands at the start: every issue on its status quo.
fn status_quo_ids(game: &Game) -> BTreeMap<String, String> {
    game.model()
        .package_ids(&game.model().scenario.status_quo_package())
}

#[test]
fn every_seat_human_istanbul_scripted_game_ends_in_the_agreed_text() {
    let model = common::istanbul();
    let n = model.scenario.parties.len();
    let mut table = Table::new(Game::new(model.clone(), 7), &vec![SeatControl::Human; n]);
    // No seat is the AI: nothing moves by itself.
    table.run_ai();
    assert_eq!(table.game.action_count(), 0);
    assert!(!table.ai_to_move());
    let game = &mut table.game;
    let full_text = status_quo_ids(game);
    let mut refused = 0;
    let mut steps = 0;
    while let Some(p) = game.to_move() {
        steps += 1;
        assert!(steps < 200, "the scripted game does not end");
        let me = model.party_id(p).to_string();
        let round = game.round();
        // Every human move goes through the engine's checks: a seat's kind limits its
        // moves, and a refused move changes nothing.
        let before = game.transcript().len();
        let wrong = match model.kind(p) {
            PartyKind::Ally => Some(Action::Propose {
                package: common::pkg(&[("prisoners", "thousand_for_thousand")]),
                note: None,
            }),
            PartyKind::Mediator => game
                .standing_offers()
                .next()
                .map(|o| Action::Accept { offer: o.id }),
            PartyKind::Delegation => Some(Action::UseLever {
                lever: "turkiye_prisoner_bridge".into(),
            }),
        };
        if let Some(wrong) = wrong {
            assert!(
                game.apply(&me, wrong).is_err(),
                "{me} made a move of another kind"
            );
            assert_eq!(game.transcript().len(), before);
            refused += 1;
        }
        let mediator_text = |g: &Game| {
            g.standing_offers()
                .filter(|o| o.author == model.party_index("turkiye"))
                .map(|o| o.id)
                .max()
        };
        let action = match (me.as_str(), round) {
            // The United States uses a lever open from the start.
            ("united_states", 1) => Action::UseLever {
                lever: "us_back_leaders_meeting".into(),
            },
            // Türkiye tables a text on one issue; once it is settled, the rest.
            ("turkiye", 1) => Action::Propose {
                package: common::pkg(&[("prisoners", "thousand_for_thousand")]),
                note: None,
            },
            ("turkiye", 3) => {
                let mut text = full_text.clone();
                text.remove("prisoners");
                Action::Propose {
                    package: text,
                    note: None,
                }
            }
            // Ukraine consults Europe in caucus; Europe answers in the next round's
            // ally phase, privately.
            ("ukraine", 1) => Action::Caucus {
                ally: "europe".into(),
                text: "Will you stand by us on sanctions?".into(),
            },
            ("europe", 2) => Action::Statement {
                to: Audience::Private(vec!["ukraine".into()]),
                stances: Vec::new(),
                text: Some("We will.".into()),
            },
            ("russia", 1) | ("ukraine", 2) | ("ukraine", 3) | ("russia", 3) => Action::Accept {
                offer: mediator_text(game).expect("the mediator's text stands"),
            },
            _ => Action::Pass,
        };
        game.apply(&me, action)
            .unwrap_or_else(|e| panic!("{me} in round {round}: {e}"));
    }
    assert!(refused > 0);
    let outcome = game.outcome().expect("the talks are over");
    assert_eq!(outcome.kind, OutcomeKind::FullDeal, "{outcome:?}");
    assert_eq!(outcome.round, 3);
    let mut expected = full_text;
    expected.insert("prisoners".into(), "thousand_for_thousand".into());
    assert_eq!(outcome.package, expected);
    // The ally's lever, the caucus and its answer are in the record, each as it was seen.
    let entries = game.entries();
    assert!(entries.iter().any(|e| matches!(&e.kind,
        EntryKind::LeverUsed { by, .. } if by == "united_states")));
    assert!(entries.iter().any(|e| matches!(&e.visibility,
        Visibility::Caucus { delegation, ally } if delegation == "ukraine" && ally == "europe")));
    assert!(entries.iter().any(|e| e.round == 2
        && matches!(&e.visibility,
            Visibility::Private { from, to } if from == "europe" && to == &["ukraine".to_string()])));
}

#[test]
fn every_seat_human_game_replays_from_its_record() {
    // The same kind of game, with random legal moves for every seat: the record of a
    // game without any AI seat replays to the same state.
    let model = common::istanbul();
    for seed in 0..5 {
        let game = common::play_random(model.clone(), seed);
        let record = accord::sim::record::GameRecord::of(&game, "test", Vec::new());
        let again = record.replay().expect("replays");
        assert_eq!(again.transcript(), game.transcript(), "seed {seed}");
    }
}

#[test]
fn allies_and_mediators_can_be_people_among_ai_delegations() {
    // People in the third-party seats, the AI in the delegations: the game runs to its end
    // with the people passing, and the AI never moves for a human seat.
    let model = common::istanbul();
    let controls: Vec<SeatControl> = (0..model.scenario.parties.len())
        .map(|p| match model.kind(p) {
            PartyKind::Delegation => SeatControl::Ai("scenario".into()),
            _ => SeatControl::Human,
        })
        .collect();
    let mut table = Table::new(Game::new(model.clone(), 3), &controls);
    let mut human_moves = 0;
    while !table.game.is_over() {
        table.run_ai();
        if let Some(p) = table.game.to_move() {
            assert_ne!(
                model.kind(p),
                PartyKind::Delegation,
                "the AI left a delegation"
            );
            table.game.apply_index(p, Action::Pass).unwrap();
            human_moves += 1;
        }
        assert!(human_moves < 1_000);
    }
    let deadline = model.scenario.rules.deadline;
    let third = model.scenario.parties.len() - model.delegations.len();
    assert!(human_moves >= third, "{human_moves} moves by people");
    assert!(human_moves <= third * deadline as usize);
    // No third party moved but by the people's passes: no lever was used.
    for e in table.game.entries() {
        if let EntryKind::LeverUsed { by, .. } = &e.kind {
            panic!("{by} used a lever, yet every third-party seat is a person");
        }
    }
}

#[test]
fn presets_reach_allies_and_mediators_through_their_trust() {
    let model = common::istanbul();
    for p in 0..model.scenario.parties.len() {
        let base = model.scenario.parties[p].personality;
        let kind = model.kind(p);
        let scenario = seat_personality(kind, "scenario", &base);
        let hard = seat_personality(kind, "hard", &base);
        let easy = seat_personality(kind, "easy", &base);
        match kind {
            PartyKind::Delegation => {
                assert_eq!(scenario, base);
                assert_eq!(hard.toughness, 0.35);
            }
            _ => {
                // `scenario` keeps the standard third party, as every game before.
                assert_eq!(scenario.trust, THIRD_PARTY_TRUST);
                assert!(hard.trust < THIRD_PARTY_TRUST && easy.trust > THIRD_PARTY_TRUST);
            }
        }
    }
    // A preset changes how an AI mediator reads the table. People in the delegations'
    // seats state where they stand every other round and ask for a text in between; a
    // trusting Türkiye takes Russia's rejection of a lasting ceasefire as a red line, a
    // distrustful one does not, and what it estimates of Russia differs.
    let stances = |me: &str| -> Vec<accord::sim::Stance> {
        let (option, stance) = if me == "russia" {
            ("lasting", accord::sim::StanceKind::Reject)
        } else {
            ("lasting", accord::sim::StanceKind::Demand)
        };
        vec![accord::sim::Stance {
            issue: "ceasefire".into(),
            option: option.into(),
            stance,
        }]
    };
    let estimates = |preset: &str, seed: u64| {
        let controls: Vec<SeatControl> = (0..model.scenario.parties.len())
            .map(|p| match model.kind(p) {
                PartyKind::Mediator => SeatControl::Ai(preset.into()),
                PartyKind::Delegation => SeatControl::Human,
                PartyKind::Ally => SeatControl::Ai("scenario".into()),
            })
            .collect();
        let mut table = Table::new(Game::new(model.clone(), seed), &controls);
        while !table.game.is_over() {
            table.run_ai();
            let Some(p) = table.game.to_move() else { break };
            let me = model.party_id(p).to_string();
            let action = if table.game.round() % 2 == 1 {
                Action::Statement {
                    to: Audience::Public,
                    stances: stances(&me),
                    text: None,
                }
            } else {
                Action::AskMediator { note: None }
            };
            table.game.apply(&me, action).unwrap();
        }
        // What it estimated of each delegation when it tabled its texts (its rationale,
        // for the facilitator).
        table
            .game
            .entries()
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Rationale { by, rationale } if by == "turkiye" => {
                    Some(format!("{:?}", rationale.beliefs))
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert!(
        (0..3).any(|seed| estimates("easy", seed) != estimates("hard", seed)),
        "the mediator's preset changes nothing"
    );
    let play = |preset: &str, seed: u64| {
        let controls: Vec<SeatControl> = (0..model.scenario.parties.len())
            .map(|p| {
                if model.kind(p) == PartyKind::Mediator {
                    SeatControl::Ai(preset.into())
                } else {
                    SeatControl::Ai("scenario".into())
                }
            })
            .collect();
        let mut table = Table::new(Game::new(model.clone(), seed), &controls);
        table.run_ai();
        table.game.transcript().to_vec()
    };
    // `scenario` is the game every all-AI table plays.
    assert_eq!(play("scenario", 2), {
        let mut t = Table::all_ai(Game::new(model.clone(), 2));
        t.run_ai();
        t.game.transcript().to_vec()
    });
}

/// The minimal fixture with the chair's levers conditioned on BATNAs: its own and
/// North's.
fn minimal_with_conditioned_levers() -> std::sync::Arc<accord::sim::Model> {
    let levers = r#"    levers: [
        (
            id: "chair_push",
            owner: "chair",
            kind: Pressure,
            name: "Press North",
            description: "The chair presses North to settle.",
            public_text: "The chair urges North to compromise.",
            cost: 5,
            enabled_when: RoundAtLeast(2),
            effects: [MoveBatna(party: "north", by: -5)],
        ),
        (
            id: "chair_when_north_weak",
            owner: "chair",
            kind: Pressure,
            name: "Offer North a way out",
            description: "Once North's alternative has weakened.",
            public_text: "The chair offers North a way out.",
            enabled_when: All([BatnaBelow(party: "north", value: 27), RoundAtLeast(2)]),
            effects: [MoveBatna(party: "chair", by: -15)],
        ),
        (
            id: "chair_when_chair_weak",
            owner: "chair",
            kind: Pressure,
            name: "Call it a day",
            description: "When the chair itself has little to lose.",
            public_text: "The chair considers ending its mission.",
            enabled_when: BatnaBelow(party: "chair", value: 10),
            effects: [MoveBatna(party: "south", by: -1)],
        ),
    ],
"#;
    let start = common::MINIMAL.find("    levers: [").unwrap();
    let end = common::MINIMAL.find("    events: [").unwrap();
    let src = format!(
        "{}{levers}{}",
        &common::MINIMAL[..start],
        &common::MINIMAL[end..]
    );
    common::model(&src)
}

#[test]
fn a_third_party_seat_sees_why_its_levers_are_disabled_without_hidden_values() {
    let model = minimal_with_conditioned_levers();
    let chair = model.party_index("chair").unwrap();
    let mut game = Game::new(model.clone(), 1);
    // Round 1: the chair is to move first.
    assert_eq!(game.to_move(), Some(chair));
    let view = game.view(chair);
    assert_eq!(view.kind, PartyKind::Mediator);
    let ids: Vec<&str> = view.levers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "chair_push",
            "chair_when_north_weak",
            "chair_when_chair_weak"
        ]
    );
    let blocked = |view: &accord::sim::view::PartyView, id: &str| {
        view.levers
            .iter()
            .find(|l| l.id == id)
            .unwrap()
            .blocked
            .clone()
    };
    assert_eq!(
        blocked(&view, "chair_push"),
        ["from round 2 (this is round 1)"]
    );
    // North's BATNA (30) and the trigger's value (27) are North's business: "not yet".
    let north = blocked(&view, "chair_when_north_weak");
    assert_eq!(north, [NOT_YET, "from round 2 (this is round 1)"]);
    let json = serde_json::to_string(&view.levers).unwrap();
    assert!(!json.contains("27") && !json.contains("30"), "{json}");
    // Its own BATNA it may see, with the threshold.
    assert_eq!(
        blocked(&view, "chair_when_chair_weak"),
        ["once your walk-away value is below 10 (it is 20)"]
    );
    // Using a disabled lever is refused by the engine, as for the AI.
    assert!(
        game.apply(
            "chair",
            Action::UseLever {
                lever: "chair_push".into()
            }
        )
        .is_err()
    );
    game.apply("chair", Action::Pass).unwrap();
    game.apply("north", Action::Pass).unwrap();
    game.apply("south", Action::Pass).unwrap();
    // Round 2: enabled, so nothing blocks it; after its one use, it is used up.
    let view = game.view(chair);
    assert!(view.levers[0].enabled && view.levers[0].blocked.is_empty());
    game.apply(
        "chair",
        Action::UseLever {
            lever: "chair_push".into(),
        },
    )
    .unwrap();
    let view = game.view(chair);
    assert!(!view.levers[0].enabled);
    assert_eq!(view.levers[0].blocked, ["already used"]);
    // North's BATNA fell to 25 (below 27): the lever is enabled now, with no word on why.
    let lever = &view.levers[1];
    assert!(lever.enabled && lever.blocked.is_empty(), "{lever:?}");
}

#[test]
fn each_kind_of_seat_sees_its_own_brief_preferences_and_levers_only() {
    let model = common::istanbul();
    let game = common::play_random(model.clone(), 4);
    for p in 0..model.scenario.parties.len() {
        let view = game.view(p);
        let me = &model.scenario.parties[p];
        assert_eq!(view.kind, me.kind);
        assert_eq!(view.confidential_brief, me.confidential_brief);
        assert_eq!(view.preferences.batna, game.prefs()[p].batna);
        assert_eq!(view.preferences.batna_description, me.batna_description);
        // Only its own levers, each with its cost and what it does.
        let own: Vec<&str> = model
            .scenario
            .levers
            .iter()
            .filter(|l| l.owner == me.id)
            .map(|l| l.id.as_str())
            .collect();
        let listed: Vec<&str> = view.levers.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(listed, own, "{}", me.id);
        if me.kind != PartyKind::Delegation {
            assert!(!own.is_empty(), "{} has no lever to test", me.id);
        }
        for l in &view.levers {
            assert_eq!(l.enabled, l.blocked.is_empty(), "{}: {l:?}", me.id);
        }
        // Caucus entries only where it is the delegation or the ally.
        for e in &view.transcript {
            if let Visibility::Caucus { delegation, ally } = &e.visibility {
                assert!(delegation == &me.id || ally == &me.id);
            }
        }
    }
}

#[test]
fn the_mediators_staff_suggest_from_the_seats_view_alone() {
    let model = common::istanbul();
    let mediator = model.mediators[0];
    let public: Public =
        serde_json::from_str(&serde_json::to_string(model.public()).unwrap()).unwrap();
    let caches = LocalCaches::default();
    let mut suggested = 0;
    for seed in 0..6 {
        let mut table = Table::all_ai(Game::new(model.clone(), seed));
        // Look at the state at the start of each round's mediator turn.
        while !table.game.is_over() {
            if table.game.to_move() == Some(mediator) {
                let here = staff_suggestion(&Observation::new(&table.game, mediator));
                // The same seat, received over the wire as a remote client would.
                let view: SeatView = serde_json::from_str(
                    &serde_json::to_string(&table.game.seat_view(mediator)).unwrap(),
                )
                .unwrap();
                let away = staff_suggestion(&view.observation(&public, &caches));
                assert_eq!(here, away, "seed {seed}");
                if let Some(s) = here {
                    suggested += 1;
                    // A text the engine accepts from the mediator.
                    let mut game = table.game.clone();
                    let action = Action::Propose {
                        package: model.partial_package_ids(&s.package),
                        note: None,
                    };
                    game.apply_index(mediator, action)
                        .expect("the staff's text is a legal move");
                }
            }
            if !table.step() {
                break;
            }
        }
    }
    assert!(suggested > 0, "the staff never had a suggestion");
}
