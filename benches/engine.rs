//! Benchmarks of the core: loading and validating the Istanbul scenario, the exact
//! outcome-space analysis, a whole game, building a party's view, and the classroom's
//! files: saving and loading a whole Istanbul game, its replay by rounds, its printable
//! report.
//! Run with `cargo bench --no-default-features`.

use std::hint::black_box;
use std::sync::Arc;

use accord::sim::analysis::OutcomeSpace;
use accord::sim::generate::bilateral;
use accord::sim::load::{ISTANBUL_2025, load_str};
use accord::sim::simulate;
use accord::sim::{Action, Game, Model};
use criterion::{Criterion, criterion_group, criterion_main};

/// The allocator the `accord` binary uses, so that the figures are the game's.
#[global_allocator]
static ALLOCATOR: accord::alloc::Allocator = accord::alloc::Allocator;

fn benches(c: &mut Criterion) {
    c.bench_function("load_and_validate_istanbul", |b| {
        b.iter(|| load_str("istanbul-2025.ron", black_box(ISTANBUL_2025)).is_ok())
    });
    let model = Arc::new(
        load_str("istanbul-2025.ron", ISTANBUL_2025)
            .ok()
            .unwrap()
            .model,
    );
    c.bench_function("outcome_space_istanbul", |b| {
        b.iter(|| {
            OutcomeSpace::new(black_box(&model), &model.prefs)
                .frontier
                .len()
        })
    });
    c.bench_function("full_game_of_passes_istanbul", |b| {
        b.iter(|| {
            let mut g = Game::new(model.clone(), black_box(7));
            while let Some(p) = g.to_move() {
                let _ = g.apply_index(p, Action::Pass);
            }
            g.transcript().len()
        })
    });
    let game = Game::new(model.clone(), 7);
    c.bench_function("view_istanbul", |b| {
        b.iter(|| black_box(game.view(0)).transcript.len())
    });

    // AI-vs-AI games on the Istanbul scenario, allies and mediator included.
    let mut seed = 0u64;
    c.bench_function("ai_game_istanbul", |b| {
        b.iter(|| {
            seed += 1;
            simulate::play(&model, seed, &[]).transcript().len()
        })
    });

    // Bilateral negotiations with random opposing preferences: 3 issues of 10 options
    // (1,000 outcomes), a 100-round deadline. One game per iteration, over 64 problems.
    let problems: Vec<Arc<Model>> = (0..64)
        .map(|k| Arc::new(Model::new(bilateral(k, 3, 10, 100), "")))
        .collect();
    let mut k = 0usize;
    c.bench_function("ai_game_bilateral_1000_outcomes", |b| {
        b.iter(|| {
            k += 1;
            simulate::play(&problems[k % problems.len()], k as u64, &[]).round()
        })
    });
}

/// A whole Istanbul game saved (written atomically) and loaded (parsed and replayed); its
/// replay stopping at every round; its HTML report. Sizes are printed once.
fn classroom(c: &mut Criterion) {
    use accord::sim::report::debrief_html;
    use accord::sim::save::{self, SaveFile};
    let model = Arc::new(load_str("istanbul.ron", ISTANBUL_2025).unwrap().model);
    let game = simulate::play(&model, 7, &[]);
    let dir = std::env::temp_dir().join(format!("accord-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("game.ron");
    let file = SaveFile::of(&game, "built-in:istanbul-2025", vec![]);
    save::save(&path, &file).unwrap();
    let html = debrief_html(&game);
    eprintln!(
        "classroom files of a full Istanbul game ({} rounds, {} actions): save {} bytes, report {} bytes",
        game.round(),
        game.actions().len(),
        std::fs::metadata(&path).unwrap().len(),
        html.len()
    );
    c.bench_function("save_full_istanbul_game", |b| {
        b.iter(|| {
            save::save(
                &path,
                &SaveFile::of(black_box(&game), "built-in:istanbul-2025", vec![]),
            )
            .unwrap()
        })
    });
    c.bench_function("load_full_istanbul_game", |b| {
        b.iter(|| save::load(black_box(&path)).unwrap().1.round())
    });
    c.bench_function("replay_rounds_full_istanbul_game", |b| {
        b.iter(|| file.record.replay_rounds().unwrap().len())
    });
    c.bench_function("report_full_istanbul_game", |b| {
        b.iter(|| debrief_html(black_box(&game)).len())
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Validation of the reference graphs that were once its worst cases (exponential in a
/// doubled chain, cubic in a long one), up to the largest file the loader takes. The
/// result of each is checked once, so a fast wrong answer cannot pass for a fix.
fn worst_cases(c: &mut Criterion) {
    use accord::sim::generate::{ReferenceShape, reference_graph};
    use accord::sim::load::MAX_SOURCE_BYTES;
    let biggest = (1..)
        .map(|k| 1000 * k)
        .take_while(|&n| reference_graph(ReferenceShape::Chain, n).len() <= MAX_SOURCE_BYTES)
        .last()
        .unwrap_or(1000);
    let cases = [
        ("doubled_chain_30", ReferenceShape::DoubledChain, 30, true),
        ("chain_2000", ReferenceShape::Chain, 2_000, true),
        (
            "reverse_chain_2000",
            ReferenceShape::ReverseChain,
            2_000,
            true,
        ),
        ("mesh_2000", ReferenceShape::Mesh, 2_000, true),
        ("ring_2000", ReferenceShape::Ring, 2_000, false),
        ("chain_at_size_limit", ReferenceShape::Chain, biggest, true),
    ];
    let mut group = c.benchmark_group("validate_worst_case");
    group.sample_size(10);
    for (name, shape, n, valid) in cases {
        let src = reference_graph(shape, n);
        assert_eq!(load_str("graph.ron", &src).is_ok(), valid, "{name}");
        eprintln!("{name}: {n} events, {} bytes", src.len());
        group.bench_function(name, |b| {
            b.iter(|| load_str("graph.ron", black_box(&src)).is_ok())
        });
    }
    group.finish();
}

criterion_group!(engine, benches, classroom, worst_cases);
criterion_main!(engine);
