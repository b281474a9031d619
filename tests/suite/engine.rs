//! The engine: a scripted game, partial agreements, events and levers, illegal actions,
//! determinism, records and replays, and what `view(party)` reveals.

use super::common;

use accord::sim::transcript::{EntryKind, Visibility};
use accord::sim::{
    Action, ActionError, Audience, Controller, Game, GameRecord, OfferStatus, OutcomeKind, Phase,
    Seat, Stance, StanceKind,
};
use common::{minimal, pkg};

fn propose(items: &[(&str, &str)]) -> Action {
    Action::Propose {
        package: pkg(items),
        note: None,
    }
}

#[test]
fn a_full_deal_in_one_round() {
    let mut g = Game::new(minimal(), 1);
    assert_eq!(g.phase(), Phase::Mediation);
    g.apply("chair", Action::Pass).unwrap();
    assert_eq!(g.phase(), Phase::Delegations);
    g.apply("north", propose(&[("water", "half"), ("fish", "yes")]))
        .unwrap();
    // The author's own offer counts as accepted by it.
    assert_eq!(g.offer(1).unwrap().accepted_by, vec![0]);
    let entries = g
        .apply("south", Action::Accept { offer: 1 })
        .unwrap()
        .to_vec();
    assert!(entries.iter().map(|e| e.entry(g.model())).any(|e| matches!(&e.kind, EntryKind::Settled { issue, option } if issue == "water" && option == "half")));
    let outcome = g.outcome().unwrap();
    assert_eq!(outcome.kind, OutcomeKind::FullDeal);
    assert_eq!(outcome.round, 1);
    assert_eq!(g.offer(1).unwrap().status, OfferStatus::Settled);
    assert_eq!(g.to_move(), None);
    assert_eq!(g.phase(), Phase::Ended);
    let results = g.results();
    let north = results.iter().find(|r| r.party == "north").unwrap();
    assert!((north.utility - 68.0).abs() < 1e-9 && (north.gain - 38.0).abs() < 1e-9);
    assert_eq!(
        g.apply("chair", Action::Pass).unwrap_err(),
        ActionError::TalksOver
    );
}

#[test]
fn partial_agreement_then_deadline() {
    let mut g = Game::new(minimal(), 1);
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", propose(&[("fish", "yes")])).unwrap();
    g.apply("south", Action::Accept { offer: 1 }).unwrap();
    assert!(!g.is_over());
    assert_eq!(g.settled_ids(), pkg(&[("fish", "yes")]));
    assert_eq!(g.round(), 2);
    while let Some(p) = g.to_move() {
        g.apply_index(p, Action::Pass).unwrap();
    }
    let o = g.outcome().unwrap();
    assert_eq!(o.kind, OutcomeKind::PartialDeal);
    assert_eq!(o.round, 5);
    assert_eq!(o.package, pkg(&[("water", "none"), ("fish", "yes")]));
    // Partial deal value: the settled issue plus the status quo elsewhere.
    let south = g
        .results()
        .into_iter()
        .find(|r| r.party == "south")
        .unwrap();
    assert!((south.utility - 93.0).abs() < 1e-9);
}

#[test]
fn no_deal_scores_the_batna_and_walk_out_ends_at_once() {
    let mut g = Game::new(minimal(), 1);
    while let Some(p) = g.to_move() {
        g.apply_index(p, Action::Pass).unwrap();
    }
    assert_eq!(g.outcome().unwrap().kind, OutcomeKind::NoDeal);
    let r = g.results();
    // The drought (round 3) moved South's BATNA from 40 to 35; its score uses the final
    // BATNA as the value of no deal and compares it with the initial one.
    let south = r.iter().find(|r| r.party == "south").unwrap();
    assert_eq!(
        (south.utility, south.initial_batna, south.final_batna),
        (35.0, 40.0, 35.0)
    );

    let mut g = Game::new(minimal(), 1);
    g.apply("chair", Action::Pass).unwrap();
    g.apply(
        "north",
        Action::WalkOut {
            reason: Some("no".into()),
        },
    )
    .unwrap();
    let o = g.outcome().unwrap();
    assert_eq!(
        (o.kind, o.by.as_deref()),
        (OutcomeKind::WalkOut, Some("north"))
    );
}

#[test]
fn events_and_levers_change_the_state() {
    let mut g = Game::new(minimal(), 1);
    // Round 1: the lever is enabled only from round 2.
    assert_eq!(
        g.apply(
            "chair",
            Action::UseLever {
                lever: "chair_push".into()
            }
        )
        .unwrap_err(),
        ActionError::LeverNotEnabled("chair_push".into())
    );
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", Action::Pass).unwrap();
    g.apply("south", Action::Pass).unwrap();
    g.apply(
        "chair",
        Action::UseLever {
            lever: "chair_push".into(),
        },
    )
    .unwrap();
    let north = g.model().party_index("north").unwrap();
    assert_eq!(g.prefs()[north].batna, 25.0);
    assert_eq!(
        g.results()
            .iter()
            .find(|r| r.party == "chair")
            .unwrap()
            .lever_costs,
        5.0
    );
    g.apply("north", Action::Pass).unwrap();
    g.apply("south", Action::Pass).unwrap();
    // Round 3: the lever was used once, its maximum.
    assert_eq!(
        g.apply(
            "chair",
            Action::UseLever {
                lever: "chair_push".into()
            }
        )
        .unwrap_err(),
        ActionError::LeverExhausted("chair_push".into())
    );
    for _ in 0..3 {
        let p = g.to_move().unwrap();
        g.apply_index(p, Action::Pass).unwrap();
    }
    // End of round 3: the drought fired.
    let south = g.model().party_index("south").unwrap();
    assert_eq!(g.prefs()[south].batna, 35.0);
    assert_eq!(g.event_fired()[0], 1);
    let news = g
        .entries()
        .into_iter()
        .find(|e| matches!(e.kind, EntryKind::News { .. }))
        .unwrap();
    assert_eq!(news.visibility, Visibility::Public);
    let moved = g
        .entries()
        .into_iter()
        .find(|e| matches!(&e.kind, EntryKind::BatnaMoved { party, .. } if party == "south"))
        .unwrap();
    assert_eq!(moved.visibility, Visibility::Only("south".into()));
}

#[test]
fn illegal_actions_are_refused_and_change_nothing() {
    let mut g = Game::new(minimal(), 1);
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", propose(&[("water", "half")])).unwrap();
    let before = format!("{:?}", (g.transcript(), g.offers(), g.round(), g.to_move()));
    let cases: Vec<(&str, Action, ActionError)> = vec![
        (
            "north",
            Action::Pass,
            ActionError::NotYourTurn {
                expected: "south".into(),
                got: "north".into(),
            },
        ),
        (
            "nobody",
            Action::Pass,
            ActionError::UnknownParty("nobody".into()),
        ),
        (
            "south",
            Action::UseLever {
                lever: "chair_push".into(),
            },
            ActionError::NotAllowed {
                kind: accord::sim::PartyKind::Delegation,
                action: "use a lever",
            },
        ),
        (
            "south",
            propose(&[("water", "lots")]),
            ActionError::UnknownOption {
                issue: "water".into(),
                option: "lots".into(),
            },
        ),
        (
            "south",
            propose(&[("air", "some")]),
            ActionError::UnknownIssue("air".into()),
        ),
        (
            "south",
            Action::Propose {
                package: Default::default(),
                note: None,
            },
            ActionError::EmptyPackage,
        ),
        (
            "south",
            Action::Accept { offer: 9 },
            ActionError::UnknownOffer(9),
        ),
        (
            "south",
            Action::Withdraw { offer: 1 },
            ActionError::NotYourOffer(1),
        ),
        (
            "south",
            Action::Caucus {
                ally: "north".into(),
                text: "psst".into(),
            },
            ActionError::NotAnAlly("north".into()),
        ),
        (
            "south",
            Action::Statement {
                to: Audience::Public,
                stances: vec![],
                text: None,
            },
            ActionError::EmptyStatement,
        ),
        (
            "south",
            Action::Statement {
                to: Audience::Private(vec!["south".into()]),
                stances: vec![],
                text: Some("hi".into()),
            },
            ActionError::NoAudience,
        ),
        (
            "south",
            Action::Statement {
                to: Audience::Public,
                stances: vec![Stance {
                    issue: "water".into(),
                    option: "x".into(),
                    stance: StanceKind::Demand,
                }],
                text: None,
            },
            ActionError::UnknownOption {
                issue: "water".into(),
                option: "x".into(),
            },
        ),
        (
            "south",
            Action::Statement {
                to: Audience::Public,
                stances: vec![],
                text: Some("x".repeat(2001)),
            },
            ActionError::TextTooLong,
        ),
    ];
    for (party, action, expected) in cases {
        assert_eq!(
            g.apply(party, action.clone()).unwrap_err(),
            expected,
            "{party} {action:?}"
        );
        let after = format!("{:?}", (g.transcript(), g.offers(), g.round(), g.to_move()));
        assert_eq!(before, after, "state changed after a refused {action:?}");
    }
    // South rejects; then in round 2 North may not accept its own offer again, and an
    // offer no longer on the table cannot be accepted.
    g.apply(
        "south",
        Action::Reject {
            offer: 1,
            reason: None,
        },
    )
    .unwrap();
    g.apply("chair", Action::Pass).unwrap();
    assert_eq!(
        g.apply("north", Action::Accept { offer: 1 }).unwrap_err(),
        ActionError::AlreadyAccepted(1)
    );
    assert_eq!(
        g.apply(
            "north",
            Action::Reject {
                offer: 1,
                reason: None
            }
        )
        .unwrap_err(),
        ActionError::OwnOffer(1)
    );
    g.apply("north", Action::Withdraw { offer: 1 }).unwrap();
    assert_eq!(
        g.apply("south", Action::Accept { offer: 1 }).unwrap_err(),
        ActionError::OfferNotStanding(1)
    );
    // The mediator may not accept; a delegation may not use levers (checked above).
    g.apply("south", Action::Pass).unwrap();
    assert!(matches!(
        g.apply("chair", Action::Accept { offer: 1 }).unwrap_err(),
        ActionError::NotAllowed { .. }
    ));
}

#[test]
fn nothing_agreed_until_everything_agreed() {
    let src = common::MINIMAL.replace(
        "rules: (deadline: 5, turn_order: [\"north\", \"south\"]),",
        "rules: (deadline: 5, turn_order: [\"north\", \"south\"], nothing_agreed_until_all_agreed: true),",
    );
    let mut g = Game::new(common::model(&src), 1);
    g.apply("chair", Action::Pass).unwrap();
    assert_eq!(
        g.apply("north", propose(&[("fish", "yes")])).unwrap_err(),
        ActionError::IncompletePackage("water".into())
    );
    g.apply("north", propose(&[("fish", "yes"), ("water", "half")]))
        .unwrap();
}

#[test]
fn a_settled_issue_is_reopened_only_if_every_delegation_agrees() {
    let mut g = Game::new(minimal(), 1);
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", propose(&[("fish", "yes")])).unwrap();
    g.apply("south", Action::Accept { offer: 1 }).unwrap();
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", propose(&[("fish", "no")])).unwrap();
    g.apply("south", Action::Pass).unwrap();
    assert_eq!(
        g.settled_ids(),
        pkg(&[("fish", "yes")]),
        "one side alone cannot reopen"
    );
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", Action::Pass).unwrap();
    g.apply("south", Action::Accept { offer: 2 }).unwrap();
    assert_eq!(g.settled_ids(), pkg(&[("fish", "no")]));
}

fn scripted(seed: u64) -> Game {
    let mut g = Game::new(minimal(), seed);
    let script: Vec<(&str, Action)> = vec![
        (
            "chair",
            Action::Statement {
                to: Audience::Public,
                stances: vec![],
                text: Some("Welcome.".into()),
            },
        ),
        ("north", propose(&[("water", "all"), ("fish", "no")])),
        (
            "south",
            Action::Counter {
                to: 1,
                package: pkg(&[("water", "none"), ("fish", "yes")]),
                note: Some("fish first".into()),
            },
        ),
        (
            "chair",
            Action::Propose {
                package: pkg(&[("water", "half"), ("fish", "yes")]),
                note: None,
            },
        ),
        ("north", Action::Accept { offer: 3 }),
        ("south", Action::Pass),
    ];
    for (p, a) in script {
        g.apply(p, a).unwrap();
    }
    while let Some(p) = g.to_move() {
        g.apply_index(p, Action::Pass).unwrap();
    }
    g
}

#[test]
fn same_seed_and_actions_give_the_same_transcript() {
    let a = serde_json::to_string(&scripted(42).transcript()).unwrap();
    let b = serde_json::to_string(&scripted(42).transcript()).unwrap();
    assert_eq!(a, b);
    for seed in 0..50 {
        let a = common::play_random(common::istanbul(), seed);
        let b = common::play_random(common::istanbul(), seed);
        assert_eq!(
            serde_json::to_string(a.transcript()).unwrap(),
            serde_json::to_string(b.transcript()).unwrap()
        );
    }
}

#[test]
fn random_events_depend_on_the_seed() {
    // The flood (probability 0.3 each round after the drought) fires in some seeds only.
    let fired: Vec<bool> = (0..40).map(|s| scripted(s).event_fired()[1] > 0).collect();
    assert!(
        fired.iter().any(|f| *f) && fired.iter().any(|f| !*f),
        "{fired:?}"
    );
}

#[test]
fn records_replay_exactly_and_survive_serialisation() {
    for seed in 0..20 {
        let game = common::play_random(common::istanbul(), seed);
        let seats = vec![
            Seat {
                party: "ukraine".into(),
                controller: Controller::Human,
            },
            Seat {
                party: "russia".into(),
                controller: Controller::Ai("default".into()),
            },
        ];
        let record = GameRecord::of(&game, "built-in:istanbul-2025", seats);
        let text = ron::ser::to_string_pretty(&record, ron::ser::PrettyConfig::default()).unwrap();
        let back: GameRecord = ron::from_str(&text).unwrap();
        assert_eq!(back, record);
        let replayed = back.replay().unwrap();
        assert_eq!(
            serde_json::to_string(replayed.transcript()).unwrap(),
            serde_json::to_string(game.transcript()).unwrap()
        );
        assert_eq!(replayed.outcome(), game.outcome());
    }
    let game = scripted(3);
    let mut record = GameRecord::of(&game, "test", vec![]);
    record.scenario.text.push(' ');
    assert!(matches!(
        record.replay(),
        Err(accord::sim::record::ReplayError::HashMismatch)
    ));
}

/// `view(party)` never contains another party's confidential brief, values, BATNA
/// changes or private messages.
#[test]
fn views_keep_confidential_things_confidential() {
    let model = common::istanbul();
    let s = model.scenario.clone();
    let mut private_seen = 0;
    for seed in 0..30 {
        let game = common::play_random(model.clone(), seed);
        for (p, party) in s.parties.iter().enumerate() {
            let view = game.view(p);
            let json = serde_json::to_string(&view).unwrap();
            assert!(json.contains(&serde_json::to_string(&party.confidential_brief).unwrap()));
            for (q, other) in s.parties.iter().enumerate() {
                if q == p {
                    continue;
                }
                let brief = serde_json::to_string(&other.confidential_brief).unwrap();
                assert!(
                    !json.contains(&brief),
                    "{} sees {}'s brief",
                    party.id,
                    other.id
                );
                if !other.batna_description.is_empty() {
                    assert!(
                        !json.contains(&other.batna_description),
                        "{} sees {}'s BATNA",
                        party.id,
                        other.id
                    );
                }
                assert!(
                    !json.contains(&format!("caucus secret of {}", other.id))
                        || caucus_with(&game, &other.id, &party.id),
                    "{} sees a caucus of {}",
                    party.id,
                    other.id
                );
            }
            for e in &view.transcript {
                match &e.visibility {
                    Visibility::Public => {}
                    Visibility::Private { from, to } => {
                        assert!(from == &party.id || to.contains(&party.id));
                        private_seen += 1;
                    }
                    Visibility::Caucus { delegation, ally } => {
                        assert!(delegation == &party.id || ally == &party.id)
                    }
                    Visibility::Only(who) => assert_eq!(who, &party.id),
                    Visibility::Facilitator => {
                        panic!("a facilitator-only entry in {}'s view", party.id)
                    }
                }
                if let EntryKind::BatnaMoved { party: who, .. }
                | EntryKind::ValueChanged { party: who, .. }
                | EntryKind::WeightChanged { party: who, .. } = &e.kind
                {
                    assert_eq!(who, &party.id);
                }
            }
            // Own preferences only: the view has one set, and it is this party's.
            assert_eq!(view.preferences.batna, game.prefs()[p].batna);
        }
    }
    assert!(
        private_seen > 0,
        "the random games made no private statements"
    );
}

fn caucus_with(game: &Game, delegation: &str, ally: &str) -> bool {
    game.entries().iter().any(|e| matches!(&e.visibility, Visibility::Caucus { delegation: d, ally: a } if d == delegation && a == ally))
}

#[test]
fn a_locked_issue_is_off_the_table_but_not_agreed() {
    let src = common::MINIMAL.replace(
        "trigger: AtRound(3),\n            effects: [",
        "trigger: AtRound(1),\n            effects: [\n                LockIssue(issue: \"fish\", option: \"yes\"),",
    );
    let mut g = Game::new(common::model(&src), 1);
    g.apply("chair", Action::Pass).unwrap();
    g.apply("north", propose(&[("fish", "no"), ("water", "half")]))
        .unwrap();
    g.apply("south", Action::Pass).unwrap();
    // The lock withdrew the conflicting offer and refuses new ones.
    assert_eq!(g.offer(1).unwrap().status, OfferStatus::Withdrawn);
    g.apply("chair", Action::Pass).unwrap();
    assert_eq!(
        g.apply("north", propose(&[("fish", "no")])).unwrap_err(),
        ActionError::IssueLocked {
            issue: "fish".into(),
            option: "yes".into()
        }
    );
    assert!(g.settled_ids().is_empty());
    assert_eq!(g.view(0).locked, pkg(&[("fish", "yes")]));
    // Agreeing on the one open issue completes the deal.
    g.apply("north", propose(&[("water", "half")])).unwrap();
    g.apply("south", Action::Accept { offer: 2 }).unwrap();
    let o = g.outcome().unwrap();
    assert_eq!(o.kind, OutcomeKind::FullDeal);
    assert_eq!(o.settled, vec!["water".to_string()]);
    assert_eq!(o.package, pkg(&[("water", "half"), ("fish", "yes")]));
}
