//! Random bilateral negotiation problems with opposing preferences, for benchmarks and
//! property tests: two delegations, `issues` issues of `options` options each, where
//! what one side values the other mostly does not.

use std::collections::BTreeMap;

use super::rng::Stream;
use super::scenario::*;

/// A two-party scenario with random opposing preferences. `deadline` in rounds.
pub fn bilateral(seed: u64, issues: usize, options: usize, deadline: u32) -> Scenario {
    let mut rng = Stream::new(seed, "generate:bilateral");
    let issue_ids: Vec<String> = (0..issues).map(|i| format!("issue{i}")).collect();
    let option_ids: Vec<String> = (0..options).map(|o| format!("o{o}")).collect();
    let party = |id: &str, flip: bool, rng: &mut Stream| {
        let mut preferences = BTreeMap::new();
        for issue in &issue_ids {
            let mut values = BTreeMap::new();
            for (o, option) in option_ids.iter().enumerate() {
                // Opposed: one side likes high options, the other low ones, with noise.
                let base = 100.0 * o as f64 / (options.max(2) - 1) as f64;
                let base = if flip { 100.0 - base } else { base };
                let noise = (rng.unit() - 0.5) * 30.0;
                values.insert(option.clone(), (base + noise).clamp(0.0, 100.0).round());
            }
            preferences.insert(
                issue.clone(),
                IssuePreference {
                    weight: (10.0 + rng.unit() * 90.0).round(),
                    values,
                },
            );
        }
        Party {
            id: id.to_string(),
            name: id.to_string(),
            kind: PartyKind::Delegation,
            label: id[..1].to_uppercase(),
            leader: String::new(),
            head_of_delegation: String::new(),
            colour: if flip {
                "#ff7f0e".into()
            } else {
                "#1f77b4".into()
            },
            shape: Shape::Circle,
            ally_of: None,
            public_line: format!("{id} says it wants a fair deal."),
            confidential_brief: format!("{id} wants the most it can get."),
            preferences,
            red_lines: Vec::new(),
            batna: (20.0 + rng.unit() * 25.0).round(),
            batna_description: String::new(),
            // Bilateral benchmark parties mean to conclude within the deadline.
            personality: Personality {
                toughness: 1.0,
                patience: 0.0,
                trust: 0.5,
                risk: 0.2,
            },
        }
    };
    let a = party("alpha", false, &mut rng);
    let b = party("beta", true, &mut rng);
    Scenario {
        format_version: FORMAT_VERSION,
        meta: Meta {
            id: format!("bilateral-{seed}"),
            title: "A random bilateral negotiation".into(),
            summary: "Two parties with opposing preferences.".into(),
            date: "2025-01-01".into(),
            language: "en".into(),
            authors: vec!["generated".into()],
            license: None,
            sources: Vec::new(),
            designer_notes: None,
            historical: false,
        },
        parties: vec![a, b],
        issues: issue_ids
            .iter()
            .map(|id| Issue {
                id: id.clone(),
                name: id.clone(),
                description: String::new(),
                options: option_ids
                    .iter()
                    .map(|o| IssueOption {
                        id: o.clone(),
                        label: o.clone(),
                        description: String::new(),
                    })
                    .collect(),
                status_quo: option_ids[0].clone(),
            })
            .collect(),
        option_rules: Vec::new(),
        rules: Rules {
            deadline,
            turn_order: vec!["alpha".into(), "beta".into()],
            nothing_agreed_until_all_agreed: true,
        },
        levers: Vec::new(),
        events: Vec::new(),
        injects: Vec::new(),
        debrief_questions: Vec::new(),
        historical_outcome: None,
    }
}

/// The same problem with `count` random option rules between options of different
/// issues (about half `Requires`, with one to three alternatives, half `Excludes`). A rule
/// that would leave no package allowed, or forbid the status quo, is drawn again (up to
/// a bound), so the problem stays one that can be agreed.
pub fn with_random_rules(mut s: Scenario, seed: u64, count: usize) -> Scenario {
    use super::links::Links;
    let mut rng = Stream::new(seed, "generate:option-rules");
    let issues = s.issues.len();
    if issues < 2 {
        return s;
    }
    let radix: Vec<usize> = s.issues.iter().map(|i| i.options.len()).collect();
    let pick = |rng: &mut Stream, not: Option<usize>| {
        let mut i = rng.below(issues as u64) as usize;
        if Some(i) == not {
            i = (i + 1 + rng.below(issues as u64 - 1) as usize) % issues;
        }
        let issue = &s.issues[i];
        let o = rng.below(issue.options.len() as u64) as usize;
        (
            i,
            OptionRef {
                issue: issue.id.clone(),
                option: issue.options[o].id.clone(),
            },
        )
    };
    let mut rules = Vec::new();
    let mut tries = 0;
    while rules.len() < count && tries < 20 * count.max(1) {
        tries += 1;
        let (i, option) = pick(&mut rng, None);
        let rule = if rng.unit() < 0.5 {
            let alternatives = 1 + rng.below(3) as usize;
            let (j, first) = pick(&mut rng, Some(i));
            let mut one_of = vec![first];
            for _ in 1..alternatives {
                let o = rng.below(radix[j] as u64) as usize;
                let r = OptionRef {
                    issue: s.issues[j].id.clone(),
                    option: s.issues[j].options[o].id.clone(),
                };
                if !one_of.contains(&r) {
                    one_of.push(r);
                }
            }
            OptionRule::Requires {
                option,
                one_of,
                why: String::new(),
            }
        } else {
            let (_, other) = pick(&mut rng, Some(i));
            OptionRule::Excludes {
                option,
                other,
                why: String::new(),
            }
        };
        rules.push(rule);
        let mut trial = s.clone();
        trial.option_rules = rules.clone();
        let links = Links::compile(&trial);
        let status_quo = trial.status_quo_package();
        let some_allowed = links
            .allowed(&radix)
            .is_none_or(|a| a.iter().filter(|x| **x).count() > 1);
        if !some_allowed || !links.allows(&status_quo) {
            rules.pop();
        }
    }
    s.option_rules = rules;
    s
}

/// Shapes of event and lever reference graphs that once made validation slow: the
/// worst cases of `benches/` and of the loader's tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceShape {
    /// Event `i` waits on `Any([EventFired(i-1), EventFired(i-1)])`: a path-by-path
    /// analysis doubles its work at every link.
    DoubledChain,
    /// Event `i` waits on event `i-1`; the first fires in round 1.
    Chain,
    /// Event `i` waits on event `i+1`; the last fires in round 1 (the chain read backwards).
    ReverseChain,
    /// A ring: every event waits on the next, so none can ever fire (one error each).
    Ring,
    /// Events and levers on each other, through `All`, `Any` and `Not`: event `i` waits on
    /// lever `i-1` or event `i/2`, and not on event `i-2`; lever `i` on event `i`.
    Mesh,
}

/// A valid-syntax scenario whose `n` events (and, for `Mesh`, `n` levers) reference each
/// other in `shape`, around a minimal two-delegation table with a mediator.
pub fn reference_graph(shape: ReferenceShape, n: usize) -> String {
    use std::fmt::Write;
    let n = n.max(1);
    let mut out = String::from(
        r##"Scenario(
    format_version: 1,
    meta: (id: "graph", title: "Reference graph", summary: "Generated.", date: "2025-01-01",
        authors: [], sources: [(id: "src", title: "T", publisher: "P", date: "2025-01-01")]),
    parties: [
        (id: "a", name: "A", kind: Delegation, label: "A", leader: "A", head_of_delegation: "A",
            colour: "#112233", public_line: "A.", confidential_brief: "A.",
            preferences: {"x": (weight: 1, values: {"no": 0, "yes": 100})}, batna: 10),
        (id: "b", name: "B", kind: Delegation, label: "B", leader: "B", head_of_delegation: "B",
            colour: "#445566", public_line: "B.", confidential_brief: "B.",
            preferences: {"x": (weight: 1, values: {"no": 0, "yes": 100})}, batna: 10),
        (id: "m", name: "M", kind: Mediator, label: "M", leader: "M", head_of_delegation: "M",
            colour: "#778899", public_line: "M.", confidential_brief: "M.",
            preferences: {"x": (weight: 1, values: {"no": 0, "yes": 100})}, batna: 10),
    ],
    issues: [(id: "x", name: "X", description: "X.", options: [
        (id: "no", label: "No", description: "No."), (id: "yes", label: "Yes", description: "Yes.")],
        status_quo: "no")],
    rules: (deadline: 10, turn_order: ["a", "b"]),
"##,
    );
    let effects = r#"effects: [News(headline: "N", text: "T")]"#;
    out.push_str("    levers: [\n");
    if shape == ReferenceShape::Mesh {
        for i in 0..n {
            let _ = writeln!(
                out,
                "        (id: \"l{i}\", owner: \"m\", kind: Statement, name: \"L\", description: \"D\", \
                 public_text: \"P\", enabled_when: EventFired(\"e{i}\"), {effects}),"
            );
        }
    }
    out.push_str("    ],\n    events: [\n");
    for i in 0..n {
        let trigger = match shape {
            ReferenceShape::DoubledChain | ReferenceShape::Chain if i == 0 => {
                "AtRound(1)".to_string()
            }
            ReferenceShape::DoubledChain => {
                format!(
                    "When(Any([EventFired(\"e{}\"), EventFired(\"e{}\")]))",
                    i - 1,
                    i - 1
                )
            }
            ReferenceShape::Chain => format!("When(EventFired(\"e{}\"))", i - 1),
            ReferenceShape::ReverseChain if i + 1 == n => "AtRound(1)".to_string(),
            ReferenceShape::ReverseChain => format!("When(EventFired(\"e{}\"))", i + 1),
            ReferenceShape::Ring => format!("When(EventFired(\"e{}\"))", (i + 1) % n),
            ReferenceShape::Mesh if i == 0 => "AtRound(1)".to_string(),
            ReferenceShape::Mesh => format!(
                "When(All([Any([LeverUsed(\"l{}\"), EventFired(\"e{}\")]), Not(EventFired(\"e{}\"))]))",
                i - 1,
                i / 2,
                i.saturating_sub(2)
            ),
        };
        let _ = writeln!(
            out,
            "        (id: \"e{i}\", name: \"E\", trigger: {trigger}, {effects}),"
        );
    }
    out.push_str("    ],\n)\n");
    out
}
