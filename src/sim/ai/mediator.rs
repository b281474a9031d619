//! An AI mediator: single negotiating text on estimated preferences (MODEL.md, "Mediator").
//!
//! It estimates each delegation's preferences and BATNA from what a mediator can see —
//! offers, rejections, stated positions, never hidden values. When a delegation asks, or
//! the talks stall, it puts forward a text: first the issues it estimates every
//! delegation would gain on by themselves (confidence-building measures), then a full text
//! that it estimates every delegation prefers to its BATNA and that maximises the
//! estimated Nash product. A rejected text teaches it about the BATNA of whoever rejected
//! it, and the next text is revised. Its levers are weighed like an ally's, by estimated
//! gain minus cost.

use crate::sim::action::Move;
use crate::sim::game::Explanation;
use crate::sim::observe::Observation;
use crate::sim::transcript::Kind;

use super::Decision;
use super::ally::{LeverEvaluator, lever_decision};
use super::estimate::{Beliefs, Estimate};
use super::reason::{PublicReason, Rationale};
use super::space::Space;
use crate::sim::links::Links;

#[derive(Debug, Clone)]
pub struct MediatorAi {
    me: usize,
    space: Space,
    /// What it estimates of each delegation, statements weighted by its trust.
    beliefs: Beliefs,
    /// Texts put forward and rejected: not proposed again.
    rejected_texts: Vec<Vec<usize>>,
    last_text_round: Option<u32>,
    last_progress: u32,
    asked_since_text: bool,
}

impl MediatorAi {
    /// `trust`: how far it believes the delegations' statements (0–1).
    pub fn new(obs: &Observation, trust: f64) -> MediatorAi {
        MediatorAi {
            me: obs.me(),
            space: Space::new(obs.option_counts()),
            beliefs: Beliefs::new(obs, trust),
            rejected_texts: Vec::new(),
            last_text_round: None,
            last_progress: 1,
            asked_since_text: false,
        }
    }

    /// Full disclosure (tests): the mediator is told every delegation's true preferences.
    pub fn disclose(&mut self, party: usize, estimate: Estimate) {
        if let Some(slot) = self.beliefs.models.get_mut(party) {
            *slot = Some(estimate);
        }
    }

    fn observe(&mut self, obs: &Observation) {
        let me = self.me;
        let (last_progress, rejected_texts, asked_since_text) = (
            &mut self.last_progress,
            &mut self.rejected_texts,
            &mut self.asked_since_text,
        );
        self.beliefs.update(obs, |entry| match &entry.kind {
            Kind::Proposed { by, .. } if *by != Some(me) => {
                *last_progress = entry.round;
            }
            Kind::Rejected { offer, .. } => {
                if let Some(o) = crate::sim::game::offer_by_id(obs.offers(), *offer)
                    && o.author == Some(me)
                {
                    rejected_texts.push(obs.complete(&o.package));
                }
            }
            Kind::AskedMediator { .. } => *asked_since_text = true,
            Kind::Settled { .. } => *last_progress = entry.round,
            _ => {}
        });
    }

    fn estimates(&self) -> Vec<&Estimate> {
        self.beliefs.estimates()
    }

    /// Open issues on which some option is, by estimate, better than the current one for
    /// every delegation: the easy, confidence-building part. Each with its best option.
    pub fn easy_issues(&self, obs: &Observation) -> Vec<(usize, usize)> {
        let current = obs.current_package();
        let est = self.estimates();
        let mut out = Vec::new();
        for (i, issue) in obs.issues().iter().enumerate() {
            if obs.settled()[i].is_some() || obs.locked()[i].is_some() {
                continue;
            }
            let c = current[i];
            let mut best: Option<(usize, f64)> = None;
            for o in 0..issue.options.len() {
                if o == c {
                    continue;
                }
                let gains: Vec<f64> = est
                    .iter()
                    .map(|e| e.values[i][o] - e.values[i][c])
                    .collect();
                if gains.iter().all(|g| *g > 0.0) {
                    let product: f64 = gains.iter().product();
                    if best.is_none_or(|(_, b)| product > b) {
                        best = Some((o, product));
                    }
                }
            }
            if let Some((o, _)) = best {
                out.push((i, o));
            }
        }
        out
    }

    /// The next text: the easy issues if there are any not yet tried, else the full text
    /// that maximises the estimated Nash product.
    pub fn next_text(&self, obs: &Observation) -> Option<(Vec<Option<usize>>, Vec<usize>)> {
        let easy = allowed_together(obs.links(), obs.current_package(), self.easy_issues(obs));
        if !easy.is_empty() {
            let mut partial = vec![None; obs.issues().len()];
            for &(i, o) in &easy {
                partial[i] = Some(o);
            }
            let completed = obs.complete(&partial);
            if !self.rejected_texts.contains(&completed) {
                return Some((partial, easy.iter().map(|(i, _)| *i).collect()));
            }
        }
        let fixed = obs.fixed();
        let (package, _) = obs.text_memo().nash_text(
            &self.space,
            &self.estimates(),
            &fixed,
            &self.rejected_texts,
            obs.links(),
        )?;
        let partial: Vec<Option<usize>> = package
            .iter()
            .zip(&fixed)
            .map(|(o, f)| if f.is_some() { None } else { Some(*o) })
            .collect();
        if partial.iter().all(Option::is_none) {
            return None;
        }
        let named = (0..partial.len())
            .filter(|&i| partial[i].is_some())
            .collect();
        Some((partial, named))
    }

    pub fn decide(&mut self, obs: &Observation) -> Decision {
        self.observe(obs);
        let round = obs.round();
        let prefs = obs.my_prefs();
        let mut rationale = Rationale {
            batna: prefs.batna,
            ..Rationale::default()
        };
        // A lever worth more than it costs comes first (e.g. a bridging proposal).
        let evaluator = LeverEvaluator::new(obs, &self.space, self.beliefs.indexed());
        if let Some(decision) = lever_decision(obs, &evaluator) {
            return decision;
        }
        let my_text_standing = obs.standing_offers().any(|o| o.author == Some(self.me));
        let stalled = round >= self.last_progress + 2;
        let due = self.asked_since_text
            || (stalled && !my_text_standing)
            || (round >= 2 && self.last_text_round.is_none());
        if due && let Some((partial, named)) = self.next_text(obs) {
            let completed = obs.complete(&partial);
            let already = obs
                .standing_offers()
                .any(|o| o.author == Some(self.me) && obs.complete(&o.package) == completed);
            if !already {
                self.asked_since_text = false;
                self.last_text_round = Some(round);
                rationale.decision = "propose a text".into();
                rationale.own_proposal_utility = Some(prefs.utility(&completed));
                for (p, m) in self.beliefs.models.iter().enumerate() {
                    if let Some(m) = m {
                        rationale.beliefs.push((
                            std::sync::Arc::from(obs.id_of(p)),
                            m.utility(&completed),
                            m.batna,
                        ));
                    }
                }
                let first = named.iter().map(|&i| obs.issues()[i].id.clone()).collect();
                return Decision {
                    action: Move::Propose {
                        package: partial,
                        note: None,
                    },
                    explanation: Explanation {
                        public: Some(std::sync::Arc::new(PublicReason::MediatorText { first })),
                        rationale: std::sync::Arc::new(rationale),
                    },
                };
            }
        }
        rationale.decision = "pass".into();
        Decision::new(Move::Pass, None, rationale)
    }
}

/// What a human mediator's staff suggest: the text the AI mediator would table now, and
/// the public reason it would give.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// An option per issue, `None` where the text leaves the issue out.
    pub package: Vec<Option<usize>>,
    pub reason: PublicReason,
}

/// The staff's suggestion for the mediator seat `obs` observes: the AI mediator's next
/// text, read from that seat's observation alone (offers, rejections, statements, never a
/// delegation's hidden values), whether or not the AI would table it this round. `None`
/// when it finds no text it estimates every delegation prefers to its BATNA, or when that
/// text already stands.
pub fn staff_suggestion(obs: &Observation) -> Option<Suggestion> {
    let mut staff = MediatorAi::new(obs, crate::sim::ai::presets::THIRD_PARTY_TRUST);
    staff.observe(obs);
    let (package, named) = staff.next_text(obs)?;
    let completed = obs.complete(&package);
    let standing = obs
        .standing_offers()
        .any(|o| o.author == Some(obs.me()) && obs.complete(&o.package) == completed);
    if standing {
        return None;
    }
    let first = named.iter().map(|&i| obs.issues()[i].id.clone()).collect();
    Some(Suggestion {
        package,
        reason: PublicReason::MediatorText { first },
    })
}

/// Of the easy issues, those the option rules allow to settle together from `current`
/// (the package as it stands): each in turn, kept when the completed package stays
/// allowed, until nothing more can be added (an option that needs another easy one comes
/// in once that one is in).
fn allowed_together(
    links: &Links,
    mut current: Vec<usize>,
    easy: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    if links.is_empty() {
        return easy;
    }
    let mut taken = vec![false; easy.len()];
    loop {
        let mut added = false;
        for (t, &(i, o)) in easy.iter().enumerate() {
            if taken[t] {
                continue;
            }
            let before = current[i];
            current[i] = o;
            if links.allows(&current) {
                taken[t] = true;
                added = true;
            } else {
                current[i] = before;
            }
        }
        if !added {
            break;
        }
    }
    easy.into_iter()
        .zip(taken)
        .filter_map(|(e, t)| t.then_some(e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::links::Link;

    #[test]
    fn easy_issues_are_tabled_only_as_far_as_the_rules_let_them_settle_together() {
        let links = Links {
            links: vec![
                // (0,1) never with (1,1); (2,1) only with (0,1).
                Link::Excludes {
                    option: (0, 1),
                    other: (1, 1),
                },
                Link::Requires {
                    option: (2, 1),
                    one_of: vec![(0, 1)],
                },
            ],
            texts: vec![String::new(); 2],
        };
        // (2,1) first: it needs (0,1), which comes next; (1,1) then clashes with (0,1).
        let easy = vec![(2, 1), (0, 1), (1, 1)];
        assert_eq!(
            allowed_together(&links, vec![0, 0, 0], easy.clone()),
            vec![(2, 1), (0, 1)]
        );
        assert_eq!(
            allowed_together(&Links::default(), vec![0, 0, 0], easy.clone()),
            easy
        );
        // With (1,1) settled already, neither (0,1) nor (2,1) can come.
        assert_eq!(allowed_together(&links, vec![0, 1, 0], easy), vec![(1, 1)]);
    }
}
