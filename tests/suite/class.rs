//! A class's seat played from the game, headless: the game's plugins joined to a real host
//! on 127.0.0.1, driven through the messages the Join and class table screens send.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bevy::prelude::*;

use accord::game::Screen;
use accord::game::class::{
    ClassCommand, ClassHost, ClassOptions, ClassSeat, HostClass, JoinClass, LeaveClass, RemoteAct,
};
use accord::game::session::Session;
use accord::game::ui::class::{PlayedBy, Roster};
use accord::net::client::{Transport, connect};
use accord::net::host::{self, HostGame, HostSettings};
use accord::net::join::JoinOptions;
use accord::net::protocol::{ClientMessage, HostMessage, decode_host, encode_client};
use accord::net::remote::LinkStatus;
use accord::net::wire::FacilitatorView;
use accord::sim::Action;
use accord::sim::ai::SeatControl;

use super::common;
use super::game::{app, screen};

/// Istanbul hosted with the AI everywhere but Ukraine's seat.
fn host(settings: HostSettings) -> (host::Hosted, String) {
    let model = common::istanbul();
    let ukraine = model.party_index("ukraine").unwrap();
    let ai: BTreeMap<usize, String> = (0..model.scenario.parties.len())
        .filter(|&p| p != ukraine)
        .map(|p| (p, "scenario".to_string()))
        .collect();
    let game = HostGame::new(model, "built-in:istanbul-2025", 5, &ai).unwrap();
    let hosted = host::start(game, settings).unwrap();
    let code = hosted.announcement.seats["ukraine"].clone();
    (hosted, code)
}

fn student(address: &str, code: &str, name: &str) -> App {
    let mut app = app();
    app.insert_resource(ClassOptions(JoinOptions {
        reconnect_for: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        ping_every: Duration::from_millis(500),
        ..JoinOptions::default()
    }));
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Join);
    app.update();
    app.world_mut().write_message(JoinClass {
        address: address.to_string(),
        code: code.to_string(),
        name: name.to_string(),
    });
    app.update();
    app
}

/// Runs the apps' frames until `done` holds, for at most `limit`.
fn until(apps: &mut [&mut App], limit: Duration, mut done: impl FnMut(&mut [&mut App]) -> bool) {
    let start = Instant::now();
    while !done(apps) {
        assert!(start.elapsed() < limit, "not done within {limit:?}");
        for a in apps.iter_mut() {
            a.update();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn seat(app: &App) -> &ClassSeat {
    app.world().resource::<ClassSeat>()
}

#[test]
fn a_team_of_two_joins_a_seat_plays_it_and_both_open_the_released_debrief() {
    let (hosted, code) = host(HostSettings {
        release_debrief: true,
        exit_when_over: true,
        ..HostSettings::default()
    });
    let address = hosted.announcement.address.clone();
    let mut a = student(&address, &code, "Team A");
    let mut b = student(&address, &code, "Team B");
    until(&mut [&mut a, &mut b], Duration::from_secs(20), |apps| {
        apps.iter().all(|x| screen(x) == Screen::ClassTable)
    });
    for x in [&a, &b] {
        let s = seat(x);
        assert_eq!(s.status, LinkStatus::Connected);
        let view = s.view.as_ref().unwrap();
        assert_eq!(view.me, "ukraine");
        assert!(!view.confidential_brief.is_empty(), "the seat's own brief");
    }
    // Student A proposes on the seat's first turn; B sees the offer made for the seat.
    until(&mut [&mut a, &mut b], Duration::from_secs(20), |apps| {
        seat(apps[0]).my_turn()
    });
    let model = seat(&a).mirror.as_ref().unwrap().model().clone();
    let package = model.partial_package_ids(
        &seat(&a)
            .mirror
            .as_ref()
            .unwrap()
            .current_package(seat(&a).wire.as_ref().unwrap())
            .into_iter()
            .map(Some)
            .collect::<Vec<_>>(),
    );
    let propose = Action::Propose {
        package,
        note: Some("from team A".into()),
    };
    assert!(seat(&a).legal(&propose), "the mirror allows the proposal");
    assert!(
        !seat(&a).legal(&Action::Accept { offer: 99 }),
        "no offer 99"
    );
    a.world_mut().write_message(RemoteAct(propose));
    until(&mut [&mut a, &mut b], Duration::from_secs(20), |apps| {
        seat(apps[1]).view.as_ref().is_some_and(|v| {
            v.offers
                .iter()
                .any(|o| o.author.as_deref() == Some("ukraine"))
        })
    });
    // Then B passes on every turn of the seat, A on none: the first legal move counts.
    let mut passes = 0;
    until(&mut [&mut a, &mut b], Duration::from_secs(90), |apps| {
        if seat(apps[1]).my_turn() && seat(apps[1]).refusal.is_none() {
            let actions = seat(apps[1]).wire.as_ref().unwrap().actions;
            if passes != actions {
                passes = actions;
                apps[1].world_mut().write_message(RemoteAct(Action::Pass));
            }
        }
        apps.iter().all(|x| screen(x) == Screen::Debrief)
    });
    let end = hosted.wait().unwrap();
    for x in [&a, &b] {
        // The debrief is the host's game, replayed here: every action as the host has it.
        let session = x.world().resource::<Session>();
        let here = session.save_file().record;
        assert_eq!(here.actions, end.record.actions);
        assert!(session.game().is_over());
    }
    assert!(
        end.record.actions.iter().any(
            |r| matches!(&r.action, Action::Propose { note: Some(n), .. } if n == "from team A")
        )
    );
    // Back to the title: the connection is let go.
    a.world_mut().write_message(LeaveClass);
    a.update();
    a.update();
    assert!(a.world().get_resource::<ClassSeat>().is_none());
    assert_eq!(screen(&a), Screen::Title);
}

#[test]
fn a_student_whose_connection_drops_sees_it_and_gets_the_seat_back() {
    let (hosted, code) = host(HostSettings::default());
    let a = hosted.announcement.clone();
    let mut s = student(&a.address, &code, "dropped");
    until(&mut [&mut s], Duration::from_secs(20), |apps| {
        screen(apps[0]) == Screen::ClassTable
    });
    let before = seat(&s).wire.clone().unwrap();
    // The facilitator removes the student's connection: the client reconnects with its code.
    let mut f = connect(&a.address, &a.facilitator, "", Duration::from_secs(2)).unwrap();
    let id = loop {
        let text = f.recv(Duration::from_secs(5)).unwrap().expect("a message");
        let view = match decode_host(&text).unwrap() {
            HostMessage::Welcome(w) => w.view.facilitator,
            _ => None,
        };
        if let Some(c) = view.and_then(|v| v.connections.into_iter().find(|c| c.name == "dropped"))
        {
            break c.id;
        }
    };
    f.send(&encode_client(&ClientMessage::Remove { connection: id }))
        .unwrap();
    until(&mut [&mut s], Duration::from_secs(20), |apps| {
        let st = seat(apps[0]);
        st.reconnections == 1 && st.status == LinkStatus::Connected
    });
    let after = seat(&s).wire.clone().unwrap();
    assert!(after.actions >= before.actions);
    assert_eq!(
        after.seat.as_ref().unwrap().me,
        before.seat.as_ref().unwrap().me
    );
    assert_eq!(screen(&s), Screen::ClassTable);
    // The host gone: the table stays, and says the connection is lost while it retries.
    hosted.stop().unwrap();
    until(&mut [&mut s], Duration::from_secs(20), |apps| {
        matches!(seat(apps[0]).status, LinkStatus::Reconnecting { .. })
    });
    assert_eq!(screen(&s), Screen::ClassTable);
    assert!(seat(&s).view.is_some(), "the last view stays on the screen");
}

#[test]
fn a_wrong_code_is_refused_on_the_join_screen() {
    let (hosted, _) = host(HostSettings::default());
    let mut s = student(&hosted.announcement.address, "WRONGCODE1", "");
    until(&mut [&mut s], Duration::from_secs(10), |apps| {
        matches!(
            seat(apps[0]).status,
            LinkStatus::Failed { refused: true, .. }
        )
    });
    assert_eq!(screen(&s), Screen::Join);
    hosted.stop().unwrap();
}

/// Istanbul hosted from the game's own screen (Host a class), with a PIN: Ukraine and
/// Russia for people, the AI elsewhere.
fn teacher() -> App {
    let model = common::istanbul();
    let people = ["ukraine", "russia"];
    let controls = model
        .scenario
        .parties
        .iter()
        .map(|p| {
            if people.contains(&p.id.as_str()) {
                SeatControl::Human
            } else {
                SeatControl::Ai("scenario".into())
            }
        })
        .collect();
    let mut app = app();
    app.insert_resource(ClassOptions(JoinOptions {
        reconnect_for: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(2),
        ping_every: Duration::from_millis(500),
        ..JoinOptions::default()
    }));
    app.world_mut().write_message(HostClass {
        model,
        origin: "built-in:istanbul-2025".into(),
        controls,
        seed: 4,
        deadline: None,
        pin: Some(" 4321 ".into()),
        turn_seconds: 0,
        network: false,
        port: 0,
    });
    app
}

fn facilitator_view(app: &App) -> Option<&FacilitatorView> {
    app.world()
        .get_resource::<ClassSeat>()?
        .wire
        .as_ref()?
        .facilitator
        .as_ref()
}

fn roster_of(app: &App) -> Roster {
    let names: Vec<(String, String)> = common::istanbul()
        .scenario
        .parties
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    Roster::of("127.0.0.1:1", facilitator_view(app).unwrap(), &names)
}

#[test]
fn a_class_hosted_from_the_game_gives_the_teacher_a_roster_to_run_it_by() {
    let mut t = teacher();
    until(&mut [&mut t], Duration::from_secs(20), |apps| {
        facilitator_view(apps[0]).is_some()
    });
    assert_eq!(screen(&t), Screen::ClassRoom);
    assert!(
        !seat(&t).pin_required,
        "the teacher's own screen gave the PIN"
    );
    let announcement = t
        .world()
        .resource::<ClassHost>()
        .hosted
        .announcement
        .clone();
    assert_eq!(
        announcement.seats.keys().collect::<Vec<_>>(),
        ["russia", "ukraine"]
    );
    // Nobody yet at the seats of people; the AI at the others.
    let r = roster_of(&t);
    let ukraine = |r: &Roster| {
        r.seats
            .iter()
            .find(|s| s.party == "ukraine")
            .cloned()
            .unwrap()
    };
    assert!(ukraine(&r).connected.is_empty());
    assert!(matches!(
        &r.seats.iter().find(|s| s.party == "turkiye").unwrap().played_by,
        PlayedBy::Ai(p) if p == "scenario"
    ));
    // A student joins: the roster shows who is at the seat.
    let mut s = student(
        &announcement.address,
        &announcement.seats["ukraine"],
        "Team UA",
    );
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        ukraine(&roster_of(apps[0]))
            .connected
            .iter()
            .any(|(_, n)| n == "Team UA")
            && screen(apps[1]) == Screen::ClassTable
    });
    // The teacher's news reaches the student's table.
    t.world_mut()
        .write_message(ClassCommand(ClientMessage::Facilitate {
            facilitator_move: accord::sim::FacilitatorMove::News {
                headline: "Talks extended".into(),
                text: "The hosts offer another day.".into(),
            },
        }));
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        seat(apps[1]).view.as_ref().is_some_and(|v| {
            v.transcript.iter().any(|e| {
                matches!(&e.kind, accord::sim::transcript::EntryKind::News { headline, .. } if headline == "Talks extended")
            })
        })
    });
    // Removed, the student's connection comes back by itself with the code.
    let id = ukraine(&roster_of(&t)).connected[0].0;
    t.world_mut()
        .write_message(ClassCommand(ClientMessage::Remove { connection: id }));
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        seat(apps[1]).reconnections == 1 && seat(apps[1]).status == LinkStatus::Connected
    });
    // A new code for Russia's seat: the roster shows it.
    let old = announcement.seats["russia"].clone();
    t.world_mut()
        .write_message(ClassCommand(ClientMessage::RotateCode {
            role: accord::net::protocol::Role::Seat {
                party: "russia".into(),
            },
        }));
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        matches!(
            &roster_of(apps[0]).seats.iter().find(|x| x.party == "russia").unwrap().played_by,
            PlayedBy::People { code } if *code != old
        )
    });
    // Paused, and Ukraine's seat handed to the AI: the roster and the student's table say
    // so, and the student has no move to make; taken back, the seat is the team's again.
    let command = |m| ClassCommand(m);
    t.world_mut()
        .write_message(command(ClientMessage::Pause { paused: true }));
    t.world_mut()
        .write_message(command(ClientMessage::Facilitate {
            facilitator_move: accord::sim::FacilitatorMove::HandSeat {
                party: "ukraine".into(),
                ai: Some("hard".into()),
            },
        }));
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        let own = seat(apps[1]).wire.as_ref().and_then(|w| w.seat.as_ref());
        ukraine(&roster_of(apps[0])).handed.as_deref() == Some("hard")
            && own.is_some_and(|o| o.host_ai.as_deref() == Some("hard"))
            && seat(apps[1]).wire.as_ref().is_some_and(|w| w.clock.paused)
    });
    assert!(!seat(&s).my_turn(), "the AI plays the seat");
    t.world_mut()
        .write_message(command(ClientMessage::Facilitate {
            facilitator_move: accord::sim::FacilitatorMove::HandSeat {
                party: "ukraine".into(),
                ai: None,
            },
        }));
    t.world_mut()
        .write_message(command(ClientMessage::Pause { paused: false }));
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        let w = seat(apps[1]).wire.as_ref();
        ukraine(&roster_of(apps[0])).handed.is_none()
            && w.is_some_and(|w| !w.clock.paused && w.seat.as_ref().unwrap().host_ai.is_none())
    });
    // Stopping the class stops its host: the student sees the connection lost.
    t.world_mut().write_message(LeaveClass);
    until(&mut [&mut t, &mut s], Duration::from_secs(20), |apps| {
        apps[0].world().get_resource::<ClassHost>().is_none()
            && matches!(
                seat(apps[1]).status,
                LinkStatus::Reconnecting { .. } | LinkStatus::Failed { .. }
            )
    });
    assert_eq!(screen(&t), Screen::Title);
}

#[test]
fn a_facilitator_joining_from_another_machine_is_asked_for_the_pin() {
    let mut t = teacher();
    until(&mut [&mut t], Duration::from_secs(20), |apps| {
        facilitator_view(apps[0]).is_some()
    });
    let a = t
        .world()
        .resource::<ClassHost>()
        .hosted
        .announcement
        .clone();
    let mut f = student(&a.address, &a.facilitator, "assistant");
    until(&mut [&mut t, &mut f], Duration::from_secs(20), |apps| {
        seat(apps[1]).pin_required && screen(apps[1]) == Screen::ClassRoom
    });
    assert_eq!(screen(&f), Screen::ClassRoom);
    assert!(facilitator_view(&f).is_none(), "nothing before the PIN");
    f.world_mut()
        .write_message(ClassCommand(ClientMessage::Unlock { pin: "0000".into() }));
    until(&mut [&mut t, &mut f], Duration::from_secs(20), |apps| {
        seat(apps[1]).refusal.is_some()
    });
    assert!(facilitator_view(&f).is_none(), "nothing with a wrong PIN");
    f.world_mut()
        .write_message(ClassCommand(ClientMessage::Unlock { pin: "4321".into() }));
    until(&mut [&mut t, &mut f], Duration::from_secs(20), |apps| {
        facilitator_view(apps[1]).is_some()
    });
    assert_eq!(
        facilitator_view(&f).unwrap().codes,
        facilitator_view(&t).unwrap().codes
    );
}
