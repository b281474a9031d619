//! The guided first game, headless: started from the title's message, each step waits for
//! the player to do it, and the guide reads only what the player's seat may see.

use bevy::prelude::*;

use accord::game::Screen;
use accord::game::guide::{ActiveGuide, StartGuide};
use accord::game::screens::TableScreen;
use accord::game::session::{HumanAction, Session};
use accord::game::ui::guide::{GUIDE_SCENARIO, Step};
use accord::sim::Action;
use accord::sim::transcript::EntryKind;

use super::game::{app, screen};

fn step(app: &App) -> Step {
    app.world().resource::<ActiveGuide>().guide.step
}

/// Frames until the guided player is to move (or the talks end); the step the guide is on
/// may not change on its own meanwhile.
fn until_my_move(app: &mut App, me: usize) {
    let at = step(app);
    for _ in 0..200 {
        let session = app.world().resource::<Session>();
        if session.human_to_move() == Some(me) || session.game().is_over() {
            return;
        }
        app.update();
        assert_eq!(step(app), at, "the guide moved on while the player waited");
    }
    panic!("the player never got the move");
}

fn act(app: &mut App, me: usize, action: Action) {
    app.world_mut()
        .write_message(HumanAction { party: me, action });
    app.update();
    let error = app.world().resource::<Session>().error.clone();
    assert!(error.is_none(), "{error:?}");
}

#[test]
fn the_guided_game_walks_the_player_through_each_step_waiting_for_each() {
    let mut app = app();
    app.world_mut().write_message(StartGuide);
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Briefing);
    let session = app.world().resource::<Session>();
    assert_eq!(session.model.scenario.meta.id, GUIDE_SCENARIO);
    let me = session.viewer();
    let model = session.model.clone();
    assert_eq!(
        me, model.delegations[0],
        "the player leads the first delegation"
    );

    // 1. The brief: the guide waits until the player goes to the table.
    for _ in 0..5 {
        app.update();
    }
    assert_eq!(step(&app), Step::Brief);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Table);
    app.insert_resource(TableScreen::new(model.issue_count()));
    app.update();
    app.update();
    assert_eq!(step(&app), Step::Build);

    // 2. A package: one option for every issue, the best for the player's side.
    let prefs = app.world().resource::<Session>().game().prefs()[me].clone();
    let best: Vec<usize> = prefs
        .values
        .iter()
        .map(|v| (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap())
        .collect();
    for (i, &o) in best.iter().enumerate().take(model.issue_count() - 1) {
        app.world_mut().resource_mut::<TableScreen>().form.proposal[i] = Some(o);
        app.update();
        assert_eq!(step(&app), Step::Build, "{} of the issues chosen", i + 1);
    }
    let last = model.issue_count() - 1;
    app.world_mut().resource_mut::<TableScreen>().form.proposal[last] = Some(best[last]);
    app.update();
    assert_eq!(step(&app), Step::Propose);

    // 3. Propose it.
    until_my_move(&mut app, me);
    let package = model
        .scenario
        .issues
        .iter()
        .zip(&best)
        .map(|(i, &o)| (i.id.clone(), i.options[o].id.clone()))
        .collect();
    act(
        &mut app,
        me,
        Action::Propose {
            package,
            note: None,
        },
    );
    assert_eq!(step(&app), Step::Reply);

    // 4. The answer: it comes on the other side's turn, and the step waits for "Next".
    for _ in 0..200 {
        if app.world().resource::<ActiveGuide>().facts.reply.is_some() {
            break;
        }
        app.update();
    }
    let facts = app.world().resource::<ActiveGuide>().facts.clone();
    let reply = facts.reply.clone().unwrap_or_else(|| {
        let session = app.world().resource::<Session>();
        let n = accord::sim::narrate::Narrator::new(&session.model);
        let lines: Vec<String> = session
            .game()
            .view(me)
            .transcript
            .iter()
            .map(|e| n.line(e))
            .collect();
        panic!(
            "no answer to the offer (me {me}, controls {:?}, actions {:?}):\n{}",
            session.controls,
            session.game().actions(),
            lines.join("\n")
        )
    });
    assert!(reply.contains(&facts.other), "{reply}");
    assert!(reply.starts_with("It "), "{reply}");
    assert!(!reply.contains('_'), "the answer in words: {reply}");
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(step(&app), Step::Reply, "the answer waits to be read");
    app.world_mut().resource_mut::<ActiveGuide>().next();
    assert_eq!(step(&app), Step::Mediator);

    // 5. Ask the mediator.
    until_my_move(&mut app, me);
    act(&mut app, me, Action::AskMediator { note: None });
    assert_eq!(step(&app), Step::Answer);

    // 6. Its text comes on its turn; the player answers it.
    until_my_move(&mut app, me);
    let text = app
        .world()
        .resource::<ActiveGuide>()
        .facts
        .text
        .expect("the chair tabled a text");
    let game = app.world().resource::<Session>().game().clone();
    let tabled = game.view(me).transcript.iter().any(|e| {
        matches!(&e.kind, EntryKind::Proposed { by: Some(b), offer, .. }
            if *offer == text && model.party_index(b) != Some(me))
    });
    assert!(tabled, "offer {text} is the chair's");
    assert_eq!(step(&app), Step::Answer, "the text waits for an answer");
    act(
        &mut app,
        me,
        Action::Reject {
            offer: text,
            reason: None,
        },
    );
    let s = step(&app);
    assert!(s == Step::PlayOn || s == Step::Debrief, "{s:?}");

    // 7. Play on to the end: the debrief opens and the guide explains it.
    for _ in 0..2000 {
        if screen(&app) == Screen::Debrief {
            break;
        }
        let session = app.world().resource::<Session>();
        if session.human_to_move() == Some(me) {
            act(&mut app, me, Action::Pass);
        } else {
            app.update();
        }
    }
    assert_eq!(screen(&app), Screen::Debrief);
    app.update();
    assert_eq!(step(&app), Step::Debrief);

    // Back at the title, the guide is over.
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Title);
    app.update();
    app.update();
    assert!(app.world().get_resource::<ActiveGuide>().is_none());
}
