//! Fair bargaining: on generated bilateral problems, the status quo and the turn order do
//! not decide who gains (issue 15's targets, with tolerances; no timing).

use accord::sim::fairness::{Arrangement, measure};
use accord::sim::generate::bilateral;
use accord::sim::scenario::Scenario;

/// The fixed set of problems the figures are measured on: 3 issues × 10 options, 100
/// rounds, both sides with the same personality.
fn problems(count: u64) -> Vec<Scenario> {
    (0..count)
        .map(|k| bilateral(1000 + k, 3, 10, 100))
        .collect()
}

/// Prints the figures of every arrangement, for closing notes:
/// `cargo test --release --no-default-features -- --ignored --nocapture fairness_report`.
#[test]
#[ignore]
fn fairness_report() {
    let problems = problems(40);
    for arrangement in Arrangement::all() {
        println!("{}", measure(&problems, arrangement, 5).render());
    }
}
