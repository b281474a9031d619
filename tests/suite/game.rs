//! Headless tests of the game: `MinimalPlugins` and the game's non-render plugins, driven
//! through the same messages the screens send.

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;

use accord::game::session::{
    HumanAction, LoadGame, Pacing, SaveGame, SavesDir, Session, SetupChoice, StartGame,
};
use accord::game::{CorePlugin, Screen};
use accord::sim::Action;
use accord::sim::ai::SeatControl;

use super::common;

pub(super) fn app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin, CorePlugin));
    app.insert_resource(Pacing {
        seconds_per_move: 0.0,
        skip: false,
        elapsed: 0.0,
        waiting: false,
        paused: false,
    });
    // Saves and autosaves of these tests go to a folder of their own.
    let saves = std::env::temp_dir().join(format!("accord-test-saves-{}", std::process::id()));
    app.insert_resource(SavesDir(Some(saves)));
    app
}

pub(super) fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

/// Starts a game with Ukraine human (seed 11, four rounds) and opens its briefing.
pub(super) fn start(app: &mut App) -> usize {
    let ukraine = begin(app, Default::default());
    app.update();
    ukraine
}

/// Sends the setup of a game with Ukraine human and the AI elsewhere, and lets it start.
pub(super) fn begin(
    app: &mut App,
    facilitator: accord::game::facilitator::FacilitatorSetup,
) -> usize {
    let model = common::istanbul();
    let ukraine = model.party_index("ukraine").unwrap();
    let controls = (0..model.scenario.parties.len())
        .map(|p| {
            if p == ukraine {
                SeatControl::Human
            } else {
                SeatControl::Ai("scenario".into())
            }
        })
        .collect();
    app.world_mut().write_message(StartGame(SetupChoice {
        model,
        controls,
        seed: 11,
        deadline: Some(4),
        facilitator,
    }));
    app.update();
    ukraine
}

#[test]
fn a_game_goes_from_setup_through_briefing_and_table_to_debrief() {
    let mut app = app();
    assert_eq!(screen(&app), Screen::Title);
    let ukraine = start(&mut app);
    assert_eq!(screen(&app), Screen::Briefing);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    let mut moves = 0;
    for _ in 0..500 {
        app.update();
        if screen(&app) == Screen::Debrief {
            break;
        }
        let session = app.world().resource::<Session>();
        if session.human_to_move() == Some(ukraine) {
            let action = if moves == 0 {
                Action::Propose {
                    package: common::pkg(&[("prisoners", "all_for_all")]),
                    note: None,
                }
            } else {
                Action::Pass
            };
            moves += 1;
            app.world_mut().write_message(HumanAction {
                party: ukraine,
                action,
            });
        }
    }
    assert_eq!(screen(&app), Screen::Debrief);
    let session = app.world().resource::<Session>();
    let game = session.game();
    assert!(game.is_over());
    assert_eq!(game.deadline(), 4, "the setup's deadline is used");
    assert!(moves >= 4, "the human moved once a round: {moves}");
    let proposed = game
        .actions()
        .iter()
        .any(|(p, a, _)| *p == ukraine && matches!(a, Action::Propose { .. }));
    assert!(proposed, "the human's proposal reached the core");
}

#[test]
fn a_refused_human_move_is_reported_and_changes_nothing() {
    let mut app = app();
    let ukraine = start(&mut app);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    for _ in 0..50 {
        app.update();
        if app.world().resource::<Session>().human_to_move() == Some(ukraine) {
            break;
        }
    }
    let before = app.world().resource::<Session>().game().transcript().len();
    app.world_mut().write_message(HumanAction {
        party: ukraine,
        action: Action::Accept { offer: 999 },
    });
    app.update();
    let session = app.world().resource::<Session>();
    assert_eq!(session.game().transcript().len(), before);
    assert!(
        session.error.as_deref().is_some_and(|e| e.contains("999")),
        "{:?}",
        session.error
    );
    assert_eq!(session.human_to_move(), Some(ukraine));
}

/// Hot reload: a scenario file saved while the game runs reaches the catalogue through
/// the asset loader; a valid edit replaces it, a broken one leaves the last good version
/// and shows the diagnostics; fixing the file clears them.
#[test]
fn saving_a_scenario_file_reloads_it_and_a_broken_edit_keeps_the_last_good_version() {
    use accord::game::Catalogue;
    use accord::game::scenarios::{ScenarioAssetsPlugin, ScenarioFolders};
    use bevy::asset::AssetMetaCheck;

    let dir = std::env::temp_dir().join(format!("accord-hot-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("villages.ron");
    let titled = |title: &str| {
        common::MINIMAL.replace(
            "title: \"Two villages and a river\"",
            &format!("title: \"{title}\""),
        )
    };
    std::fs::write(&file, titled("First version")).unwrap();

    let folders = ScenarioFolders(vec![("mods".to_string(), dir.clone())]);
    let mut app = App::new();
    folders.register_sources(&mut app);
    app.add_plugins((
        MinimalPlugins,
        StatesPlugin,
        AssetPlugin {
            watch_for_changes_override: Some(true),
            meta_check: AssetMetaCheck::Never,
            ..default()
        },
        CorePlugin,
        ScenarioAssetsPlugin { folders },
    ));
    app.insert_resource(Catalogue {
        scenarios: vec![("built-in:istanbul-2025".to_string(), common::istanbul())],
        chosen: 0,
        problems: Vec::new(),
    });
    let title_of_file = |app: &App| {
        let catalogue = app.world().resource::<Catalogue>();
        catalogue
            .scenarios
            .iter()
            .find(|(origin, _)| origin.ends_with("villages.ron"))
            .map(|(_, m)| m.scenario.meta.title.clone())
    };
    let problems = |app: &App| app.world().resource::<Catalogue>().problems.len();
    let wait = |app: &mut App, what: &str, done: &dyn Fn(&App) -> bool| {
        let start = std::time::Instant::now();
        while !done(app) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            app.update();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait(&mut app, "the first load", &|app| {
        title_of_file(app).as_deref() == Some("First version")
    });

    // The watcher debounces events; make sure the next write is a separate one.
    std::thread::sleep(std::time::Duration::from_millis(500));
    std::fs::write(&file, titled("Second version")).unwrap();
    wait(&mut app, "the valid edit", &|app| {
        title_of_file(app).as_deref() == Some("Second version")
    });

    std::thread::sleep(std::time::Duration::from_millis(500));
    std::fs::write(
        &file,
        titled("Broken").replace("deadline: 5", "deadline: -5"),
    )
    .unwrap();
    wait(&mut app, "the diagnostics of the broken edit", &|app| {
        problems(app) == 1
    });
    assert_eq!(title_of_file(&app).as_deref(), Some("Second version"));
    let text = app.world().resource::<Catalogue>().problems[0].1.clone();
    assert!(
        text.contains("villages.ron:"),
        "diagnostics name the file: {text}"
    );
    assert_eq!(app.world().resource::<Catalogue>().scenarios.len(), 2);

    std::thread::sleep(std::time::Duration::from_millis(500));
    std::fs::write(&file, titled("Third version")).unwrap();
    wait(&mut app, "the fixed file", &|app| {
        problems(app) == 0 && title_of_file(app).as_deref() == Some("Third version")
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Saving at the table writes a save the game loads back into the same state; an
/// autosave is written as rounds go by.
#[test]
fn a_game_saved_at_the_table_loads_back_identical() {
    let mut app = app();
    let ukraine = start(&mut app);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    for _ in 0..3 {
        app.update();
    }
    // Ukraine (the human) passes twice, so that rounds go by.
    for _ in 0..2 {
        app.world_mut().write_message(HumanAction {
            party: ukraine,
            action: Action::Pass,
        });
        for _ in 0..3 {
            app.update();
        }
    }
    let before = app.world().resource::<Session>().game().transcript().len();
    assert!(app.world().resource::<Session>().game().round() >= 2);
    app.world_mut().write_message(SaveGame);
    app.update();
    let notice = app.world().resource::<Session>().notice.clone().unwrap();
    assert!(notice.starts_with("Saved to "), "{notice}");
    let path = std::path::PathBuf::from(notice.trim_start_matches("Saved to "));
    assert!(path.exists());
    let dir = app.world().resource::<SavesDir>().0.clone().unwrap();
    assert!(dir.join("autosave.ron").exists(), "autosaved");

    let mut other = super::game::app();
    other.world_mut().write_message(LoadGame(path));
    for _ in 0..3 {
        other.update();
    }
    let loaded = other.world().resource::<Session>();
    assert_eq!(loaded.game().transcript().len(), before);
    assert_eq!(
        format!("{:?}", loaded.game().transcript()),
        format!(
            "{:?}",
            app.world().resource::<Session>().game().transcript()
        )
    );
    assert_eq!(loaded.controls, app.world().resource::<Session>().controls);
    assert_eq!(screen(&other), Screen::Table);
}

/// Hot-seat: with two human delegations, a privacy curtain hides everything between
/// turns, and while one seat is shown nothing of the other's confidential data is in the
/// state the screen draws from.
/// Starts a game with people in `humans` and the AI elsewhere, and opens its table.
fn open_table_with_humans(
    app: &mut App,
    model: &std::sync::Arc<accord::sim::Model>,
    humans: &[usize],
    seed: u64,
    deadline: u32,
) {
    let controls = (0..model.scenario.parties.len())
        .map(|p| {
            if humans.contains(&p) {
                SeatControl::Human
            } else {
                SeatControl::Ai("scenario".into())
            }
        })
        .collect();
    app.world_mut().write_message(StartGame(SetupChoice {
        model: model.clone(),
        controls,
        seed,
        deadline: Some(deadline),
        facilitator: Default::default(),
    }));
    app.update();
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
}

#[test]
fn hot_seat_shows_each_seat_only_its_own_confidential_data() {
    use accord::game::session::LiftCurtain;
    let mut app = app();
    let model = common::istanbul();
    let ukraine = model.party_index("ukraine").unwrap();
    let russia = model.party_index("russia").unwrap();
    open_table_with_humans(&mut app, &model, &[ukraine, russia], 3, 4);
    for _ in 0..4 {
        app.update();
    }
    let secret = |p: usize| model.scenario.parties[p].confidential_brief.clone();
    let check = |app: &mut App, seat: usize, other: usize| {
        let session = app.world().resource::<Session>();
        assert_eq!(
            session.curtain(),
            Some(seat),
            "the curtain is down for the next seat"
        );
        assert!(
            session.shown().is_none(),
            "nothing is shown behind the curtain"
        );
        app.world_mut().write_message(LiftCurtain);
        app.update();
        let session = app.world().resource::<Session>();
        let (shown, view) = session.shown().expect("shown once ready");
        assert_eq!(shown, seat);
        let text = format!("{view:?}");
        assert!(text.contains(&secret(seat)), "its own brief is shown");
        assert!(
            !text.contains(&secret(other)),
            "the other seat's brief is not"
        );
        let other_values = format!("{:?}", model.prefs[other].values);
        assert!(!text.contains(&other_values), "nor its values");
    };
    let first = app.world().resource::<Session>().game().to_move().unwrap();
    let (a, b) = if first == ukraine {
        (ukraine, russia)
    } else {
        (russia, ukraine)
    };
    check(&mut app, a, b);
    app.world_mut().write_message(HumanAction {
        party: a,
        action: Action::Pass,
    });
    for _ in 0..4 {
        app.update();
    }
    assert_eq!(app.world().resource::<Session>().game().to_move(), Some(b));
    check(&mut app, b, a);
}

/// The facilitator's panel sends its moves as messages: they reach the transcript as the
/// facilitator's; a pause stops the AI.
#[test]
fn facilitator_moves_reach_the_transcript_and_a_pause_stops_the_ai() {
    use accord::game::session::Facilitate;
    use accord::sim::FacilitatorMove;
    let mut app = app();
    start(&mut app);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    app.world_mut().resource_mut::<Pacing>().paused = true;
    app.update();
    app.update();
    let before = app.world().resource::<Session>().game().actions().len();
    app.world_mut()
        .write_message(Facilitate(FacilitatorMove::News {
            headline: "Breaking".into(),
            text: "Talks may be extended.".into(),
        }));
    for _ in 0..3 {
        app.update();
    }
    let session = app.world().resource::<Session>();
    assert_eq!(session.game().actions().len(), before, "paused: no AI move");
    assert!(
        session
            .game()
            .transcript()
            .iter()
            .any(|e| matches!(e.kind, accord::sim::transcript::Kind::Facilitator { .. }))
    );
    assert_eq!(session.game().facilitator_moves().len(), 1);
}

/// Starts a game with Ukraine human and the facilitator's setup, and opens the table.
pub(super) fn start_with(
    app: &mut App,
    facilitator: accord::game::facilitator::FacilitatorSetup,
) -> usize {
    let ukraine = begin(app, facilitator);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    ukraine
}

fn facilitator_texts(app: &App) -> Vec<String> {
    use accord::sim::transcript::Kind;
    app.world()
        .resource::<Session>()
        .game()
        .transcript()
        .iter()
        .filter_map(|e| match &e.kind {
            Kind::Facilitator { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The round's timer counts down (not while paused); when it runs out the human seat to
/// move passes, and the transcript says time was up. Each round starts it again.
#[test]
fn the_round_timer_passes_a_human_seat_when_time_runs_out() {
    use accord::game::facilitator::FacilitatorSetup;
    use bevy::time::TimeUpdateStrategy;
    let mut app = app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(
        std::time::Duration::from_millis(500),
    ));
    let ukraine = start_with(
        &mut app,
        FacilitatorSetup {
            pin: None,
            round_seconds: 3,
        },
    );
    for _ in 0..3 {
        app.update();
    }
    let session = app.world().resource::<Session>();
    assert_eq!(session.human_to_move(), Some(ukraine));
    let timer = &session.facilitator.timer;
    assert!(
        timer.left > 0.0 && timer.left < 3.0,
        "counting: {}",
        timer.left
    );
    // Paused: the clock stops.
    app.world_mut().resource_mut::<Pacing>().paused = true;
    let left = app.world().resource::<Session>().facilitator.timer.left;
    for _ in 0..10 {
        app.update();
    }
    assert_eq!(
        app.world().resource::<Session>().facilitator.timer.left,
        left
    );
    app.world_mut().resource_mut::<Pacing>().paused = false;
    // Virtual time moves at most 0.25 s per frame.
    for _ in 0..16 {
        app.update();
    }
    let texts = facilitator_texts(&app);
    assert!(
        texts
            .iter()
            .any(|t| t == "time is up for Ukrainian delegation; the seat passes"),
        "{texts:?}"
    );
    let game = app.world().resource::<Session>().game();
    let actions = game.actions();
    let (p, action, _) = actions.iter().find(|(p, _, _)| *p == ukraine).unwrap();
    assert_eq!((*p, action), (ukraine, &Action::Pass));
    assert!(game.round() >= 2, "the round went on");
    let timer = &app.world().resource::<Session>().facilitator.timer;
    assert_eq!(timer.round, game.round(), "each round is timed afresh");
}

/// With allies' and mediators' moves held, each waits for the facilitator, who lets it
/// happen, cancels it (the party passes) or makes another; each overruling is in the
/// transcript, and the game resumes from its save exactly.
#[test]
fn the_facilitator_lets_cancels_or_makes_held_moves() {
    use accord::game::facilitator::{FacilitatorSetting, Overrule};
    use accord::sim::scenario::PartyKind;
    let mut app = app();
    start_with(&mut app, Default::default());
    app.world_mut()
        .write_message(FacilitatorSetting::HoldThirdParties(true));
    let model = common::istanbul();
    let mut answers = vec![Overrule::Cancel, Overrule::Allow];
    let mut made = false;
    for _ in 0..40 {
        app.update();
        let session = app.world().resource::<Session>();
        if session.game().is_over() {
            break;
        }
        let Some(p) = session.facilitator.pending.as_ref().map(|plan| &plan.party) else {
            if session.human_to_move().is_some() {
                let p = session.human_to_move().unwrap();
                app.world_mut().write_message(HumanAction {
                    party: p,
                    action: Action::Pass,
                });
            }
            continue;
        };
        assert_ne!(model.kind(*p), PartyKind::Delegation);
        assert_eq!(session.game().to_move(), Some(*p), "its move waits");
        let lever = model
            .scenario
            .levers
            .iter()
            .find(|l| l.owner == model.party_id(*p))
            .map(|l| Action::UseLever {
                lever: l.id.clone(),
            });
        let answer = match (made, lever) {
            (false, Some(action)) if session.game().check_action(*p, &action).is_ok() => {
                made = true;
                Overrule::Make(action)
            }
            _ => answers.pop().unwrap_or(Overrule::Allow),
        };
        app.world_mut().write_message(answer);
    }
    let texts = facilitator_texts(&app);
    assert!(made, "a lever was made");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("makes this turn's move for")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("cancels the planned move of")),
        "{texts:?}"
    );
    // Resumed from its record now, the game goes on exactly as the live one: the AI
    // remembers the turns the facilitator overruled.
    let session = app.world().resource::<Session>();
    let record = session.save_file().record;
    let controls = session.controls.clone();
    let mut resumed = accord::sim::ai::Table::resume(&record, &controls).unwrap();
    assert_eq!(
        resumed.diverged_at, None,
        "every AI move came out as recorded"
    );
    let transcript = |g: &accord::sim::Game| serde_json::to_string(g.transcript()).unwrap();
    assert_eq!(transcript(&resumed.game), transcript(session.game()));
    app.world_mut()
        .write_message(FacilitatorSetting::HoldThirdParties(false));
    for _ in 0..200 {
        app.update();
        let session = app.world().resource::<Session>();
        if session.game().is_over() {
            break;
        }
        if let Some(p) = session.human_to_move() {
            app.world_mut().write_message(HumanAction {
                party: p,
                action: Action::Pass,
            });
        }
    }
    while !resumed.game.is_over() {
        resumed.run_ai();
        if let Some(p) = resumed.game.to_move().filter(|_| !resumed.ai_to_move()) {
            resumed.game.apply_index(p, Action::Pass).unwrap();
        }
    }
    let live = app.world().resource::<Session>();
    assert!(live.game().is_over());
    assert_eq!(transcript(&resumed.game), transcript(live.game()));
}

/// A PIN keeps the panel shut until it is entered, and closing the panel locks it again;
/// the projector shows every brief only when the facilitator says so.
#[test]
fn the_pin_guards_the_panel_and_briefs_are_revealed_on_demand() {
    use accord::game::facilitator::{FacilitatorSetting, FacilitatorSetup, all_briefs};
    let mut app = app();
    start_with(
        &mut app,
        FacilitatorSetup {
            pin: Some("4321".into()),
            round_seconds: 0,
        },
    );
    app.update();
    let unlocked = |app: &App| app.world().resource::<Session>().facilitator.unlocked;
    assert!(!unlocked(&app));
    app.world_mut()
        .write_message(FacilitatorSetting::Unlock("1234".into()));
    app.update();
    assert!(!unlocked(&app), "a wrong PIN does not open it");
    assert!(app.world().resource::<Session>().error.is_some());
    app.world_mut()
        .write_message(FacilitatorSetting::Unlock(" 4321 ".into()));
    app.update();
    assert!(unlocked(&app));
    app.world_mut().write_message(FacilitatorSetting::Lock);
    app.update();
    assert!(!unlocked(&app), "closing locks it again");
    assert_eq!(app.world().resource::<Session>().projected_briefs(), None);
    app.world_mut()
        .write_message(FacilitatorSetting::RevealBriefs(true));
    app.update();
    let session = app.world().resource::<Session>();
    let briefs = session.projected_briefs().expect("shown on demand");
    assert_eq!(briefs, all_briefs(&session.model));
    assert_eq!(briefs.len(), session.model.scenario.parties.len());
    for party in &session.model.scenario.parties {
        assert!(briefs.iter().any(|(_, b)| *b == party.confidential_brief));
    }
    // A save keeps the PIN's hash (never the PIN) and the timer: a resumed lesson asks
    // for the same PIN.
    let file = session.save_file();
    let text = file.to_ron();
    assert!(!text.contains("4321"), "the PIN is not written down");
    let mut resumed = Session::from_save(&file).unwrap();
    assert!(!resumed.facilitator.unlocked);
    assert!(!resumed.facilitator.unlock("1234"));
    assert!(resumed.facilitator.unlock("4321"));
    app.world_mut()
        .write_message(FacilitatorSetting::RevealBriefs(false));
    app.update();
    assert_eq!(app.world().resource::<Session>().projected_briefs(), None);
}

/// A saved game opens as a replay from the load screen's message: it steps forward and
/// back through the rounds, each stop the game as it was, and a damaged save is refused
/// with its error on the load screen.
#[test]
fn a_save_opens_as_a_replay_that_steps_through_the_rounds() {
    use accord::game::replay::{OpenReplay, Replay};
    use accord::game::session::LoadProblem;
    use accord::sim::save::{self, SaveFile};
    let mut app = app();
    let game = accord::sim::simulate::play(&common::istanbul(), 5, &[]);
    let dir = std::env::temp_dir().join(format!("accord-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("game.ron");
    save::save(
        &path,
        &SaveFile::of(&game, "built-in:istanbul-2025", vec![]),
    )
    .unwrap();
    app.world_mut().write_message(OpenReplay(path.clone()));
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Replay);
    let mut replay = app.world_mut().resource_mut::<Replay>();
    assert_eq!(replay.at, 0);
    assert!(replay.game().actions().is_empty());
    replay.step(-1);
    assert_eq!(replay.at, 0, "no stop before the start");
    replay.step(2);
    assert_eq!(replay.game().round(), 3, "two rounds played");
    replay.step(100);
    assert_eq!(replay.at, replay.end());
    assert_eq!(
        serde_json::to_string(replay.game().transcript()).unwrap(),
        serde_json::to_string(game.transcript()).unwrap(),
        "the last stop is the game as it ended"
    );
    assert!(
        replay.stop_name().starts_with("The end"),
        "{}",
        replay.stop_name()
    );
    replay.step(-1);
    assert!(replay.game().actions().len() < game.actions().len());
    assert!(replay.stop_name().starts_with("End of round"));

    // A game saved during a round ends on that round, named as saved.
    let mut half = accord::sim::ai::Table::all_ai(accord::sim::Game::new(common::istanbul(), 5));
    while half.game.round() < 3 || half.game.actions().len() % 5 != 2 {
        half.step();
    }
    save::save(
        &path,
        &SaveFile::of(&half.game, "built-in:istanbul-2025", vec![]),
    )
    .unwrap();
    let mut mid = Replay::open(&path).unwrap();
    mid.step(100);
    assert_eq!(mid.stop_name(), "Round 3, as saved");
    mid.step(-1);
    assert_eq!(mid.stop_name(), "End of round 2");

    std::fs::write(&path, "(save_version: 1, title: \"x\"").unwrap();
    app.world_mut().write_message(OpenReplay(path.clone()));
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Load);
    let problem = app.world().resource::<LoadProblem>().0.clone().unwrap();
    assert!(problem.contains("game.ron"), "{problem}");
}

#[test]
fn the_outcome_space_and_the_report_are_worked_out_off_the_frame() {
    use accord::game::background::{self, Background};
    use accord::game::screens::DebriefScreen;
    let mut app = app();
    // The debrief is open: the space goes to it.
    app.init_resource::<DebriefScreen>();
    background::plugin(&mut app);
    let game = common::play_random(common::istanbul(), 2);
    let dir = std::env::temp_dir().join(format!("accord-test-report-{}", std::process::id()));
    {
        let mut work = app.world_mut().resource_mut::<Background>();
        work.outcome_space(&game);
        work.report(&game, Some(dir.clone()));
        assert!(work.busy());
    }
    // Frames go on while the work is under way; the results arrive within a bounded time.
    let started = std::time::Instant::now();
    while app.world().resource::<Background>().busy() {
        app.update();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the background work never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let space = app
        .world()
        .resource::<DebriefScreen>()
        .space
        .clone()
        .expect("the space arrived");
    assert_eq!(space.points.len(), game.outcome_space().points.len());
    let path = dir
        .join("reports")
        .join(format!("istanbul-2025-seed{}.html", game.seed()));
    assert!(
        path.exists(),
        "the report was written to {}",
        path.display()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn hot_seat_works_for_a_mix_of_delegation_ally_and_mediator_seats() {
    use accord::game::session::LiftCurtain;
    let mut app = app();
    let model = common::istanbul();
    let humans = ["united_states", "turkiye", "ukraine"].map(|id| model.party_index(id).unwrap());
    open_table_with_humans(&mut app, &model, &humans, 5, 3);
    // Round 1: the United States (human), Europe (AI), Türkiye (human), then the
    // delegations. Each human seat is handed the screen behind the curtain, sees its own
    // brief only, and passes.
    let mut handed = Vec::new();
    for _ in 0..40 {
        app.update();
        let session = app.world().resource::<Session>();
        let Some(seat) = session.human_to_move() else {
            if session.game().is_over() {
                break;
            }
            continue;
        };
        if session.game().round() > 1 {
            break;
        }
        assert_eq!(
            session.curtain(),
            Some(seat),
            "the curtain is down for {seat}"
        );
        assert!(session.shown().is_none());
        app.world_mut().write_message(LiftCurtain);
        app.update();
        let session = app.world().resource::<Session>();
        let (shown, view) = session.shown().expect("shown once ready");
        assert_eq!(shown, seat);
        let text = format!("{view:?}");
        for &other in &humans {
            let brief = &model.scenario.parties[other].confidential_brief;
            assert_eq!(
                text.contains(brief.as_str()),
                other == seat,
                "{seat} and {other}"
            );
        }
        handed.push(seat);
        app.world_mut().write_message(HumanAction {
            party: seat,
            action: Action::Pass,
        });
    }
    assert_eq!(
        handed[..2],
        humans[..2],
        "the ally, then the mediator, in round 1"
    );
    assert!(handed.contains(&humans[2]), "then the delegation");
}

#[test]
fn no_screen_shortcut_fires_while_the_player_is_typing() {
    use accord::game::screens::{ScreenShortcut, screen_shortcut};
    let screens = [
        Screen::Title,
        Screen::Load,
        Screen::Scenarios,
        Screen::PublicView,
        Screen::HowToPlay,
        Screen::Settings,
        Screen::Setup,
        Screen::Briefing,
        Screen::Table,
        Screen::Debrief,
        Screen::Replay,
    ];
    for screen in screens {
        for key in [KeyCode::Space, KeyCode::Escape, KeyCode::F1] {
            assert_eq!(
                screen_shortcut(screen, key, true),
                None,
                "{screen:?} {key:?}"
            );
        }
    }
    // Not typing, the keys do what How to play says.
    assert_eq!(
        screen_shortcut(Screen::Setup, KeyCode::Escape, false),
        Some(ScreenShortcut::Back)
    );
    assert_eq!(
        screen_shortcut(Screen::Table, KeyCode::Space, false),
        Some(ScreenShortcut::SkipAi)
    );
    assert_eq!(
        screen_shortcut(Screen::Title, KeyCode::F1, false),
        Some(ScreenShortcut::Help)
    );
    // Esc at the table answers its own questions; it never leaves the game.
    assert_eq!(screen_shortcut(Screen::Table, KeyCode::Escape, false), None);
    assert_eq!(screen_shortcut(Screen::Setup, KeyCode::Space, false), None);
}
