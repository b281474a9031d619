//! The AI: it never accepts below its BATNA or across a red line, the mediator finds the
//! Nash point under full disclosure, public reasons carry no numbers, levers move what
//! they should, and the simulator is deterministic whatever the thread count.

use super::common;

use std::sync::Arc;

use accord::sim::action::Move;
use accord::sim::ai::estimate::Estimate;
use accord::sim::ai::space::{Space, nash_text};
use accord::sim::ai::{Agent, SeatControl, Table};
use accord::sim::analysis::OutcomeSpace;
use accord::sim::generate::bilateral;
use accord::sim::model::Model;
use accord::sim::observe::Observation;
use accord::sim::scenario::{OptionRef, PartyKind};
use accord::sim::simulate;
use accord::sim::transcript::EntryKind;
use accord::sim::{Action, Game};
use proptest::prelude::*;

/// Plays a game with AI agents, checking every acceptance against the acceptor's true
/// preferences at that moment.
fn play_checking_acceptances(model: Arc<Model>, seed: u64) -> Game {
    let mut game = Game::new(model.clone(), seed);
    let mut agents: Vec<Agent> = (0..model.scenario.parties.len())
        .map(|p| Agent::new(&game, p, "scenario"))
        .collect();
    let mut steps = 0;
    while let Some(p) = game.to_move() {
        let decision = agents[p].decide(&Observation::new(&game, p));
        if let Move::Accept { offer } = &decision.action {
            let o = game.offer(*offer).expect("accepts an existing offer");
            let completed = game.complete(&o.package);
            let prefs = &game.prefs()[p];
            assert!(
                !prefs.crosses_red_line(&completed),
                "{} accepts across a red line",
                model.party_id(p)
            );
            assert!(
                prefs.utility(&completed) > prefs.batna,
                "{} accepts {} below its BATNA {}",
                model.party_id(p),
                prefs.utility(&completed),
                prefs.batna
            );
        }
        game.apply_move(p, decision.action, Some(decision.explanation))
            .expect("the AI only makes legal moves");
        steps += 1;
        assert!(steps < 10_000);
    }
    game
}

fn with_red_lines(seed: u64) -> Arc<Model> {
    let mut s = bilateral(seed, 3, 4, 30);
    s.rules.nothing_agreed_until_all_agreed = seed.is_multiple_of(2);
    // A red line for each side on an option the other side likes.
    s.parties[0].red_lines.push(OptionRef {
        issue: "issue0".into(),
        option: "o0".into(),
    });
    s.parties[1].red_lines.push(OptionRef {
        issue: "issue1".into(),
        option: "o3".into(),
    });
    Arc::new(Model::new(s, ""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 12 } else { 300 }))]

    #[test]
    fn ai_never_accepts_below_batna_or_across_a_red_line(scenario in any::<u64>(), seed in any::<u64>()) {
        play_checking_acceptances(with_red_lines(scenario), seed);
    }
}

#[test]
fn ai_accepts_soundly_on_istanbul_and_the_river() {
    for seed in 0..20 {
        play_checking_acceptances(common::istanbul(), seed);
        play_checking_acceptances(common::minimal(), seed);
    }
}

/// With every delegation's true preferences disclosed, the mediator's text is exactly the
/// Nash bargaining point of the analysis.
#[test]
fn mediator_finds_the_nash_point_under_full_disclosure() {
    for model in [
        common::minimal(),
        common::istanbul(),
        Arc::new(Model::new(bilateral(5, 3, 6, 20), "")),
    ] {
        let space = Space::new(
            model
                .scenario
                .issues
                .iter()
                .map(|i| i.options.len())
                .collect(),
        );
        let truth: Vec<Estimate> = model
            .delegations
            .iter()
            .map(|&d| Estimate::from_truth(&model.prefs[d]))
            .collect();
        let refs: Vec<&Estimate> = truth.iter().collect();
        let text = nash_text(
            &space,
            &refs,
            &vec![None; space.radix.len()],
            &[],
            model.links(),
        )
        .map(|(p, _)| p);
        let exact = OutcomeSpace::new(&model, &model.prefs);
        assert_eq!(
            text,
            exact.nash.map(|k| exact.packages[k].clone()),
            "{}",
            model.scenario.meta.id
        );
    }
}

/// Public reasons are coarse: once the scenario's own names and labels are removed, no
/// digit is left in them.
#[test]
fn public_reasons_never_reveal_numbers() {
    let model = common::istanbul();
    let mut names: Vec<String> = Vec::new();
    for issue in &model.scenario.issues {
        names.push(issue.name.clone());
        names.extend(issue.options.iter().map(|o| o.label.clone()));
    }
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut seen = 0;
    for seed in 0..30 {
        let game = simulate::play(&model, seed, &[]);
        for e in game.entries() {
            if let EntryKind::Explained { .. } = e.kind {
                let mut text = e.render_with(&model);
                text = text
                    .split_once("]")
                    .map(|x| x.1.to_string())
                    .unwrap_or(text); // drop "[round n]"
                for n in &names {
                    text = text.replace(n.as_str(), "");
                }
                assert!(
                    !text.chars().any(|c| c.is_ascii_digit()),
                    "a number in a public reason: {text}"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 100);
}

#[test]
fn every_ai_move_has_a_private_rationale_for_the_facilitator() {
    let model = common::istanbul();
    let game = simulate::play(&model, 3, &[]);
    let moves = game.actions().len();
    let rationales = game
        .entries()
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Rationale { .. }))
        .count();
    assert_eq!(moves, rationales);
    for e in game.entries() {
        if matches!(e.kind, EntryKind::Rationale { .. }) {
            assert_eq!(
                e.visibility,
                accord::sim::transcript::Visibility::Facilitator
            );
        }
    }
}

/// The European sanctions threat is enabled once Russia rejects a ceasefire offer and
/// moves Russia's BATNA by what the scenario says.
#[test]
fn an_allys_lever_moves_the_batna_it_should() {
    let model = common::istanbul();
    let lever = model
        .scenario
        .levers
        .iter()
        .find(|l| l.id == "eu_sanctions_threat")
        .unwrap();
    let by: f64 = lever
        .effects
        .iter()
        .filter_map(|e| match e {
            accord::sim::scenario::Effect::MoveBatna { party, by } if party == "russia" => {
                Some(*by)
            }
            _ => None,
        })
        .sum();
    assert!(by < 0.0);
    let mut g = Game::new(model.clone(), 1);
    let russia = model.party_index("russia").unwrap();
    let before = g.prefs()[russia].batna;
    // Round 1: everyone passes but Ukraine, which proposes a ceasefire; Russia rejects.
    while model.kind(g.to_move().unwrap()) != PartyKind::Delegation {
        let p = g.to_move().unwrap();
        g.apply_index(p, Action::Pass).unwrap();
    }
    g.apply(
        "ukraine",
        Action::Propose {
            package: common::pkg(&[("ceasefire", "thirty_day")]),
            note: None,
        },
    )
    .unwrap();
    g.apply(
        "russia",
        Action::Reject {
            offer: 1,
            reason: None,
        },
    )
    .unwrap();
    // Round 2: the allies act first; Europe's threat is now enabled.
    while g.to_move() != model.party_index("europe") {
        let p = g.to_move().unwrap();
        g.apply_index(p, Action::Pass).unwrap();
    }
    let moved_by_events = g.prefs()[russia].batna - before;
    g.apply(
        "europe",
        Action::UseLever {
            lever: "eu_sanctions_threat".into(),
        },
    )
    .unwrap();
    assert!(
        (g.prefs()[russia].batna - (before + moved_by_events + by).clamp(0.0, 100.0)).abs() < 1e-9
    );
}

#[test]
fn simulate_is_deterministic_and_thread_independent() {
    let model = common::istanbul();
    let (a, sa) = simulate::run(&model, 24, 7, 1, &[], &|_| {});
    let (b, sb) = simulate::run(&model, 24, 7, 3, &[], &|_| {});
    assert_eq!(sa, sb);
    let strip = |mut r: simulate::Report| {
        r.games_per_second = 0.0;
        r.decision_micros_p50 = 0.0;
        r.decision_micros_p99 = 0.0;
        serde_json::to_string(&r).unwrap()
    };
    assert_eq!(strip(a), strip(b));
    let t1: Vec<String> = simulate::play(&model, 7, &[])
        .transcript()
        .iter()
        .map(|e| e.render_with(&model))
        .collect();
    let t2: Vec<String> = simulate::play(&model, 7, &[])
        .transcript()
        .iter()
        .map(|e| e.render_with(&model))
        .collect();
    assert_eq!(t1, t2);
}

#[test]
fn a_human_seat_is_left_to_the_human() {
    let model = common::istanbul();
    let controls: Vec<SeatControl> = model
        .scenario
        .parties
        .iter()
        .map(|p| {
            if p.id == "ukraine" {
                SeatControl::Human
            } else {
                SeatControl::Ai("hard".into())
            }
        })
        .collect();
    let mut table = Table::new(Game::new(model.clone(), 9), &controls);
    table.run_ai();
    assert_eq!(table.game.to_move(), model.party_index("ukraine"));
    table.game.apply("ukraine", Action::Pass).unwrap();
    table.run_ai();
    assert_eq!(table.game.to_move(), model.party_index("ukraine"));
    assert_eq!(table.game.round(), 2);
}

/// Quality on bilateral problems with random opposing preferences: agreement in at least
/// 97% of the games where a zone of agreement exists, agreements within 0.02 of the
/// Pareto frontier on average.
#[test]
fn bilateral_agreements_are_frequent_and_efficient() {
    let problems = 400;
    let (mut with_zone, mut agreed, mut distance) = (0u32, 0u32, 0.0);
    for k in 0..problems {
        let model = Arc::new(Model::new(bilateral(1000 + k, 3, 10, 100), ""));
        let space = OutcomeSpace::new(&model, &model.prefs);
        if space.nash.is_none() {
            continue;
        }
        with_zone += 1;
        let game = simulate::play(&model, k, &[]);
        if let Some(m) = game.deal_metrics(&space) {
            agreed += 1;
            distance += m.distance_to_frontier;
        }
    }
    let rate = agreed as f64 / with_zone as f64;
    let mean = distance / agreed.max(1) as f64;
    println!(
        "bilateral: {with_zone} problems with a zone, agreement {:.1}%, mean Pareto distance {mean:.4}",
        100.0 * rate
    );
    assert!(
        with_zone >= problems as u32 / 2,
        "too few problems have a zone: {with_zone}"
    );
    assert!(
        rate >= 0.97,
        "agreement rate {rate:.3} over {with_zone} problems with a zone"
    );
    assert!(mean <= 0.02, "mean Pareto distance {mean:.4}");
}

/// The Istanbul calibration (MODEL.md): with the scenario's personalities and no human,
/// most games end like the real talks — a prisoner exchange and no ceasefire — yet other
/// outcomes happen too.
#[test]
fn istanbul_plays_out_like_history_in_most_games() {
    let model = common::istanbul();
    let games = if cfg!(debug_assertions) { 150 } else { 1000 };
    let (report, _) = simulate::run(&model, games, 1, 2, &[], &|_| {});
    let prisoners = &report.issues["prisoners"];
    let ceasefire = &report.issues["ceasefire"];
    let exchange = prisoners.get("thousand_for_thousand").copied().unwrap_or(0)
        + prisoners.get("all_for_all").copied().unwrap_or(0);
    let no_ceasefire = ceasefire.get("unsettled").copied().unwrap_or(0)
        + ceasefire.get("none").copied().unwrap_or(0);
    assert!(exchange as f64 >= 0.8 * games as f64, "{report:?}");
    assert!(no_ceasefire as f64 >= 0.8 * games as f64, "{report:?}");
    assert!(
        report.outcomes.partial as f64 >= 0.6 * games as f64,
        "{report:?}"
    );
    assert!(
        report.outcomes.full > 0,
        "no other outcome is ever reached: {report:?}"
    );
}

/// The AI decides from what its seat may see: agents that live away from the game, fed
/// only each seat's view as a remote client would receive it (serialised and read back),
/// with their own caches and random streams, decide exactly as the agents in the game's
/// process, on every turn of seeded games of every shipped scenario.
#[test]
fn agents_fed_only_their_seat_view_decide_as_in_the_game() {
    use accord::sim::ai::delegation::DelegationAi;
    use accord::sim::observe::{LocalCaches, Public, SeatView};
    for (name, _, _) in accord::sim::load::BUILT_IN {
        let model = common::built_in(name);
        for seed in [3, 11] {
            let mut game = Game::new(model.clone(), seed);
            let parties = model.scenario.parties.len();
            let mut here: Vec<Agent> = (0..parties)
                .map(|p| Agent::new(&game, p, "scenario"))
                .collect();
            // What a remote seat has: the public facts and its own view, as sent.
            let public: Public =
                serde_json::from_str(&serde_json::to_string(model.public()).unwrap()).unwrap();
            let caches = LocalCaches::default();
            let received = |game: &Game, p: usize| -> SeatView {
                serde_json::from_str(&serde_json::to_string(&game.seat_view(p)).unwrap()).unwrap()
            };
            let mut away: Vec<Agent> = (0..parties)
                .map(|p| {
                    let view = received(&game, p);
                    let rng = DelegationAi::stream(seed, &public.parties[p].id);
                    Agent::from_observation(
                        &view.observation(&public, &caches),
                        accord::sim::ai::presets::seat_personality(
                            model.kind(p),
                            "scenario",
                            &model.scenario.parties[p].personality,
                        ),
                        rng,
                    )
                })
                .collect();
            let mut turns = 0;
            while let Some(p) = game.to_move() {
                let view = received(&game, p);
                assert!(
                    view.transcript.iter().all(|e| e.scope.visible_to(p)),
                    "a seat's view holds only what it may see"
                );
                let mine = here[p].decide(&Observation::new(&game, p));
                let theirs = away[p].decide(&view.observation(&public, &caches));
                assert_eq!(
                    mine.action, theirs.action,
                    "{name}, seed {seed}, turn {turns}"
                );
                assert_eq!(mine.explanation, theirs.explanation, "{name}, seed {seed}");
                game.apply_move(p, mine.action, Some(mine.explanation))
                    .expect("the AI only makes legal moves");
                turns += 1;
                assert!(turns < 10_000);
            }
            assert!(turns > 10, "{name}: a real game was played");
        }
    }
}

/// Random bilateral problems (`generate::bilateral`: 3 issues × 10 options, 100 rounds)
/// written as scenario files load back as the scenarios they were made from. With
/// `ACCORD_WRITE_PROBLEMS=dir` the files are kept there, for `accord simulate` to measure
/// the speed figures of random problems on:
/// `ACCORD_WRITE_PROBLEMS=dir cargo test --release --no-default-features write_random`.
#[test]
fn write_random_bilateral_problems() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("ACCORD_WRITE_PROBLEMS")
        .map_or_else(|| scratch.path().to_path_buf(), std::path::PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    for k in 0..10 {
        let scenario = bilateral(k, 3, 10, 100);
        let text =
            ron::ser::to_string_pretty(&scenario, ron::ser::PrettyConfig::default()).unwrap();
        // Every file must load as the scenario it was made from.
        let model = common::model(&text);
        assert_eq!(model.scenario, scenario);
        std::fs::write(dir.join(format!("bilateral-{k}.ron")), text).unwrap();
    }
}
