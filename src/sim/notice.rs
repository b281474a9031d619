//! The notices that go with every text a student reads (issue 12, MODEL.md "Who sees
//! what"): briefs and handouts are role-play, the numbers are the designer's assumptions,
//! and what the AI says in play is simulated. One wording for the screens and the reports.

use super::scenario::Meta;

/// Beside every brief, handout and report page.
pub const ROLE_PLAY: &str = "A role-play text written for Accord, a negotiation game: not a \
real document, statement or position of any government or person.";

/// For a scenario about real events: its positions are attributed and sourced.
pub const HISTORICAL: &str = "Positions are attributed to the parties that hold them and \
drawn from the sources listed; the confidential briefs argue each side in its own voice.";

/// Wherever values, weights or walk-away values are shown.
pub const ASSUMPTIONS: &str = "The numbers (weights, values, red lines, walk-away values) are \
the scenario designer's assumptions, not measurements of any government's real preferences.";

/// Appended to anything the AI says or does in play.
pub const SIMULATED: &str = "(simulated)";

/// The role-play line for a scenario: with the note on attribution when it portrays real
/// events.
pub fn role_play(meta: &Meta) -> String {
    if meta.historical {
        format!("{ROLE_PLAY} {HISTORICAL}")
    } else {
        ROLE_PLAY.to_string()
    }
}
