//! The outcome space as package indices (mixed radix, first issue slowest), with the
//! helpers the agents share: decoding, consistency with what is settled, and the search
//! for the text that maximises the estimated Nash product.

use super::estimate::Estimate;
use crate::sim::links::Links;

/// Option counts of the issues; a package index decodes to one option per issue.
#[derive(Debug, Clone)]
pub struct Space {
    pub radix: Vec<usize>,
    pub size: usize,
}

impl Space {
    pub fn new(radix: Vec<usize>) -> Space {
        let size = radix.iter().product();
        Space { radix, size }
    }

    /// The options of package `k`, written into `out`.
    pub fn decode_into(&self, mut k: usize, out: &mut [usize]) {
        for i in (0..self.radix.len()).rev() {
            out[i] = k % self.radix[i];
            k /= self.radix[i];
        }
    }

    pub fn decode(&self, k: usize) -> Vec<usize> {
        let mut out = vec![0; self.radix.len()];
        self.decode_into(k, &mut out);
        out
    }

    pub fn encode(&self, package: &[usize]) -> usize {
        package
            .iter()
            .zip(&self.radix)
            .fold(0, |k, (&o, &r)| k * r + o)
    }

    /// Every package, by index, calling `f(k, options)`.
    pub fn for_each(&self, mut f: impl FnMut(usize, &[usize])) {
        let mut options = vec![0; self.radix.len()];
        if self.radix.contains(&0) {
            return;
        }
        for k in 0..self.size {
            f(k, &options);
            // Advance the mixed-radix counter.
            for i in (0..options.len()).rev() {
                options[i] += 1;
                if options[i] < self.radix[i] {
                    break;
                }
                options[i] = 0;
            }
        }
    }
}

/// Whether a package keeps every fixed (settled or locked) option.
pub fn consistent(package: &[usize], fixed: &[Option<usize>]) -> bool {
    package
        .iter()
        .zip(fixed)
        .all(|(o, f)| f.is_none_or(|f| f == *o))
}

/// The package maximising `Π (ûᵢ − b̂ᵢ)` over the estimates, among packages consistent
/// with `fixed` and allowed by the option rules `links`, where every estimated gain is
/// positive, and not in `excluded`; ties go to the first package in index order. With true preferences as estimates this is
/// exactly the Nash bargaining point.
///
/// A depth-first search over the issues with running utility sums, pruning a branch as
/// soon as some party could no longer gain whatever the remaining issues give it.
pub fn nash_text(
    space: &Space,
    estimates: &[&Estimate],
    fixed: &[Option<usize>],
    excluded: &[Vec<usize>],
    links: &Links,
) -> Option<(Vec<usize>, f64)> {
    let n = space.radix.len();
    // contributions[e][i][o]: what option o of issue i adds to party e's utility;
    // None where e vetoes it.
    let contributions: Vec<Vec<Vec<Option<f64>>>> = estimates
        .iter()
        .map(|e| {
            (0..n)
                .map(|i| {
                    (0..space.radix[i])
                        .map(|o| (!e.vetoed[i][o]).then(|| e.weights[i] * e.values[i][o]))
                        .collect()
                })
                .collect()
        })
        .collect();
    // best_rest[e][i]: the most issues i.. can still add for party e.
    let best_rest: Vec<Vec<f64>> = contributions
        .iter()
        .map(|c| {
            let mut rest = vec![0.0; n + 1];
            for i in (0..n).rev() {
                let max = allowed(space, fixed, i)
                    .filter_map(|o| c[i][o])
                    .fold(0.0, f64::max);
                rest[i] = rest[i + 1] + max;
            }
            rest
        })
        .collect();
    let batnas: Vec<f64> = estimates.iter().map(|e| e.batna).collect();
    let m = estimates.len();
    // A good package found by hill-climbing first: its product is a floor no branch that
    // could hold the answer falls below, so the ordered search prunes from the start. It
    // changes nothing in the answer (the first best package in index order).
    let floor = climb(space, fixed, excluded, &contributions, &batnas, links);
    // The same contributions laid out for the search's inner loop: `flat[(i, o) * m + e]`,
    // a veto as −∞ (which prunes exactly where `None` did: the party can no longer gain).
    let offsets: Vec<usize> = space
        .radix
        .iter()
        .scan(0, |at, &r| {
            let here = *at;
            *at += r;
            Some(here)
        })
        .collect();
    let mut flat = Vec::with_capacity(space.radix.iter().sum::<usize>() * m);
    for i in 0..n {
        for o in 0..space.radix[i] {
            flat.extend(
                contributions
                    .iter()
                    .map(|c| c[i][o].unwrap_or(f64::NEG_INFINITY)),
            );
        }
    }
    let rest: Vec<f64> = (0..=n)
        .flat_map(|i| best_rest.iter().map(move |r| r[i]))
        .collect();
    let mut search = Search {
        space,
        fixed,
        excluded,
        flat: &flat,
        offsets: &offsets,
        rest: &rest,
        batnas: &batnas,
        options: vec![0; n],
        sums: vec![0.0; (n + 1) * m],
        parties: m,
        best: None,
        floor,
        links,
        checks: links.by_last_issue(n),
    };
    search.visit(0);
    search.best
}

/// The product of a package as the search computes it (running sums in issue order, then
/// the product in party order), if every party gains and none vetoes it.
fn product_of(
    options: &[usize],
    contributions: &[Vec<Vec<Option<f64>>>],
    batnas: &[f64],
) -> Option<f64> {
    let mut product = 1.0;
    for (c, b) in contributions.iter().zip(batnas) {
        let mut sum = 0.0;
        for (i, &o) in options.iter().enumerate() {
            sum += c[i][o]?;
        }
        let gain = sum - b;
        if gain <= 0.0 {
            return None;
        }
        product *= gain;
    }
    Some(product)
}

/// Hill-climbing from the package of each issue's most valued allowed option: one issue
/// changed at a time while the product grows. The product of where it stops (a valid,
/// not excluded package), or `None` when it finds none.
fn climb(
    space: &Space,
    fixed: &[Option<usize>],
    excluded: &[Vec<usize>],
    contributions: &[Vec<Vec<Option<f64>>>],
    batnas: &[f64],
    links: &Links,
) -> Option<f64> {
    let n = space.radix.len();
    let mut options: Vec<usize> = (0..n)
        .map(|i| {
            allowed(space, fixed, i)
                .max_by(|&a, &b| {
                    let total = |o: usize| -> f64 {
                        contributions.iter().map(|c| c[i][o].unwrap_or(-1e9)).sum()
                    };
                    total(a).total_cmp(&total(b)).then(b.cmp(&a))
                })
                .unwrap_or(0)
        })
        .collect();
    let valid = |options: &[usize]| {
        product_of(options, contributions, batnas)
            .filter(|_| links.allows(options) && !excluded.iter().any(|x| x == options))
    };
    let mut best = valid(&options);
    for _ in 0..8 {
        let mut improved = false;
        for i in 0..n {
            let mut chosen = options[i];
            for o in allowed(space, fixed, i) {
                options[i] = o;
                if let Some(p) = valid(&options)
                    && best.is_none_or(|b| p > b)
                {
                    best = Some(p);
                    chosen = o;
                    improved = true;
                }
            }
            options[i] = chosen;
        }
        if !improved {
            break;
        }
    }
    best
}

fn allowed<'a>(
    space: &'a Space,
    fixed: &'a [Option<usize>],
    i: usize,
) -> impl Iterator<Item = usize> + 'a {
    let (from, to) = match fixed[i] {
        Some(o) => (o, o + 1),
        None => (0, space.radix[i]),
    };
    from..to
}

struct Search<'a> {
    space: &'a Space,
    fixed: &'a [Option<usize>],
    excluded: &'a [Vec<usize>],
    /// `flat[(offsets[i] + o) * parties + e]`: what option o of issue i adds for party e
    /// (−∞ where e vetoes it).
    flat: &'a [f64],
    offsets: &'a [usize],
    /// `rest[i * parties + e]`: the most issues i.. can still add for party e.
    rest: &'a [f64],
    batnas: &'a [f64],
    options: Vec<usize>,
    /// Running utility sums: `sums[i * parties + e]` after issues `..i`.
    sums: Vec<f64>,
    parties: usize,
    best: Option<(Vec<usize>, f64)>,
    /// The product of some valid package: a branch that cannot reach it holds no answer.
    floor: Option<f64>,
    links: &'a Links,
    /// Per issue, the rules checked once it is set (see [`Links::by_last_issue`]).
    checks: Vec<Vec<usize>>,
}

impl Search<'_> {
    fn visit(&mut self, i: usize) {
        let m = self.parties;
        if i == self.options.len() {
            let sums = &self.sums[i * m..(i + 1) * m];
            let product: f64 = sums.iter().zip(self.batnas).map(|(u, b)| u - b).product();
            if self.best.as_ref().is_none_or(|(_, b)| product > *b)
                && !self.excluded.contains(&self.options)
            {
                self.best = Some((self.options.clone(), product));
            }
            return;
        }
        'options: for o in allowed(self.space, self.fixed, i) {
            // The most the product could still reach down this branch.
            let mut bound = 1.0;
            let cell = (self.offsets[i] + o) * m;
            for e in 0..m {
                let c = self.flat[cell + e];
                if c == f64::NEG_INFINITY {
                    continue 'options;
                }
                let next = self.sums[i * m + e] + c;
                let most = next + self.rest[(i + 1) * m + e] - self.batnas[e];
                if most <= 0.0 {
                    continue 'options;
                }
                bound *= most;
                self.sums[(i + 1) * m + e] = next;
            }
            // Branch and bound: ties keep the first package found, so a branch that can
            // at best equal the incumbent is skipped.
            let reach = bound * (1.0 + 1e-9);
            if self.best.as_ref().is_some_and(|(_, b)| reach <= *b)
                || self.floor.is_some_and(|f| reach < f)
            {
                continue;
            }
            self.options[i] = o;
            // A rule that everything set so far breaks forbids the whole branch.
            let links = self.links;
            if self.checks[i]
                .iter()
                .any(|&k| !links.links[k].holds(&self.options))
            {
                continue;
            }
            self.visit(i + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_and_encode_agree_with_iteration_order() {
        let s = Space::new(vec![2, 3, 2]);
        assert_eq!(s.size, 12);
        let mut seen = Vec::new();
        s.for_each(|k, o| {
            assert_eq!(s.decode(k), o);
            assert_eq!(s.encode(o), k);
            seen.push(k);
        });
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
    }
}
