//! Difficulty presets: personality sets for the player's AI opponents.

use crate::sim::scenario::Personality;

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

pub fn is_preset(name: &str) -> bool {
    PRESETS.iter().any(|(n, _)| *n == name)
}
