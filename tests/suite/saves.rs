//! Saves and replays: atomic writes that survive a kill, exact round trips, clear errors
//! for damaged saves, and replays that reproduce games exactly.

use std::path::PathBuf;
use std::sync::Arc;

use accord::sim::record::{Controller, GameRecord, Seat};
use accord::sim::save::{self, SaveError, SaveFile};
use accord::sim::{Game, simulate};

use super::common;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("accord-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn seats() -> Vec<Seat> {
    vec![Seat {
        party: "ukraine".into(),
        controller: Controller::Human,
    }]
}

/// Everything a game's state is made of, as text, to compare two games.
fn state(game: &Game) -> String {
    serde_json::to_string(&(
        game.transcript(),
        game.offers(),
        game.settled(),
        game.locked(),
        game.round(),
        game.to_move(),
        game.outcome(),
        format!("{:?}", game.prefs()),
    ))
    .unwrap()
}

#[test]
fn a_save_loads_into_the_identical_game() {
    let dir = temp_dir("save-round-trip");
    let game = simulate::play(&common::istanbul(), 7, &[]);
    let path = dir.join("game.ron");
    save::save(
        &path,
        &SaveFile::of(&game, "built-in:istanbul-2025", seats()),
    )
    .unwrap();
    let (file, loaded) = save::load(&path).unwrap();
    assert_eq!(file.round, game.round());
    assert_eq!(state(&loaded), state(&game));
    // And again: saving the loaded game gives the same file, byte for byte.
    let again = dir.join("again.ron");
    save::save(
        &again,
        &SaveFile::of(&loaded, "built-in:istanbul-2025", seats()),
    )
    .unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_kill_between_write_and_rename_leaves_the_previous_save_intact() {
    let dir = temp_dir("save-kill");
    let path = dir.join("autosave.ron");
    let first = simulate::play(&common::istanbul(), 1, &[]);
    save::save(
        &path,
        &SaveFile::of(&first, "built-in:istanbul-2025", seats()),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();

    let second = simulate::play(&common::istanbul(), 2, &[]);
    let text = SaveFile::of(&second, "built-in:istanbul-2025", seats()).to_ron();
    let killed = save::write_atomic(&path, text.as_bytes(), || {
        Err(std::io::Error::other("killed while saving"))
    });
    assert!(killed.is_err());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old save is untouched"
    );
    let (_, loaded) = save::load(&path).unwrap();
    assert_eq!(state(&loaded), state(&first));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn damaged_and_foreign_saves_give_clear_errors() {
    let dir = temp_dir("save-damaged");
    let game = simulate::play(&common::istanbul(), 3, &[]);
    let good = SaveFile::of(&game, "built-in:istanbul-2025", seats()).to_ron();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases: Vec<(PathBuf, fn(&SaveError) -> bool)> = vec![
        (
            write("truncated.ron", &good.as_bytes()[..good.len() / 2]),
            |e| matches!(e, SaveError::Damaged { .. }),
        ),
        (write("binary.ron", &[0xff, 0xfe, 0x00, 0x41]), |e| {
            matches!(e, SaveError::Damaged { .. })
        }),
        (write("other.ron", b"(title: \"not a save\")"), |e| {
            matches!(e, SaveError::Damaged { .. })
        }),
        (
            write(
                "future.ron",
                good.replacen("save_version: 1", "save_version: 9", 1)
                    .as_bytes(),
            ),
            |e| matches!(e, SaveError::Version { found: 9, .. }),
        ),
        (
            write(
                "edited.ron",
                good.replacen("thousand_for_thousand", "thousand_for_thousanD", 1)
                    .as_bytes(),
            ),
            |e| matches!(e, SaveError::Replay { .. }),
        ),
        (dir.join("missing.ron"), |e| {
            matches!(e, SaveError::Read { .. })
        }),
    ];
    for (path, expected) in cases {
        match save::load(&path) {
            Ok(_) => panic!("{} loaded", path.display()),
            Err(e) => {
                assert!(expected(&e), "{}: unexpected error {e}", path.display());
                assert!(
                    e.to_string()
                        .contains(&*path.file_name().unwrap().to_string_lossy())
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Replays are bit-exact: over many random seeds (1,000 in release builds), the replay of
/// a game's record ends in exactly the same state.
#[test]
fn replays_reproduce_every_game_exactly() {
    let model: Arc<_> = common::istanbul();
    let seeds = if cfg!(debug_assertions) { 40 } else { 1000 };
    for seed in 0..seeds {
        let game = simulate::play(&model, seed, &[]);
        let record = GameRecord::of(&game, "built-in:istanbul-2025", vec![]);
        let replayed = record.replay().unwrap();
        assert_eq!(state(&replayed), state(&game), "seed {seed}");
    }
}

/// A game resumed from the record of its first half goes on exactly as the uninterrupted
/// game did: the AI seats remember what they saw.
#[test]
fn a_resumed_game_goes_on_as_if_never_interrupted() {
    let model = common::istanbul();
    for seed in 0..20 {
        let full = simulate::play(&model, seed, &[]);
        let mut record = GameRecord::of(&full, "built-in:istanbul-2025", vec![]);
        record.actions.truncate(record.actions.len() / 2);
        let mut table = accord::sim::ai::Table::resume(&record, &[]).unwrap();
        assert_eq!(table.diverged_at, None, "seed {seed}");
        table.run_ai();
        assert_eq!(state(&table.game), state(&full), "seed {seed}");
    }
}

/// The facilitator's moves (an inject, a news item, the end of the talks) appear in the
/// transcript as the facilitator's, are refused when they cannot apply, and replay and
/// resume exactly.
#[test]
fn facilitator_moves_are_in_the_transcript_and_replay_exactly() {
    use accord::sim::ai::Table;
    use accord::sim::transcript::{EntryKind, Visibility};
    use accord::sim::{ActionError, FacilitatorMove};

    let model = common::istanbul();
    let mut table = Table::all_ai(Game::new(model.clone(), 4));
    for _ in 0..6 {
        table.step();
    }
    let before = state(&table.game);
    let unknown = table.game.facilitate(FacilitatorMove::Inject {
        inject: "no_such_inject".into(),
    });
    assert!(matches!(unknown, Err(ActionError::UnknownInject(_))));
    assert_eq!(state(&table.game), before, "a refused move changes nothing");
    let inject = model.scenario.injects[0].id.clone();
    table
        .game
        .facilitate(FacilitatorMove::Inject { inject })
        .unwrap();
    table
        .game
        .facilitate(FacilitatorMove::News {
            headline: "Breaking".into(),
            text: "Rumours of a ceasefire.".into(),
        })
        .unwrap();
    for _ in 0..6 {
        table.step();
    }
    table
        .game
        .facilitate(FacilitatorMove::EndTalks {
            reason: "The bell rang.".into(),
        })
        .unwrap();
    assert!(table.game.is_over());
    assert!(matches!(
        table.game.facilitate(FacilitatorMove::EndTalks {
            reason: "again".into()
        }),
        Err(ActionError::TalksOver)
    ));
    let entries: Vec<_> = table
        .game
        .entries()
        .into_iter()
        .filter(|e| matches!(e.kind, EntryKind::Facilitator { .. }))
        .collect();
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e.visibility == Visibility::Public));
    assert!(entries[2].render().contains("The bell rang."));

    let record = GameRecord::of(&table.game, "built-in:istanbul-2025", vec![]);
    let text = ron::ser::to_string_pretty(&record, ron::ser::PrettyConfig::default()).unwrap();
    let back: GameRecord = ron::from_str(&text).unwrap();
    assert_eq!(back.facilitator.len(), 3);
    assert_eq!(state(&back.replay().unwrap()), state(&table.game));
    let resumed = Table::resume(&back, &[]).unwrap();
    assert_eq!(state(&resumed.game), state(&table.game));
}

/// The facilitator cancels or makes allies' and mediators' moves: each appears in the
/// transcript as the facilitator's, a delegation's move or another party's turn cannot be
/// overruled, and a game resumed from its record goes on exactly as the live one.
#[test]
fn overruled_third_party_moves_replay_and_resume_exactly() {
    use accord::sim::ai::Table;
    use accord::sim::scenario::PartyKind;
    use accord::sim::transcript::EntryKind;
    use accord::sim::{Action, ActionError, FacilitatorMove};

    let model = common::istanbul();
    for seed in 0..6 {
        let mut live = Table::all_ai(Game::new(model.clone(), seed));
        let mut overruled = 0;
        let mut news = 0;
        while live.game.round() <= 3 && !live.game.is_over() {
            let mut plan = live.plan().unwrap();
            let p = plan.party;
            let id = model.party_id(p).to_string();
            if model.kind(p) == PartyKind::Delegation {
                let wrong = live
                    .game
                    .facilitate(FacilitatorMove::MakeMove { party: id.clone() });
                assert!(matches!(wrong, Err(ActionError::NotAllowed { .. })));
                live.play_plan(plan);
                continue;
            }
            if news < 2 {
                // News while the move waits: the plan is dropped and made again on the
                // changed game.
                news += 1;
                live.game
                    .facilitate(FacilitatorMove::News {
                        headline: "Rumour".into(),
                        text: "A text is said to be ready.".into(),
                    })
                    .unwrap();
                plan = live.plan().unwrap();
            }
            let decision = plan.decision.clone();
            // Not its turn: refused, and nothing changes.
            let other = model.party_id(model.delegations[0]).to_string();
            let before = state(&live.game);
            let refused = live.game.facilitate(FacilitatorMove::CancelMove {
                party: other,
                planned: "x".into(),
            });
            assert!(matches!(refused, Err(ActionError::NotYourTurn { .. })));
            assert_eq!(state(&live.game), before);
            overruled += 1;
            live.overruled(plan);
            let cancel = FacilitatorMove::CancelMove {
                party: id.clone(),
                planned: decision.action.name().into(),
            };
            // A turn is played whole or not at all: a cancelled move is a pass, and an
            // illegal move made for the party changes nothing.
            let before = state(&live.game);
            let not_a_pass = Action::UseLever {
                lever: "no_such_lever".into(),
            };
            for (m, action) in [
                (cancel.clone(), not_a_pass.clone()),
                (FacilitatorMove::MakeMove { party: id.clone() }, not_a_pass),
                (
                    FacilitatorMove::News {
                        headline: "Not a turn".into(),
                        text: String::new(),
                    },
                    Action::Pass,
                ),
            ] {
                assert!(live.game.play_turn(m, action).is_err());
                assert_eq!(state(&live.game), before);
            }
            if overruled % 2 == 0 {
                live.game.play_turn(cancel, Action::Pass).unwrap();
            } else {
                let lever = model
                    .scenario
                    .levers
                    .iter()
                    .find(|l| l.owner == id)
                    .map(|l| Action::UseLever {
                        lever: l.id.clone(),
                    })
                    .filter(|a| live.game.check_action(p, a).is_ok());
                let made = FacilitatorMove::MakeMove { party: id };
                live.game
                    .play_turn(made, lever.unwrap_or(Action::Pass))
                    .unwrap();
            }
        }
        assert!(overruled >= 4, "seed {seed}: {overruled} third-party turns");
        let said = live
            .game
            .entries()
            .iter()
            .filter(|e| match &e.kind {
                EntryKind::Facilitator { text } => {
                    text.starts_with("cancels the planned move of")
                        || text.starts_with("makes this turn's move for")
                }
                _ => false,
            })
            .count();
        assert_eq!(said, overruled, "seed {seed}");
        let record = GameRecord::of(&live.game, "built-in:istanbul-2025", vec![]);
        assert_eq!(state(&record.replay().unwrap()), state(&live.game));
        let mut resumed = Table::resume(&record, &[]).unwrap();
        assert_eq!(resumed.diverged_at, None, "seed {seed}");
        assert_eq!(state(&resumed.game), state(&live.game), "seed {seed}");
        live.run_ai();
        resumed.run_ai();
        assert_eq!(
            state(&resumed.game),
            state(&live.game),
            "seed {seed}: went on alike"
        );
    }
}

/// The facilitator hands a person's seat to the AI and later gives it back: the AI plays
/// it meanwhile, the transcript says so, and a game resumed from its record goes on exactly
/// as the live one (the agent made at the same point of the game).
#[test]
fn a_seat_handed_to_the_ai_and_back_replays_and_resumes_exactly() {
    use accord::sim::ActionError;
    use accord::sim::FacilitatorMove;
    use accord::sim::ai::{SeatControl, Table};
    use accord::sim::transcript::EntryKind;

    let model = common::istanbul();
    let ukraine = model.party_index("ukraine").unwrap();
    let controls = SeatControl::one_human(model.scenario.parties.len(), Some(ukraine));
    for seed in 0..4 {
        let mut live = Table::new(Game::new(model.clone(), seed), &controls);
        live.run_ai();
        assert_eq!(live.game.to_move(), Some(ukraine), "seed {seed}");
        assert!(!live.is_ai(ukraine));
        let bad = live.facilitate(FacilitatorMove::HandSeat {
            party: "ukraine".into(),
            ai: Some("grandmaster".into()),
        });
        assert!(matches!(bad, Err(ActionError::UnknownPreset(_))));
        let unknown = live.facilitate(FacilitatorMove::HandSeat {
            party: "atlantis".into(),
            ai: None,
        });
        assert!(matches!(unknown, Err(ActionError::UnknownParty(_))));
        live.facilitate(FacilitatorMove::HandSeat {
            party: "ukraine".into(),
            ai: Some("hard".into()),
        })
        .unwrap();
        assert!(live.is_ai(ukraine) && live.ai_to_move());
        assert_eq!(live.controls()[ukraine], SeatControl::Ai("hard".into()));
        let before = live.game.action_count();
        // The AI plays the seat for a round.
        while live.game.round() < 3 && !live.game.is_over() {
            assert!(live.step());
        }
        let by_ai = live.game.actions()[before..]
            .iter()
            .filter(|(p, _, _)| *p == ukraine)
            .count();
        assert!(by_ai >= 1, "seed {seed}: the AI played the seat");
        live.facilitate(FacilitatorMove::HandSeat {
            party: "ukraine".into(),
            ai: None,
        })
        .unwrap();
        assert!(!live.is_ai(ukraine));
        assert_eq!(live.controls()[ukraine], SeatControl::Human);
        live.run_ai();
        assert!(live.game.is_over() || live.game.to_move() == Some(ukraine));
        let said: Vec<String> = live
            .game
            .entries()
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Facilitator { text } => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(said.len(), 2, "seed {seed}: {said:?}");
        assert!(said[0].contains("to the AI") && said[1].contains("back to its players"));

        let seats = SeatControl::recorded(&model, &controls);
        let record = GameRecord::of(&live.game, "built-in:istanbul-2025", seats.clone());
        assert_eq!(state(&record.replay().unwrap()), state(&live.game));
        let resumed = Table::resume(&record, &controls).unwrap();
        assert_eq!(resumed.diverged_at, None, "seed {seed}");
        assert_eq!(state(&resumed.game), state(&live.game), "seed {seed}");
        assert_eq!(resumed.controls(), live.controls());
        // Resumed while the AI still had the seat: it goes on as the live game did.
        let mut half = record.clone();
        half.actions.truncate(before + by_ai.max(1));
        half.facilitator.retain(|(at, _)| *at <= before);
        let mut again = Table::resume(&half, &controls).unwrap();
        assert_eq!(again.diverged_at, None, "seed {seed}");
        assert!(again.is_ai(ukraine), "seed {seed}");
        while again.game.action_count() < live.game.action_count()
            && again.game.round() < 3
            && again.step()
        {}
        let n = again.game.action_count();
        assert!(n > before, "seed {seed}");
        for i in 0..n {
            assert_eq!(
                again.game.action_at(i),
                live.game.action_at(i),
                "seed {seed}: {i}"
            );
        }
    }
}

/// A replay steps through the rounds: it starts before any move, stops as each round ends
/// and ends on the final state, and stepping is exact (each stop is the game as it was).
#[test]
fn a_replay_stops_at_every_round_and_each_stop_is_exact() {
    use accord::sim::ai::Table;
    let model = common::istanbul();
    for seed in 0..10 {
        // Played live, with the state noted as each round ends.
        let mut table = Table::all_ai(Game::new(model.clone(), seed));
        let mut live = vec![state(&table.game)];
        while !table.game.is_over() {
            let round = table.game.round();
            table.step();
            if table.game.round() != round {
                live.push(state(&table.game));
            }
        }
        if live.last() != Some(&state(&table.game)) {
            live.push(state(&table.game));
        }
        let record = GameRecord::of(&table.game, "built-in:istanbul-2025", vec![]);
        let stops = record.replay_rounds().unwrap();
        assert_eq!(stops.len(), live.len(), "seed {seed}");
        assert!(stops[0].actions().is_empty());
        assert_eq!(stops[0].round(), 1);
        for (k, (stop, expected)) in stops.iter().zip(&live).enumerate() {
            assert_eq!(&state(stop), expected, "seed {seed}, stop {k}");
        }
        assert!(stops.last().unwrap().is_over());
    }
}

/// A record tampered with in each way a replay could be fooled: a move the engine refuses,
/// a facilitator move it refuses, facilitator moves out of order or past the end, and more
/// moves than a game can have. Replaying and resuming stop with an error naming the move;
/// neither ever skips one.
#[test]
fn tampered_records_stop_the_replay_and_the_resume_naming_the_move() {
    use accord::sim::ai::Table;
    use accord::sim::record::{MAX_RECORD_ACTIONS, RecordedAction, ReplayError};
    use accord::sim::{Action, FacilitatorMove};

    let model = common::istanbul();
    let mut table = Table::all_ai(Game::new(model.clone(), 4));
    for _ in 0..8 {
        table.step();
    }
    table
        .game
        .facilitate(FacilitatorMove::News {
            headline: "Breaking".into(),
            text: "A rumour.".into(),
        })
        .unwrap();
    for _ in 0..4 {
        table.step();
    }
    let good = GameRecord::of(&table.game, "built-in:istanbul-2025", vec![]);
    assert!(good.replay().is_ok());
    assert!(Table::resume(&good, &[]).is_ok());
    let at = good.facilitator[0].0;
    assert!(at > 0 && at < good.actions.len());

    let both = |record: &GameRecord| {
        let Err(replay) = record.replay() else {
            panic!("the replay refuses it")
        };
        let resume = Table::resume(record, &[])
            .err()
            .expect("the resume refuses it");
        (replay, resume)
    };

    // A recorded move the engine refuses: accepting an offer that was never made.
    let mut bad = good.clone();
    bad.actions[3].action = Action::Accept { offer: 999 };
    let (replay, resume) = both(&bad);
    for e in [&replay, &resume] {
        assert!(matches!(e, ReplayError::Action { index: 3, .. }), "{e}");
        assert!(e.to_string().contains("action 3"), "{e}");
    }

    // A facilitator move the engine refuses: an inject the scenario does not have.
    let mut bad = good.clone();
    bad.facilitator[0].1 = FacilitatorMove::Inject {
        inject: "no_such_inject".into(),
    };
    let (replay, resume) = both(&bad);
    for e in [&replay, &resume] {
        assert!(
            matches!(e, ReplayError::Facilitator { index: 0, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("no_such_inject"), "{e}");
    }

    // Facilitator moves past the last action, or out of order.
    let mut bad = good.clone();
    bad.facilitator[0].0 = good.actions.len() + 1;
    let (replay, resume) = both(&bad);
    for e in [&replay, &resume] {
        assert!(
            matches!(e, ReplayError::FacilitatorOrder { index: 0, .. }),
            "{e}"
        );
    }
    let mut bad = good.clone();
    bad.facilitator.push((at - 1, bad.facilitator[0].1.clone()));
    let (replay, _) = both(&bad);
    assert!(
        matches!(replay, ReplayError::FacilitatorOrder { index: 1, .. }),
        "{replay}"
    );

    // A record longer than any game.
    let mut bad = good.clone();
    let pass = RecordedAction {
        party: "ukraine".into(),
        action: Action::Pass,
        explanation: None,
    };
    bad.actions.resize(MAX_RECORD_ACTIONS + 1, pass);
    let (replay, resume) = both(&bad);
    for e in [&replay, &resume] {
        assert!(matches!(e, ReplayError::TooLong { .. }), "{e}");
    }

    // Through a save file too: the error reaches the player.
    let dir = temp_dir("tampered");
    let path = dir.join("tampered.ron");
    let mut file = SaveFile::of(&table.game, "built-in:istanbul-2025", seats());
    file.record.facilitator[0].1 = FacilitatorMove::Inject {
        inject: "no_such_inject".into(),
    };
    std::fs::write(&path, file.to_ron()).unwrap();
    let Err(err) = save::load(&path) else {
        panic!("a tampered save does not load")
    };
    assert!(matches!(err, SaveError::Replay { .. }), "{err}");
    assert!(err.to_string().contains("facilitator move 0"), "{err}");
}
