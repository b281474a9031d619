//! Utilities, the Pareto frontier, the Nash point and distances, checked by hand on the
//! small river scenario (tests/fixtures/valid/minimal.ron).
//!
//! North: weights 0.6 water, 0.4 fish; water none 0, half 60, all 100; fish no 30, yes 80.
//! South: weights 0.3 water, 0.7 fish; water none 100, half 70, all 0 (a red line);
//!        fish no 10, yes 90. BATNAs: North 30, South 40.
//! Packages in mixed-radix order (water, fish), with (North, South) utility:
//!   0 (none, no)  = (12, 37)     1 (none, yes) = (32, 93)
//!   2 (half, no)  = (48, 28)     3 (half, yes) = (68, 84)
//!   4 (all, no)   = (72, 0)      5 (all, yes)  = (92, 0)   — South's red line

use super::common;

use accord::sim::analysis::{OutcomeSpace, distance, joint_gain, nash_point, pareto_frontier};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn utilities_by_hand() {
    let m = common::minimal();
    let north = &m.prefs[m.party_index("north").unwrap()];
    let south = &m.prefs[m.party_index("south").unwrap()];
    let expected = [
        (12.0, 37.0),
        (32.0, 93.0),
        (48.0, 28.0),
        (68.0, 84.0),
        (72.0, 0.0),
        (92.0, 0.0),
    ];
    let packages: Vec<_> = m.packages().collect();
    assert_eq!(
        packages,
        vec![
            vec![0, 0],
            vec![0, 1],
            vec![1, 0],
            vec![1, 1],
            vec![2, 0],
            vec![2, 1]
        ]
    );
    for (p, (n, s)) in packages.iter().zip(expected) {
        assert!(
            close(north.utility(p), n),
            "north {p:?}: {}",
            north.utility(p)
        );
        assert!(
            close(south.utility(p), s),
            "south {p:?}: {}",
            south.utility(p)
        );
    }
    assert!(south.crosses_red_line(&[2, 1]));
    assert!(!north.crosses_red_line(&[2, 1]));
}

#[test]
fn frontier_nash_and_distances_by_hand() {
    let m = common::minimal();
    let space = OutcomeSpace::new(&m, &m.prefs);
    assert_eq!(*space.frontier, vec![1, 3, 5]);
    assert_eq!(space.nash, Some(3)); // gains 38 × 44 beat 2 × 53
    assert_eq!(space.batnas, vec![0.3, 0.4]);
    assert_eq!(space.zopa().collect::<Vec<_>>(), vec![1, 3]);
    // (half, no) = (0.48, 0.28): nearest frontier point is (all, yes) = (0.92, 0).
    let d = space.distance_to_frontier(&space.points[2]);
    assert!(close(d, (0.44f64 * 0.44 + 0.28 * 0.28).sqrt()), "{d}");
    assert!(close(space.distance_to_frontier(&space.points[3]), 0.0));
    let dn = space.distance_to_nash(&space.points[1]).unwrap();
    assert!(close(dn, (0.36f64 * 0.36 + 0.09 * 0.09).sqrt()));
    assert!(close(joint_gain(&space.points[3], &space.batnas), 0.82));
}

#[test]
fn three_party_frontier_and_empty_zone() {
    let points = vec![
        vec![0.5, 0.5, 0.5],
        vec![0.6, 0.4, 0.5],
        vec![0.4, 0.4, 0.4], // dominated by the first
        vec![0.5, 0.5, 0.6], // dominates the first
    ];
    assert_eq!(pareto_frontier(&points), vec![1, 3]);
    assert_eq!(nash_point(&points, &[0.45, 0.35, 0.45]), Some(3));
    assert_eq!(nash_point(&points, &[0.7, 0.7, 0.7]), None);
    assert!(close(distance(&points[0], &points[3]), 0.1));
}

#[test]
fn deal_metrics_of_a_finished_game() {
    use accord::sim::{Action, Game};
    let m = common::minimal();
    let mut g = Game::new(m, 1);
    g.apply("chair", Action::Pass).unwrap();
    g.apply(
        "north",
        Action::Propose {
            package: common::pkg(&[("water", "half"), ("fish", "yes")]),
            note: None,
        },
    )
    .unwrap();
    g.apply("south", Action::Accept { offer: 1 }).unwrap();
    let space = g.outcome_space();
    let metrics = g.deal_metrics(&space).unwrap();
    assert_eq!(metrics.point, vec![0.68, 0.84]);
    assert!(close(metrics.distance_to_frontier, 0.0));
    assert_eq!(metrics.distance_to_nash, Some(0.0));
    assert!(close(metrics.joint_gain, 0.82));
}
