//! The window sleeps between frames (`game::redraw`): what asks for the next frame, driven
//! headless like `game.rs`.

use std::time::{Duration, Instant};

use accord::game::Screen;
use accord::game::facilitator::FacilitatorSetup;
use accord::game::redraw::Redraw;
use accord::game::session::{HumanAction, Pacing, Session};
use accord::sim::Action;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;

use super::game::{app, begin, screen, start, start_with};

fn next_frame(app: &App) -> Option<Duration> {
    let next = app.world().resource::<Redraw>().next?;
    Some(next.saturating_duration_since(Instant::now()))
}

/// A game at the table with the AI paced as in play, Ukraine human.
fn paced(seconds_per_move: f32, facilitator: FacilitatorSetup) -> (App, usize) {
    let mut app = app();
    app.world_mut().resource_mut::<Pacing>().seconds_per_move = seconds_per_move;
    let ukraine = start_with(&mut app, facilitator);
    (app, ukraine)
}

/// Plays on until the human seat is to move.
fn until_human(app: &mut App, seat: usize) {
    for _ in 0..50 {
        if app.world().resource::<Session>().human_to_move() == Some(seat) {
            return;
        }
        app.update();
    }
    panic!("the human seat never came to move");
}

#[test]
fn an_idle_screen_asks_for_no_frame() {
    let mut app = app();
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(screen(&app), Screen::Title);
    assert_eq!(next_frame(&app), None, "the title screen sleeps");
    // At the table, once the AI is done and the human is to move: nothing moves.
    let (mut app, ukraine) = paced(0.0, FacilitatorSetup::default());
    until_human(&mut app, ukraine);
    app.update();
    assert_eq!(
        app.world().resource::<Session>().human_to_move(),
        Some(ukraine)
    );
    assert_eq!(
        next_frame(&app),
        None,
        "the table sleeps while the human thinks"
    );
}

#[test]
fn a_screen_change_asks_for_the_frame_that_makes_it() {
    let mut app = app();
    begin(&mut app, FacilitatorSetup::default());
    // The setup was handled: the briefing opens at the start of the next frame.
    assert!(matches!(
        *app.world().resource::<NextState<Screen>>(),
        NextState::Pending(Screen::Briefing)
    ));
    assert_eq!(next_frame(&app), Some(Duration::ZERO));
    app.update();
    assert_eq!(screen(&app), Screen::Briefing);
    assert_eq!(next_frame(&app), None, "the briefing sleeps");
}

/// A message a screen writes late in the frame is handled in the next one.
#[test]
fn a_message_written_after_update_asks_for_the_next_frame() {
    let (mut app, ukraine) = paced(0.0, FacilitatorSetup::default());
    until_human(&mut app, ukraine);
    #[derive(Resource)]
    struct Send(Option<HumanAction>);
    app.insert_resource(Send(Some(HumanAction {
        party: ukraine,
        action: Action::Pass,
    })));
    app.add_systems(
        PostUpdate,
        |mut send: ResMut<Send>, mut out: MessageWriter<HumanAction>| {
            if let Some(m) = send.0.take() {
                out.write(m);
            }
        },
    );
    app.update();
    assert_eq!(next_frame(&app), Some(Duration::ZERO));
    let before = app.world().resource::<Session>().game().actions().len();
    app.update();
    let after = app.world().resource::<Session>().game().actions().len();
    assert!(after > before, "the pass was played in the frame asked for");
}

#[test]
fn the_ai_asks_for_the_frame_of_its_next_move() {
    let mut app = app();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        250,
    )));
    app.world_mut().resource_mut::<Pacing>().seconds_per_move = 1.0;
    start(&mut app);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    app.update();
    let session = app.world().resource::<Session>();
    assert!(session.ai_may_move(), "an ally moves first");
    let moved = session.game().actions().len();
    let wait = next_frame(&app).expect("the AI asks for its frame");
    assert!(
        wait > Duration::from_millis(800) && wait <= Duration::from_secs(1),
        "{wait:?}"
    );
    // Its move comes 1 s after its turn began: four frames of 0.25 s.
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(
        app.world().resource::<Session>().game().actions().len(),
        moved
    );
    app.update();
    assert_eq!(
        app.world().resource::<Session>().game().actions().len(),
        moved + 1
    );
    // Paused by the facilitator: no frame is needed.
    app.world_mut().resource_mut::<Pacing>().paused = true;
    app.update();
    assert_eq!(next_frame(&app), None);
}

#[test]
fn the_round_timer_asks_for_a_frame_each_second() {
    let (mut app, ukraine) = paced(
        0.0,
        FacilitatorSetup {
            pin: None,
            round_seconds: 60,
        },
    );
    until_human(&mut app, ukraine);
    app.update();
    let wait = next_frame(&app).expect("the countdown asks for its next second");
    assert!(wait <= Duration::from_millis(1005), "{wait:?}");
    let timer = &app.world().resource::<Session>().facilitator.timer;
    let shown = timer.display();
    let mut later = timer.clone();
    later.left -= timer.until_next_second();
    assert_ne!(
        later.display(),
        shown,
        "the frame asked for shows the next second"
    );
    app.world_mut().resource_mut::<Pacing>().paused = true;
    app.update();
    assert_eq!(next_frame(&app), None, "a paused timer does not move");
}
