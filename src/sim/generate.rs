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
