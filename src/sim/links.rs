//! The scenario's option rules ([`OptionRule`]) compiled into index form: which complete
//! packages an agreement may be. A rule is checked on the completed package (what an
//! agreement settles, what is settled or locked already, the status quo elsewhere).
//!
//! A validated scenario names nothing it lacks; a rule that names an unknown issue or
//! option compiles to nothing (the validator has refused the file anyway).

use serde::{Deserialize, Serialize};

use super::ai::space::Space;
use super::scenario::{OptionRef, OptionRule, Scenario};

/// One option: (issue, option) by position.
pub type Choice = (usize, usize);

/// One rule, by index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Link {
    /// `option` only together with one of `one_of`.
    Requires { option: Choice, one_of: Vec<Choice> },
    /// `option` never together with `other`.
    Excludes { option: Choice, other: Choice },
}

impl Link {
    /// Whether the rule holds on a package (only the issues it reads are looked at).
    pub fn holds(&self, package: &[usize]) -> bool {
        let has = |(i, o): Choice| package.get(i) == Some(&o);
        match self {
            Link::Requires { option, one_of } => !has(*option) || one_of.iter().any(|&c| has(c)),
            Link::Excludes { option, other } => !(has(*option) && has(*other)),
        }
    }

    /// The issues the rule reads.
    pub fn issues(&self) -> impl Iterator<Item = usize> + '_ {
        let (first, rest): (Choice, &[Choice]) = match self {
            Link::Requires { option, one_of } => (*option, one_of),
            Link::Excludes { option, other } => (*option, std::slice::from_ref(other)),
        };
        std::iter::once(first.0).chain(rest.iter().map(|c| c.0))
    }
}

/// The compiled rules of a scenario, with their texts for people.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Links {
    pub links: Vec<Link>,
    /// Per rule: what it says, in words ("Sanctions on Russia: Lift only with Ceasefire:
    /// 30-day ceasefire or Lasting ceasefire"), then its `why` if it has one.
    pub texts: Vec<String>,
}

impl Links {
    pub fn compile(s: &Scenario) -> Links {
        let choice = |r: &OptionRef| -> Option<Choice> {
            let i = s.issues.iter().position(|x| x.id == r.issue)?;
            let o = s.issues[i].options.iter().position(|x| x.id == r.option)?;
            Some((i, o))
        };
        let label = |(i, o): Choice| {
            let issue = &s.issues[i];
            format!("{}: {}", issue.name, issue.options[o].label)
        };
        let mut out = Links::default();
        for rule in &s.option_rules {
            let compiled = match rule {
                OptionRule::Requires { option, one_of, .. } => {
                    let Some(option) = choice(option) else {
                        continue;
                    };
                    let one_of: Option<Vec<Choice>> = one_of.iter().map(choice).collect();
                    let Some(one_of) = one_of else { continue };
                    Link::Requires { option, one_of }
                }
                OptionRule::Excludes { option, other, .. } => {
                    let (Some(option), Some(other)) = (choice(option), choice(other)) else {
                        continue;
                    };
                    Link::Excludes { option, other }
                }
            };
            let mut text = match &compiled {
                Link::Requires { option, one_of } => {
                    // Alternatives of one issue name it once: "Ceasefire: 30-day or Lasting".
                    let others: Vec<String> = match one_of.first() {
                        Some(&(i, _)) if one_of.iter().all(|c| c.0 == i) => {
                            let issue = &s.issues[i];
                            let labels: Vec<&str> = one_of
                                .iter()
                                .map(|&(_, o)| issue.options[o].label.as_str())
                                .collect();
                            vec![format!("{}: {}", issue.name, labels.join(" or "))]
                        }
                        _ => one_of.iter().map(|&c| label(c)).collect(),
                    };
                    format!("{} only with {}", label(*option), others.join(" or "))
                }
                Link::Excludes { option, other } => {
                    format!("{} never with {}", label(*option), label(*other))
                }
            };
            if let Some(why) = rule.why() {
                text.push_str(". ");
                text.push_str(why.trim());
            }
            out.links.push(compiled);
            out.texts.push(text);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The first rule a complete package breaks, if any.
    pub fn broken(&self, package: &[usize]) -> Option<usize> {
        self.links.iter().position(|l| !l.holds(package))
    }

    /// Whether no rule forbids this complete package.
    pub fn allows(&self, package: &[usize]) -> bool {
        self.broken(package).is_none()
    }

    /// Whether each complete package (in index order, mixed radix, first issue slowest)
    /// is allowed; `None` when there are no rules (every package is).
    pub fn allowed(&self, radix: &[usize]) -> Option<Vec<bool>> {
        if self.is_empty() {
            return None;
        }
        let space = Space::new(radix.to_vec());
        let mut out = Vec::with_capacity(space.size);
        space.for_each(|_, package| out.push(self.allows(package)));
        Some(out)
    }

    /// The rule that forbids putting option `o` of issue `i` into `package` (a completed
    /// package: the issues' current state), if one does: for the issues board, which
    /// greys such options out.
    pub fn blocking(&self, package: &[usize], i: usize, o: usize) -> Option<usize> {
        let mut with = package.to_vec();
        *with.get_mut(i)? = o;
        self.broken(&with)
    }

    /// Per issue, the rules whose last issue (in issue order) it is: a search that sets
    /// issues in order can check each rule as soon as everything it reads is set.
    pub fn by_last_issue(&self, issues: usize) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); issues];
        for (k, l) in self.links.iter().enumerate() {
            if let Some(last) = l.issues().max()
                && last < issues
            {
                out[last].push(k);
            }
        }
        out
    }

    /// What rule `k` says, in words.
    pub fn text(&self, k: usize) -> &str {
        self.texts.get(k).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            links: vec![
                Link::Requires {
                    option: (1, 2),
                    one_of: vec![(0, 1), (0, 2)],
                },
                Link::Excludes {
                    option: (1, 1),
                    other: (2, 0),
                },
            ],
            texts: vec!["a".into(), "b".into()],
        }
    }

    #[test]
    fn requires_and_excludes_hold_on_complete_packages() {
        let l = links();
        assert!(l.allows(&[0, 0, 0]));
        assert_eq!(l.broken(&[0, 2, 1]), Some(0), "(1,2) needs (0,1) or (0,2)");
        assert!(l.allows(&[2, 2, 1]));
        assert_eq!(l.broken(&[1, 1, 0]), Some(1), "(1,1) never with (2,0)");
        assert!(l.allows(&[1, 1, 1]));
        assert_eq!(l.blocking(&[0, 0, 0], 1, 2), Some(0));
        assert_eq!(l.blocking(&[0, 0, 1], 1, 1), None);
    }

    #[test]
    fn the_allowed_table_follows_the_package_order() {
        let l = links();
        let radix = [3, 3, 2];
        let table = l.allowed(&radix).unwrap();
        assert_eq!(table.len(), 18);
        let mut k = 0;
        for a in 0..3 {
            for b in 0..3 {
                for c in 0..2 {
                    assert_eq!(table[k], l.allows(&[a, b, c]), "package {k}");
                    k += 1;
                }
            }
        }
        assert!(table.iter().any(|x| !x) && table.iter().any(|x| *x));
        assert_eq!(Links::default().allowed(&radix), None);
    }
}
