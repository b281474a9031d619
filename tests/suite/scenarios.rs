//! Scenario files: the shipped ones load and validate, every broken fixture gives its
//! expected error at its expected line and column, and the documented examples load.

use super::common;

use std::fs;
use std::path::Path;

use accord::sim::load::{ISTANBUL_2025, load_file, load_str, parse};
use accord::sim::scenario;
use accord::sim::{FORMAT_VERSION, PartyKind};

#[test]
fn istanbul_loads_and_validates_without_warnings() {
    let loaded = load_str("scenarios/istanbul-2025.ron", ISTANBUL_2025)
        .unwrap_or_else(|d| panic!("Istanbul scenario is invalid:\n{d}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.model.scenario;
    assert_eq!(s.meta.id, "istanbul-2025");
    assert_eq!(s.meta.date, "2025-05-16");
    let id_kind: Vec<(&str, PartyKind)> =
        s.parties.iter().map(|p| (p.id.as_str(), p.kind)).collect();
    for (id, kind) in [
        ("ukraine", PartyKind::Delegation),
        ("russia", PartyKind::Delegation),
        ("turkiye", PartyKind::Mediator),
        ("united_states", PartyKind::Ally),
        ("europe", PartyKind::Ally),
    ] {
        assert!(id_kind.contains(&(id, kind)), "missing {id} as {kind:?}");
    }
    for issue in [
        "ceasefire",
        "territory",
        "alliance",
        "guarantees",
        "sanctions",
        "prisoners",
        "leaders_meeting",
    ] {
        assert!(
            s.issues.iter().any(|i| i.id == issue),
            "missing issue {issue}"
        );
    }
    assert!(s.meta.sources.len() >= 5);
    assert!(!s.injects.is_empty() && !s.debrief_questions.is_empty());
    assert!(s.historical_outcome.is_some());
    // The names that need more than ASCII survive loading intact.
    let text = format!("{s:?}");
    for word in ["Türkiye", "Erdoğan", "Dolmabahçe"] {
        assert!(text.contains(word), "{word}");
    }
}

/// MODEL.md's calibration: a prisoner exchange lies inside the initial zone of possible
/// agreement, every ceasefire package (30-day or lasting) outside it.
#[test]
fn istanbul_zone_of_agreement_is_calibrated() {
    let m = common::istanbul();
    let space = accord::sim::analysis::OutcomeSpace::new(&m, &m.prefs);
    let ceasefire = m.issue_index("ceasefire").unwrap();
    let prisoners = m.issue_index("prisoners").unwrap();
    let strong: Vec<usize> = ["thirty_day", "lasting"]
        .iter()
        .map(|o| m.option_index(ceasefire, o).unwrap())
        .collect();
    let zopa: Vec<usize> = space.zopa().collect();
    assert!(!zopa.is_empty());
    assert!(
        zopa.iter()
            .all(|&k| !strong.contains(&space.packages[k][ceasefire]))
    );
    let mut exchange = m.status_quo().to_vec();
    exchange[prisoners] = m.option_index(prisoners, "thousand_for_thousand").unwrap();
    let k = space.index_of(&exchange).unwrap();
    assert!(
        zopa.contains(&k),
        "the prisoner exchange must be inside the zone"
    );
}

#[test]
fn every_shipped_scenario_validates() {
    let mut n = 0;
    for entry in fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            load_file(&path).unwrap_or_else(|d| panic!("{}:\n{d}", path.display()));
            n += 1;
        }
    }
    assert!(n >= 1);
}

/// A scenario about real events must not put unsourced words in a real government's mouth:
/// the validator (and so `accord lint`) warns at the text, and only where it should.
#[test]
fn unsourced_unmarked_texts_of_a_historical_scenario_are_warned_about() {
    let path = Path::new("tests/fixtures/warnings/historical_unsourced.ron");
    let loaded = load_file(path).unwrap_or_else(|d| panic!("{d}"));
    let found: Vec<(usize, usize, &str)> = loaded
        .warnings
        .iter()
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (99, 26));
    assert!(
        found[0]
            .2
            .contains("lever `chair_push` speaks for `chair` without a source")
    );
    assert_eq!((found[1].0, found[1].1), (111, 49));
    assert!(found[1].2.contains("the news “Drought” has no source"));
    // The marked inject and the sourced report are silent; so is the same file when it
    // does not claim to be historical.
    let src = fs::read_to_string(path).unwrap();
    let fiction = src.replace("        historical: true,\n", "");
    assert_ne!(fiction, src);
    let loaded = load_str("fiction.ron", &fiction).unwrap_or_else(|d| panic!("{d}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    // A lever's source must exist.
    let bad = src.replace(
        "            effects: [MoveBatna(party: \"north\", by: -5)],\n",
        "            effects: [MoveBatna(party: \"north\", by: -5)],\n            source: Some(\"nowhere\"),\n",
    );
    let Err(errors) = load_str("bad.ron", &bad) else {
        panic!("an unknown source is an error");
    };
    assert!(
        errors.to_string().contains("unknown source `nowhere`"),
        "{errors}"
    );
}

#[test]
fn shipped_historical_scenarios_source_or_mark_every_text() {
    for (id, src) in [
        ("istanbul-2025", accord::sim::load::ISTANBUL_2025),
        (
            "istanbul-2025-06-02",
            accord::sim::load::ISTANBUL_2025_06_02,
        ),
    ] {
        let loaded = load_str(id, src).unwrap_or_else(|d| panic!("{d}"));
        assert!(
            loaded.model.scenario.meta.historical,
            "{id} declares itself historical"
        );
        assert!(loaded.warnings.is_empty(), "{id}: {:?}", loaded.warnings);
    }
}

#[test]
fn minimal_fixture_validates() {
    load_file(Path::new("tests/fixtures/valid/minimal.ron")).unwrap_or_else(|d| panic!("{d}"));
}

/// Each file in tests/fixtures/broken ends with `// expect: LINE:COL: text` lines; each
/// must be matched by an error at that line and column whose message contains the text.
#[test]
fn broken_fixtures_report_the_expected_errors() {
    let dir = Path::new("tests/fixtures/broken");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut paths: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let src = fs::read_to_string(&path).unwrap();
        let expectations: Vec<&str> = src
            .lines()
            .filter_map(|l| l.strip_prefix("// expect: "))
            .collect();
        assert!(
            !expectations.is_empty(),
            "{} has no expectation",
            path.display()
        );
        let diags = match load_file(&path) {
            Ok(_) => {
                failures.push(format!("{}: loaded without error", path.display()));
                continue;
            }
            Err(d) => d,
        };
        for diag in &diags.0 {
            assert_eq!(diag.file, path.display().to_string());
        }
        for exp in expectations {
            let mut parts = exp.splitn(3, ':');
            let line: usize = parts.next().unwrap().trim().parse().unwrap();
            let col: usize = parts.next().unwrap().trim().parse().unwrap();
            let text = parts.next().unwrap_or("").trim();
            let hit = diags
                .errors()
                .any(|d| d.line == line && d.column == col && d.message.contains(text));
            if !hit {
                failures.push(format!(
                    "{}: expected {line}:{col}: {text}\n  got:\n{diags}",
                    path.display()
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 20);
}

#[test]
fn all_problems_of_a_file_are_reported_at_once() {
    let d = load_file(Path::new("tests/fixtures/broken/several_problems.ron"))
        .err()
        .unwrap();
    assert!(d.errors().count() >= 3, "{d}");
    let paths: Vec<&str> = d.0.iter().map(|d| d.path.as_str()).collect();
    assert!(paths.contains(&"parties[0].preferences.water.values.half"));
    assert!(paths.contains(&"parties[1].colour"));
    assert!(paths.contains(&"events[0].trigger"));
    // Rendered as FILE:LINE:COL: error: message, then the field path.
    let text = d.to_string();
    assert!(
        text.contains("tests/fixtures/broken/several_problems.ron:36:21: error: colour `orange`")
    );
    assert!(text.contains("\n  at parties[1].colour"));
}

#[test]
fn another_format_version_gets_a_clear_error() {
    let src = common::MINIMAL.replace(
        "format_version: 1,",
        "format_version: 7,\n    future_field: 3,",
    );
    let d = parse("future.ron", &src).err().unwrap();
    assert_eq!(d.0.len(), 1);
    assert!(d.0[0].message.contains(&format!(
        "format version 7 is not supported: this build reads version {FORMAT_VERSION}"
    )));
}

#[test]
fn garbage_gives_errors_not_panics() {
    for src in [
        "",
        "(",
        "Scenario(",
        "[]",
        "\u{0}",
        "Scenario(format_version: 1)",
        "))))",
        "\"unterminated",
    ] {
        let d = load_str("x.ron", src).err().expect("must fail");
        assert!(d.has_errors());
        assert!(d.0.iter().all(|d| d.line >= 1 && d.column >= 1));
    }
    // Deep nesting is refused by the recursion limit, not the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(load_str("deep.ron", &deep).is_err());
    let huge = " ".repeat(accord::sim::load::MAX_SOURCE_BYTES + 1);
    let d = load_str("huge.ron", &huge).err().unwrap();
    assert!(d.0[0].message.contains("more than"));
}

/// The fields a fragment of a scenario may show, each with its type: a fragment written
/// as `field: value,` must deserialize into it (unknown fields are refused).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Fields {
    format_version: Option<u32>,
    meta: Option<scenario::Meta>,
    sources: Option<Vec<scenario::Source>>,
    parties: Option<Vec<scenario::Party>>,
    preferences: Option<std::collections::BTreeMap<String, scenario::IssuePreference>>,
    red_lines: Option<Vec<scenario::OptionRef>>,
    batna: Option<f64>,
    personality: Option<scenario::Personality>,
    issues: Option<Vec<scenario::Issue>>,
    option_rules: Option<Vec<scenario::OptionRule>>,
    rules: Option<scenario::Rules>,
    levers: Option<Vec<scenario::Lever>>,
    events: Option<Vec<scenario::Event>>,
    injects: Option<Vec<scenario::Inject>>,
    debrief_questions: Option<Vec<String>>,
    historical_outcome: Option<Option<scenario::HistoricalOutcome>>,
}

/// Whether an example is a whole scenario (named `Scenario(` or not).
fn is_whole(code: &str) -> bool {
    let first = code
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .unwrap_or("");
    first.starts_with("Scenario(") || (first == "(" && code.contains("format_version"))
}

/// Loads one ```ron example of a document: a whole scenario through the loader and
/// validator; a `field: value` fragment as that field; a bare `( … )` value as the type
/// its section describes.
fn check_example(doc: &str, section: &str, code: &str) -> Result<(), String> {
    let first = code
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .unwrap_or("");
    // The fields of `Fields` are all optional: a fragment names one without `Some(…)`.
    let ron =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    if is_whole(code) {
        return load_str(doc, code).map(|_| ()).map_err(|d| d.to_string());
    }
    if first.starts_with('(') {
        // A value shown as a list item keeps its trailing comma.
        let code = code.trim_end().trim_end_matches(',');
        let result = match section {
            "Sources" => ron.from_str::<scenario::Source>(code).map(|_| ()),
            "Parties" => ron.from_str::<scenario::Party>(code).map(|_| ()),
            "Issues and options" => ron.from_str::<scenario::Issue>(code).map(|_| ()),
            "Levers" => ron.from_str::<scenario::Lever>(code).map(|_| ()),
            "Events" => ron.from_str::<scenario::Event>(code).map(|_| ()),
            "Injects" => ron.from_str::<scenario::Inject>(code).map(|_| ()),
            other => {
                return Err(format!(
                    "no type known for a bare value in section `{other}`"
                ));
            }
        };
        return result.map_err(|e| e.to_string());
    }
    ron.from_str::<Fields>(&format!("({code})"))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Every ```ron example in the format reference and the modding tutorial loads, so the
/// documents stay in step with the code.
#[test]
fn every_example_in_the_docs_loads() {
    for doc in ["docs/scenario-format.md", "docs/modding.md"] {
        let text = fs::read_to_string(doc).unwrap();
        let (mut section, mut examples, mut whole) = (String::new(), 0, 0);
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if let Some(h) = line.strip_prefix("## ") {
                section = h.trim().to_string();
            }
            if line.trim() != "```ron" {
                continue;
            }
            let code: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            let code = code.join("\n");
            if let Err(e) = check_example(doc, &section, &code) {
                panic!("{doc}, section `{section}`: example does not load:\n{e}\n{code}");
            }
            examples += 1;
            whole += usize::from(is_whole(&code));
        }
        assert!(examples >= 4, "{doc}: only {examples} examples found");
        assert!(whole >= 1, "{doc}: no complete scenario among its examples");
    }
}

fn errors_of(src: &str) -> Vec<String> {
    match load_str("case.ron", src) {
        Ok(_) => vec![],
        Err(d) => d
            .errors()
            .map(|d| format!("{}:{}: {} @ {}", d.line, d.column, d.message, d.path))
            .collect(),
    }
}

#[test]
fn events_waiting_on_each_other_in_a_loop_never_fire() {
    let src = common::MINIMAL
        .replace(
            "trigger: AtRound(3),",
            "trigger: When(EventFired(\"flood\")),",
        )
        .replace(
            "trigger: Random(probability: 0.3, when: EventFired(\"drought\")),",
            "trigger: When(EventFired(\"drought\")),",
        );
    let errors = errors_of(&src);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("event `drought` can never fire")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("event `flood` can never fire")),
        "{errors:?}"
    );
    // Broken out of the loop by another way in, both can fire.
    let src = src.replace(
        "trigger: When(EventFired(\"flood\")),",
        "trigger: When(Any([EventFired(\"flood\"), Round(2)])),",
    );
    assert_eq!(errors_of(&src), Vec::<String>::new());
}

#[test]
fn self_contradictory_conditions_are_found() {
    for cond in [
        "All([LeverUsed(\"chair_push\"), Not(LeverUsed(\"chair_push\"))])",
        "All([Round(2), RoundAtLeast(3)])",
        "Any([])",
        "Not(Always)",
        "BatnaBelow(party: \"north\", value: 0)",
        "BatnaAbove(party: \"chair\", value: 50)", // nothing moves the chair's BATNA of 20
        "MediatorAsked(\"chair\")",
    ] {
        let src =
            common::MINIMAL.replace("trigger: AtRound(3),", &format!("trigger: When({cond}),"));
        let errors = errors_of(&src);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("event `drought` can never fire")),
            "{cond}: {errors:?}"
        );
    }
    // And conditions that can hold pass.
    for cond in [
        "BatnaBelow(party: \"north\", value: 28)",
        "All([RoundAtLeast(2), Not(Round(4))])",
        "OfferRejected(by: \"south\", issue: Some(\"water\"))",
    ] {
        let src =
            common::MINIMAL.replace("trigger: AtRound(3),", &format!("trigger: When({cond}),"));
        assert_eq!(errors_of(&src), Vec::<String>::new(), "{cond}");
    }
}

#[test]
fn a_proposal_from_an_event_needs_a_mediator() {
    // Remove the chair (and its lever), then let an event table a text.
    let start = common::MINIMAL
        .find("        (\n            id: \"chair\",")
        .unwrap();
    let end =
        start + common::MINIMAL[start..].find("        ),\n    ],").unwrap() + "        ),\n".len();
    let mut src = common::MINIMAL.to_string();
    src.replace_range(start..end, "");
    let lstart = src.find("    levers: [").unwrap();
    let lend = lstart + src[lstart..].find("    ],\n").unwrap() + "    ],\n".len();
    src.replace_range(lstart..lend, "");
    let src = src.replace(
        "MoveBatna(party: \"south\", by: -5),",
        "Propose(package: {\"fish\": \"yes\"}),",
    );
    let errors = errors_of(&src);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("speaks for the mediator, and this scenario has none"),
        "{errors:?}"
    );
    assert!(errors[0].contains("events[0].effects[1]"));
}

/// `accord new-scenario` writes a template that validates and plays a full AI game, even
/// with a title that needs escaping.
#[test]
fn the_new_scenario_template_validates_and_plays() {
    let text = accord::cli::scenario_template("my-case", "My \"case\" \\ 2");
    let loaded = load_str("my-case.ron", &text).unwrap_or_else(|d| panic!("{d}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.model.scenario.meta.id, "my-case");
    assert_eq!(loaded.model.scenario.meta.title, "My \"case\" \\ 2");
    let model = std::sync::Arc::new(loaded.model);
    let game = accord::sim::simulate::play(&model, 1, &[]);
    assert!(game.outcome().is_some(), "the game ends");
    assert!(game.round() >= 2);
}

/// Every shipped scenario lints: a zone of agreement at the start, deals in some games,
/// nobody walking out in most.
#[test]
fn every_shipped_scenario_lints() {
    for entry in fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "ron") {
            continue;
        }
        let model = std::sync::Arc::new(load_file(&path).unwrap().model);
        let lint = accord::sim::lint::lint(&model, 40, 1, 2);
        assert!(lint.zone_size > 0, "{}: empty zone", path.display());
        for f in &lint.findings {
            assert!(
                !matches!(f.kind, "empty-zone" | "rare-agreement" | "party-walks-out"),
                "{}: {}",
                path.display(),
                f.message
            );
        }
    }
}

/// Lint reports what the minimal scenario does wrong: talks settled in round 2, before
/// its events can fire; options never agreed; a lever never used.
#[test]
fn lint_finds_events_that_never_fire_and_options_never_agreed() {
    let model = common::minimal();
    let lint = accord::sim::lint::lint(&model, 100, 1, 1);
    let kinds: Vec<&str> = lint.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&"event-never-fires"), "{kinds:?}");
    assert!(kinds.contains(&"option-never-agreed"), "{kinds:?}");
    assert!(kinds.contains(&"one-outcome"), "{kinds:?}");
    assert_eq!(lint.packages, 6);
    assert_eq!(lint.zone_size, 2);
    let drought = lint
        .findings
        .iter()
        .find(|f| f.message.contains("`drought`"))
        .unwrap();
    assert!(drought.message.contains("100 games"), "{}", drought.message);
}

/// The reference graphs that once made validation exponential or cubic load, with the
/// right verdict, whatever their shape (these tests assert results; `benches/engine.rs`
/// times the same inputs).
#[test]
fn no_reference_graph_makes_the_validator_slow_or_wrong() {
    use accord::sim::generate::{ReferenceShape, reference_graph};
    for (shape, n) in [
        (ReferenceShape::DoubledChain, 30),
        (ReferenceShape::DoubledChain, 2_000),
        (ReferenceShape::Chain, 2_000),
        (ReferenceShape::ReverseChain, 2_000),
        (ReferenceShape::Mesh, 2_000),
    ] {
        let src = reference_graph(shape, n);
        let loaded = load_str("graph.ron", &src)
            .unwrap_or_else(|d| panic!("{shape:?} {n}: every event can fire:\n{d}"));
        assert_eq!(loaded.model.scenario.events.len(), n);
    }
    // In a ring every event waits on the next: none can fire, and each is reported.
    let errors = errors_of(&reference_graph(ReferenceShape::Ring, 500));
    assert_eq!(errors.len(), 500, "{:?}", &errors[..3]);
    assert!(errors.iter().all(|e| e.contains("can never fire")));
    // Broken anywhere, a chain stops there: the events after the break never fire.
    let src = reference_graph(ReferenceShape::Chain, 1_000)
        .replace("When(EventFired(\"e499\"))", "When(EventFired(\"e500\"))");
    let errors = errors_of(&src);
    assert_eq!(
        errors.len(),
        500,
        "e500..e999 wait on each other or on e500"
    );
    // The largest file the loader takes: a chain of events up to its size limit.
    let mut n = 1_000;
    let src = loop {
        let src = reference_graph(ReferenceShape::Chain, n * 2);
        if src.len() > accord::sim::load::MAX_SOURCE_BYTES {
            break reference_graph(ReferenceShape::Chain, n);
        }
        n *= 2;
    };
    assert!(src.len() > accord::sim::load::MAX_SOURCE_BYTES / 2);
    assert!(load_str("big.ron", &src).is_ok());
}

/// Unknown references by the hundred get the error each, and "did you mean" only for
/// the first few (each suggestion compares against every known id); by the thousand, the
/// first `MAX_DIAGNOSTICS` are listed and the rest counted, so a report stays readable and
/// quick to make.
#[test]
fn unknown_references_by_the_thousand_are_reported_in_bounded_time() {
    use accord::sim::generate::{ReferenceShape, reference_graph};
    use accord::sim::validate::{MAX_DIAGNOSTICS, MAX_SUGGESTIONS};
    let unknown =
        |n| reference_graph(ReferenceShape::Chain, n).replace("EventFired(\"e", "EventFired(\"x");
    let errors = errors_of(&unknown(300));
    let count = |what: &str| errors.iter().filter(|e| e.contains(what)).count();
    assert_eq!(count("unknown event"), 299);
    assert_eq!(count("can never fire"), 299);
    assert_eq!(count("did you mean"), MAX_SUGGESTIONS);
    // 2,999 unknown references and 2,999 events that can never fire.
    let errors = errors_of(&unknown(3_000));
    assert_eq!(errors.len(), MAX_DIAGNOSTICS + 1);
    let more = 2 * 2_999 - MAX_DIAGNOSTICS;
    assert!(
        errors
            .iter()
            .any(|e| e.contains(&format!("{more} more problems not listed"))),
        "{:?}",
        &errors[..2]
    );
}

/// `accord validate` takes built-in ids as well as paths (a path wins when a file has that
/// name), as every scenario argument does; an unknown one is an error naming the ids.
#[test]
fn validate_takes_built_in_ids() {
    let accord = env!("CARGO_BIN_EXE_accord");
    let out = std::process::Command::new(accord)
        .args([
            "validate",
            "istanbul-2025",
            "river-valley",
            "scenarios/istanbul-2025.ron",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "istanbul-2025: valid",
        "river-valley: valid",
        "scenarios/istanbul-2025.ron: valid",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
    let out = std::process::Command::new(accord)
        .args(["validate", "istanbul-2026"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no built-in scenario of that id") && stderr.contains("istanbul-2025"),
        "{stderr}"
    );
}
