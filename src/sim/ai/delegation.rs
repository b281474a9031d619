//! An AI delegation: a time-dependent concession strategy (Faratin et al.) with an
//! opponent model.
//!
//! Its aspiration falls from its best package towards its BATNA as the deadline nears, at
//! a pace set by its personality (`toughness` is the concession exponent: below 1 it holds
//! out, "Boulware"; above 1 it concedes early). It proposes the package that keeps its own
//! utility above that aspiration while giving the other side as much as it believes they
//! want; it accepts an offer that beats what it would propose next and its BATNA, and never
//! one across its red lines; it walks out when no package can beat its BATNA. Allies' and
//! events' moves reach it through its own BATNA and values, which it re-reads every turn.

use crate::sim::action::{Move, MoveReason, MoveStance, OfferId, StanceKind};
use crate::sim::game::Offer;
use crate::sim::model::Prefs;
use crate::sim::observe::Observation;
use crate::sim::rng::Stream;
use crate::sim::scenario::{Personality, TOUGHNESS_RANGE};
use crate::sim::transcript::Kind;

use super::Decision;
use super::estimate::Beliefs;
use super::reason::{PublicReason, Rationale};
use super::space::Space;
use crate::sim::game::OfferStatus;
use crate::sim::model::{UtilityTable, same_utility};
use std::sync::Arc;

/// How strongly a fall in its walk-away value makes a delegation concede: a fall of
/// 1/PRESSURE_RESPONSE of the gap between its BATNA and its best package brings it all the
/// way down to its floor.
const PRESSURE_RESPONSE: f64 = 2.5;

/// The weight of its own utility in the score of a package it might propose: ties in what
/// the others get go towards what it likes best.
const TIE: f64 = 1e-6;
/// How far above its aspiration (points of own utility) a delegation bids. Proposals
/// track the aspiration: a party that offered whatever it estimated the others value
/// most, at any utility above its aspiration, would offer far more to itself than it
/// needs wherever its estimate of the others is poor, and the deal would follow the
/// errors of its estimate instead of the concessions of both sides.
const BID_WINDOW: f64 = 5.0;

/// The length of a row of the search's per-option tables: every option a package's `u8`
/// can name, so that reading an option's row needs no bounds check.
const ROW: usize = 256;

/// How far below the aspiration a package still counts as reaching it (rounding).
const SLACK: f64 = 1e-9;

/// Buffers reused from one decision to the next.
#[derive(Debug, Clone, Default)]
struct Scratch {
    contributions: Vec<f64>,
    package: Vec<usize>,
    /// The search last made: what it depended on and what it found. A search depends only
    /// on the estimates, the usable packages and where the window lies among them; the
    /// window moves only when the aspiration crosses a package's utility, so between
    /// rounds in which nothing is learnt the same search need not run again.
    last_search: Option<(SearchKey, Option<usize>)>,
    /// The count of belief changes `contributions` was built for.
    contributions_of: Option<u64>,
    /// The scores of the packages in the window.
    scores: Vec<f64>,
}

/// What a search depends on (see [`Scratch::last_search`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct SearchKey {
    beliefs: u64,
    usable: u64,
    start: usize,
    end: usize,
}

/// Packages a decision builds, kept between decisions so that they are not allocated
/// each time.
#[derive(Debug, Clone, Default)]
struct Buffers {
    /// Per issue, the settled or locked option.
    fixed: Vec<Option<usize>>,
    /// The issues neither settled nor locked.
    open: Vec<usize>,
    /// The package as it stands.
    current: Vec<usize>,
    /// The options of the package it would propose.
    candidate: Vec<usize>,
    /// Positions of the offers on the table among all offers.
    standing: Vec<usize>,
}

/// The packages a search may return: those consistent with what is settled or locked and
/// worth more than nothing, in the table's order (decreasing own utility). The list is
/// read from the table lazily, only as far down as a search has needed, and when one more
/// issue settles it is narrowed, not read again: issues settle a few times a game, and
/// searches rarely reach far below the best packages.
#[derive(Debug, Clone, Default)]
struct Usable {
    /// What was fixed when the list was begun; `None` until it is, and when the table
    /// changes.
    fixed: Option<Vec<Option<usize>>>,
    /// The issues fixed and their options.
    pairs: Vec<(usize, u8)>,
    /// With something fixed: how many of the table's packages the list has read.
    scanned: usize,
    /// With something fixed: positions in the table's order of the usable packages read
    /// so far, their utilities and their options (flattened). With nothing fixed these
    /// stay empty and the table's own prefix of packages worth more than nothing serves.
    at: Vec<u32>,
    utils: Vec<f64>,
    options: Vec<u8>,
    /// The length of the table's prefix of packages worth more than nothing.
    prefix: usize,
    /// How many times the list has been begun or narrowed. Reading further down only
    /// appends to it: the packages it already holds keep their positions.
    builds: u64,
}

impl Usable {
    fn refresh(&mut self, table: &UtilityTable, fixed: &[Option<usize>]) {
        if self.fixed.as_deref() == Some(fixed) {
            return;
        }
        let n = fixed.len().max(1);
        // Settling or locking one more issue narrows the list begun for what was fixed
        // before: filter what it holds on the newly fixed issues.
        let narrows = self.fixed.as_deref().is_some_and(|before| {
            before.len() == fixed.len()
                && before.iter().any(Option::is_some)
                && before.iter().zip(fixed).all(|(b, f)| b.is_none() || b == f)
        });
        if narrows {
            let before = self.fixed.as_deref().unwrap_or_default();
            let newly: Vec<(usize, u8)> = (0..fixed.len())
                .filter_map(|i| match (fixed[i], before[i]) {
                    (Some(o), None) => Some((i, o as u8)),
                    _ => None,
                })
                .collect();
            let mut kept = 0;
            for k in 0..self.at.len() {
                let options = &self.options[k * n..(k + 1) * n];
                if newly.iter().all(|&(i, o)| options[i] == o) {
                    self.at[kept] = self.at[k];
                    self.utils[kept] = self.utils[k];
                    self.options.copy_within(k * n..(k + 1) * n, kept * n);
                    kept += 1;
                }
            }
            self.at.truncate(kept);
            self.utils.truncate(kept);
            self.options.truncate(kept * n);
        } else {
            self.at.clear();
            self.utils.clear();
            self.options.clear();
            self.scanned = 0;
            self.prefix = table.sorted[..table.order.len()].partition_point(|&u| u > 0.0);
        }
        self.pairs.clear();
        self.pairs.extend(
            fixed
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.map(|o| (i, o as u8))),
        );
        self.fixed = Some(fixed.to_vec());
        self.builds += 1;
    }

    /// Reads further down the table until the list holds every usable package worth at
    /// least `floor`, and at least one if there is one.
    fn extend_to(&mut self, table: &UtilityTable, floor: f64) {
        if self.pairs.is_empty() {
            return;
        }
        let n = table.options.len() / table.order.len().max(1);
        while self.scanned < self.prefix {
            let at = self.scanned;
            let u = table.sorted[at];
            if u < floor && !self.at.is_empty() {
                break;
            }
            self.scanned += 1;
            let options = &table.options[at * n..(at + 1) * n];
            if self.pairs.iter().all(|&(i, o)| options[i] == o) {
                self.at.push(at as u32);
                self.utils.push(u);
                self.options.extend_from_slice(options);
            }
        }
    }

    /// The usable packages' own utilities (decreasing) and their options (flattened).
    fn lists<'a>(&'a self, table: &'a UtilityTable) -> (&'a [f64], &'a [u8]) {
        if !self.pairs.is_empty() {
            (&self.utils, &self.options)
        } else {
            let n = table.options.len() / table.order.len().max(1);
            (
                &table.sorted[..self.prefix],
                &table.options[..self.prefix * n],
            )
        }
    }

    /// The package index of the `i`-th usable package.
    fn package(&self, table: &UtilityTable, i: usize) -> usize {
        let at = if self.pairs.is_empty() {
            i
        } else {
            self.at[i] as usize
        };
        table.order[at] as usize
    }
}

#[derive(Debug, Clone)]
pub struct DelegationAi {
    me: usize,
    personality: Personality,
    space: Space,
    /// The preferences the tables below were computed from.
    prefs: Option<Prefs>,
    /// Own utility of every package, and the packages in decreasing order of it.
    table: Arc<UtilityTable>,
    scratch: Scratch,
    buffers: Buffers,
    /// The packages its searches may return, given what is fixed.
    usable: Usable,
    /// Its three heaviest issues and their weights, for rationales and statements.
    heaviest: Arc<[(Arc<str>, f64)]>,
    /// Party ids, shared into rationales without copying.
    party_ids: Vec<Arc<str>>,
    /// Beliefs about each other delegation.
    beliefs: Beliefs,
    /// Offers already answered with a rejection or a counter.
    answered: Vec<OfferId>,
    /// The last round in which something was settled or an offer moved.
    last_progress: u32,
    /// The count of changes to its own preferences when its table was last checked.
    prefs_seen: Option<u32>,
    last_asked: Option<u32>,
    last_statement: Option<u32>,
}

impl DelegationAi {
    /// The random stream of a delegation's agent in a game of this seed: its own, drawn
    /// from the seed and the party's id, so that no agent reads another's numbers.
    pub fn stream(seed: u64, party_id: &str) -> Stream {
        Stream::from_key(DelegationAi::stream_key(seed, party_id))
    }

    /// The key of that stream, for a seat played away from the host.
    pub fn stream_key(seed: u64, party_id: &str) -> [u8; 32] {
        Stream::key(seed, &format!("ai:{party_id}"))
    }

    /// A delegation's agent with its own random stream (see [`DelegationAi::stream`]).
    pub fn new(obs: &Observation, personality: Personality, mut rng: Stream) -> DelegationAi {
        // No two sessions are alike: resolve varies around the scenario's personality.
        let mut personality = personality;
        let (lo, hi) = TOUGHNESS_RANGE;
        personality.toughness = (personality.toughness * (0.6 + 1.0 * rng.unit())).clamp(lo, hi);
        personality.patience = (personality.patience * (0.5 + rng.unit())).clamp(0.0, 1.0);
        DelegationAi {
            me: obs.me(),
            personality,
            space: Space::new(obs.option_counts()),
            prefs: None,
            table: Arc::new(UtilityTable::default()),
            scratch: Scratch::default(),
            buffers: Buffers::default(),
            usable: Usable::default(),
            heaviest: Arc::from([]),
            party_ids: (0..obs.party_count())
                .map(|p| Arc::from(obs.id_of(p)))
                .collect(),
            beliefs: Beliefs::new(obs, personality.trust),
            answered: Vec::new(),
            last_progress: 1,
            prefs_seen: None,
            last_asked: None,
            last_statement: None,
        }
    }

    /// Recomputes the utility table when the party's own weights, values or red lines have
    /// changed (a BATNA move does not change it). The table for the scenario's initial
    /// preferences is shared by every game of a model.
    fn refresh_tables(&mut self, obs: &Observation, prefs: &Prefs) {
        // No effect has touched its weights or values since: nothing to compare.
        if self.prefs_seen == Some(obs.my_prefs_changes()) {
            return;
        }
        self.prefs_seen = Some(obs.my_prefs_changes());
        if self.prefs.as_ref().is_some_and(|p| same_utility(p, prefs)) {
            return;
        }
        let table = obs.table_for(prefs);
        self.table = table;
        self.usable = Usable {
            builds: self.usable.builds + 1,
            ..Usable::default()
        };
        self.heaviest = top_issues(obs, prefs, 3).into();
        self.prefs = Some(prefs.clone());
    }

    /// Reads what happened since the last turn into the opponent models.
    fn observe(&mut self, obs: &Observation) {
        let last_progress = &mut self.last_progress;
        self.beliefs.update(obs, |entry| {
            if matches!(entry.kind, Kind::Proposed { .. } | Kind::Settled { .. }) {
                *last_progress = entry.round;
            }
        });
    }

    /// The aspiration (0–100) at this round: from the best package still possible down to
    /// the floor above the BATNA, along `1 - t^(1/e)`. `t` is the share of its time
    /// horizon that has passed; a patient party sees talks going on beyond this session
    /// (its horizon is `1 + patience` times the deadline), so by the deadline it has made
    /// only part of its concessions. Pressure moves it too: a party whose walk-away value
    /// has fallen since the start concedes more, one whose alternative has improved less.
    fn aspiration(&self, obs: &Observation, top: f64, floor: f64) -> f64 {
        let deadline = obs.deadline().max(2) as f64;
        let t = ((obs.round() as f64 - 1.0) / (deadline - 1.0)).clamp(0.0, 1.0);
        let horizon = 1.0 + self.personality.patience;
        let f = (t / horizon).powf(1.0 / self.personality.toughness);
        let initial = obs.my_initial_batna();
        let pressure = (PRESSURE_RESPONSE * (initial - obs.my_prefs().batna)
            / (top - initial).max(1.0))
        .clamp(-0.5, 1.0);
        let f = if pressure >= 0.0 {
            f + (1.0 - f) * pressure
        } else {
            f * (1.0 + pressure)
        };
        if floor >= top {
            top
        } else {
            top - (top - floor) * f.clamp(0.0, 1.0)
        }
    }

    /// The package to propose: own utility at least `aspiration`, the most for the others.
    fn choose(&mut self, aspiration: f64) -> Option<usize> {
        // Sums of the same parts in another order differ in the last bits: a package
        // exactly at the aspiration must count as reaching it in both searches.
        let aspiration = aspiration - SLACK;
        self.usable.extend_to(&self.table, aspiration);
        let (start, end) = self.window(aspiration);
        let key = SearchKey {
            beliefs: self.beliefs.changes(),
            usable: self.usable.builds,
            start,
            end,
        };
        if let Some((last, found)) = self.scratch.last_search
            && last == key
        {
            return found;
        }
        let count = self.refresh_contributions();
        let contributions = std::mem::take(&mut self.scratch.contributions);
        let mut scores = std::mem::take(&mut self.scratch.scores);
        let found = self.scan_window(&contributions, count, start, end, &mut scores);
        self.scratch.contributions = contributions;
        self.scratch.scores = scores;
        self.scratch.last_search = Some((key, found));
        found
    }

    /// What each option adds to each other delegation's estimated utility, flattened as
    /// `[estimate][issue][option]`, built again when the estimates have changed; a vetoed
    /// option makes the whole package worthless to that delegation (negative infinity,
    /// floored at 0 in the search). Returns the count of estimates.
    fn refresh_contributions(&mut self) -> usize {
        let count = self.beliefs.models.iter().flatten().count();
        let changes = self.beliefs.changes();
        if self.scratch.contributions_of == Some(changes) {
            return count;
        }
        let n = self.space.radix.len();
        let contributions = &mut self.scratch.contributions;
        // Rows past an issue's options are never read; they stay at negative infinity.
        if contributions.len() != count * n * ROW {
            contributions.clear();
            contributions.resize(count * n * ROW, f64::NEG_INFINITY);
        }
        let rows = contributions.chunks_exact_mut(ROW);
        let issues = self
            .beliefs
            .models
            .iter()
            .flatten()
            .flat_map(|e| e.weights.iter().zip(&e.values).zip(&e.vetoed).take(n));
        for (row, ((&w, values), vetoed)) in rows.zip(issues) {
            for ((c, &v), &x) in row.iter_mut().zip(values).zip(vetoed) {
                *c = if x { f64::NEG_INFINITY } else { w * v };
            }
        }
        self.scratch.contributions_of = Some(changes);
        count
    }

    /// The bidding window among the usable packages: from where their own utility falls
    /// to [`BID_WINDOW`] points above the aspiration to where it falls below it.
    fn window(&self, aspiration: f64) -> (usize, usize) {
        let (sorted, _) = self.usable.lists(&self.table);
        let top = aspiration + BID_WINDOW;
        let start = sorted.partition_point(|&u| u > top);
        let end = start + sorted[start..].partition_point(|&u| u >= aspiration);
        (start, end)
    }

    /// The choice among the packages whose own utility lies in the bidding window, from
    /// the aspiration to [`BID_WINDOW`] points above it: the one the others are estimated
    /// to value most. When the window holds nothing usable, the usable package closest
    /// above it; when nothing reaches the aspiration, the best usable package (see
    /// [`Usable`]). `contributions` as built in `choose`, for `count` other delegations.
    #[cfg(test)]
    fn choose_scan(
        &mut self,
        contributions: &[f64],
        count: usize,
        aspiration: f64,
    ) -> Option<usize> {
        self.usable.extend_to(&self.table, aspiration);
        let (start, end) = self.window(aspiration);
        self.scan_window(contributions, count, start, end, &mut Vec::new())
    }

    /// The search of [`DelegationAi::choose_scan`] over the window `start..end`.
    fn scan_window(
        &self,
        contributions: &[f64],
        count: usize,
        start: usize,
        end: usize,
        scores: &mut Vec<f64>,
    ) -> Option<usize> {
        let table = &self.table;
        let n = self.space.radix.len();
        let (sorted, all_options) = self.usable.lists(table);
        let utils = &sorted[start..end];
        let window = &all_options[start * n..end * n];
        // Scores are summed estimate by estimate, each package's in the same order as
        // one package at a time would: its own utility (for ties), then what each other
        // delegation is estimated to get, issue by issue, floored at 0.
        scores.clear();
        scores.extend(utils.iter().map(|&u| u * TIE));
        let (rows, _) = contributions.as_chunks::<ROW>();
        if n > 0 {
            for estimate in rows.chunks_exact(n).take(count) {
                add_scores(scores, window, estimate);
            }
        }
        // Scores are at least 0: the first package beats negative infinity, and a later
        // one must do strictly better.
        let mut best: Option<usize> = None;
        let mut best_score = f64::NEG_INFINITY;
        for (j, &score) in scores.iter().enumerate() {
            if score > best_score {
                best = Some(start + j);
                best_score = score;
            }
        }
        let at = match best {
            Some(at) => at,
            // Nothing in the window: the usable package closest above it.
            None if start > 0 => start - 1,
            // Nothing reaches the aspiration: the best usable package.
            None if !sorted.is_empty() => 0,
            None => return None,
        };
        Some(self.usable.package(table, at))
    }

    pub fn decide(&mut self, obs: &Observation) -> Decision {
        // The per-decision packages live in buffers kept from one decision to the next.
        let mut buffers = std::mem::take(&mut self.buffers);
        let decision = self.decide_with(obs, &mut buffers);
        self.buffers = buffers;
        decision
    }

    fn decide_with(&mut self, obs: &Observation, b: &mut Buffers) -> Decision {
        let prefs = obs.my_prefs();
        self.refresh_tables(obs, prefs);
        self.observe(obs);
        let me = self.me;
        let batna = prefs.batna;
        obs.fixed_into(&mut b.fixed);
        let fixed: &[Option<usize>] = &b.fixed;
        b.open.clear();
        b.open
            .extend((0..fixed.len()).filter(|&i| fixed[i].is_none()));
        let open: &[usize] = &b.open;
        // The best package still possible given what is fixed.
        let n = fixed.len().max(1);
        self.usable.refresh(&self.table, fixed);
        // The best usable package, read if it has not been.
        self.usable.extend_to(&self.table, f64::INFINITY);
        let first = if self.usable.lists(&self.table).0.is_empty() {
            // Nothing usable: the best consistent package is worth nothing, if there is one.
            self.table
                .order
                .iter()
                .zip(self.table.options.chunks_exact(n))
                .find(|(_, options)| {
                    options
                        .iter()
                        .zip(fixed)
                        .all(|(&o, f)| f.is_none_or(|f| f == o as usize))
                })
                .map(|(&k, _)| k as usize)
        } else {
            Some(self.usable.package(&self.table, 0))
        };
        let top = first.map_or(0.0, |k| self.table.utils[k]);
        // The margin over the BATNA it insists on: wider for a risk-taker, and shrinking
        // to half a point as the deadline comes, when anything better than walking away
        // is worth taking.
        let t =
            (obs.round().saturating_sub(1) as f64 / (obs.deadline().max(2) - 1) as f64).min(1.0);
        let margin = 0.5 + 6.0 * self.personality.risk * (1.0 - t);
        let aspiration = self.aspiration(obs, top, batna + margin);
        let candidate = if open.is_empty() {
            None
        } else {
            self.choose(aspiration)
        };
        let candidate_u = candidate.map(|k| self.table.utils[k]);
        let mut rationale = Rationale {
            decision: "".into(),
            aspiration: Some(aspiration),
            batna,
            own_proposal_utility: candidate_u,
            top_issues: self.heaviest.clone(),
            ..Rationale::default()
        };
        let candidate_options: Option<&[usize]> = candidate.map(|k| {
            b.candidate.resize(self.space.radix.len(), 0);
            self.space.decode_into(k, &mut b.candidate);
            &b.candidate[..]
        });
        if let Some(options) = &candidate_options {
            for (p, m) in self.beliefs.models.iter().enumerate() {
                if let Some(m) = m {
                    rationale.beliefs.push((
                        self.party_ids[p].clone(),
                        m.utility(options),
                        m.batna,
                    ));
                }
            }
        }
        obs.current_into(&mut b.current);
        let current: &[usize] = &b.current;
        let current_u = prefs.utility(current);

        let all_or_nothing = obs.all_or_nothing();
        // 1. Accept the best acceptable standing offer.
        let mut best_offer: Option<(&Offer, f64)> = None;
        // The offers on the table, found in one pass over every offer made.
        let all_offers = obs.offers();
        b.standing.clear();
        b.standing.extend(
            all_offers
                .iter()
                .enumerate()
                .filter(|(_, o)| o.status == OfferStatus::Standing)
                .map(|(i, _)| i),
        );
        let standing_offers = || b.standing.iter().map(|&i| &all_offers[i]);
        for o in standing_offers() {
            if o.author == Some(me) || o.accepted_by.contains(&me) {
                continue;
            }
            let mut completed = std::mem::take(&mut self.scratch.package);
            completed.clear();
            completed.extend(o.package.iter().zip(current).map(|(x, c)| x.unwrap_or(*c)));
            // An offer that crosses a red line, or that the option rules forbid with
            // what is settled now, is never accepted.
            let crosses = prefs.crosses_red_line(&completed) || !obs.allows(&completed);
            let u = prefs.utility(&completed);
            self.scratch.package = completed;
            if crosses {
                continue;
            }
            let improves_each =
                o.package.iter().enumerate().all(|(i, x)| {
                    x.is_none_or(|x| prefs.values[i][x] >= prefs.values[i][current[i]])
                });
            // An offer that improves on every issue it names is a step worth taking when
            // issues settle one by one: an unsettled issue keeps its status quo. When
            // nothing is agreed until everything is, the status quo is nobody's fallback
            // (without a deal each side has its BATNA), so only the aspiration counts.
            let step = !all_or_nothing && improves_each && u > current_u;
            let acceptable = u > batna
                && (u >= aspiration
                    || candidate_u.is_some_and(|c| u >= c)
                    || (step && covers_some_open(o, open)));
            if acceptable && best_offer.is_none_or(|(_, b)| u > b) {
                best_offer = Some((o, u));
            }
        }
        if let Some((o, u)) = best_offer {
            rationale.decision = "accept".into();
            rationale.offer_utility = Some(u);
            let issue = biggest_gain_issue(obs, prefs, &o.package, current);
            return Decision::new(
                Move::Accept { offer: o.id },
                Some(PublicReason::Accepting { issue }),
                rationale,
            );
        }

        // 2. Walk out when no package can beat the BATNA.
        if top <= batna && obs.round() > 1 {
            rationale.decision = "walk out".into();
            return Decision::new(
                Move::WalkOut { reason: None },
                Some(PublicReason::AlternativeIsBetter),
                rationale,
            );
        }

        // 3. Answer the newest offer from another party with a counter or a rejection.
        let newest = standing_offers()
            .filter(|o| {
                o.author != Some(me)
                    && !o.accepted_by.contains(&me)
                    && !self.answered.contains(&o.id)
            })
            .max_by_key(|o| o.id);
        let my_standing = standing_offers().find(|o| o.author == Some(me));
        // Whether the package it would propose differs from its own standing offer (on
        // the open issues; settled ones are not re-proposed).
        let proposal_is_new = candidate_options.as_ref().is_some_and(|p| {
            my_standing.is_none_or(|s| {
                s.package.iter().enumerate().any(|(i, x)| {
                    let proposed = fixed[i].is_none().then_some(p[i]);
                    *x != proposed
                })
            })
        });
        let proposal = candidate_options
            .filter(|_| proposal_is_new)
            .map(|options| open_package(options, open));
        if let Some(o) = newest {
            self.answered.push(o.id);
            let completed = obs.complete(&o.package);
            rationale.offer_utility = Some(prefs.utility(&completed));
            let reason = rejection_reason(obs, prefs, &completed, candidate_options);
            if let Some(p) = proposal {
                rationale.decision = "counter".into();
                return Decision::new(
                    Move::Counter {
                        to: o.id,
                        package: p,
                        note: None,
                    },
                    Some(reason),
                    rationale,
                );
            }
            rationale.decision = "reject".into();
            let issue = match &reason {
                PublicReason::NotEnough { issue, .. } | PublicReason::RedLine { issue, .. } => {
                    obs.issues().iter().position(|x| x.id == *issue)
                }
                _ => None,
            };
            return Decision::new(
                Move::Reject {
                    offer: o.id,
                    reason: Some(MoveReason { issue, text: None }),
                },
                Some(reason),
                rationale,
            );
        }

        // 4. Put a new package on the table.
        if let Some(p) = proposal {
            rationale.decision = "propose".into();
            let stress = self
                .heaviest
                .first()
                .map(|(i, _)| i.to_string())
                .unwrap_or_default();
            return Decision::new(
                Move::Propose {
                    package: p,
                    note: None,
                },
                Some(PublicReason::Proposing { stress }),
                rationale,
            );
        }

        // 5. Stalemate: ask the mediator for a text.
        let round = obs.round();
        if obs.has_mediator()
            && round >= self.last_progress + 2
            && self.last_asked.is_none_or(|r| round >= r + 3)
        {
            self.last_asked = Some(round);
            rationale.decision = "ask the mediator".into();
            return Decision::new(
                Move::AskMediator { note: None },
                Some(PublicReason::AskingMediator),
                rationale,
            );
        }

        // 6. Say where we stand on what matters most, now and then.
        if self.last_statement.is_none_or(|r| round >= r + 3)
            && let Some(options) = &candidate_options
        {
            self.last_statement = Some(round);
            let stances: Vec<MoveStance> = self
                .heaviest
                .iter()
                .take(2)
                .filter_map(|(id, _)| {
                    let i = obs.issues().iter().position(|x| x.id == **id)?;
                    Some(MoveStance {
                        issue: i,
                        option: options[i],
                        stance: StanceKind::Demand,
                    })
                })
                .collect();
            if !stances.is_empty() {
                rationale.decision = "statement".into();
                return Decision::new(
                    Move::Statement {
                        to: None,
                        stances,
                        text: None,
                    },
                    Some(PublicReason::Waiting),
                    rationale,
                );
            }
        }
        rationale.decision = "pass".into();
        Decision::new(Move::Pass, Some(PublicReason::Waiting), rationale)
    }
}

/// Adds to each package's score in `window` (options flattened, one row of `rows` per
/// issue) what one delegation is estimated to get from it, floored at 0.
fn add_scores(scores: &mut [f64], window: &[u8], rows: &[[f64; ROW]]) {
    // The common sizes of package with the loop over issues unrolled.
    match rows.len() {
        1 => add_scores_of::<1>(scores, window, rows),
        2 => add_scores_of::<2>(scores, window, rows),
        3 => add_scores_of::<3>(scores, window, rows),
        4 => add_scores_of::<4>(scores, window, rows),
        5 => add_scores_of::<5>(scores, window, rows),
        6 => add_scores_of::<6>(scores, window, rows),
        7 => add_scores_of::<7>(scores, window, rows),
        8 => add_scores_of::<8>(scores, window, rows),
        0 => {}
        n => {
            for (score, options) in scores.iter_mut().zip(window.chunks_exact(n)) {
                let mut theirs = 0.0;
                for (row, &o) in rows.iter().zip(options) {
                    theirs += row[o as usize];
                }
                *score += theirs.max(0.0);
            }
        }
    }
}

fn add_scores_of<const N: usize>(scores: &mut [f64], window: &[u8], rows: &[[f64; ROW]]) {
    let Ok(rows) = <&[[f64; ROW]; N]>::try_from(rows) else {
        return;
    };
    let (packages, _) = window.as_chunks::<N>();
    for (score, options) in scores.iter_mut().zip(packages) {
        let mut theirs = 0.0;
        for (row, &o) in rows.iter().zip(options) {
            theirs += row[o as usize];
        }
        *score += theirs.max(0.0);
    }
}

/// A package on the open issues only (settled ones are not re-proposed).
fn open_package(options: &[usize], open: &[usize]) -> Vec<Option<usize>> {
    let mut package = vec![None; options.len()];
    for &i in open {
        package[i] = Some(options[i]);
    }
    package
}

fn covers_some_open(o: &Offer, open: &[usize]) -> bool {
    open.iter().any(|&i| o.package[i].is_some())
}

/// The party's most heavily weighted issues, with their weights.
fn top_issues(obs: &Observation, prefs: &Prefs, n: usize) -> Vec<(Arc<str>, f64)> {
    let mut order: Vec<usize> = (0..prefs.weights.len()).collect();
    order.sort_by(|&a, &b| {
        prefs.weights[b]
            .total_cmp(&prefs.weights[a])
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(n)
        .map(|i| (Arc::from(obs.issues()[i].id.as_str()), prefs.weights[i]))
        .collect()
}

/// The issue on which an offer improves most on the current state, weighted.
fn biggest_gain_issue(
    obs: &Observation,
    prefs: &Prefs,
    offer: &[Option<usize>],
    current: &[usize],
) -> String {
    let mut best = (0usize, f64::MIN);
    for (i, o) in offer.iter().enumerate() {
        if let Some(o) = o {
            let gain = prefs.weights[i] * (prefs.values[i][*o] - prefs.values[i][current[i]]);
            if gain > best.1 {
                best = (i, gain);
            }
        }
    }
    obs.issues()[best.0].id.clone()
}

/// Why an offer falls short: a red line it crosses, or the issues where it gives least
/// compared with what the party would propose itself.
fn rejection_reason(
    obs: &Observation,
    prefs: &Prefs,
    offer: &[usize],
    own: Option<&[usize]>,
) -> PublicReason {
    for (i, &o) in offer.iter().enumerate() {
        if prefs.red[i][o] {
            return PublicReason::RedLine {
                issue: obs.issues()[i].id.clone(),
                option: obs.issues()[i].options[o].id.clone(),
            };
        }
    }
    let reference: Vec<usize> = own.map(<[usize]>::to_vec).unwrap_or_else(|| {
        prefs
            .values
            .iter()
            .map(|vs| {
                (0..vs.len())
                    .max_by(|&a, &b| vs[a].total_cmp(&vs[b]))
                    .unwrap_or(0)
            })
            .collect()
    });
    let mut losses: Vec<(usize, f64)> = offer
        .iter()
        .enumerate()
        .map(|(i, &o)| {
            (
                i,
                prefs.weights[i] * (prefs.values[i][reference[i]] - prefs.values[i][o]),
            )
        })
        .collect();
    losses.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let issue = obs.issues()[losses[0].0].id.clone();
    let could_move_for = losses
        .get(1)
        .filter(|(_, l)| *l > 0.0)
        .map(|(i, _)| obs.issues()[*i].id.clone());
    PublicReason::NotEnough {
        issue,
        could_move_for,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ai::estimate::Estimate;
    use crate::sim::ai::space::consistent;
    use crate::sim::generate::bilateral;
    use crate::sim::{Game, Model};

    /// The usable list read lazily and narrowed as issues settle holds, as far as it has
    /// read, exactly the packages a fresh scan of the table finds, in the same order.
    #[test]
    fn the_usable_list_narrowed_and_read_lazily_is_a_fresh_scan() {
        for seed in 0..60u64 {
            let issues = 3 + (seed % 3) as usize;
            let model = Arc::new(Model::new(
                bilateral(seed, issues, 3 + seed as usize % 6, 50),
                "",
            ));
            let game = Game::new(model.clone(), seed);
            let obs = Observation::new(&game, 0);
            let mut ai = DelegationAi::new(
                &obs,
                Personality::default(),
                DelegationAi::stream(seed, obs.my_id()),
            );
            ai.refresh_tables(&obs, &model.prefs[0]);
            let table = ai.table.clone();
            assert!(!table.order.is_empty());
            let n = issues;
            let mut rng = Stream::new(seed, "test:usable");
            let mut fixed = vec![None; n];
            let mut lazy = Usable::default();
            lazy.refresh(&table, &fixed);
            for i in 0..n {
                fixed[i] = Some((rng.unit() * ai.space.radix[i] as f64) as usize);
                lazy.refresh(&table, &fixed);
                // Read only part way down, as a search that stops early would.
                lazy.extend_to(&table, 100.0 * rng.unit());
                let mut fresh = Usable::default();
                fresh.refresh(&table, &fixed);
                fresh.extend_to(&table, f64::NEG_INFINITY);
                let (lazy_u, lazy_o) = lazy.lists(&table);
                let (fresh_u, fresh_o) = fresh.lists(&table);
                assert!(lazy_u.len() <= fresh_u.len(), "seed {seed}");
                assert_eq!(lazy_u, &fresh_u[..lazy_u.len()], "seed {seed}, issue {i}");
                assert_eq!(lazy_o, &fresh_o[..lazy_o.len()], "seed {seed}, issue {i}");
                for k in 0..lazy_u.len() {
                    assert_eq!(lazy.package(&table, k), fresh.package(&table, k));
                    let options = ai.space.decode(lazy.package(&table, k));
                    assert!(
                        options
                            .iter()
                            .zip(&fixed)
                            .all(|(&o, f)| *f == Some(o) || f.is_none())
                    );
                }
                // Read to the end, it holds all of them.
                lazy.extend_to(&table, f64::NEG_INFINITY);
                assert_eq!(lazy.lists(&table).0, fresh.lists(&table).0, "seed {seed}");
            }
        }
    }

    /// The choice lies in the bidding window when the window holds a consistent package,
    /// is the best there for the other side by its estimate, and otherwise falls back as
    /// documented; over random problems, aspirations, fixed issues and red lines.
    #[test]
    fn proposals_track_the_aspiration() {
        for seed in 0..100u64 {
            let issues = 2 + (seed % 3) as usize;
            let model = Arc::new(Model::new(
                bilateral(seed, issues, 4 + seed as usize % 9, 50),
                "",
            ));
            let game = Game::new(model.clone(), seed);
            let obs = Observation::new(&game, 0);
            let mut ai = DelegationAi::new(
                &obs,
                Personality::default(),
                DelegationAi::stream(seed, obs.my_id()),
            );
            let mut prefs = model.prefs[0].clone();
            let mut rng = Stream::new(seed, "test:window");
            for i in 0..issues {
                for o in 0..prefs.red[i].len() {
                    if rng.unit() < 0.1 {
                        prefs.red[i][o] = true;
                    }
                }
            }
            ai.refresh_tables(&obs, &prefs);
            let truth = Estimate::from_truth(&model.prefs[1]);
            let width = ROW;
            let n = issues;
            let mut contributions = vec![f64::NEG_INFINITY; n * width];
            for i in 0..n {
                for o in 0..ai.space.radix[i] {
                    contributions[i * width + o] = truth.weights[i] * truth.values[i][o];
                }
            }
            let space = ai.space.clone();
            let theirs = |k: usize| truth.utility(&space.decode(k));
            for fixed_issue in [None, Some(0usize)] {
                let mut fixed = vec![None; n];
                if let Some(i) = fixed_issue {
                    fixed[i] = Some(seed as usize % ai.space.radix[i]);
                }
                let valid: Vec<usize> = (0..ai.space.size)
                    .filter(|&k| ai.table.utils[k] > 0.0 && consistent(&ai.space.decode(k), &fixed))
                    .collect();
                for aspiration in [5.0, 25.0, 45.0, 65.0, 85.0] {
                    let table = ai.table.clone();
                    ai.usable.refresh(&table, &fixed);
                    let chosen = ai.choose_scan(&contributions, 1, aspiration);
                    let in_window: Vec<usize> = valid
                        .iter()
                        .copied()
                        .filter(|&k| {
                            let u = ai.table.utils[k];
                            u >= aspiration && u <= aspiration + BID_WINDOW
                        })
                        .collect();
                    let Some(k) = chosen else {
                        assert!(valid.is_empty(), "seed {seed}: nothing chosen");
                        continue;
                    };
                    assert!(consistent(&ai.space.decode(k), &fixed));
                    if !in_window.is_empty() {
                        assert!(in_window.contains(&k), "seed {seed}: outside the window");
                        let best = in_window.iter().map(|&j| theirs(j)).fold(0.0, f64::max);
                        assert!(theirs(k) >= best - 1e-9, "seed {seed}: not the best");
                    } else if let Some(lowest_above) = valid
                        .iter()
                        .map(|&j| ai.table.utils[j])
                        .filter(|&u| u > aspiration + BID_WINDOW)
                        .fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.min(u))))
                    {
                        assert_eq!(ai.table.utils[k], lowest_above, "seed {seed}");
                    } else {
                        let top = valid.iter().map(|&j| ai.table.utils[j]).fold(0.0, f64::max);
                        assert_eq!(ai.table.utils[k], top, "seed {seed}: the best consistent");
                    }
                }
            }
        }
    }
}
