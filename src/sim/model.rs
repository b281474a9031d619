//! A validated scenario in the index-based form the engine runs on: issues and options by
//! position, preferences as vectors, utilities (MODEL.md, "Outcome space and utility").

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::ai::memo::TextMemo;
use super::links::Links;
use super::observe::Public;
use super::rules::Rules;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::scenario::{Issue, PartyKind, Scenario};

/// A complete package: the index of the chosen option for every issue, in issue order.
pub type Package = Vec<usize>;

/// One party's preferences, as vectors indexed by issue and option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    /// Weights as written (0–100), kept so that `SetWeight` can renormalise.
    pub raw_weights: Vec<f64>,
    /// Weights normalised to sum to 1.
    pub weights: Vec<f64>,
    /// `values[issue][option]`, 0–100.
    pub values: Vec<Vec<f64>>,
    /// `red[issue][option]`: the option is a red line.
    pub red: Vec<Vec<bool>>,
    /// Current walk-away value, 0–100.
    pub batna: f64,
}

impl Prefs {
    /// Utility 0–100 of a complete package: `Σ wᵢ·vᵢ`, or 0 if it crosses a red line.
    pub fn utility(&self, package: &[usize]) -> f64 {
        if self.crosses_red_line(package) {
            return 0.0;
        }
        package
            .iter()
            .enumerate()
            .map(|(i, &o)| self.weights[i] * self.values[i][o])
            .sum()
    }

    /// The utility of every package, in index order (mixed radix, first issue slowest):
    /// the same numbers as [`Prefs::utility`], bit for bit, summed once per prefix of
    /// issues instead of once per package.
    pub fn utilities(&self, radix: &[usize]) -> Vec<f64> {
        let n = radix.len();
        let size: usize = radix.iter().product();
        let mut out = Vec::with_capacity(size);
        if n == 0 {
            out.resize(size, 0.0);
            return out;
        }
        if radix.contains(&0) {
            return out;
        }
        // prefix[i]: the sum over issues ..i of the current options, in issue order (as
        // `utility` adds them); crossed[i]: whether one of them is a red line.
        let mut options = vec![0; n];
        let mut prefix = vec![0.0; n + 1];
        let mut crossed = vec![false; n + 1];
        let mut from = 0;
        for _ in 0..size {
            for i in from..n {
                let o = options[i];
                prefix[i + 1] = prefix[i] + self.weights[i] * self.values[i][o];
                crossed[i + 1] = crossed[i] || self.red[i][o];
            }
            out.push(if crossed[n] { 0.0 } else { prefix[n] });
            // Advance the mixed-radix counter; issues before `from` keep their sums.
            from = n;
            while from > 0 {
                from -= 1;
                options[from] += 1;
                if options[from] < radix[from] {
                    break;
                }
                options[from] = 0;
            }
        }
        out
    }

    pub fn crosses_red_line(&self, package: &[usize]) -> bool {
        package.iter().enumerate().any(|(i, &o)| self.red[i][o])
    }

    pub fn set_weight(&mut self, issue: usize, raw: f64) {
        self.raw_weights[issue] = raw;
        self.weights = normalise(&self.raw_weights);
    }
}

/// One party's utility of every package (by mixed-radix index, first issue slowest) and
/// the package indices sorted by decreasing utility, ties by index.
#[derive(Debug, Clone, Default)]
pub struct UtilityTable {
    pub utils: Vec<f64>,
    pub order: Vec<u32>,
    /// The options of each package in `order`, flattened: `options[i * issues + j]` is the
    /// option of issue `j` in the `i`-th best package. Lets a search read packages in
    /// order without decoding indices.
    pub options: Vec<u8>,
    /// The utility of each package in `order` (`utils[order[i]]`), decreasing: a search
    /// in order reads utilities in sequence.
    pub sorted: Vec<f64>,
    /// The widest issue's option count: the row width of per-option tables.
    pub width: usize,
}

impl UtilityTable {
    /// The table of these preferences; with `allowed` (per package, see
    /// [`Links::allowed`](super::links::Links::allowed)), `order` and `options` hold only
    /// the packages the option rules allow, so that a search in order never meets another.
    pub fn new(radix: &[usize], prefs: &Prefs, allowed: Option<&[bool]>) -> UtilityTable {
        let utils = prefs.utilities(radix);
        let mut order = order_by_decreasing(&utils);
        if let Some(allowed) = allowed {
            order.retain(|&k| allowed.get(k as usize).copied().unwrap_or(false));
        }
        let mut options = Vec::with_capacity(utils.len() * radix.len());
        for &k in &order {
            let mut k = k as usize;
            let start = options.len();
            options.resize(start + radix.len(), 0);
            for i in (0..radix.len()).rev() {
                options[start + i] = (k % radix[i]) as u8;
                k /= radix[i];
            }
        }
        let sorted = order.iter().map(|&k| utils[k as usize]).collect();
        UtilityTable {
            utils,
            order,
            options,
            sorted,
            width: radix.iter().copied().max().unwrap_or(0),
        }
    }
}

/// Package indices by decreasing utility, ties by index: a stable radix sort (least
/// significant byte first) of keys whose integer order is `total_cmp`'s, reversed. Bytes
/// that all keys share are skipped, which for utilities in 0–100 are most of the high
/// ones.
pub fn order_by_decreasing(utils: &[f64]) -> Vec<u32> {
    let mut keys: Vec<u64> = utils.iter().map(|u| !total_order_key(*u)).collect();
    let mut order: Vec<u32> = (0..utils.len() as u32).collect();
    let mut spare_keys = vec![0u64; keys.len()];
    let mut spare_order = vec![0u32; keys.len()];
    for byte in 0..8 {
        let shift = byte * 8;
        let mut counts = [0usize; 256];
        for &k in &keys {
            counts[((k >> shift) & 0xff) as usize] += 1;
        }
        if counts.contains(&keys.len()) {
            continue;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let here = *c;
            *c = at;
            at += here;
        }
        for (&k, &o) in keys.iter().zip(&order) {
            let d = ((k >> shift) & 0xff) as usize;
            spare_keys[counts[d]] = k;
            spare_order[counts[d]] = o;
            counts[d] += 1;
        }
        std::mem::swap(&mut keys, &mut spare_keys);
        std::mem::swap(&mut order, &mut spare_order);
    }
    order
}

/// An integer whose unsigned order is the order of [`f64::total_cmp`].
pub fn total_order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Whether two sets of preferences give the same utilities (BATNAs aside).
pub fn same_utility(a: &Prefs, b: &Prefs) -> bool {
    a.weights == b.weights && a.values == b.values && a.red == b.red
}

/// Weights normalised to sum to 1 (all-zero weights give zeros).
pub fn normalise(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    weights
        .iter()
        .map(|w| if total > 0.0 { w.max(0.0) / total } else { 0.0 })
        .collect()
}

/// A validated scenario, ready to play.
#[derive(Debug, Clone)]
pub struct Model {
    pub scenario: Scenario,
    /// The file's text, kept for records (a replay re-loads exactly this).
    pub source: String,
    /// SHA-256 of `source`, hex.
    pub hash: String,
    /// Initial preferences, by party index.
    pub prefs: Vec<Prefs>,
    /// Delegations, in turn order (party indices).
    pub delegations: Vec<usize>,
    /// Allies, in file order.
    pub allies: Vec<usize>,
    /// Mediators, in file order.
    pub mediators: Vec<usize>,
    /// Utility tables of the initial preferences, built when first needed and shared by
    /// every game of this model.
    tables: Vec<OnceLock<Arc<UtilityTable>>>,
    /// Tables of preferences that levers and events changed, shared by the games of this
    /// model (the same events change them the same way in many games).
    changed_tables: Arc<Mutex<Vec<(Vec<u64>, Arc<UtilityTable>)>>>,
    /// Every package in index order, built when first needed and shared by every outcome
    /// space of this model.
    all_packages: OnceLock<Arc<Vec<Package>>>,
    /// Answers of the AI's Nash-text searches, shared by every game of this model (the
    /// agents meet the same situations in many games).
    text_memo: Arc<TextMemo>,
    /// The status-quo option of each issue.
    status_quo: Vec<usize>,
    /// Conditions and effects by index.
    rules: Rules,
    /// The public facts every seat's observation shares, built when first needed.
    public: OnceLock<Public>,
    /// The option rules, by index.
    links: Links,
    /// Whether each package is allowed by the option rules; `None` when there are none.
    allowed: Option<Arc<Vec<bool>>>,
}

/// How many tables of changed preferences a model keeps.
const CHANGED_TABLES: usize = 64;
/// The memory the cache of changed tables may hold, about.
const CHANGED_TABLE_BYTES: usize = 12 * 1024 * 1024;
/// What a table costs per package: its utility, its place in the order, its options.
const TABLE_BYTES_PER_PACKAGE: usize = 24;

/// What a utility table depends on: weights, values and red lines, bit for bit.
fn table_key(prefs: &Prefs) -> Vec<u64> {
    let mut key: Vec<u64> = prefs.weights.iter().map(|w| w.to_bits()).collect();
    key.extend(prefs.values.iter().flatten().map(|v| v.to_bits()));
    key.extend(prefs.red.iter().flatten().map(|&r| u64::from(r)));
    key
}

impl Model {
    /// Builds the model of a scenario that has passed validation.
    pub fn new(scenario: Scenario, source: &str) -> Model {
        let prefs = scenario
            .parties
            .iter()
            .map(|party| {
                let raw_weights: Vec<f64> = scenario
                    .issues
                    .iter()
                    .map(|i| party.preferences.get(&i.id).map_or(0.0, |p| p.weight))
                    .collect();
                Prefs {
                    weights: normalise(&raw_weights),
                    raw_weights,
                    values: scenario
                        .issues
                        .iter()
                        .map(|i| {
                            i.options
                                .iter()
                                .map(|o| {
                                    party
                                        .preferences
                                        .get(&i.id)
                                        .and_then(|p| p.values.get(&o.id).copied())
                                        .unwrap_or(0.0)
                                })
                                .collect()
                        })
                        .collect(),
                    red: scenario
                        .issues
                        .iter()
                        .map(|i| {
                            i.options
                                .iter()
                                .map(|o| {
                                    party
                                        .red_lines
                                        .iter()
                                        .any(|r| r.issue == i.id && r.option == o.id)
                                })
                                .collect()
                        })
                        .collect(),
                    batna: party.batna,
                }
            })
            .collect();
        let of_kind = |kind| {
            scenario
                .parties
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind == kind)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        let delegations = scenario
            .rules
            .turn_order
            .iter()
            .filter_map(|id| scenario.parties.iter().position(|p| &p.id == id))
            .collect();
        let allies = of_kind(PartyKind::Ally);
        let mediators = of_kind(PartyKind::Mediator);
        let tables = (0..scenario.parties.len())
            .map(|_| OnceLock::new())
            .collect();
        let links = Links::compile(&scenario);
        let radix: Vec<usize> = scenario.issues.iter().map(|i| i.options.len()).collect();
        let allowed = links.allowed(&radix).map(Arc::new);
        Model {
            links,
            allowed,
            tables,
            changed_tables: Arc::new(Mutex::new(Vec::new())),
            all_packages: OnceLock::new(),
            text_memo: Arc::default(),
            status_quo: scenario.status_quo_package(),
            public: OnceLock::new(),
            rules: Rules::compile(&scenario),
            hash: sha256_hex(source),
            source: source.to_string(),
            prefs,
            delegations,
            allies,
            mediators,
            scenario,
        }
    }

    /// The model of a scenario known only in part (a remote seat's: the public facts,
    /// its own brief and preferences, stand-ins for the rest), with the option rules as the
    /// host compiled them.
    pub fn with_links(scenario: Scenario, links: Links) -> Model {
        let mut model = Model::new(scenario, "");
        let radix = model.option_counts();
        model.allowed = links.allowed(&radix).map(Arc::new);
        model.links = links;
        model
    }

    /// The utility table of any preferences of a party: the initial table when they are
    /// the initial ones, else one from the model's cache of changed preferences.
    pub fn table_for(&self, party: usize, prefs: &Prefs) -> Arc<UtilityTable> {
        if same_utility(&self.prefs[party], prefs) {
            return self.initial_table(party);
        }
        let key = table_key(prefs);
        if let Ok(cache) = self.changed_tables.lock()
            && let Some((_, t)) = cache.iter().find(|(k, _)| *k == key)
        {
            return t.clone();
        }
        let table = Arc::new(UtilityTable::new(
            &self.option_counts(),
            prefs,
            self.allowed(),
        ));
        if let Ok(mut cache) = self.changed_tables.lock() {
            // Bounded by count and by memory: a large outcome space keeps fewer tables.
            let bytes = table.utils.len() * TABLE_BYTES_PER_PACKAGE;
            let most = (CHANGED_TABLE_BYTES / bytes.max(1)).clamp(2, CHANGED_TABLES);
            while cache.len() >= most {
                cache.remove(0);
            }
            cache.push((key, table.clone()));
        }
        table
    }

    /// The memo of Nash-text searches the agents of this model's games share.
    /// The option rules, by index.
    pub fn links(&self) -> &Links {
        &self.links
    }
    /// Whether each package (by index) is allowed by the option rules; `None` when the
    /// scenario has none.
    pub fn allowed(&self) -> Option<&[bool]> {
        self.allowed.as_deref().map(Vec::as_slice)
    }
    /// [`Model::allowed`], shared (for outcome spaces that keep it).
    pub fn allowed_shared(&self) -> Option<Arc<Vec<bool>>> {
        self.allowed.clone()
    }
    /// Whether the option rules allow a complete package.
    pub fn allows(&self, package: &[usize]) -> bool {
        self.links.allows(package)
    }

    pub fn text_memo(&self) -> &TextMemo {
        &self.text_memo
    }

    /// How many options each issue has, in file order.
    pub fn option_counts(&self) -> Vec<usize> {
        self.scenario
            .issues
            .iter()
            .map(|i| i.options.len())
            .collect()
    }

    /// The utility table of a party's initial preferences.
    pub fn initial_table(&self, party: usize) -> Arc<UtilityTable> {
        self.tables[party]
            .get_or_init(|| {
                Arc::new(UtilityTable::new(
                    &self.option_counts(),
                    &self.prefs[party],
                    self.allowed(),
                ))
            })
            .clone()
    }

    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.scenario.parties.iter().position(|p| p.id == id)
    }
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.scenario.issues.iter().position(|i| i.id == id)
    }
    pub fn option_index(&self, issue: usize, id: &str) -> Option<usize> {
        self.scenario.issues[issue]
            .options
            .iter()
            .position(|o| o.id == id)
    }
    pub fn party_id(&self, party: usize) -> &str {
        &self.scenario.parties[party].id
    }
    pub fn kind(&self, party: usize) -> PartyKind {
        self.scenario.parties[party].kind
    }
    pub fn issue_count(&self) -> usize {
        self.scenario.issues.len()
    }

    /// The package where every issue takes its status-quo option.
    pub fn status_quo(&self) -> &[usize] {
        &self.status_quo
    }

    /// The scenario's conditions and effects, by index.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The public facts of the scenario, as every seat's observation reads them.
    pub fn public(&self) -> &Public {
        self.public.get_or_init(|| Public::new(self))
    }

    /// Ids of a package, for records and messages.
    pub fn package_ids(&self, package: &[usize]) -> BTreeMap<String, String> {
        package
            .iter()
            .enumerate()
            .map(|(i, &o)| {
                let issue = &self.scenario.issues[i];
                (issue.id.clone(), issue.options[o].id.clone())
            })
            .collect()
    }

    /// Ids of a partial package: the issues it names and their options.
    pub fn partial_package_ids(&self, package: &[Option<usize>]) -> BTreeMap<String, String> {
        partial_package_ids(&self.scenario.issues, package)
    }

    /// Number of complete packages (the product of the option counts).
    pub fn package_count(&self) -> u64 {
        self.scenario
            .issues
            .iter()
            .map(|i| i.options.len() as u64)
            .product()
    }

    /// Every complete package, in mixed-radix order (first issue changes slowest).
    /// Every package in index order, shared (built once per model).
    pub fn all_packages(&self) -> Arc<Vec<Package>> {
        self.all_packages
            .get_or_init(|| Arc::new(self.packages().collect()))
            .clone()
    }

    pub fn packages(&self) -> Packages {
        Packages {
            radix: self
                .scenario
                .issues
                .iter()
                .map(|i| i.options.len())
                .collect(),
            next: Some(vec![0; self.issue_count()]),
        }
    }
}

/// Iterator over every complete package.
pub struct Packages {
    radix: Vec<usize>,
    next: Option<Package>,
}

impl Iterator for Packages {
    type Item = Package;
    fn next(&mut self) -> Option<Package> {
        let current = self.next.take()?;
        if self.radix.contains(&0) {
            return None;
        }
        let mut following = current.clone();
        let mut i = following.len();
        loop {
            if i == 0 {
                break; // wrapped: that was the last package
            }
            i -= 1;
            following[i] += 1;
            if following[i] < self.radix[i] {
                self.next = Some(following);
                break;
            }
            following[i] = 0;
        }
        Some(current)
    }
}

/// Ids of a partial package (option per issue, `None` where it leaves the issue out),
/// read from the issues alone: what a seat without the scenario file can do too.
pub fn partial_package_ids(
    issues: &[Issue],
    package: &[Option<usize>],
) -> BTreeMap<String, String> {
    package
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.map(|o| (issues[i].id.clone(), issues[i].options[o].id.clone())))
        .collect()
}

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_utilities_at_once_are_those_of_each_package() {
        let radix = [3, 1, 4, 2];
        let prefs = Prefs {
            raw_weights: vec![30.0, 10.0, 45.0, 15.0],
            weights: normalise(&[30.0, 10.0, 45.0, 15.0]),
            values: vec![
                vec![0.0, 37.5, 100.0],
                vec![50.0],
                vec![12.3, 0.1, 99.9, 45.6],
                vec![70.0, 20.0],
            ],
            red: vec![
                vec![false, false, true],
                vec![false],
                vec![false, true, false, false],
                vec![false, false],
            ],
            batna: 40.0,
        };
        let all = prefs.utilities(&radix);
        let mut k = 0;
        let size: usize = radix.iter().product();
        assert_eq!(all.len(), size);
        for a in 0..3 {
            for b in 0..1 {
                for c in 0..4 {
                    for d in 0..2 {
                        let u = prefs.utility(&[a, b, c, d]);
                        assert_eq!(all[k].to_bits(), u.to_bits(), "package {k}");
                        k += 1;
                    }
                }
            }
        }
        assert!(all.contains(&0.0), "red lines are worth nothing");
    }

    #[test]
    fn the_radix_order_is_the_sorted_order() {
        let mut state = 99u64;
        let utils: Vec<f64> = (0..5000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Many ties, some zeros, some fine differences.
                ((state >> 40) % 300) as f64 / 3.0
            })
            .collect();
        let mut expected: Vec<u32> = (0..utils.len() as u32).collect();
        expected.sort_by(|&a, &b| {
            utils[b as usize]
                .total_cmp(&utils[a as usize])
                .then(a.cmp(&b))
        });
        assert_eq!(order_by_decreasing(&utils), expected);
        assert_eq!(order_by_decreasing(&[]), Vec::<u32>::new());
        assert_eq!(order_by_decreasing(&[1.0, 1.0, 2.0]), vec![2, 0, 1]);
    }

    #[test]
    fn total_order_keys_sort_as_total_cmp() {
        let xs = [
            -1.5,
            -0.0,
            0.0,
            1e-300,
            0.25,
            3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a} against {b}"
                );
            }
        }
    }
}
