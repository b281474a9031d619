//! Property tests: random action sequences never panic, refused actions change nothing,
//! and the state stays consistent. Light in debug builds; `cargo test --release` runs
//! many more cases (see .ci/run).

use super::common;

use accord::sim::rng::Stream;
use accord::sim::transcript::EntryKind;
use accord::sim::{Game, OfferStatus, PartyKind};
use proptest::prelude::*;

fn cases() -> u32 {
    if cfg!(debug_assertions) { 24 } else { 1000 }
}

fn snapshot(g: &Game) -> String {
    format!(
        "{:?}",
        (
            g.transcript(),
            g.offers(),
            g.settled(),
            g.round(),
            g.to_move(),
            g.prefs(),
            g.outcome()
        )
    )
}

fn check_invariants(g: &Game) {
    let m = g.model();
    // Transcript numbering is dense.
    for (i, e) in g.transcript().iter().enumerate() {
        assert_eq!(e.seq, i);
        assert!(e.round >= 1 && e.round <= g.deadline());
    }
    assert!(g.round() >= 1 && g.round() <= g.deadline());
    // At most one standing offer per author; acceptances only by delegations.
    for p in 0..m.scenario.parties.len() {
        let standing = g.standing_offers().filter(|o| o.author == Some(p)).count();
        assert!(
            standing <= 1,
            "{} has {standing} standing offers",
            m.party_id(p)
        );
    }
    for o in g.offers() {
        assert!(
            o.accepted_by
                .iter()
                .all(|&p| m.kind(p) == PartyKind::Delegation)
        );
        if o.status == OfferStatus::Settled {
            assert!(m.delegations.iter().all(|d| o.accepted_by.contains(d)));
        }
        assert!(o.package.iter().any(Option::is_some));
    }
    // BATNAs stay on the scale.
    for prefs in g.prefs() {
        assert!((0.0..=100.0).contains(&prefs.batna));
        let total: f64 = prefs.weights.iter().sum();
        assert!(total == 0.0 || (total - 1.0).abs() < 1e-9);
    }
    // Every settled issue was settled by an entry saying so.
    for (i, s) in g.settled().iter().enumerate() {
        if let Some(o) = s {
            let issue = &m.scenario.issues[i];
            let said = g.entries().iter().any(|e| matches!(&e.kind,
                EntryKind::Settled { issue: x, option: y } | EntryKind::Locked { issue: x, option: y }
                if *x == issue.id && *y == issue.options[*o].id));
            assert!(said, "{} settled silently", issue.id);
        }
    }
    // The game is over exactly when it has an outcome, and then nothing is standing.
    assert_eq!(g.is_over(), g.to_move().is_none());
    if g.is_over() {
        assert_eq!(g.standing_offers().count(), 0);
        assert!(matches!(
            g.entries().last().unwrap().kind,
            EntryKind::TalksEnded { .. }
        ));
    }
}

fn run(model: std::sync::Arc<accord::sim::Model>, seed: u64, policy_seed: u64) {
    let mut game = Game::new(model, seed);
    let mut rng = Stream::new(policy_seed, "proptest");
    let mut steps = 0;
    while let Some(p) = game.to_move() {
        let action = common::random_action(&game, &mut rng);
        let before = snapshot(&game);
        match game.apply_index(p, action) {
            Ok(_) => check_invariants(&game),
            Err(_) => assert_eq!(
                before,
                snapshot(&game),
                "a refused action changed the state"
            ),
        }
        steps += 1;
        assert!(steps < 5_000, "the game does not end");
        if steps % 3 == 0 && game.to_move() == Some(p) {
            game.apply_index(p, accord::sim::Action::Pass).unwrap();
        }
    }
    check_invariants(&game);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_games_on_istanbul_stay_consistent(seed in any::<u64>(), policy in any::<u64>()) {
        run(common::istanbul(), seed, policy);
    }

    #[test]
    fn random_games_on_the_river_stay_consistent(seed in any::<u64>(), policy in any::<u64>()) {
        run(common::minimal(), seed, policy);
    }

    /// Arbitrary text never panics the loader, and every problem has a position.
    #[test]
    fn arbitrary_text_never_panics_the_loader(src in ".{0,400}") {
        if let Err(d) = accord::sim::load_str("fuzz.ron", &src) {
            prop_assert!(d.0.iter().all(|d| d.line >= 1 && d.column >= 1));
            // Rendering the diagnostics against the text never panics either.
            let _ = accord::sim::render::render(&d.0, "fuzz.ron", &src, false);
        }
    }

    /// Soups of RON tokens (brackets, strings, comments, raw strings, numbers) never
    /// panic or hang the loader or the renderer.
    #[test]
    fn ron_token_soup_never_panics_the_loader(tokens in prop::collection::vec(prop::sample::select(vec![
        "(", ")", "[", "]", "{", "}", ":", ",", "\"", "Scenario", "format_version", "1",
        "-", "Some", "None", "//", "/*", "*/", "r#\"", "\"#", "'", "\n", " ", "é", "0.5e9",
        "meta", "parties", "id", "true", "\\", "1e400", "Україна",
    ]), 0..300)) {
        let src: String = tokens.concat();
        if let Err(d) = accord::sim::load_str("soup.ron", &src) {
            prop_assert!(d.has_errors());
            let _ = accord::sim::render::render(&d.0, "soup.ron", &src, false);
        }
    }

    /// Mutations of a valid file (a span deleted, or a character inserted) never panic.
    #[test]
    fn mutated_scenarios_never_panic_the_loader(at in 0usize..5000, len in 0usize..40, ch in any::<char>()) {
        let src = common::MINIMAL;
        let at = src.char_indices().map(|(i, _)| i).nth(at % src.chars().count()).unwrap_or(0);
        let end = src[at..].char_indices().map(|(i, _)| at + i).nth(len).unwrap_or(src.len());
        let deleted = format!("{}{}", &src[..at], &src[end..]);
        let inserted = format!("{}{ch}{}", &src[..at], &src[at..]);
        for text in [deleted, inserted] {
            if let Err(d) = accord::sim::load_str("mutant.ron", &text) {
                prop_assert!(d.has_errors());
                let _ = accord::sim::render::render(&d.0, "mutant.ron", &text, false);
            }
        }
    }
}
