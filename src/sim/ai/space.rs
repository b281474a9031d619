//! The outcome space as package indices (mixed radix, first issue slowest), with the
//! helpers the agents share: decoding, consistency with what is settled, and the search
//! for the text that maximises the estimated Nash product.

use super::estimate::Estimate;

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
/// with `fixed`, where every estimated gain is positive, and not in `excluded`.
/// With true preferences as estimates this is exactly the Nash bargaining point.
pub fn nash_text(
    space: &Space,
    estimates: &[&Estimate],
    fixed: &[Option<usize>],
    excluded: &[Vec<usize>],
) -> Option<(Vec<usize>, f64)> {
    let mut best: Option<(usize, f64)> = None;
    space.for_each(|k, options| {
        if !consistent(options, fixed) {
            return;
        }
        let mut product = 1.0;
        for e in estimates {
            let gain = e.utility(options) - e.batna;
            if gain <= 0.0 {
                return;
            }
            product *= gain;
        }
        if best.is_none_or(|(_, b)| product > b) && !excluded.iter().any(|x| x == options) {
            best = Some((k, product));
        }
    });
    best.map(|(k, p)| (space.decode(k), p))
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
