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

fn app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin, CorePlugin));
    app.insert_resource(Pacing {
        seconds_per_move: 0.0,
        skip: false,
        elapsed: 0.0,
        paused: false,
    });
    // Saves and autosaves of these tests go to a folder of their own.
    let saves = std::env::temp_dir().join(format!("accord-test-saves-{}", std::process::id()));
    app.insert_resource(SavesDir(Some(saves)));
    app
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

fn start(app: &mut App) -> usize {
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
    }));
    app.update();
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
#[test]
fn hot_seat_shows_each_seat_only_its_own_confidential_data() {
    use accord::game::session::LiftCurtain;
    let mut app = app();
    let model = common::istanbul();
    let ukraine = model.party_index("ukraine").unwrap();
    let russia = model.party_index("russia").unwrap();
    let controls = (0..model.scenario.parties.len())
        .map(|p| {
            if p == ukraine || p == russia {
                SeatControl::Human
            } else {
                SeatControl::Ai("scenario".into())
            }
        })
        .collect();
    app.world_mut().write_message(StartGame(SetupChoice {
        model: model.clone(),
        controls,
        seed: 3,
        deadline: Some(4),
    }));
    app.update();
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
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
    use accord::sim::transcript::EntryKind;
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
            .any(|e| matches!(e.kind, EntryKind::Facilitator { .. }))
    );
    assert_eq!(session.game().facilitator_moves().len(), 1);
}
