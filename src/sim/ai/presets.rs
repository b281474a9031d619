//! Difficulty presets: personality sets for the player's AI opponents.

use crate::sim::scenario::{PartyKind, Personality};

/// (name, description). `scenario` keeps the personality the scenario gives.
pub const PRESETS: &[(&str, &str)] = &[
    ("scenario", "as the scenario describes the delegation"),
    (
        "easy",
        "concedes early, believes what it is told, settles near its walk-away value",
    ),
    (
        "normal",
        "concedes steadily, takes statements with a grain of salt",
    ),
    (
        "hard",
        "holds out until late, trusts little, asks for a wide margin over its alternative",
    ),
];

/// The personality for a preset; unknown names keep the scenario's personality.
pub fn personality(preset: &str, scenario: &Personality) -> Personality {
    match preset {
        "easy" => Personality {
            toughness: 2.5,
            patience: 0.2,
            trust: 0.8,
            risk: 0.1,
        },
        "normal" => Personality {
            toughness: 1.0,
            patience: 0.5,
            trust: 0.5,
            risk: 0.4,
        },
        "hard" => Personality {
            toughness: 0.35,
            patience: 0.8,
            trust: 0.25,
            risk: 0.8,
        },
        _ => *scenario,
    }
}

/// How far an ally or a mediator played by the AI believes the delegations' statements
/// when no preset changes it: half (MODEL.md's third parties, and every scenario's until
/// presets reached them).
pub const THIRD_PARTY_TRUST: f64 = 0.5;

/// The personality the AI plays a seat with under a preset. A delegation takes the
/// preset's personality (`scenario`: the file's). An ally or a mediator takes from a preset
/// only its `trust`, how far it believes what the delegations say, which shapes its
/// estimates and so its levers and texts; with `scenario` it keeps
/// [`THIRD_PARTY_TRUST`], as it always has (the other fields concern a delegation's
/// concessions and are not read for third parties).
pub fn seat_personality(kind: PartyKind, preset: &str, scenario: &Personality) -> Personality {
    match kind {
        PartyKind::Delegation => personality(preset, scenario),
        PartyKind::Ally | PartyKind::Mediator => Personality {
            trust: if preset == "scenario" || !is_preset(preset) {
                THIRD_PARTY_TRUST
            } else {
                personality(preset, scenario).trust
            },
            ..*scenario
        },
    }
}

/// The presets' names, for messages: `scenario, easy, normal, hard`.
pub fn names() -> String {
    PRESETS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn is_preset(name: &str) -> bool {
    PRESETS.iter().any(|(n, _)| *n == name)
}
