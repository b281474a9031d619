//! The egui panels of the table screen, driven with egui_kittest: they are functions of
//! `&mut egui::Ui` that return what the player asked for, so a test clicks and reads the
//! intent without Bevy or a window.

use std::collections::BTreeMap;

use accord::game::ui::table::{TableForm, TableIntent, issues_board};
use accord::sim::{Action, Game};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::common;

/// A game of the minimal scenario where an event has taken fishing off the table.
fn game_with_locked_fishing() -> Game {
    let src = common::MINIMAL.replace(
        "trigger: AtRound(3),\n            effects: [",
        "trigger: AtRound(1),\n            effects: [\n                LockIssue(issue: \"fish\", option: \"yes\"),",
    );
    let mut game = Game::new(common::model(&src), 1);
    // Events take effect at the end of the round.
    for party in ["chair", "north", "south"] {
        game.apply(party, Action::Pass).unwrap();
    }
    assert!(game.locked()[1].is_some(), "fishing is locked");
    game
}

struct State {
    game: Game,
    form: TableForm,
    intent: Option<TableIntent>,
}

fn harness(game: Game) -> Harness<'static, State> {
    let issues = game.model().issue_count();
    let state = State {
        game,
        form: TableForm::new(issues),
        intent: None,
    };
    Harness::new_ui_state(
        |ui, state: &mut State| {
            let model = state.game.model().clone();
            let north = model.party_index("north").unwrap();
            let view = state.game.view(north);
            let prefs = state.game.prefs()[north].clone();
            let current = state.game.current_package();
            if let Some(intent) =
                issues_board(ui, &model, &view, &prefs, &current, &mut state.form, true)
            {
                state.intent = Some(intent);
            }
        },
        state,
    )
}

#[test]
fn clicking_propose_with_a_chosen_package_sends_that_proposal() {
    let mut h = harness(game_with_locked_fishing());
    h.run();
    // Choose "Half" on water: the button's label starts with the option's label.
    h.get_by_label_contains("Half").click();
    h.run();
    assert_eq!(h.state().form.proposal[0], Some(1));
    h.get_by_label("Propose").click();
    h.run();
    let expected = Action::Propose {
        package: BTreeMap::from([("water".to_string(), "half".to_string())]),
        note: None,
    };
    assert_eq!(h.state().intent, Some(TableIntent::Act(expected)));
}

#[test]
fn propose_is_disabled_until_something_is_chosen() {
    let mut h = harness(game_with_locked_fishing());
    h.run();
    h.get_by_label("Propose").click();
    h.run();
    assert_eq!(h.state().intent, None);
}

#[test]
fn the_issues_board_shows_locked_items() {
    let mut h = harness(game_with_locked_fishing());
    h.run();
    h.get_by_label("🔒 off the table");
    let mut fresh = harness(Game::new(common::minimal(), 1));
    fresh.run();
    assert!(fresh.query_by_label("🔒 off the table").is_none());
}

#[test]
fn key_p_proposes_the_chosen_package() {
    let mut h = harness(game_with_locked_fishing());
    h.run();
    h.get_by_label_contains("All").click();
    h.run();
    h.key_press(bevy_egui::egui::Key::P);
    h.run();
    let expected = Action::Propose {
        package: BTreeMap::from([("water".to_string(), "all".to_string())]),
        note: None,
    };
    assert_eq!(h.state().intent, Some(TableIntent::Act(expected)));
}
