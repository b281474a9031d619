//! A remote seat's mirror of the table shows what the host's game shows that seat, and
//! judges a move as the host's game does, at every step of random games.

use std::sync::Arc;

use accord::net::mirror::Mirror;
use accord::net::protocol::{PublicScenario, Role};
use accord::net::wire::WireView;
use accord::sim::rng::Stream;
use accord::sim::{Action, ActionError, Game, Model};

use crate::common;

fn wire(game: &Game, seat: usize) -> WireView {
    let role = Role::Seat {
        party: game.model().scenario.parties[seat].id.clone(),
    };
    WireView::of(
        game,
        &role,
        || unreachable!("no record for a seat"),
        false,
        None,
    )
}

/// Plays a random game of `model`; at every step every seat's mirror must give the
/// seat's view exactly, and judge random actions (of the seat to move, and of one that is
/// not) exactly as the game does. Returns how many actions were judged.
fn mirrors_agree(model: Arc<Model>, seed: u64) -> usize {
    let scenario = PublicScenario::of(&model);
    let parties = model.scenario.parties.len();
    let mut game = Game::new(model, seed);
    let mut rng = Stream::new(seed, "mirror-test");
    let mut mirrors: Vec<Option<Mirror>> = (0..parties).map(|_| None).collect();
    let mut judged = 0;
    let mut steps = 0;
    while let Some(p) = game.to_move() {
        let candidates: Vec<Action> = (0..6)
            .map(|_| common::random_action(&game, &mut rng))
            .chain([Action::Pass])
            .collect();
        for (seat, slot) in mirrors.iter_mut().enumerate() {
            let w = wire(&game, seat);
            let mirror = match slot {
                Some(m) if m.fits(&w) => m,
                _ => slot.insert(Mirror::new(&scenario, &w)),
            };
            assert_eq!(
                mirror.party_view(&w).as_ref(),
                Some(&game.view(seat)),
                "seat {seat}, step {steps}"
            );
            // The seat to move judges every candidate; another seat a few.
            let count = if seat == p { candidates.len() } else { 2 };
            for action in &candidates[..count] {
                let (mine, host) = (
                    mirror.check_action(&w, action),
                    game.check_action(seat, action),
                );
                // Another party's lever the seat was never shown is unknown to it.
                let unseen_lever = matches!(
                    (&mine, &host),
                    (Err(ActionError::UnknownLever(a)), Err(ActionError::NotYourLever(b))) if a == b
                );
                if !unseen_lever {
                    assert_eq!(mine, host, "seat {seat}, step {steps}: {action:?}");
                }
                judged += 1;
            }
        }
        let action = candidates[0].clone();
        if game.apply_index(p, action).is_err() {
            game.apply_index(p, Action::Pass).unwrap();
        }
        steps += 1;
        assert!(steps < 10_000, "game does not end");
    }
    // Once the talks are over, nothing is legal, and the outcome shows.
    for seat in 0..parties {
        let w = wire(&game, seat);
        let mirror = Mirror::new(&scenario, &w);
        let view = mirror.party_view(&w).unwrap();
        assert_eq!(view, game.view(seat));
        assert!(view.outcome.is_some());
        assert!(mirror.check_action(&w, &Action::Pass).is_err());
    }
    judged
}

#[test]
fn a_seats_mirror_shows_and_judges_the_table_as_the_host_does_in_every_built_in_scenario() {
    let mut judged = 0;
    for (id, _, _) in accord::sim::load::BUILT_IN {
        for seed in 0..3 {
            judged += mirrors_agree(common::built_in(id), seed);
        }
    }
    assert!(judged > 1_000, "{judged} actions judged");
}

#[test]
fn a_seats_mirror_judges_option_rules_and_partial_packages_as_the_host_does() {
    for seed in 0..4 {
        mirrors_agree(common::minimal_with_rule(), seed);
        mirrors_agree(common::minimal(), seed);
    }
}

#[test]
fn the_mirror_shows_levers_used_and_events_fired_by_others_in_the_words_the_table_saw() {
    let model = common::istanbul();
    let scenario = PublicScenario::of(&model);
    let game = common::play_random(model.clone(), 7);
    let used = game
        .transcript()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                accord::sim::transcript::Kind::LeverUsed { .. }
                    | accord::sim::transcript::Kind::EventFired { .. }
            )
        })
        .count();
    assert!(used > 0, "the game used no lever and fired no event");
    let seat = model.delegations[0];
    let w = wire(&game, seat);
    assert!(!w.named.levers.is_empty() || !w.named.events.is_empty());
    // Named are only what the seat saw: no lever of another party it was not shown.
    for l in &w.named.levers {
        assert!(
            game.seat_view(seat).transcript.iter().any(|e| matches!(
                e.kind,
                accord::sim::transcript::Kind::LeverUsed { lever, .. } if lever == l.index
            )),
            "{} named but not seen",
            l.id
        );
    }
    let mirror = Mirror::new(&scenario, &w);
    assert_eq!(mirror.party_view(&w).unwrap(), game.view(seat));
}
