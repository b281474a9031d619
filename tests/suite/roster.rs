//! The class screens' panels, driven by the test harness of `ui.rs`: the teacher's roster,
//! the projector view and the student's join form.

use accord::game::ui::class::{
    JoinForm, JoinIntent, PlayedBy, Roster, RosterIntent, RosterSeat, join_form, projector, roster,
};
use accord::net::protocol::Role;
use bevy_egui::egui;

use super::common;
use super::ui::Harness;

fn a_roster() -> Roster {
    Roster {
        address: "192.168.1.20:7878".into(),
        seats: vec![
            RosterSeat {
                party: "ukraine".into(),
                name: "Ukrainian delegation".into(),
                played_by: PlayedBy::People {
                    code: "UKRAINE234".into(),
                },
                handed: None,
                connected: vec![(7, "Team A".into()), (9, "Team B".into())],
            },
            RosterSeat {
                party: "russia".into(),
                name: "Russian delegation".into(),
                played_by: PlayedBy::People {
                    code: "RUSSIA5678".into(),
                },
                handed: None,
                connected: vec![],
            },
            RosterSeat {
                party: "turkiye".into(),
                name: "Türkiye".into(),
                played_by: PlayedBy::Ai("hard".into()),
                handed: None,
                connected: vec![],
            },
        ],
        observer_code: "OBSERVE999".into(),
        observers: vec![(3, "projector".into())],
        facilitator_code: "FACILIT000".into(),
        facilitators: vec![(1, "the teacher's screen".into())],
    }
}

#[test]
fn the_roster_shows_each_seats_code_and_who_is_there_and_its_buttons_say_what_to_do() {
    let mut h = Harness::new_ui(
        egui::vec2(1000.0, 700.0),
        (a_roster(), None::<RosterIntent>),
        |ui, (r, intent)| {
            if let Some(i) = roster(ui, r) {
                *intent = Some(i);
            }
        },
    );
    h.run();
    for text in [
        "UKRAINE234",
        "RUSSIA5678",
        "Team A",
        "Team B",
        "AI (hard)",
        "OBSERVE999",
    ] {
        assert!(h.query_by_label(text).is_some(), "{text} not shown");
    }
    // Russia's seat has nobody: the roster says so, once.
    assert_eq!(h.query_all_by_label("no one connected").len(), 1);
    // Removing Team B removes its connection, not Team A's.
    let b = h.get_by_label("Team B");
    let remove = h
        .query_all_by_label("Remove")
        .into_iter()
        .find(|w| (w.rect.center().y - b.rect.center().y).abs() < 4.0)
        .expect("a Remove button beside Team B");
    h.click(&remove);
    h.run();
    assert_eq!(h.state().1, Some(RosterIntent::Remove(9)));
    // The second seat's "New code" is Russia's.
    let mut new_codes = h.query_all_by_label("New code");
    new_codes.sort_by(|a, b| a.rect.center().y.total_cmp(&b.rect.center().y));
    assert_eq!(new_codes.len(), 3, "two seats of people and the observers");
    h.click(&new_codes[1]);
    h.run();
    assert_eq!(
        h.state().1,
        Some(RosterIntent::Rotate(Role::Seat {
            party: "russia".into()
        }))
    );
}

#[test]
fn the_projector_view_shows_where_to_join_and_never_a_seats_code() {
    let model = common::istanbul();
    let mut h = Harness::new_ui(egui::vec2(1280.0, 4000.0), a_roster(), move |ui, r| {
        projector(ui, r, &model, "Round 1 of 8");
    });
    h.run();
    assert!(h.query_by_label("192.168.1.20:7878").is_some());
    assert!(h.query_by_label_contains("OBSERVE999").is_some());
    assert!(
        h.query_by_label_contains("Ukrainian delegation").is_some(),
        "the public view"
    );
    for secret in ["UKRAINE234", "RUSSIA5678", "FACILIT000"] {
        let shown: Vec<&str> = h
            .texts()
            .into_iter()
            .filter(|t| t.contains(secret))
            .collect();
        assert!(
            shown.is_empty(),
            "{secret} shown on the projector: {shown:?}"
        );
    }
}

#[test]
fn the_join_form_takes_a_slips_link_or_an_address_and_a_code() {
    let mut h = Harness::new_ui(
        egui::vec2(800.0, 600.0),
        (JoinForm::default(), None::<JoinIntent>),
        |ui, (form, intent)| {
            if let Some(i) = join_form(ui, form, None) {
                *intent = Some(i);
            }
        },
    );
    h.run();
    // An address without a code: the form says what is missing, and joins nothing.
    h.state_mut().0.address = "192.168.1.20:7878".into();
    h.run();
    h.click(&h.get_by_label("Join"));
    h.run();
    assert_eq!(h.state().1, None);
    assert!(h.query_by_label_contains("seat's code").is_some());
    // The slip's link holds the code.
    h.state_mut().0.address = "http://192.168.1.20:7878/?code=UKRAINE234".into();
    h.state_mut().0.name = " Team A ".into();
    h.run();
    h.click(&h.get_by_label("Join"));
    h.run();
    assert_eq!(
        h.state().1,
        Some(JoinIntent::Join {
            address: "ws://192.168.1.20:7878/ws".into(),
            code: "UKRAINE234".into(),
            name: "Team A".into(),
        })
    );
}

/// A people's seat is handed to the AI with a preset from a menu, shows who plays it, and
/// is taken back.
#[test]
fn the_roster_hands_a_seat_to_the_ai_and_takes_it_back() {
    let mut h = Harness::new_ui(
        egui::vec2(1100.0, 700.0),
        (a_roster(), None::<RosterIntent>),
        |ui, (r, intent)| {
            if let Some(i) = roster(ui, r) {
                *intent = Some(i);
            }
        },
    );
    h.run();
    let mut hand = h.query_all_by_label("Hand to the AI");
    hand.sort_by(|a, b| a.rect.center().y.total_cmp(&b.rect.center().y));
    assert_eq!(hand.len(), 2, "the two seats of people, not the AI's");
    assert!(h.query_by_label("Take back").is_none());
    h.click(&hand[0]);
    h.run();
    h.click(&h.get_by_label("hard"));
    h.run();
    assert_eq!(
        h.state().1,
        Some(RosterIntent::HandToAi {
            party: "ukraine".into(),
            preset: "hard".into()
        })
    );
    h.state_mut().0.seats[0].handed = Some("hard".into());
    h.state_mut().1 = None;
    h.run();
    assert!(h.query_by_label("the AI plays it (hard)").is_some());
    assert_eq!(h.query_all_by_label("Hand to the AI").len(), 1);
    h.click(&h.get_by_label("Take back"));
    h.run();
    assert_eq!(h.state().1, Some(RosterIntent::TakeBack("ukraine".into())));
}

/// The teacher's hold on a class's table: pause, the seconds per turn, and an ally's or
/// mediator's held move let, cancelled or replaced, each a message for the host.
#[test]
fn the_table_control_pauses_times_and_answers_a_held_move() {
    use accord::game::ui::class::table_control;
    use accord::net::protocol::{Answer, ClientMessage};
    use accord::net::wire::{Clock, Control, Held, TurnClock};
    use accord::sim::{Action, Game};
    use std::time::Duration;

    let model = common::istanbul();
    let game = Game::new(model.clone(), 1);
    let party = game.to_move().unwrap();
    let clock = Clock {
        paused: false,
        turn_seconds: 60,
        turn: Some(TurnClock {
            party,
            left_ms: 42_000,
        }),
    };
    let control = Control {
        hold: true,
        pending: Some(Held {
            party,
            action: Action::Pass,
            planned: "pass".into(),
        }),
        seats: vec![],
    };
    let mut h = Harness::new_ui(
        egui::vec2(500.0, 700.0),
        (clock, Vec::<ClientMessage>::new()),
        move |ui, (clock, out)| {
            let left = clock
                .turn
                .as_ref()
                .map(|t| (t.party, Duration::from_millis(t.left_ms)));
            out.extend(table_control(ui, &model, &game, clock, &control, left));
        },
    );
    h.run();
    assert!(h.query_by_label_contains("42 s left").is_some());
    h.click(&h.get_by_label("Pause"));
    h.run();
    assert_eq!(h.state().1, vec![ClientMessage::Pause { paused: true }]);
    h.state_mut().1.clear();
    h.click(&h.get_by_label("1 min"));
    h.run();
    h.click(&h.get_by_label("2 min"));
    h.run();
    assert_eq!(
        h.state().1,
        vec![ClientMessage::TurnSeconds { seconds: 120 }]
    );
    h.state_mut().1.clear();
    h.click(&h.get_by_label("Let it happen"));
    h.run();
    h.click(&h.get_by_label("Cancel it"));
    h.run();
    assert_eq!(
        h.state().1,
        vec![
            ClientMessage::Overrule {
                answer: Answer::Allow
            },
            ClientMessage::Overrule {
                answer: Answer::Cancel
            }
        ]
    );
    h.state_mut().0.paused = true;
    h.run();
    assert!(
        h.query_by_label_contains("Paused by the facilitator")
            .is_some()
    );
    assert!(h.query_by_label("Resume").is_some());
}
