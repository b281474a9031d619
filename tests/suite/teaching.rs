//! The teaching kits (`docs/teaching/*.md`): every figure a kit quotes matches a fresh
//! simulation within the tolerance it states, and the printed kit is one self-contained
//! page.

use std::path::Path;

use accord::sim::simulate;
use accord::sim::teaching::{KITS, bless, expected, kit, kit_html, mismatches};

use super::common;

#[test]
fn every_figure_a_kit_quotes_matches_a_fresh_simulation() {
    for (id, path, text) in KITS {
        let table = expected(text)
            .unwrap()
            .unwrap_or_else(|| panic!("{path} quotes no expected outcomes"));
        assert_eq!(table.scenario, *id, "{path}");
        assert!(
            table.rows.len() >= 6,
            "{path}: {} figures",
            table.rows.len()
        );
        let model = common::built_in(id);
        let report = simulate::run_figures(&model, table.games, table.seed, 2, &[], &|_| {});
        if std::env::var_os("ACCORD_BLESS").is_some() {
            let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            std::fs::write(file, bless(text, &report)).unwrap();
            continue;
        }
        let wrong = mismatches(&table, &report);
        assert!(
            wrong.is_empty(),
            "{path}:\n{}\n(`ACCORD_BLESS=1 cargo test teaching` writes the fresh figures in)",
            wrong.join("\n")
        );
        // A figure moved beyond its tolerance is caught.
        let mut moved = table.clone();
        moved.rows[0].value += moved.rows[0].tolerance + 1.0;
        assert_eq!(mismatches(&moved, &report).len(), 1);
    }
}

#[test]
fn a_kit_is_one_self_contained_page() {
    for (id, _, text) in KITS {
        let model = common::built_in(id);
        let html = kit_html(&model, text);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            html.contains("<svg"),
            "{id}: the debrief's chart is drawn in"
        );
        assert!(html.contains("<figcaption>"), "{id}");
        assert!(
            !html.contains("<img"),
            "{id}: no picture fetched from a file"
        );
        assert!(!html.contains("src="), "{id}: nothing loaded from anywhere");
        assert!(html.contains("<table>"), "{id}: tables rendered");
        assert!(!html.contains("FIGURES"), "{id}: the figures are filled in");
        for heading in [
            "Learning objectives",
            "Who's who",
            "Reflection task and rubric",
        ] {
            assert!(html.contains(heading), "{id}: {heading}");
        }
    }
    let html = kit_html(&common::istanbul(), kit("istanbul-2025").unwrap());
    for step in [
        "2014",
        "11 March 2025",
        "10–11 May 2025",
        "15–16 May 2025",
        "2 June 2025",
        "23 July 2025",
    ] {
        assert!(html.contains(step), "the timeline has {step}");
    }
    for part in [
        "50-minute",
        "90-minute",
        "sensitivity",
        "Reading the sources",
        "TASS",
        "Xinhua",
    ] {
        assert!(html.contains(part), "the Istanbul kit has {part}");
    }
}

#[test]
fn the_istanbul_debrief_asks_history_and_source_questions() {
    let model = common::istanbul();
    let q = &model.scenario.debrief_questions;
    assert!(q.iter().any(|q| q.contains("both sides confirm")));
    assert!(
        q.iter()
            .any(|q| q.contains("trust a ceasefire") && q.contains("2022"))
    );
}
