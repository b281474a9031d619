//! The egui panels of the table screen, driven by the test harness of `ui.rs`: they are
//! functions of `&mut egui::Ui` that return what the player asked for, so a test clicks
//! and reads the intent without Bevy or a window.

use std::collections::BTreeMap;

use accord::game::ui::table::{TableForm, TableIntent, actions_bar, issues_board};
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
    // Round 2 opens with the chair: then it is North's turn.
    game.apply("chair", Action::Pass).unwrap();
    game
}

struct State {
    game: Game,
    form: TableForm,
    intent: Option<TableIntent>,
}

impl State {
    fn new(game: Game) -> State {
        let issues = game.model().issue_count();
        State {
            game,
            form: TableForm::new(issues),
            intent: None,
        }
    }
}

fn harness(game: Game) -> Harness<State> {
    Harness::new_ui(
        egui::vec2(800.0, 600.0),
        State::new(game),
        |ui, state: &mut State| {
            let model = state.game.model().clone();
            let north = model.party_index("north").unwrap();
            let view = state.game.view(north);
            let prefs = state.game.prefs()[north].clone();
            let current = state.game.current_package();
            let game = &state.game;
            let legal = |a: &Action| game.check_action(north, a).is_ok();
            if let Some(intent) =
                issues_board(ui, &model, &view, &prefs, &current, &mut state.form, &legal)
            {
                state.intent = Some(intent);
            }
        },
    )
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
fn an_option_a_rule_forbids_with_the_proposal_is_greyed_out_with_the_rule() {
    let mut game = Game::new(common::minimal_with_rule(), 1);
    // North's turn: the chair moves first.
    game.apply("chair", Action::Pass).unwrap();
    let mut h = harness(game);
    h.run();
    assert!(
        !h.get_by_label_contains("All").disabled,
        "allowed while South does not fish"
    );
    let yes = h.get_by_label_contains("Yes");
    h.click(&yes);
    h.run();
    assert_eq!(h.state().form.proposal[1], Some(1));
    let all = h.get_by_label_contains("All");
    assert!(all.disabled, "water: all never with fishing: yes");
    h.click(&all);
    h.run();
    assert_eq!(
        h.state().form.proposal[0],
        None,
        "a greyed option cannot be chosen"
    );
    assert!(
        !h.get_by_label("Propose").disabled,
        "fishing alone is allowed"
    );
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

/// What a student's screens show and hide (issue 12): the briefing keeps the designer's
/// notes for the facilitator, and the projector's public view shows no brief, walk-away
/// value or number of any party.
mod briefing_and_public_view {
    use accord::game::ui::briefing::briefing;
    use accord::game::ui::public::public_view;
    use accord::sim::notice;
    use bevy_egui::egui;

    use super::super::common;
    use super::Harness;

    fn every_text(h: &Harness<()>) -> String {
        h.texts().join("\n")
    }

    #[test]
    fn no_text_of_the_briefing_runs_under_its_scroll_bar() {
        // A window short enough that the briefing scrolls: the bar is drawn at the right
        // edge of the panel, and every text ends before it.
        let model = common::istanbul();
        let ukraine = model.party_index("ukraine").unwrap();
        let mut h = Harness::new_ui(egui::vec2(1280.0, 720.0), (), move |ui, _| {
            briefing(ui, &model, ukraine);
        });
        h.run();
        let bar = egui::Style::default().spacing.scroll.bar_width;
        // The central panel's margin is 8 points: the bar's left edge is this far in.
        let limit = 1280.0 - 8.0 - bar;
        let brief = h.get_by_label_contains("We came to Istanbul");
        assert!(brief.rect.right() <= limit, "{:?} vs {limit}", brief.rect);
        for w in h.query_all_by_role(egui::accesskit::Role::Label) {
            assert!(
                w.rect.right() <= limit,
                "“{}” ends at {}",
                w.text,
                w.rect.right()
            );
        }
    }

    #[test]
    fn a_source_link_opens_in_the_browser() {
        use accord::game::ui::web_address;
        let model = common::istanbul();
        let source = model
            .scenario
            .meta
            .sources
            .iter()
            .find(|s| s.url.is_some())
            .expect("a source with an address")
            .clone();
        let url = source.url.clone().unwrap();
        let ukraine = model.party_index("ukraine").unwrap();
        let mut h = Harness::new_ui(egui::vec2(1280.0, 6000.0), (), move |ui, _| {
            briefing(ui, &model, ukraine);
        });
        h.run();
        let link = h.get_by_label(&source.title);
        h.click(&link);
        h.run();
        assert_eq!(h.opened_urls(), vec![url]);
        // A scenario file is user data: only web addresses become links.
        assert!(web_address("https://www.reuters.com/world/"));
        assert!(!web_address("file:///etc/passwd"));
        assert!(!web_address("javascript:alert(1)"));
        assert!(!web_address("https://example.org/a b"));
    }

    #[test]
    fn no_player_briefing_shows_the_designers_notes() {
        for (name, model) in [
            ("istanbul", common::istanbul()),
            ("river-valley", common::built_in("river-valley")),
        ] {
            let notes = model
                .scenario
                .meta
                .designer_notes
                .clone()
                .unwrap_or_else(|| panic!("{name} has designer's notes"));
            for party in 0..model.scenario.parties.len() {
                let m = model.clone();
                let mut h = Harness::new_ui(egui::vec2(1280.0, 6000.0), (), move |ui, _| {
                    briefing(ui, &m, party);
                });
                h.run();
                let shown = every_text(&h);
                let me = &model.scenario.parties[party];
                // The test reads the screen: the player's own brief is there...
                assert!(shown.contains(&me.confidential_brief), "{name}/{}", me.id);
                assert!(shown.contains(&notice::role_play(&model.scenario.meta)));
                assert!(shown.contains(notice::ASSUMPTIONS), "{name}/{}", me.id);
                // ...and the designer's notes are not.
                assert!(
                    !shown.contains(&notes),
                    "{name}/{}: designer's notes",
                    me.id
                );
                for other in &model.scenario.parties {
                    if other.id != me.id {
                        assert!(!shown.contains(&other.confidential_brief));
                    }
                }
            }
        }
    }

    #[test]
    fn the_public_view_shows_no_brief_value_or_walk_away_alternative() {
        for model in [common::istanbul(), common::built_in("istanbul-2025-06-02")] {
            let m = model.clone();
            let mut h = Harness::new_ui(egui::vec2(1280.0, 8000.0), (), move |ui, _| {
                public_view(ui, &m);
            });
            h.run();
            let shown = every_text(&h);
            let s = &model.scenario;
            assert!(shown.contains(&s.meta.summary));
            assert!(shown.contains(&notice::role_play(&s.meta)));
            for party in &s.parties {
                assert!(shown.contains(&party.public_line), "{}", party.id);
                assert!(!shown.contains(&party.confidential_brief), "{}", party.id);
                assert!(!shown.contains(&party.batna_description), "{}", party.id);
            }
            for issue in &s.issues {
                for option in &issue.options {
                    assert!(shown.contains(&option.description), "{}", option.id);
                }
            }
            if let Some(notes) = &s.meta.designer_notes {
                assert!(!shown.contains(notes));
            }
            for word in ["BATNA", "walk-away", "weight", "worth", "red line", "✖"] {
                assert!(!shown.contains(word), "the public view says {word:?}");
            }
            // No weight of any party: it would appear as "NN%" (addresses aside).
            for t in h.texts().into_iter().filter(|t| !t.contains("://")) {
                assert!(!t.contains('%'), "a percentage: {t}");
            }
            // No value: every option line is its label and description, nothing more.
            for issue in &s.issues {
                for option in &issue.options {
                    let sq = if option.id == issue.status_quo {
                        " (status quo)"
                    } else {
                        ""
                    };
                    let line = format!("• {}{sq}: {}", option.label, option.description);
                    assert!(h.texts().contains(&line.as_str()), "{line}");
                }
            }
        }
    }

    #[test]
    fn a_cut_speech_bubble_shows_all_its_words_on_hover() {
        use accord::game::ui::table::table_scene;
        // Istanbul, round 1: Türkiye's lever is announced in more words than a bubble holds.
        use accord::sim::{Game, PartyKind, ai::Table};
        let model = common::istanbul();
        let mut table = Table::all_ai(Game::new(model.clone(), 1));
        while table
            .game
            .to_move()
            .is_some_and(|p| model.kind(p) != PartyKind::Delegation)
        {
            table.step();
        }
        let ukraine = model.party_index("ukraine").unwrap();
        let game = table.game;
        let mut h = Harness::new_ui(
            egui::vec2(1100.0, 700.0),
            game,
            move |ui, game: &mut Game| {
                ui.ctx().all_styles_mut(|s| {
                    s.interaction.tooltip_delay = 0.0;
                    s.interaction.show_tooltips_only_when_still = false;
                });
                let view = game.view(ukraine);
                table_scene(ui, game.model(), &view);
            },
        );
        h.run();
        let tail = "as a confidence-building measure.";
        let bubble = h.get_by_label_contains(tail);
        assert!(bubble.text.starts_with("Türkiye"), "{}", bubble.text);
        assert!(bubble.text.ends_with("(simulated)"), "{}", bubble.text);
        h.hover(&bubble);
        h.run();
        assert_eq!(
            h.query_all_by_label(&bubble.text).len(),
            2,
            "the tooltip holds the whole text: {:?}",
            h.texts()
        );
    }

    #[test]
    fn the_table_draws_in_any_room_without_panicking() {
        // A large UI scale in a small window leaves the table a sliver of the screen.
        use accord::game::ui::table::table_scene;
        use accord::sim::Game;
        use accord::sim::ai::Table;
        let model = common::istanbul();
        let mut table = Table::all_ai(Game::new(model.clone(), 1));
        while table.game.round() < 2 && table.step() {}
        for (w, h) in [(40.0, 30.0), (120.0, 90.0), (300.0, 200.0), (1280.0, 720.0)] {
            let game = table.game.clone();
            let mut h = Harness::new_ui(egui::vec2(w, h), game, move |ui, game: &mut Game| {
                let view = game.view(game.model().delegations[0]);
                table_scene(ui, game.model(), &view);
            });
            h.run();
        }
    }

    #[test]
    fn speech_bubbles_are_marked_simulated_even_when_cut() {
        use accord::game::ui::table::bubble_text;
        assert_eq!(bubble_text("We accept."), "We accept. (simulated)");
        let long = "word ".repeat(40);
        let cut = bubble_text(&long);
        assert!(cut.ends_with("… (simulated)"), "{cut}");
        assert!(cut.chars().count() < 100);
    }
}

mod third_parties {
    use accord::game::ui::table::{
        TableForm, TableIntent, actions_bar, issues_board, levers_panel, offers_panel,
    };
    use accord::sim::{Action, Audience, Game};
    use bevy_egui::egui;

    use super::common;
    use crate::ui::Harness;

    pub(super) struct Seat {
        game: Game,
        party: usize,
        pub(super) form: TableForm,
        pub(super) intents: Vec<TableIntent>,
    }

    /// Every panel of the table screen for one seat, as the screen lays them out.
    pub(super) fn harness(game: Game, party: &str) -> Harness<Seat> {
        let party = game.model().party_index(party).unwrap();
        let issues = game.model().issue_count();
        let seat = Seat {
            game,
            party,
            form: TableForm::new(issues),
            intents: Vec::new(),
        };
        Harness::new_ui(egui::vec2(1000.0, 1600.0), seat, |ui, s: &mut Seat| {
            let model = s.game.model().clone();
            let view = s.game.view(s.party);
            let prefs = s.game.prefs()[s.party].clone();
            let current = s.game.current_package();
            let (game, party) = (&s.game, s.party);
            let legal = |a: &Action| game.check_action(party, a).is_ok();
            let my_turn: accord::game::ui::table::Legal = &legal;
            let f = &mut s.form;
            let mut found = Vec::new();
            ui.columns(2, |cols| {
                found.push(issues_board(
                    &mut cols[0],
                    &model,
                    &view,
                    &prefs,
                    &current,
                    f,
                    my_turn,
                ));
                found.push(offers_panel(
                    &mut cols[1],
                    &model,
                    &view,
                    &prefs,
                    &current,
                    f,
                    my_turn,
                ));
                found.push(levers_panel(&mut cols[1], &view, my_turn));
                found.push(actions_bar(&mut cols[1], &model, &view, f, my_turn));
            });
            s.intents.extend(found.into_iter().flatten());
        })
    }

    #[test]
    fn no_panel_of_any_seat_of_any_shipped_scenario_shows_an_id() {
        use accord::game::ui::table::{allies_panel, table_scene, transcript};
        use accord::sim::ai::Table;
        use accord::sim::load::BUILT_IN;
        for (id, _, _) in BUILT_IN {
            let model = common::built_in(id);
            // Three rounds of AI moves: offers, levers, news and reasons on the table.
            let mut table = Table::all_ai(Game::new(model.clone(), 1));
            while table.game.round() < 4 && table.step() {}
            for party in &model.scenario.parties {
                let mut h = harness(table.game.clone(), &party.id);
                h.run();
                let mut texts: Vec<String> = h.texts().iter().map(|t| t.to_string()).collect();
                let p = model.party_index(&party.id).unwrap();
                let mut h = Harness::new_ui(
                    egui::vec2(1000.0, 1600.0),
                    (table.game.clone(), TableForm::new(model.issue_count())),
                    move |ui, (game, form): &mut (Game, TableForm)| {
                        let model = game.model().clone();
                        let view = game.view(p);
                        ui.columns(2, |cols| {
                            allies_panel(&mut cols[0], &model, &view);
                            transcript(&mut cols[0], &model, &view, form);
                            table_scene(&mut cols[1], &model, &view);
                        });
                    },
                );
                h.run();
                texts.extend(h.texts().iter().map(|t| t.to_string()));
                for t in texts {
                    let found = common::id_in(&model, &t);
                    assert!(found.is_none(), "{id}, {}: {found:?} in “{t}”", party.id);
                }
            }
        }
    }

    #[test]
    fn an_ally_uses_an_enabled_lever_and_sees_why_another_is_not_enabled() {
        // Istanbul, round 1: the United States move first.
        let game = Game::new(common::istanbul(), 1);
        assert_eq!(game.to_move(), game.model().party_index("united_states"));
        let mut h = harness(game, "united_states");
        h.run();
        // No proposal builder, no accept or reject, no walk-out for an ally.
        assert!(h.query_by_label("Propose").is_none());
        assert!(h.query_by_label("Accept").is_none());
        assert!(h.query_by_label("Walk out…").is_none());
        assert!(h.query_by_label("Ask the mediator").is_none());
        // "US pressure on Kyiv" opens in round 2; "US push on Moscow" once Russia rejects.
        h.get_by_label_contains("Not now: from round 2 (this is round 1)");
        h.get_by_label_contains("Not now: once Russian delegation has rejected an offer");
        let uses = h.query_all_by_label("Use");
        assert_eq!(uses.len(), 4);
        let enabled: Vec<_> = uses.iter().filter(|w| !w.disabled).collect();
        assert_eq!(enabled.len(), 2, "two US levers are open from the start");
        let first = enabled[0].clone();
        h.click(&first);
        h.run();
        let action = match h.state().intents.last() {
            Some(TableIntent::Act(a)) => a.clone(),
            other => panic!("{other:?}"),
        };
        assert!(matches!(&action, Action::UseLever { .. }));
        // The engine takes it from this seat.
        let mut game = h.state().game.clone();
        game.apply("united_states", action).unwrap();
    }

    #[test]
    fn an_ally_answers_privately_to_one_party() {
        let game = Game::new(common::istanbul(), 1);
        let mut h = harness(game, "united_states");
        h.state_mut().form.statement = "We back a ceasefire first.".into();
        h.state_mut().form.statement_public = false;
        h.state_mut().form.statement_to = h.state().game.model().party_index("ukraine");
        h.run();
        h.click(&h.get_by_label("Say it"));
        h.run();
        assert_eq!(
            h.state().intents.last(),
            Some(&TableIntent::Act(Action::Statement {
                to: Audience::Private(vec!["ukraine".into()]),
                stances: Vec::new(),
                text: Some("We back a ceasefire first.".into()),
            }))
        );
    }

    #[test]
    fn a_mediator_tables_a_text_or_asks_its_staff() {
        // Istanbul, round 1: the allies pass, then Türkiye is to move.
        let mut game = Game::new(common::istanbul(), 1);
        game.apply("united_states", Action::Pass).unwrap();
        game.apply("europe", Action::Pass).unwrap();
        assert_eq!(game.to_move(), game.model().party_index("turkiye"));
        let mut h = harness(game, "turkiye");
        h.run();
        assert!(h.query_by_label("Propose").is_none());
        assert!(h.query_by_label("Accept").is_none());
        assert!(
            h.get_by_label("Table this text").disabled,
            "nothing chosen yet"
        );
        h.click(&h.get_by_label("Ask your staff"));
        h.run();
        assert_eq!(h.state().intents.last(), Some(&TableIntent::AskStaff));
        // Choose an option and table the text.
        h.click(&h.get_by_label_contains("1,000-for-1,000 exchange"));
        h.run();
        let table = h.get_by_label("Table this text");
        assert!(!table.disabled);
        h.click(&table);
        h.run();
        match h.state().intents.last() {
            Some(TableIntent::Act(Action::Propose { package, .. })) => {
                assert_eq!(
                    package.get("prisoners").map(String::as_str),
                    Some("thousand_for_thousand")
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn on_another_seats_turn_the_engine_refuses_so_the_buttons_are_disabled() {
    // Round 1 opens with the chair: North may choose, but not propose.
    let mut h = harness(Game::new(common::minimal(), 1));
    h.run();
    h.click(&h.get_by_label_contains("Half"));
    h.run();
    assert_eq!(h.state().form.proposal[0], Some(1));
    assert!(h.get_by_label("Propose").disabled);
    h.key_press(egui::Key::P);
    h.run();
    assert_eq!(
        h.state().intent,
        None,
        "the key does not go around the engine"
    );
}

/// The actions bar on North's turn, with its statement field.
fn actions_harness() -> Harness<State> {
    let mut game = Game::new(common::minimal(), 1);
    game.apply("chair", Action::Pass).unwrap();
    Harness::new_ui(
        egui::vec2(900.0, 300.0),
        State::new(game),
        |ui, state: &mut State| {
            let model = state.game.model().clone();
            let north = model.party_index("north").unwrap();
            let view = state.game.view(north);
            let game = &state.game;
            let legal = |a: &Action| game.check_action(north, a).is_ok();
            if let Some(intent) = actions_bar(ui, &model, &view, &mut state.form, &legal) {
                state.intent = Some(intent);
            }
        },
    )
}

/// The actions bar with the statement field clicked: the keyboard is the field's.
fn typing_in_the_statement_field() -> Harness<State> {
    let mut h = actions_harness();
    h.run();
    let field = h
        .query_all_by_role(egui::accesskit::Role::TextInput)
        .into_iter()
        .next()
        .expect("the statement field");
    h.click(&field);
    h.run();
    h
}

#[test]
fn typing_in_a_text_field_fires_no_shortcut() {
    let mut h = actions_harness();
    h.run();
    // N passes when nobody is typing.
    h.key_press(egui::Key::N);
    h.run();
    assert_eq!(h.state().intent, Some(TableIntent::Act(Action::Pass)));
    let mut h = typing_in_the_statement_field();
    // "now, warm" holds the pass (N), walk-out (W), mediator (M) and accept (A) keys.
    h.type_text("now, warm");
    h.run();
    assert_eq!(h.state().form.statement, "now, warm");
    assert_eq!(h.state().intent, None, "no key was taken as a shortcut");
}

#[test]
fn copy_and_paste_work_in_the_statement_field() {
    let mut h = typing_in_the_statement_field();
    h.type_text("ceasefire");
    h.key_press_with(egui::Key::A, egui::Modifiers::COMMAND);
    h.event(egui::Event::Copy);
    h.run();
    assert_eq!(h.copied(), vec!["ceasefire".to_string()]);
    // The copy left the text; a paste at its end adds to it.
    h.key_press(egui::Key::End);
    h.event(egui::Event::Paste(" first, then talks".into()));
    h.run();
    assert_eq!(h.state().form.statement, "ceasefire first, then talks");
    assert_eq!(h.state().intent, None, "no key was taken as a shortcut");
    // Cut empties the field onto the clipboard.
    h.key_press_with(egui::Key::A, egui::Modifiers::COMMAND);
    h.event(egui::Event::Cut);
    h.run();
    assert_eq!(h.state().form.statement, "");
    assert_eq!(h.copied().last().unwrap(), "ceasefire first, then talks");
}

mod news {
    use accord::game::ui::table::{NewsItem, news_items, news_window};
    use accord::sim::{Action, FacilitatorMove, Game};
    use bevy_egui::egui;

    use super::common;
    use crate::ui::Harness;

    fn news(game: &mut Game, headline: &str) {
        game.facilitate(FacilitatorMove::News {
            headline: headline.into(),
            text: format!("The story of {headline}."),
        })
        .unwrap();
    }

    /// North's news after two rounds: one item in round 1, two in round 2.
    fn items() -> Vec<NewsItem> {
        let mut game = Game::new(common::minimal(), 1);
        news(&mut game, "First");
        for p in ["chair", "north", "south"] {
            game.apply(p, Action::Pass).unwrap();
        }
        news(&mut game, "Second");
        news(&mut game, "Third");
        for p in ["chair", "north", "south"] {
            game.apply(p, Action::Pass).unwrap();
        }
        assert_eq!(game.round(), 3);
        let north = game.model().party_index("north").unwrap();
        news_items(game.model(), &game.view(north))
    }

    #[test]
    fn a_rounds_news_shows_once_and_earlier_rounds_do_not_queue() {
        let items = items();
        assert_eq!(items.len(), 3);
        let mut h = Harness::new(egui::vec2(900.0, 700.0), 0u32, move |ui, seen: &mut u32| {
            news_window(ui.ctx(), &items, seen, true);
        });
        h.run();
        // One window, for the newest round, with both of its items.
        assert!(
            h.query_by_label("News — round 2").is_some(),
            "{:?}",
            h.texts()
        );
        assert!(h.query_by_label("Second").is_some());
        assert!(h.query_by_label("Third").is_some());
        assert!(
            h.query_by_label("First").is_none(),
            "round 1 is in the feed"
        );
        assert!(h.query_by_label("News — round 1").is_none());
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(*h.state(), 2);
        // Dismissed: nothing pops up again, not even the older round.
        assert!(
            h.query_by_label_contains("News —").is_none(),
            "{:?}",
            h.texts()
        );
    }
}

#[test]
fn the_debrief_and_the_facilitators_panel_show_no_id() {
    use accord::game::facilitator::FacilitatorState;
    use accord::game::ui::debrief::debrief;
    use accord::game::ui::facilitator::{FacilitatorForm, facilitator_panel};
    use accord::sim::analysis::OutcomeSpace;
    use accord::sim::load::BUILT_IN;
    use accord::sim::simulate;
    for (id, _, _) in BUILT_IN {
        let model = common::built_in(id);
        let game = simulate::play(&model, 1, &[]);
        let space = OutcomeSpace::new(&model, game.prefs());
        let state = FacilitatorState {
            unlocked: true,
            ..FacilitatorState::default()
        };
        let mut h = Harness::new(
            egui::vec2(1280.0, 2400.0),
            (game, FacilitatorForm::default()),
            move |ui, (game, form): &mut (Game, FacilitatorForm)| {
                let model = game.model().clone();
                egui::CentralPanel::default().show(ui, |ui| {
                    debrief(ui, &model, game, &space, model.delegations[0]);
                });
                let mut open = true;
                facilitator_panel(ui.ctx(), &model, game, &state, false, form, &mut open);
            },
        );
        h.run();
        for t in h.texts() {
            let found = common::id_in(&model, t);
            assert!(found.is_none(), "{id}: {found:?} in “{t}”");
        }
    }
}

mod setup {
    use accord::game::ui::setup::{SetupForm, SetupIntent, setup};
    use bevy_egui::egui;

    use super::common;
    use crate::ui::Harness;

    pub(super) struct Form {
        pub(super) form: SetupForm,
        pub(super) intent: Option<SetupIntent>,
    }

    pub(super) fn harness() -> Harness<Form> {
        let model = common::istanbul();
        let titles = vec![
            "Istanbul, 16 May 2025".to_string(),
            "The river valley".to_string(),
        ];
        let form = Form {
            form: SetupForm::new(&model, 7),
            intent: None,
        };
        Harness::new_ui(egui::vec2(1280.0, 900.0), form, move |ui, f: &mut Form| {
            if let Some(i) = setup(ui, &titles, 0, &model, &mut f.form) {
                f.intent = Some(i);
            }
        })
    }

    #[test]
    fn the_scenario_is_chosen_on_the_setup_screen() {
        let mut h = harness();
        h.run();
        h.click(&h.get_by_label("Istanbul, 16 May 2025"));
        h.run();
        h.click(&h.get_by_label("The river valley"));
        h.run();
        assert_eq!(h.state().intent, Some(SetupIntent::Choose(1)));
    }

    #[test]
    fn escape_in_the_seed_field_leaves_the_field_and_keeps_what_was_typed() {
        let mut h = harness();
        h.run();
        let seed = h
            .query_all_by_role(egui::accesskit::Role::TextInput)
            .into_iter()
            .next()
            .expect("the seed field");
        assert!(!h.wants_keyboard());
        h.click(&seed);
        h.run();
        h.type_text("12");
        h.run();
        // While the field has focus the screen's Esc is the field's
        // (`screen_shortcut(.., typing: true)` is tested in game.rs).
        assert!(h.wants_keyboard(), "the field has the keyboard");
        h.key_press(egui::Key::Escape);
        h.run();
        assert!(!h.wants_keyboard(), "Esc left the field");
        assert_eq!(h.state().form.seed_text, "712");
        assert_eq!(h.state().intent, None, "Esc does not leave the screen");
    }
}

/// Every term a newcomer meets (BATNA, red line, Pareto frontier, Nash point, weight) has
/// an entry in the glossary under How to play, and its explanation on hover wherever a
/// screen shows it.
mod terms {
    use accord::game::ui::{GLOSSARY, glossary_tip, how_to_play};
    use accord::sim::Game;
    use bevy_egui::egui;

    use super::common;
    use crate::ui::Harness;

    const TERMS: [&str; 5] = [
        "BATNA",
        "Red line",
        "Pareto frontier",
        "Nash point",
        "Weight",
    ];

    /// Hovers every text on the screen that names a term and checks that the term's
    /// explanation opens; returns how many it hovered.
    fn every_term_is_explained_on_hover<S>(
        h: &mut Harness<S>,
        size: egui::Vec2,
        what: &str,
    ) -> usize {
        h.tooltips_at_once();
        h.run();
        let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
        let widgets: Vec<_> = h
            .texts()
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|t| h.query_all_by_label(&t).into_iter().next())
            .collect();
        let mut hovered = 0;
        for w in widgets {
            if !screen.contains(w.rect.center()) {
                continue;
            }
            let lower = w.text.to_lowercase();
            for term in TERMS.iter().filter(|t| lower.contains(&t.to_lowercase())) {
                h.hover(&w);
                h.run();
                let tip = glossary_tip(term);
                assert!(
                    h.texts().iter().any(|t| t.contains(tip)),
                    "{what}: hovering “{}” does not explain {term}",
                    w.text
                );
                hovered += 1;
            }
        }
        hovered
    }

    #[test]
    fn every_term_has_an_entry_in_the_glossary_under_how_to_play() {
        let mut h = Harness::new_ui(egui::vec2(900.0, 2000.0), (), |ui, _| how_to_play(ui));
        h.run();
        for term in TERMS {
            assert!(
                GLOSSARY.iter().any(|(t, _)| *t == term),
                "no glossary entry for {term}"
            );
            h.get_by_label(term);
            h.get_by_label(glossary_tip(term));
        }
    }

    #[test]
    fn the_briefing_explains_every_term_it_shows() {
        use accord::game::ui::briefing::briefing;
        for model in [common::istanbul(), common::built_in("river-valley")] {
            for &d in &model.delegations.clone() {
                let size = egui::vec2(1280.0, 3000.0);
                let m = model.clone();
                let mut h = Harness::new_ui(size, (), move |ui, _| {
                    briefing(ui, &m, d);
                });
                let n = every_term_is_explained_on_hover(&mut h, size, "briefing");
                // The BATNA, the red lines and a weight per issue at least.
                assert!(n >= 2 + model.issue_count(), "{n} terms hovered");
            }
        }
    }

    #[test]
    fn the_table_explains_every_term_it_shows() {
        use accord::sim::ai::Table;
        for model in [common::istanbul(), common::built_in("river-valley")] {
            let mut table = Table::all_ai(Game::new(model.clone(), 1));
            while table.game.round() < 3 && table.step() {}
            for party in &model.scenario.parties {
                let mut h = super::third_parties::harness(table.game.clone(), &party.id);
                let n = every_term_is_explained_on_hover(
                    &mut h,
                    egui::vec2(1000.0, 1600.0),
                    &format!("table, {}", party.id),
                );
                assert!(n >= 1, "{}: {n} terms hovered", party.id);
            }
        }
    }

    #[test]
    fn the_debrief_explains_every_term_it_shows() {
        use accord::game::ui::debrief::debrief;
        use accord::sim::analysis::OutcomeSpace;
        use accord::sim::simulate;
        for model in [common::istanbul(), common::built_in("river-valley")] {
            let game = simulate::play(&model, 1, &[]);
            let space = OutcomeSpace::new(&model, game.prefs());
            let size = egui::vec2(1280.0, 2400.0);
            let viewer = model.delegations[0];
            let mut h = Harness::new_ui(size, game, move |ui, game: &mut Game| {
                let model = game.model().clone();
                debrief(ui, &model, game, &space, viewer);
            });
            let n = every_term_is_explained_on_hover(&mut h, size, "debrief");
            // The score table's two BATNA columns, the metrics and the two chart captions.
            assert!(n >= 5, "{n} terms hovered");
        }
    }
}

/// Keyboard-only play: every screen's controls are reached with Tab and pressed with
/// Enter (or the table's one-key shortcuts), with no pointer event at all.
mod keyboard {
    use accord::game::ui::table::TableIntent;
    use accord::sim::{Action, Game};
    use bevy_egui::egui;

    use super::common;
    use crate::ui::Harness;

    #[test]
    fn the_title_by_keyboard() {
        use accord::game::ui::title::{TitleIntent, title};
        let mut h = Harness::new_ui(
            egui::vec2(1280.0, 720.0),
            None,
            |ui, intent: &mut Option<TitleIntent>| {
                if let Some(i) = title(ui, "The river valley", "2026") {
                    *intent = Some(i);
                }
            },
        );
        h.run();
        assert_eq!(h.focused().map(|w| w.text.as_str()), Some("New game"));
        h.tab_to_and_press("Guided first game");
        assert_eq!(*h.state(), Some(TitleIntent::Guided));
    }

    #[test]
    fn the_setup_by_keyboard() {
        use accord::game::ui::setup::SetupIntent;
        let mut h = super::setup::harness();
        h.run();
        // Past the scenario list, the seats and the fields, to Start.
        h.tab_to_and_press("Start");
        assert_eq!(h.state().intent, Some(SetupIntent::Start));
    }

    #[test]
    fn the_briefing_by_keyboard() {
        use accord::game::ui::briefing::{BriefingIntent, briefing};
        let model = common::built_in("river-valley");
        let me = model.delegations[0];
        let mut h = Harness::new_ui(
            egui::vec2(1280.0, 720.0),
            None,
            move |ui, intent: &mut Option<BriefingIntent>| {
                if let Some(i) = briefing(ui, &model, me) {
                    *intent = Some(i);
                }
            },
        );
        h.run();
        h.tab_to_and_press("To the table ▶");
        assert_eq!(*h.state(), Some(BriefingIntent::Begin));
    }

    #[test]
    fn the_public_view_by_keyboard() {
        use accord::game::ui::public::{PublicIntent, public_view};
        let model = common::istanbul();
        let mut h = Harness::new_ui(
            egui::vec2(1280.0, 720.0),
            None,
            move |ui, intent: &mut Option<PublicIntent>| {
                if let Some(i) = public_view(ui, &model) {
                    *intent = Some(i);
                }
            },
        );
        h.run();
        h.tab_to_and_press("◀ Back");
        assert_eq!(*h.state(), Some(PublicIntent::Back));
    }

    #[test]
    fn a_package_is_built_and_proposed_by_keyboard() {
        use accord::sim::ai::Table;
        let model = common::built_in("river-valley");
        let me = model.delegations[0];
        let mut table = Table::all_ai(Game::new(model.clone(), 1));
        while table.game.to_move() != Some(me) {
            table.step();
        }
        let mut h = super::third_parties::harness(table.game.clone(), model.party_id(me));
        h.run();
        // The last option of every issue, chosen with Tab and Enter.
        let mut wanted = std::collections::BTreeMap::new();
        for issue in &model.scenario.issues {
            let option = issue.options.last().unwrap();
            let button = h
                .query_all_by_label_contains(&format!("{} ", option.label))
                .into_iter()
                .find(|w| w.role == egui::accesskit::Role::Button)
                .unwrap_or_else(|| panic!("a button for {}", option.label));
            h.tab_to_and_press(&button.text);
            wanted.insert(issue.id.clone(), option.id.clone());
        }
        assert!(h.state().form.proposal.iter().all(Option::is_some));
        h.key_press(egui::Key::P);
        h.run();
        match h.state().intents.last() {
            Some(TableIntent::Act(Action::Propose { package, .. })) => {
                assert_eq!(package, &wanted)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_debrief_by_keyboard() {
        use accord::game::ui::debrief::{DebriefIntent, debrief};
        use accord::sim::analysis::OutcomeSpace;
        use accord::sim::simulate;
        let model = common::built_in("river-valley");
        let game = simulate::play(&model, 1, &[]);
        let space = OutcomeSpace::new(&model, game.prefs());
        let viewer = model.delegations[0];
        let mut h = Harness::new_ui(
            egui::vec2(1280.0, 720.0),
            (game, Vec::new()),
            move |ui, (game, intents): &mut (Game, Vec<DebriefIntent>)| {
                let model = game.model().clone();
                if let Some(i) = debrief(ui, &model, game, &space, viewer) {
                    intents.push(i);
                }
            },
        );
        h.run();
        h.tab_to_and_press("Replay it");
        h.tab_to_and_press("Back to the title");
        assert_eq!(
            h.state().1,
            vec![DebriefIntent::Replay, DebriefIntent::BackToTitle]
        );
    }

    #[test]
    fn the_guides_next_waits_for_the_answer_and_is_pressed_by_keyboard() {
        use accord::game::ui::guide::{Facts, Guide, GuideIntent, Place, Step, guide_window};
        let facts = Facts {
            place: Place::Table,
            other: "Calvoran delegation (upstream)".into(),
            ..Facts::default()
        };
        let guide = Guide {
            step: Step::Reply,
            read_reply: false,
        };
        let mut h = Harness::new(
            egui::vec2(1280.0, 720.0),
            (guide, facts, None),
            |ui, (g, f, intent): &mut (Guide, Facts, Option<GuideIntent>)| {
                if let Some(i) = guide_window(ui.ctx(), g, f) {
                    *intent = Some(i);
                }
            },
        );
        h.run();
        h.get_by_label(Step::Reply.title());
        h.get_by_label_contains("answers on its turn");
        assert!(h.query_by_label("Next").is_none(), "nothing to read yet");
        h.state_mut().1.reply = Some("It rejected your offer.".into());
        h.run();
        h.get_by_label_contains("It rejected your offer.");
        h.tab_to_and_press("Next");
        assert_eq!(h.state().2, Some(GuideIntent::Next));
    }
}
