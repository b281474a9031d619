//! Outcome analysis over the delegations (MODEL.md, "Metrics"): utility points of every
//! package, the Pareto frontier, the Nash bargaining point, a deal's distance to the
//! frontier and joint gain. All in normalised utility (`u / 100`).

use serde::Serialize;

use std::sync::Arc;

use super::model::{Model, Package, Prefs};

/// The outcome space seen by the delegations: every package and its utility vector.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeSpace {
    /// Packages, points and frontier depend on the utilities only, and are shared by the
    /// spaces that differ only in BATNAs (`with_batnas`).
    pub packages: Arc<Vec<Package>>,
    /// `points[k][d]`: normalised utility of package `k` for delegation `d`.
    pub points: Arc<Points>,
    /// Normalised BATNA of each delegation.
    pub batnas: Vec<f64>,
    /// Indices into `packages` of the Pareto frontier.
    pub frontier: Arc<Vec<usize>>,
    /// Index into `packages` of the Nash bargaining point, if the zone of possible
    /// agreement is not empty.
    pub nash: Option<usize>,
    /// Whether the option rules allow each package (`None`: every package is allowed).
    /// The frontier, the Nash point and the zone range over allowed packages only.
    #[serde(skip)]
    pub allowed: Option<Arc<Vec<bool>>>,
}

impl OutcomeSpace {
    /// Computes the space for the given preferences (in `model.delegations` order).
    pub fn new(model: &Model, prefs: &[Prefs]) -> OutcomeSpace {
        let delegations: Vec<&Prefs> = model.delegations.iter().map(|&d| &prefs[d]).collect();
        let packages = model.all_packages();
        let points = Points::of(&model.option_counts(), &delegations);
        let batnas: Vec<f64> = delegations.iter().map(|d| d.batna / 100.0).collect();
        let allowed = model.allowed();
        let frontier = pareto_frontier_among(&points, allowed);
        let nash = nash_point_among(&points, &batnas, allowed);
        OutcomeSpace {
            packages,
            points: Arc::new(points),
            batnas,
            frontier: Arc::new(frontier),
            nash,
            allowed: model.allowed_shared(),
        }
    }

    /// The same space with other BATNAs (preferences in `model.delegations` order, of
    /// which only the BATNAs are read): shares the packages, points and frontier, and
    /// finds the Nash point again.
    pub fn with_batnas(&self, model: &Model, prefs: &[Prefs]) -> OutcomeSpace {
        let batnas: Vec<f64> = model
            .delegations
            .iter()
            .map(|&d| prefs[d].batna / 100.0)
            .collect();
        OutcomeSpace {
            packages: self.packages.clone(),
            points: self.points.clone(),
            nash: nash_point_among(
                &*self.points,
                &batnas,
                self.allowed.as_deref().map(Vec::as_slice),
            ),
            batnas,
            frontier: self.frontier.clone(),
            allowed: self.allowed.clone(),
        }
    }

    /// Index of a package in `packages`.
    pub fn index_of(&self, package: &[usize]) -> Option<usize> {
        self.packages.iter().position(|p| p == package)
    }

    /// Euclidean distance from a utility point to the nearest frontier point.
    pub fn distance_to_frontier(&self, point: &[f64]) -> f64 {
        self.frontier
            .iter()
            .map(|&k| distance(point, &self.points[k]))
            .fold(f64::INFINITY, f64::min)
    }

    /// Euclidean distance to the Nash point, if there is one.
    pub fn distance_to_nash(&self, point: &[f64]) -> Option<f64> {
        self.nash.map(|k| distance(point, &self.points[k]))
    }

    /// Whether the option rules allow package `k`.
    pub fn is_allowed(&self, k: usize) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|a| a.get(k).copied().unwrap_or(false))
    }

    /// Allowed packages every delegation prefers to its BATNA (the zone of possible
    /// agreement).
    pub fn zopa(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.points.len())
            .filter(|&k| self.is_allowed(k) && gains_for_all(&self.points[k], &self.batnas))
    }
}

/// The delegations' Pareto frontier as points, in package order: all a game's summary
/// needs of the outcome space (its distance to the frontier and to the Nash point, which
/// lies on the frontier), at a fraction of the memory.
#[derive(Debug, Clone)]
pub struct Frontier {
    points: Points,
}

impl Frontier {
    /// The frontier of the delegations' preferences (in `model.delegations` order).
    pub fn new(model: &Model, prefs: &[Prefs]) -> Frontier {
        let delegations: Vec<&Prefs> = model.delegations.iter().map(|&d| &prefs[d]).collect();
        let all = Points::of(&model.option_counts(), &delegations);
        let frontier = pareto_frontier_among(&all, model.allowed());
        let mut data = Vec::with_capacity(frontier.len() * all.dims);
        for &k in &frontier {
            data.extend_from_slice(&all[k]);
        }
        Frontier {
            points: Points {
                dims: all.dims,
                data,
            },
        }
    }

    /// Euclidean distance from a utility point to the nearest frontier point (as
    /// [`OutcomeSpace::distance_to_frontier`]).
    pub fn distance(&self, point: &[f64]) -> f64 {
        self.points
            .iter()
            .map(|p| distance(point, p))
            .fold(f64::INFINITY, f64::min)
    }

    /// The Nash bargaining point for these BATNAs (as [`OutcomeSpace::nash`]: the point
    /// that maximises the product is never dominated, and of equal points the frontier
    /// keeps the first).
    pub fn nash(&self, batnas: &[f64]) -> Option<&[f64]> {
        nash_point(&self.points, batnas).map(|k| &self.points[k])
    }
}

/// Utility points, one per package, stored flat: `points[k]` is package `k`'s point (one
/// value per delegation). A vector per point would cost three times the memory.
#[derive(Debug, Clone, Serialize)]
pub struct Points {
    dims: usize,
    data: Vec<f64>,
}

impl Points {
    /// The normalised utility points of every package, in index order, for these
    /// preferences.
    pub fn of(radix: &[usize], prefs: &[&Prefs]) -> Points {
        let dims = prefs.len();
        let columns: Vec<Vec<f64>> = prefs.iter().map(|p| p.utilities(radix)).collect();
        let count = columns.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(count * dims);
        for k in 0..count {
            data.extend(columns.iter().map(|c| c[k] / 100.0));
        }
        Points { dims, data }
    }

    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dims).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The points in package order.
    pub fn iter(&self) -> impl Iterator<Item = &[f64]> + '_ {
        self.data.chunks(self.dims.max(1))
    }
}

impl std::ops::Index<usize> for Points {
    type Output = [f64];
    fn index(&self, k: usize) -> &[f64] {
        &self.data[k * self.dims..(k + 1) * self.dims]
    }
}

/// A set of utility points, however stored.
pub trait PointSet {
    fn count(&self) -> usize;
    fn point(&self, k: usize) -> &[f64];
}

impl PointSet for Points {
    fn count(&self) -> usize {
        self.len()
    }
    fn point(&self, k: usize) -> &[f64] {
        &self[k]
    }
}

impl PointSet for Vec<Vec<f64>> {
    fn count(&self) -> usize {
        self.len()
    }
    fn point(&self, k: usize) -> &[f64] {
        &self[k]
    }
}

/// The points of some packages of a set, by their place in it.
struct Subset<'a, P: PointSet + ?Sized> {
    points: &'a P,
    keep: Vec<usize>,
}

impl<P: PointSet + ?Sized> PointSet for Subset<'_, P> {
    fn count(&self) -> usize {
        self.keep.len()
    }
    fn point(&self, k: usize) -> &[f64] {
        self.points.point(self.keep[k])
    }
}

fn subset<'a, P: PointSet + ?Sized>(points: &'a P, allowed: &[bool]) -> Subset<'a, P> {
    let keep = (0..points.count())
        .filter(|&k| allowed.get(k).copied().unwrap_or(false))
        .collect();
    Subset { points, keep }
}

/// [`pareto_frontier`] among the allowed points only (all, when `allowed` is `None`).
pub fn pareto_frontier_among(
    points: &(impl PointSet + ?Sized),
    allowed: Option<&[bool]>,
) -> Vec<usize> {
    match allowed {
        None => pareto_frontier(points),
        Some(allowed) => {
            let sub = subset(points, allowed);
            pareto_frontier(&sub)
                .into_iter()
                .map(|k| sub.keep[k])
                .collect()
        }
    }
}

/// [`nash_point`] among the allowed points only (all, when `allowed` is `None`).
pub fn nash_point_among(
    points: &(impl PointSet + ?Sized),
    batnas: &[f64],
    allowed: Option<&[bool]>,
) -> Option<usize> {
    match allowed {
        None => nash_point(points, batnas),
        Some(allowed) => {
            let sub = subset(points, allowed);
            nash_point(&sub, batnas).map(|k| sub.keep[k])
        }
    }
}

/// Joint gain over BATNA: `Σ (uᵢ − BATNAᵢ)`, normalised.
pub fn joint_gain(point: &[f64], batnas: &[f64]) -> f64 {
    point.iter().zip(batnas).map(|(u, b)| u - b).sum()
}

pub fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

fn gains_for_all(point: &[f64], batnas: &[f64]) -> bool {
    point.iter().zip(batnas).all(|(u, b)| u > b)
}

/// `a` Pareto-dominates `b`: at least as good for all, strictly better for one.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// Indices of the points no other point dominates. Of several packages with the same
/// utility vector, only the first is kept. Sorted by index.
pub fn pareto_frontier(points: &(impl PointSet + ?Sized)) -> Vec<usize> {
    let count = points.count();
    if count > 0 && points.point(0).len() == 2 {
        pareto_frontier_2d(points)
    } else {
        pareto_frontier_any(points)
    }
}

/// The frontier in any dimension.
fn pareto_frontier_any(points: &(impl PointSet + ?Sized)) -> Vec<usize> {
    let count = points.count();
    // Visit points by decreasing sum: a point can only be dominated by one with a larger
    // sum, so comparing against the frontier found so far is enough.
    let sums: Vec<f64> = (0..count)
        .map(|k| points.point(k).iter().sum::<f64>())
        .collect();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| sums[b].total_cmp(&sums[a]).then(a.cmp(&b)));
    let mut frontier: Vec<usize> = Vec::new();
    for k in order {
        let p = points.point(k);
        if frontier
            .iter()
            .any(|&f| dominates(points.point(f), p) || points.point(f) == p)
        {
            continue;
        }
        frontier.push(k);
    }
    frontier.sort_unstable();
    frontier
}

/// The frontier of two-dimensional points in one sweep: by decreasing first coordinate
/// (then decreasing second, then index), a point is dominated by or equal to one seen
/// before exactly when its second coordinate is at most the largest seen so far.
fn pareto_frontier_2d(points: &(impl PointSet + ?Sized)) -> Vec<usize> {
    use super::model::total_order_key;
    let mut order: Vec<(u64, u64, usize)> = (0..points.count())
        .map(|k| {
            let p = points.point(k);
            (!total_order_key(p[0]), !total_order_key(p[1]), k)
        })
        .collect();
    order.sort_unstable();
    let mut frontier = Vec::new();
    let mut best_second: Option<f64> = None;
    for (_, _, k) in order {
        let second = points.point(k)[1];
        if best_second.is_some_and(|b| second <= b) {
            continue;
        }
        best_second = Some(second);
        frontier.push(k);
    }
    frontier.sort_unstable();
    frontier
}

/// The point maximising `Π (uᵢ − BATNAᵢ)` among points where every party gains; ties go
/// to the lowest index. `None` when no point gains for all (an empty zone of agreement).
pub fn nash_point(points: &(impl PointSet + ?Sized), batnas: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for k in 0..points.count() {
        let p = points.point(k);
        if !gains_for_all(p, batnas) {
            continue;
        }
        let product: f64 = p.iter().zip(batnas).map(|(u, b)| u - b).product();
        if best.is_none_or(|(_, b)| product > b) {
            best = Some((k, product));
        }
    }
    best.map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[[f64; 2]]) -> Vec<Vec<f64>> {
        v.iter().map(|p| p.to_vec()).collect()
    }

    #[test]
    fn the_two_dimensional_sweep_finds_the_same_frontier() {
        // Points on a coarse grid, so that many share a coordinate or are equal.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 12) as f64 / 11.0
        };
        for _ in 0..50 {
            let points: Vec<Vec<f64>> = (0..200).map(|_| vec![next(), next()]).collect();
            assert_eq!(pareto_frontier_2d(&points), pareto_frontier_any(&points));
        }
    }

    #[test]
    fn frontier_of_a_small_set() {
        // (0.2,0.9) (0.5,0.5) (0.9,0.1) are efficient; (0.4,0.4) and (0.1,0.1) are not;
        // the duplicate (0.5,0.5) is dropped.
        let points = pts(&[
            [0.2, 0.9],
            [0.4, 0.4],
            [0.5, 0.5],
            [0.9, 0.1],
            [0.1, 0.1],
            [0.5, 0.5],
        ]);
        assert_eq!(pareto_frontier(&points), vec![0, 2, 3]);
    }

    #[test]
    fn nash_maximises_the_product_of_gains() {
        let points = pts(&[[0.2, 0.9], [0.5, 0.5], [0.9, 0.1], [0.6, 0.35]]);
        // Gains over (0.1, 0.1): 0.08, 0.16, 0.0 (not > 0), 0.125.
        assert_eq!(nash_point(&points, &[0.1, 0.1]), Some(1));
        // With BATNAs above every point there is no zone of agreement.
        assert_eq!(nash_point(&points, &[0.95, 0.95]), None);
    }

    #[test]
    fn distances_and_joint_gain() {
        assert!((distance(&[0.0, 0.0], &[0.3, 0.4]) - 0.5).abs() < 1e-12);
        assert!((joint_gain(&[0.5, 0.6], &[0.2, 0.3]) - 0.6).abs() < 1e-12);
    }
}
