//! A memo of Nash-text searches, shared by every game of a model.
//!
//! The allies and the mediator search for the text the delegations would agree on once per
//! lever per turn. Across the games of a batch (and the turns of one game) the same
//! estimates come back again and again: the agents are deterministic and start from the
//! same priors, so most searches of a `simulate` run repeat one made before. The memo keeps
//! answers by their exact inputs, bit for bit, so that an answer from it is the one the
//! search would give: nothing a game does depends on what the memo holds.
//!
//! Bounded by memory in two generations: when the newer one is full, the older one is
//! dropped and the newer one takes its place; an answer found in the older one moves to the
//! newer one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

use super::estimate::Estimate;
use super::space::{Space, nash_text};
use crate::sim::links::Links;

/// What one generation may hold, about: keys, answers and the map's own overhead.
const GENERATION_BYTES: usize = 2 * 1024 * 1024;
/// What the map spends on an entry beyond its key and answer, about.
const ENTRY_OVERHEAD: usize = 80;

type Answer = Option<(Vec<usize>, f64)>;

#[derive(Default)]
struct Generations {
    newer: HashMap<Vec<u64>, Answer, BuildHasherDefault<WordHasher>>,
    older: HashMap<Vec<u64>, Answer, BuildHasherDefault<WordHasher>>,
    newer_bytes: usize,
}

/// Answers of [`nash_text`] by their exact inputs. The option rules are not part of the
/// key: a memo serves the games of one model (one scenario), whose rules never change.
#[derive(Default)]
pub struct TextMemo {
    inner: Mutex<Generations>,
}

impl std::fmt::Debug for TextMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self
            .inner
            .lock()
            .map_or(0, |g| g.newer.len() + g.older.len());
        write!(f, "TextMemo({held} answers)")
    }
}

impl TextMemo {
    /// [`nash_text`]'s answer for these inputs: the remembered one if the same inputs
    /// were searched before, else a new search (then remembered).
    pub fn nash_text(
        &self,
        space: &Space,
        estimates: &[&Estimate],
        fixed: &[Option<usize>],
        excluded: &[Vec<usize>],
        links: &Links,
    ) -> Answer {
        let key = key(estimates, fixed, excluded);
        if let Ok(mut g) = self.inner.lock() {
            if let Some(answer) = g.newer.get(&key) {
                return answer.clone();
            }
            if let Some(answer) = g.older.remove(&key) {
                g.insert(key, answer.clone());
                return answer;
            }
        }
        let answer = nash_text(space, estimates, fixed, excluded, links);
        if let Ok(mut g) = self.inner.lock() {
            g.insert(key, answer.clone());
        }
        answer
    }

    /// How many answers it holds.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .map_or(0, |g| g.newer.len() + g.older.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Generations {
    fn insert(&mut self, key: Vec<u64>, answer: Answer) {
        let bytes =
            key.len() * 8 + answer.as_ref().map_or(0, |(p, _)| p.len() * 8) + ENTRY_OVERHEAD;
        if self.newer_bytes + bytes > GENERATION_BYTES {
            self.older = std::mem::take(&mut self.newer);
            self.newer_bytes = 0;
        }
        self.newer_bytes += bytes;
        self.newer.insert(key, answer);
    }
}

/// Every input of the search, bit for bit: the estimates (weights, values, vetoes packed
/// 64 to a word, BATNA), the fixed options and the excluded packages, each list preceded
/// by its length so that no two inputs share a key.
fn key(estimates: &[&Estimate], fixed: &[Option<usize>], excluded: &[Vec<usize>]) -> Vec<u64> {
    // The exact length first, so that the key is allocated once and holds no spare room.
    let estimate_len = |e: &Estimate| {
        let cells: usize = e.vetoed.iter().map(Vec::len).sum();
        1 + e.weights.len() + e.values.iter().map(|v| v.len() + 1).sum::<usize>() + cells / 64 + 2
    };
    let len = 1
        + estimates.iter().map(|e| estimate_len(e)).sum::<usize>()
        + 1
        + fixed.len()
        + 1
        + excluded.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut key = Vec::with_capacity(len);
    key.push(estimates.len() as u64);
    for e in estimates {
        key.push(e.weights.len() as u64);
        key.extend(e.weights.iter().map(|w| w.to_bits()));
        for values in &e.values {
            key.push(values.len() as u64);
            key.extend(values.iter().map(|v| v.to_bits()));
        }
        let mut word = 0u64;
        let mut bits = 0;
        for &vetoed in e.vetoed.iter().flatten() {
            word |= u64::from(vetoed) << bits;
            bits += 1;
            if bits == 64 {
                key.push(word);
                word = 0;
                bits = 0;
            }
        }
        key.push(word);
        key.push(e.batna.to_bits());
    }
    key.push(fixed.len() as u64);
    key.extend(fixed.iter().map(|f| f.map_or(0, |o| o as u64 + 1)));
    key.push(excluded.len() as u64);
    for package in excluded {
        key.push(package.len() as u64);
        key.extend(package.iter().map(|&o| o as u64));
    }
    debug_assert_eq!(key.len(), len, "the key's length is computed exactly");
    key
}

/// A fast hash of machine words (the multiply-rotate of Firefox's and rustc's FxHash):
/// the keys are trusted numbers, not input from the network.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(batna: f64) -> Estimate {
        let mut e = Estimate::uninformed(&[3, 2], &[0, 0]);
        e.batna = batna;
        e
    }

    #[test]
    fn remembered_answers_are_the_searchs() {
        let memo = TextMemo::default();
        let space = Space::new(vec![3, 2]);
        let (a, b) = (estimate(0.2), estimate(0.3));
        let fixed = [None, None];
        let direct = nash_text(&space, &[&a, &b], &fixed, &[], &Links::default());
        assert_eq!(
            memo.nash_text(&space, &[&a, &b], &fixed, &[], &Links::default()),
            direct
        );
        assert_eq!(memo.len(), 1);
        assert_eq!(
            memo.nash_text(&space, &[&a, &b], &fixed, &[], &Links::default()),
            direct
        );
        assert_eq!(memo.len(), 1, "the same inputs are one entry");
        // Any input that differs is another search.
        let excluded = vec![direct.clone().unwrap().0];
        let without = memo.nash_text(&space, &[&a, &b], &fixed, &excluded, &Links::default());
        assert_eq!(
            without,
            nash_text(&space, &[&a, &b], &fixed, &excluded, &Links::default())
        );
        assert_ne!(without, direct);
        let c = estimate(0.2 + 1e-12);
        assert_eq!(
            memo.nash_text(&space, &[&c, &b], &fixed, &[], &Links::default()),
            nash_text(&space, &[&c, &b], &fixed, &[], &Links::default())
        );
        assert_eq!(memo.len(), 3);
    }

    #[test]
    fn keys_differ_when_any_input_does() {
        let (a, b) = (estimate(0.2), estimate(0.3));
        let base = key(&[&a, &b], &[None, None], &[]);
        assert_ne!(base, key(&[&b, &a], &[None, None], &[]));
        assert_ne!(base, key(&[&a, &b], &[Some(0), None], &[]));
        assert_ne!(base, key(&[&a, &b], &[None, None], &[vec![0, 0]]));
        let mut vetoed = estimate(0.2);
        vetoed.vetoed[1][1] = true;
        assert_ne!(base, key(&[&vetoed, &b], &[None, None], &[]));
        assert_ne!(base, key(&[&a], &[None, None], &[]));
    }

    #[test]
    fn the_memo_stays_within_its_bound() {
        let memo = TextMemo::default();
        let space = Space::new(vec![3, 2]);
        let b = estimate(0.3);
        for k in 0..40_000 {
            let a = estimate(k as f64 / 40_000.0);
            memo.nash_text(&space, &[&a, &b], &[None, None], &[], &Links::default());
        }
        let g = memo.inner.lock().unwrap();
        let per_entry = key(&[&b, &b], &[None, None], &[]).len() * 8 + ENTRY_OVERHEAD;
        assert!(g.newer_bytes <= GENERATION_BYTES);
        assert!((g.newer.len() + g.older.len()) * per_entry <= 2 * GENERATION_BYTES + per_entry);
        assert!(g.older.len() > 1000, "the older generation was kept");
    }
}
