//! Option rules (`option_rules`): every option they name exists, each rule can matter,
//! and together they leave something to agree: no issue reduced to its status quo, no
//! option that no allowed package holds, not every package forbidden.

use super::*;
use crate::sim::ai::space::Space;
use crate::sim::links::Links;

impl<'a> Validator<'a> {
    pub(super) fn option_rules(&mut self, p: &FieldPath) {
        let mut resolved = true;
        for (k, rule) in self.s.option_rules.iter().enumerate() {
            let rp = p.index(k);
            resolved &= self.rule_option(&rp.field("option"), rule.option());
            let own = &rule.option().issue;
            match rule {
                OptionRule::Requires { one_of, .. } => {
                    let lp = rp.field("one_of");
                    if one_of.is_empty() {
                        self.err(
                            &lp,
                            "`one_of` lists no option: the option could never be agreed",
                        );
                    }
                    for (j, r) in one_of.iter().enumerate() {
                        resolved &= self.rule_option(&lp.index(j), r);
                        if &r.issue == own {
                            self.err(
                                &lp.index(j).field("issue"),
                                format!(
                                    "`{}` is an option of the same issue `{own}`: a package holds one option per issue, so it can never come with it",
                                    r.option
                                ),
                            );
                        }
                    }
                }
                OptionRule::Excludes { other, .. } => {
                    let op = rp.field("other");
                    resolved &= self.rule_option(&op, other);
                    if &other.issue == own {
                        self.err(
                            &op.field("issue"),
                            format!(
                                "`{}` is an option of the same issue `{own}`: two options of one issue are never agreed together anyway",
                                other.option
                            ),
                        );
                    }
                }
            }
        }
        let packages: u64 = self
            .s
            .issues
            .iter()
            .map(|i| i.options.len() as u64)
            .product();
        if !resolved
            || self.s.option_rules.is_empty()
            || packages > MAX_PACKAGES
            || self.s.issues.iter().any(|i| i.options.is_empty())
        {
            return;
        }
        self.rules_leave_choices(p);
    }

    fn rule_option(&mut self, p: &FieldPath, r: &OptionRef) -> bool {
        self.check_option(
            &p.field("issue"),
            &p.field("option"),
            &r.issue,
            Some(&r.option),
        )
    }

    /// What the rules leave open, from every package they allow.
    fn rules_leave_choices(&mut self, p: &FieldPath) {
        let links = Links::compile(self.s);
        let radix: Vec<usize> = self.s.issues.iter().map(|i| i.options.len()).collect();
        let Some(allowed) = links.allowed(&radix) else {
            return;
        };
        if !allowed.iter().any(|a| *a) {
            self.err(
                p,
                "the option rules forbid every package: no agreement is possible",
            );
            return;
        }
        // Which options some allowed package holds.
        let mut reachable: Vec<Vec<bool>> = radix.iter().map(|&r| vec![false; r]).collect();
        Space::new(radix.clone()).for_each(|k, package| {
            if allowed[k] {
                for (i, &o) in package.iter().enumerate() {
                    reachable[i][o] = true;
                }
            }
        });
        let ip = FieldPath::root().field("issues");
        for (i, issue) in self.s.issues.iter().enumerate() {
            let sq = issue.options.iter().position(|o| o.id == issue.status_quo);
            let open: Vec<usize> = (0..radix[i]).filter(|&o| Some(o) != sq).collect();
            if !open.is_empty() && open.iter().all(|&o| !reachable[i][o]) {
                self.err(
                    &ip.index(i).field("options"),
                    format!(
                        "the option rules forbid every option of issue `{}` but its status quo: nothing can be agreed on it",
                        issue.id
                    ),
                );
                continue;
            }
            for &o in &open {
                if !reachable[i][o] {
                    self.warn(
                        &ip.index(i).field("options").index(o).field("id"),
                        format!(
                            "option `{}` of issue `{}` can never be agreed: the option rules forbid every package that holds it",
                            issue.options[o].id, issue.id
                        ),
                    );
                }
            }
        }
        // The status quo itself breaking a rule forbids every agreement that leaves the
        // issues it reads alone.
        let status_quo = self.s.status_quo_package();
        if let Some(k) = links.broken(&status_quo) {
            self.warn(
                &p.index(k),
                "the status quo breaks this rule: every agreement must change one of the issues it names",
            );
        }
        self.texts_keep_rules(&links, &status_quo);
    }

    /// Texts the scenario puts on the table (levers' and events' `Propose`), and the
    /// historical outcome, completed with the status quo, should keep the rules.
    fn texts_keep_rules(&mut self, links: &Links, status_quo: &[usize]) {
        let complete = |settled: &BTreeMap<String, String>| -> Option<Vec<usize>> {
            let mut package = status_quo.to_vec();
            for (issue, option) in settled {
                let i = self.s.issues.iter().position(|x| &x.id == issue)?;
                package[i] = self.s.issues[i]
                    .options
                    .iter()
                    .position(|x| &x.id == option)?;
            }
            Some(package)
        };
        let root = FieldPath::root();
        let mut found: Vec<(FieldPath, usize)> = Vec::new();
        let lists = [
            (
                "levers",
                self.s.levers.iter().map(|l| &l.effects).collect::<Vec<_>>(),
            ),
            ("events", self.s.events.iter().map(|e| &e.effects).collect()),
            (
                "injects",
                self.s.injects.iter().map(|e| &e.effects).collect(),
            ),
        ];
        for (name, effects) in lists {
            for (i, list) in effects.into_iter().enumerate() {
                for (j, effect) in list.iter().enumerate() {
                    if let Effect::Propose { package } = effect
                        && let Some(p) = complete(package)
                        && let Some(k) = links.broken(&p)
                    {
                        found.push((root.field(name).index(i).field("effects").index(j), k));
                    }
                }
            }
        }
        for (path, k) in found {
            self.warn(
                &path,
                format!(
                    "this text breaks an option rule (with the status quo elsewhere), so it is never tabled then: {}",
                    links.text(k)
                ),
            );
        }
        if let Some(h) = &self.s.historical_outcome
            && let Some(p) = complete(&h.settled)
            && let Some(k) = links.broken(&p)
        {
            self.warn(
                &root.field("historical_outcome").field("settled"),
                format!("what happened breaks an option rule: {}", links.text(k)),
            );
        }
    }
}
