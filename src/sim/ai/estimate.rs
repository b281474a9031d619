//! What one party believes about another delegation's preferences, learned only from what
//! it can see: the packages that delegation proposed, the offers it rejected and why, and
//! its structured statements. A frequency model in the manner of the automated-negotiation
//! literature (options a party keeps proposing are worth more to it; issues on which it
//! never moves weigh more), plus a running estimate of its BATNA.

use crate::sim::action::StanceKind;
use crate::sim::ai::reason::PublicReason;
use crate::sim::model::Prefs;
use crate::sim::observe::Observation;
use crate::sim::scenario::PartyKind;
use crate::sim::transcript::{Kind, Logged};

/// Beliefs about one delegation, on the normalised 0–1 scale.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// Issue weights, summing to 1.
    pub weights: Vec<f64>,
    /// `values[issue][option]` in 0–1.
    pub values: Vec<Vec<f64>>,
    /// Options believed to be red lines: a package with one is worth 0.
    pub vetoed: Vec<Vec<bool>>,
    /// Estimated BATNA, 0–1.
    pub batna: f64,
    /// How often each option appeared in the party's own offers (plus stance evidence).
    counts: Vec<Vec<f64>>,
    /// The party's previous offer, to see on which issues it moved.
    last_offer: Option<Vec<Option<usize>>>,
    /// Lowest estimated utility among the party's own offers: it has accepted to go there.
    lowest_own: Option<f64>,
    /// Estimated utility of texts it rejected: its BATNA, or its aspiration, is above.
    highest_rejected: Option<f64>,
    observations: u32,
}

/// How strongly issue weights move when a party holds firm on an issue.
const FIRMNESS_STEP: f64 = 0.3;

impl Estimate {
    /// Knowing nothing yet: every issue weighs the same; the status quo is worth little,
    /// every other option a middling amount; the BATNA is guessed at the middle.
    pub fn uninformed(option_counts: &[usize], status_quo: &[usize]) -> Estimate {
        let n = option_counts.len().max(1) as f64;
        Estimate {
            weights: vec![1.0 / n; option_counts.len()],
            values: option_counts
                .iter()
                .zip(status_quo)
                .map(|(&k, &sq)| (0..k).map(|o| if o == sq { 0.3 } else { 0.5 }).collect())
                .collect(),
            batna: 0.4,
            vetoed: option_counts.iter().map(|&k| vec![false; k]).collect(),
            counts: option_counts.iter().map(|&k| vec![0.0; k]).collect(),
            last_offer: None,
            lowest_own: None,
            highest_rejected: None,
            observations: 0,
        }
    }

    /// Full disclosure: the party's true preferences (for tests and for the debrief).
    pub fn from_truth(prefs: &Prefs) -> Estimate {
        let mut e = Estimate::uninformed(
            &prefs.values.iter().map(Vec::len).collect::<Vec<_>>(),
            &vec![0; prefs.values.len()],
        );
        e.weights = prefs.weights.clone();
        e.values = prefs
            .values
            .iter()
            .zip(&prefs.red)
            .map(|(vs, red)| {
                vs.iter()
                    .zip(red)
                    .map(|(v, r)| if *r { 0.0 } else { v / 100.0 })
                    .collect()
            })
            .collect();
        e.batna = prefs.batna / 100.0;
        e.vetoed = prefs.red.clone();
        e.observations = u32::MAX;
        e
    }

    /// Estimated utility (0–1) of a complete package.
    pub fn utility(&self, package: &[usize]) -> f64 {
        let mut u = 0.0;
        for (i, &o) in package.iter().enumerate() {
            if self.vetoed[i][o] {
                return 0.0;
            }
            u += self.weights[i] * self.values[i][o];
        }
        u
    }

    /// The party proposed this (possibly partial) offer.
    pub fn saw_offer(&mut self, offer: &[Option<usize>], completed: &[usize]) {
        self.observations = self.observations.saturating_add(1);
        for (i, o) in offer.iter().enumerate() {
            if let Some(o) = o {
                self.counts[i][*o] += 1.0;
            }
        }
        if let Some(last) = &self.last_offer {
            for (i, (a, b)) in last.iter().zip(offer).enumerate() {
                if a.is_some() && a == b {
                    self.weights[i] += FIRMNESS_STEP;
                }
            }
            normalise(&mut self.weights);
        }
        match &mut self.last_offer {
            Some(last) => {
                last.clear();
                last.extend_from_slice(offer);
            }
            None => self.last_offer = Some(offer.to_vec()),
        }
        self.refresh_values();
        let u = self.utility(completed);
        self.lowest_own = Some(self.lowest_own.map_or(u, |l: f64| l.min(u)));
        self.refresh_batna();
    }

    /// The party said where it stands on an option; `trust` (0–1) is how far we believe it.
    pub fn saw_stance(&mut self, issue: usize, option: usize, stance: StanceKind, trust: f64) {
        let Some(c) = self.counts.get_mut(issue).and_then(|c| c.get_mut(option)) else {
            return;
        };
        match stance {
            StanceKind::Demand => {
                *c += 2.0 * trust;
                self.weights[issue] += FIRMNESS_STEP * trust;
                normalise(&mut self.weights);
            }
            StanceKind::OpenTo => *c += trust,
            StanceKind::Reject => {
                *c = (*c - 2.0 * trust).max(-1.0);
                // Believed as a red line when said to someone who takes it at its word.
                if trust >= 0.5 {
                    self.vetoed[issue][option] = true;
                }
            }
        }
        // Only this issue's counts moved: the others' values already follow theirs.
        self.refresh_issue(issue);
    }

    /// The party rejected a text; `issue` is the reason it gave, if any.
    pub fn saw_rejection(&mut self, completed: &[usize], issue: Option<usize>) {
        if let Some(i) = issue
            && i < self.weights.len()
        {
            self.weights[i] += FIRMNESS_STEP;
            normalise(&mut self.weights);
        }
        let u = self.utility(completed);
        self.highest_rejected = Some(self.highest_rejected.map_or(u, |h: f64| h.max(u)));
        self.refresh_batna();
    }

    /// Values follow the counts: an option's value is its count against the favourite's.
    fn refresh_values(&mut self) {
        for i in 0..self.values.len().min(self.counts.len()) {
            self.refresh_issue(i);
        }
    }

    fn refresh_issue(&mut self, issue: usize) {
        let (Some(vals), Some(counts)) = (self.values.get_mut(issue), self.counts.get(issue))
        else {
            return;
        };
        // Counts are finite: the plain comparison finds the same maximum as `f64::max`.
        let mut max = 0.0;
        for &c in counts {
            if c > max {
                max = c;
            }
        }
        if max <= 0.0 {
            return;
        }
        for (v, c) in vals.iter_mut().zip(counts) {
            // Options never proposed keep a floor; the favourite is worth 1.
            *v = (c.max(0.0) + 0.5) / (max + 0.5);
        }
    }

    /// A party does not go below its BATNA, and turned down what it rejected: the BATNA
    /// is guessed a little under the least it has offered, and above what it refused.
    fn refresh_batna(&mut self) {
        let mut b = self.lowest_own.map_or(0.4, |l| l * 0.85);
        if let Some(r) = self.highest_rejected {
            b = b.max(r * 0.9);
        }
        if let Some(l) = self.lowest_own {
            b = b.min(l - 0.01);
        }
        self.batna = b.clamp(0.0, 0.99);
    }
}

fn normalise(w: &mut [f64]) {
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        for x in w.iter_mut() {
            *x /= total;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_offers_raise_values_and_weights() {
        let mut e = Estimate::uninformed(&[3, 2], &[0, 0]);
        for _ in 0..3 {
            e.saw_offer(&[Some(2), Some(1)], &[2, 1]);
        }
        e.saw_offer(&[Some(2), Some(0)], &[2, 0]);
        assert!(e.values[0][2] > e.values[0][1]);
        // Issue 0 never moved; issue 1 did once.
        assert!(e.weights[0] > e.weights[1]);
        assert!(e.batna < e.utility(&[2, 1]));
    }
}

/// One party's beliefs about every other delegation, kept up to date from the
/// transcript entries it can see.
#[derive(Debug, Clone)]
pub struct Beliefs {
    /// By party index; `None` for parties not modelled (itself, allies, mediators).
    pub models: Vec<Option<Estimate>>,
    /// How far the transcript has been read.
    read: usize,
    /// How far statements are believed (0–1).
    trust: f64,
    /// A package reused while reading (offers completed with the current state).
    scratch: Vec<usize>,
    /// How many times reading has changed a model: what depends on the estimates only
    /// needs computing again when this moves.
    changes: u64,
}

impl Beliefs {
    /// Beliefs about every delegation other than the observer.
    pub fn new(obs: &Observation, trust: f64) -> Beliefs {
        let counts = obs.option_counts();
        let sq = obs.status_quo();
        Beliefs {
            models: (0..obs.party_count())
                .map(|p| {
                    (p != obs.me() && obs.kind_of(p) == PartyKind::Delegation)
                        .then(|| Estimate::uninformed(&counts, sq))
                })
                .collect(),
            read: 0,
            trust,
            scratch: Vec::new(),
            changes: 0,
        }
    }

    /// The count of changes [`Beliefs::update`] has made to the models (changes made
    /// through `models` directly are not counted).
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// The estimates, in party order.
    pub fn estimates(&self) -> Vec<&Estimate> {
        self.models.iter().flatten().collect()
    }

    /// The estimates with the party index of each.
    pub fn indexed(&self) -> Vec<(usize, &Estimate)> {
        self.models
            .iter()
            .enumerate()
            .filter_map(|(p, m)| m.as_ref().map(|m| (p, m)))
            .collect()
    }

    /// Reads the entries that are new since the last call into the models, and hands
    /// each to `seen` for the caller's own bookkeeping.
    pub fn update<'a>(&mut self, obs: &Observation<'a>, mut seen: impl FnMut(&'a Logged)) {
        let from = self.read;
        self.read = obs.transcript_len();
        let new = obs.entries_since(from);
        let offers = obs.offers();
        for entry in new {
            seen(entry);
            match &entry.kind {
                Kind::Proposed { offer, .. } => {
                    if let Some(o) = crate::sim::game::offer_by_id(offers, *offer)
                        && let Some(author) = o.author
                        && let Some(Some(m)) = self.models.get_mut(author)
                    {
                        obs.complete_into(&o.package, &mut self.scratch);
                        m.saw_offer(&o.package, &self.scratch);
                        self.changes += 1;
                    }
                }
                Kind::Rejected { by, offer, reason } => {
                    if let Some(o) = crate::sim::game::offer_by_id(offers, *offer)
                        && let Some(Some(m)) = self.models.get_mut(*by)
                    {
                        let issue = reason.as_ref().and_then(|r| r.issue);
                        obs.complete_into(&o.package, &mut self.scratch);
                        m.saw_rejection(&self.scratch, issue);
                        self.changes += 1;
                    }
                }
                // A party that says an option crosses its red line is taken at its word:
                // packages with it are worth nothing to that party. (Public reasons are
                // words for the table, by id.)
                Kind::Explained { by, reason } => {
                    if let PublicReason::RedLine { issue, option } = &**reason
                        && let Some(Some(m)) = self.models.get_mut(*by)
                        && let Some(i) = obs.issues().iter().position(|x| x.id == *issue)
                        && let Some(o) =
                            obs.issues()[i].options.iter().position(|x| x.id == *option)
                    {
                        m.vetoed[i][o] = true;
                        self.changes += 1;
                    }
                }
                Kind::Statement { by, stances, .. } => {
                    if let Some(Some(m)) = self.models.get_mut(*by) {
                        for s in stances {
                            m.saw_stance(s.issue, s.option, s.stance, self.trust);
                        }
                        self.changes += 1;
                    }
                }
                _ => {}
            }
        }
    }
}
