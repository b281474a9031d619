//! Option rules (issue 16): the engine refuses what a rule forbids, AI games never agree
//! it, and the searches over packages stay exact on rule-laden problems.

use std::sync::Arc;

use accord::sim::ai::estimate::Estimate;
use accord::sim::ai::space::{Space, nash_text};
use accord::sim::ai::{SeatControl, Table};
use accord::sim::analysis::{OutcomeSpace, dominates};
use accord::sim::generate::{bilateral, with_random_rules};
use accord::sim::links::Links;
use accord::sim::model::{Model, Prefs};
use accord::sim::{Action, ActionError, Game, PartyKind, simulate};

use crate::common::{built_in, minimal_with_rule, model, pkg};

/// Passes every seat but the delegations until `party` is to move.
fn until(game: &mut Game, party: &str) {
    for _ in 0..10 {
        let p = game.to_move().expect("the talks go on");
        if game.model().party_id(p) == party {
            return;
        }
        assert_ne!(
            game.model().kind(p),
            PartyKind::Delegation,
            "{party} skipped"
        );
        let id = game.model().party_id(p).to_string();
        game.apply(&id, Action::Pass).unwrap();
    }
    panic!("{party} never moves");
}

#[test]
fn a_proposal_or_acceptance_that_breaks_a_rule_is_refused_and_changes_nothing() {
    let m = minimal_with_rule();
    let mut game = Game::new(m, 1);
    until(&mut game, "north");
    let both = Action::Propose {
        package: pkg(&[("water", "all"), ("fish", "yes")]),
        note: None,
    };
    let before = game.transcript().len();
    match game.apply("north", both) {
        Err(ActionError::BreaksRule(text)) => {
            assert!(
                text.contains("Water: All never with Fishing rights: Yes"),
                "{text}"
            );
            assert!(text.contains("A test rule."), "{text}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        game.transcript().len(),
        before,
        "a refused move changes nothing"
    );
    // Each half alone is allowed (the other issue keeps its status quo)...
    game.apply(
        "north",
        Action::Propose {
            package: pkg(&[("water", "all")]),
            note: None,
        },
    )
    .unwrap();
    until(&mut game, "south");
    game.apply(
        "south",
        Action::Propose {
            package: pkg(&[("fish", "yes")]),
            note: None,
        },
    )
    .unwrap();
    until(&mut game, "north");
    let fish = game
        .standing_offers()
        .find(|o| o.author == game.model().party_index("south"))
        .unwrap()
        .id;
    game.apply("north", Action::Accept { offer: fish }).unwrap();
    assert_eq!(game.settled()[1], Some(1), "fishing is settled");
    // ...but once fishing is settled, North's water offer would break the rule.
    until(&mut game, "south");
    let water = game
        .standing_offers()
        .find(|o| o.author == game.model().party_index("north"))
        .unwrap()
        .id;
    assert!(matches!(
        game.apply("south", Action::Accept { offer: water }),
        Err(ActionError::BreaksRule(_))
    ));
    assert_eq!(game.settled()[0], None);
}

/// Whether the package a game ended on (settled options, the status quo elsewhere) is
/// allowed, for games that agreed something.
fn agreed_packages_keep_the_rules(m: &Arc<Model>, summaries: &[simulate::GameSummary]) {
    for g in summaries {
        if g.settled.iter().all(Option::is_none) {
            continue;
        }
        let package: Vec<usize> = g
            .settled
            .iter()
            .zip(m.status_quo())
            .map(|(s, q)| s.unwrap_or(*q))
            .collect();
        assert!(
            m.allows(&package),
            "{} seed {}: agreed {:?}, which breaks: {}",
            m.scenario.meta.id,
            g.seed,
            m.package_ids(&package),
            m.links().text(m.links().broken(&package).unwrap())
        );
    }
}

#[test]
fn no_ai_game_of_a_shipped_scenario_agrees_what_a_rule_forbids() {
    for (id, _, _) in accord::sim::load::BUILT_IN {
        let m = built_in(id);
        assert!(!m.links().is_empty(), "{id} has option rules");
        let controls = vec![SeatControl::Ai("scenario".into()); m.scenario.parties.len()];
        let (report, summaries) = simulate::run(&m, 1000, 1, 2, &controls, &|_| {});
        assert_eq!(summaries.len(), 1000);
        assert!(report.agreement_rate > 0.5, "{id}: the AI still agrees");
        agreed_packages_keep_the_rules(&m, &summaries);
    }
}

/// Random bilateral problems with random rules, in both agreement modes.
fn rule_laden(count: u64) -> Vec<Arc<Model>> {
    let mut out = Vec::new();
    for k in 0..count {
        let mut s = with_random_rules(bilateral(500 + k, 3, 6, 30), 77 + k, 6);
        assert!(!s.option_rules.is_empty());
        s.rules.nothing_agreed_until_all_agreed = k % 2 == 0;
        let text = ron::ser::to_string_pretty(&s, Default::default()).unwrap();
        out.push(model(&text));
    }
    out
}

/// Plays AI games move by move, checking each move before it is played: the AI never
/// chooses what the engine refuses (the table would turn it into a pass), and what is
/// agreed keeps the rules.
fn ai_moves_are_never_refused(m: &Arc<Model>, seeds: std::ops::Range<u64>) {
    for seed in seeds {
        let mut table = Table::all_ai(Game::new(m.clone(), seed));
        let mut moves = 0;
        while let Some(plan) = table.plan() {
            let checked = table.game.check_move(plan.party, &plan.decision.action);
            assert!(
                checked.is_ok(),
                "{} seed {seed}: the AI chose {:?}, refused: {checked:?}",
                m.scenario.meta.id,
                plan.decision.action
            );
            table.play_plan(plan);
            moves += 1;
            assert!(moves < 10_000);
        }
        let game = &table.game;
        if game.settled().iter().any(Option::is_some) {
            assert!(m.allows(&game.current_package()));
        }
    }
}

#[test]
fn ai_moves_on_rule_laden_problems_are_never_refused_and_agreements_keep_the_rules() {
    for m in rule_laden(12) {
        ai_moves_are_never_refused(&m, 0..3);
    }
}

/// The same at the shipped scenarios, with their mediators and allies (the mediator's
/// partial texts must keep the rules with what stands).
#[test]
fn ai_moves_in_the_shipped_scenarios_are_never_refused() {
    for (id, _, _) in accord::sim::load::BUILT_IN {
        ai_moves_are_never_refused(&built_in(id), 0..40);
    }
}

/// Every allowed package consistent with `fixed`, by index.
fn allowed_packages(m: &Model, fixed: &[Option<usize>]) -> Vec<(usize, Vec<usize>)> {
    let space = Space::new(m.option_counts());
    let mut out = Vec::new();
    space.for_each(|k, o| {
        let consistent = o.iter().zip(fixed).all(|(o, f)| f.is_none_or(|f| f == *o));
        if consistent && m.allows(o) {
            out.push((k, o.to_vec()));
        }
    });
    out
}

#[test]
fn the_searches_over_packages_are_exact_on_rule_laden_problems() {
    for m in rule_laden(16) {
        let space = Space::new(m.option_counts());
        let prefs: Vec<&Prefs> = m.delegations.iter().map(|&d| &m.prefs[d]).collect();
        let truth: Vec<Estimate> = prefs.iter().map(|p| Estimate::from_truth(p)).collect();
        let refs: Vec<&Estimate> = truth.iter().collect();
        for fixed in [
            vec![None, None, None],
            vec![Some(2), None, None],
            vec![None, None, Some(0)],
        ] {
            let all = allowed_packages(&m, &fixed);
            // The Nash text: the first allowed package of the largest product of gains.
            let mut best: Option<(Vec<usize>, f64)> = None;
            for (_, o) in &all {
                let gains: Vec<f64> = prefs.iter().map(|p| p.utility(o) - p.batna).collect();
                if gains.iter().all(|g| *g > 0.0) {
                    let product: f64 = gains.iter().product();
                    if best.as_ref().is_none_or(|(_, b)| product > *b) {
                        best = Some((o.clone(), product));
                    }
                }
            }
            let found = nash_text(&space, &refs, &fixed, &[], m.links());
            assert_eq!(
                found.as_ref().map(|(p, _)| p),
                best.as_ref().map(|(p, _)| p),
                "{}: fixed {fixed:?}",
                m.scenario.meta.id
            );
            // The AI's table: the best allowed package consistent with `fixed` comes first
            // among the table's packages consistent with it.
            for (d, p) in m.delegations.iter().zip(&prefs) {
                let table = m.initial_table(*d);
                let n = fixed.len();
                let first = table
                    .order
                    .iter()
                    .zip(table.options.chunks_exact(n))
                    .find(|(_, o)| {
                        o.iter()
                            .zip(&fixed)
                            .all(|(&o, f)| f.is_none_or(|f| f == o as usize))
                    })
                    .map(|(&k, _)| k as usize);
                let top = all
                    .iter()
                    .map(|(_, o)| p.utility(o))
                    .fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))));
                assert_eq!(first.map(|k| table.utils[k]), top);
                assert_eq!(
                    table.order.len(),
                    allowed_packages(&m, &[None, None, None]).len()
                );
            }
        }
        // The frontier and the zone: over allowed packages only.
        let outcome = OutcomeSpace::new(&m, &m.prefs);
        let all = allowed_packages(&m, &[None, None, None]);
        let points: Vec<(usize, &[f64])> =
            all.iter().map(|(k, _)| (*k, &outcome.points[*k])).collect();
        for &k in outcome.frontier.iter() {
            assert!(m.allows(&outcome.packages[k]));
            assert!(!points.iter().any(|(_, p)| dominates(p, &outcome.points[k])));
        }
        for (k, p) in &points {
            let on = outcome.frontier.contains(k);
            let dominated_or_equal = points
                .iter()
                .any(|(j, q)| j != k && (dominates(q, p) || (q == p && j < k)));
            assert_eq!(on, !dominated_or_equal, "package {k}");
        }
        assert!(outcome.zopa().all(|k| m.allows(&outcome.packages[k])));
        if let Some(k) = outcome.nash {
            assert!(m.allows(&outcome.packages[k]));
        }
    }
}

#[test]
fn random_rules_keep_the_problem_agreeable() {
    for k in 0..20 {
        let s = with_random_rules(bilateral(k, 3, 5, 20), k, 8);
        let links = Links::compile(&s);
        assert_eq!(links.links.len(), s.option_rules.len());
        let radix = vec![5, 5, 5];
        let allowed = links.allowed(&radix).unwrap();
        assert!(allowed.iter().filter(|a| **a).count() > 1);
        assert!(allowed.iter().any(|a| !a), "the rules forbid something");
    }
}

/// How often the AI agreed what the shipped rules now forbid when the scenarios had none,
/// and how often with them, for closing notes:
/// `cargo test --release --no-default-features -- --ignored --nocapture option_rules_report`.
#[test]
#[ignore]
fn option_rules_report() {
    for (id, _, source) in accord::sim::load::BUILT_IN {
        let with = built_in(id);
        let mut scenario = with.scenario.clone();
        scenario.option_rules.clear();
        let text = ron::ser::to_string_pretty(&scenario, Default::default()).unwrap();
        let without = model(&text);
        assert!(source.contains("option_rules"));
        for (name, m) in [("without rules", &without), ("with rules", &with)] {
            let controls = vec![SeatControl::Ai("scenario".into()); m.scenario.parties.len()];
            let (report, summaries) = simulate::run(m, 1000, 1, 0, &controls, &|_| {});
            let forbidden = summaries
                .iter()
                .filter(|g| {
                    let package: Vec<usize> = g
                        .settled
                        .iter()
                        .zip(with.status_quo())
                        .map(|(s, q)| s.unwrap_or(*q))
                        .collect();
                    g.settled.iter().any(Option::is_some) && !with.allows(&package)
                })
                .count();
            println!(
                "{id} {name}: {forbidden} of 1000 games agree what the rules forbid; full {} partial {} none {} walk-out {}; mean Pareto distance {:.4}",
                report.outcomes.full,
                report.outcomes.partial,
                report.outcomes.none,
                report.outcomes.walk_out,
                report.mean_pareto_distance.unwrap_or(f64::NAN)
            );
        }
    }
}
