//! The egui panels of the table screen, driven by the test harness of `ui.rs`: they are
//! functions of `&mut egui::Ui` that return what the player asked for, so a test clicks
//! and reads the intent without Bevy or a window.

use std::collections::BTreeMap;

use accord::game::ui::table::{TableForm, TableIntent, issues_board};
use accord::sim::{Action, Game};
use bevy_egui::egui;

use super::common;
use super::ui::Harness;

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

fn harness(game: Game) -> Harness<State> {
    let issues = game.model().issue_count();
    let state = State {
        game,
        form: TableForm::new(issues),
        intent: None,
    };
    Harness::new_ui(egui::vec2(800.0, 600.0), state, |ui, state: &mut State| {
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
    })
}

#[test]
fn clicking_propose_with_a_chosen_package_sends_that_proposal() {
    let mut h = harness(game_with_locked_fishing());
    h.run();
    // Choose "Half" on water: the button's label starts with the option's label.
    let w = h.get_by_label_contains("Half");
    h.click(&w);
    h.run();
    assert_eq!(h.state().form.proposal[0], Some(1));
    let w = h.get_by_label("Propose");
    assert_eq!(w.role, egui::accesskit::Role::Button);
    assert!(!w.disabled, "a package is chosen");
    h.click(&w);
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
    let w = h.get_by_label("Propose");
    assert!(w.disabled, "nothing chosen yet");
    h.click(&w);
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
    let w = h.get_by_label_contains("All");
    h.click(&w);
    h.run();
    h.key_press(egui::Key::P);
    h.run();
    let expected = Action::Propose {
        package: BTreeMap::from([("water".to_string(), "all".to_string())]),
        note: None,
    };
    assert_eq!(h.state().intent, Some(TableIntent::Act(expected)));
}

mod facilitator {
    use accord::game::facilitator::{FacilitatorSetting, FacilitatorState, Overrule};
    use accord::game::ui::facilitator::{FacilitatorForm, FacilitatorIntent, facilitator_panel};
    use accord::sim::Game;
    use accord::sim::ai::Table;
    use bevy_egui::egui;

    use super::common;
    use crate::ui::Harness;

    struct Panel {
        game: Game,
        state: FacilitatorState,
        form: FacilitatorForm,
        intents: Vec<FacilitatorIntent>,
    }

    /// The panel over a game, with its state and empty fields.
    fn harness(game: Game, state: FacilitatorState) -> Harness<Panel> {
        let panel = Panel {
            game,
            state,
            form: FacilitatorForm::default(),
            intents: Vec::new(),
        };
        Harness::new(egui::vec2(1280.0, 900.0), panel, |ui, p: &mut Panel| {
            let model = p.game.model().clone();
            let mut open = true;
            let intents = facilitator_panel(
                ui.ctx(),
                &model,
                &p.game,
                &p.state,
                false,
                &mut p.form,
                &mut open,
            );
            p.intents.extend(intents);
        })
    }

    /// An Istanbul game whose first mover (an ally) has planned its move.
    fn planned() -> (Game, FacilitatorState) {
        let table = Table::all_ai(Game::new(common::istanbul(), 5));
        let pending = table.plan();
        assert!(pending.is_some());
        let state = FacilitatorState {
            unlocked: true,
            pending,
            ..FacilitatorState::default()
        };
        (table.game, state)
    }

    #[test]
    fn a_locked_panel_shows_only_the_pin_prompt() {
        let (game, mut state) = planned();
        state.set_pin("77");
        state.unlocked = false;
        let mut h = harness(game, state);
        h.run();
        h.get_by_label("Enter the facilitator's PIN:");
        assert!(h.query_by_label("Inject an event").is_none());
        assert!(h.query_by_label_contains("plans:").is_none());
        assert!(h.query_by_label("The AI's private rationales").is_none());
        h.state_mut().form.pin = "77".into();
        let w = h.get_by_label("Open");
        h.click(&w);
        h.run();
        assert_eq!(
            h.state().intents,
            vec![FacilitatorIntent::Setting(FacilitatorSetting::Unlock(
                "77".into()
            ))]
        );
    }

    #[test]
    fn a_held_move_can_be_let_or_cancelled_from_the_panel() {
        let (game, state) = planned();
        let mut h = harness(game, state);
        h.run();
        h.get_by_label_contains("plans:");
        let w = h.get_by_label("Cancel it");
        h.click(&w);
        h.run();
        let w = h.get_by_label("Let it happen");
        h.click(&w);
        h.run();
        assert_eq!(
            h.state().intents,
            vec![
                FacilitatorIntent::Overrule(Overrule::Cancel),
                FacilitatorIntent::Overrule(Overrule::Allow)
            ]
        );
    }
}
