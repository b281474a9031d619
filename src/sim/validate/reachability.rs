//! Reachability: when each event may fire and each lever may be enabled, as a least fixed
//! point over the reference graph, linear in the size of the file.

use super::*;

impl<'a> Validator<'a> {
    // ---- Can a condition ever hold? Sets of rounds, over- and under-approximated. ----

    /// Rounds in which `c` may hold (over-approximation) and in which it surely holds.
    pub(super) fn rounds(&self, c: &Condition) -> (Rounds, Rounds) {
        let all = self.all_rounds();
        let d = self.deadline();
        match c {
            Condition::Always => (all, all),
            Condition::Round(n) => {
                let r = rounds_from(*n, (*n).min(d));
                (r, r)
            }
            Condition::RoundAtLeast(n) => {
                let r = rounds_from(*n, d);
                (r, r)
            }
            Condition::OfferRejected { by, .. } | Condition::MediatorAsked(by) => {
                let is_delegation = self
                    .party(by)
                    .is_some_and(|p| p.kind == PartyKind::Delegation);
                let needs_mediator = matches!(c, Condition::MediatorAsked(_));
                if is_delegation && (!needs_mediator || self.has_mediator) {
                    (all, 0)
                } else {
                    (0, 0)
                }
            }
            Condition::IssueSettled { .. } => {
                // Under "nothing agreed until all agreed" a deal settles every issue at
                // once and ends the talks, so no event or lever sees a settled issue.
                if self.s.rules.nothing_agreed_until_all_agreed {
                    (0, 0)
                } else {
                    (all, 0)
                }
            }
            Condition::BatnaBelow { party, value } | Condition::BatnaAbove { party, value } => {
                let below = matches!(c, Condition::BatnaBelow { .. });
                let unreachable_bound = if below {
                    *value <= 0.0
                } else {
                    *value >= 100.0
                };
                let moved = self.batna_moved.contains(party.as_str());
                let start = self.party(party).map(|p| p.batna);
                let holds_at_start = start.map(|b| if below { b < *value } else { b > *value });
                if unreachable_bound || !value.is_finite() {
                    (0, 0)
                } else if !moved {
                    match holds_at_start {
                        Some(true) => (all, all),
                        _ => (0, 0),
                    }
                } else {
                    (all, 0)
                }
            }
            Condition::LeverUsed(id) => {
                // A lever is used in some round's ally phase; the condition holds from then.
                let r = self
                    .lever_ids
                    .get(id.as_str())
                    .map_or(0, |&i| self.lever_reach[i]);
                (from_first(r, d), 0)
            }
            Condition::EventFired(id) => {
                let r = self
                    .event_ids
                    .get(id.as_str())
                    .map_or(0, |&i| self.event_reach[i]);
                (from_first(r, d), 0)
            }
            Condition::All(list) => {
                // `All([c, Not(c)])` contradicts itself whatever `c` is.
                let contradiction = list.iter().any(|c| {
                    list.iter()
                        .any(|d| matches!(d, Condition::Not(inner) if **inner == *c))
                });
                if contradiction {
                    return (0, 0);
                }
                list.iter().fold((all, all), |(p, s), c| {
                    let (cp, cs) = self.rounds(c);
                    (p & cp, s & cs)
                })
            }
            Condition::Any(list) => list.iter().fold((0, 0), |(p, s), c| {
                let (cp, cs) = self.rounds(c);
                (p | cp, s | cs)
            }),
            Condition::Not(inner) => {
                let (p, s) = self.rounds(inner);
                (all & !s, all & !p)
            }
        }
    }

    /// When each event may fire and each lever may be enabled: the least fixed point of
    /// the conditions over the reference graph, found with a worklist. The analysis is
    /// monotone (an event that may fire earlier can only make its dependents possible
    /// earlier, `Not` included, since "surely fired" is never assumed), so starting from
    /// "never" and re-evaluating a node whenever one it references changes converges; each
    /// node changes at most once per round, so the work is linear in the size of the file
    /// times the deadline, whatever the shape of the graph. Events and levers that only
    /// wait on each other in a loop stay at "never".
    pub(super) fn reachability(&mut self) {
        self.event_ids = first_index(self.s.events.iter().map(|e| e.id.as_str()));
        self.lever_ids = first_index(self.s.levers.iter().map(|l| l.id.as_str()));
        let (events, levers) = (self.s.events.len(), self.s.levers.len());
        let slot = |n: Node| match n {
            Node::Event(i) => i,
            Node::Lever(i) => events + i,
        };
        // Who references whom, read off each node's condition.
        let mut dependents: Vec<Vec<Node>> = vec![Vec::new(); events + levers];
        let mut refs = Vec::new();
        let nodes = (0..events)
            .map(Node::Event)
            .chain((0..levers).map(Node::Lever));
        for node in nodes.clone() {
            refs.clear();
            match node {
                Node::Event(i) => match &self.s.events[i].trigger {
                    Trigger::AtRound(_) => {}
                    Trigger::When(c) | Trigger::Random { when: c, .. } => {
                        self.references(c, &mut refs)
                    }
                },
                Node::Lever(i) => self.references(&self.s.levers[i].enabled_when, &mut refs),
            }
            for &r in &refs {
                let deps = &mut dependents[slot(r)];
                if deps.last() != Some(&node) {
                    deps.push(node);
                }
            }
        }
        let mut queue: std::collections::VecDeque<Node> = nodes.collect();
        let mut queued = vec![true; events + levers];
        while let Some(node) = queue.pop_front() {
            queued[slot(node)] = false;
            let (old, new) = match node {
                Node::Event(i) => (self.event_reach[i], self.event_may_fire(i)),
                Node::Lever(i) => (self.lever_reach[i], self.lever_may_be_enabled(i)),
            };
            if new == old {
                continue;
            }
            match node {
                Node::Event(i) => self.event_reach[i] = new,
                Node::Lever(i) => self.lever_reach[i] = new,
            }
            for &d in &dependents[slot(node)] {
                if !queued[slot(d)] {
                    queued[slot(d)] = true;
                    queue.push_back(d);
                }
            }
        }
    }

    /// The events and levers a condition refers to (nesting is bounded by the parser).
    pub(super) fn references(&self, c: &Condition, out: &mut Vec<Node>) {
        match c {
            Condition::EventFired(id) => {
                out.extend(self.event_ids.get(id.as_str()).map(|&i| Node::Event(i)))
            }
            Condition::LeverUsed(id) => {
                out.extend(self.lever_ids.get(id.as_str()).map(|&i| Node::Lever(i)))
            }
            Condition::All(list) | Condition::Any(list) => {
                for c in list {
                    self.references(c, out);
                }
            }
            Condition::Not(inner) => self.references(inner, out),
            _ => {}
        }
    }

    /// The rounds in which event `i` may fire, given what is known of the others.
    pub(super) fn event_may_fire(&self, i: usize) -> Rounds {
        match &self.s.events[i].trigger {
            Trigger::AtRound(n) => rounds_from(*n, (*n).min(self.deadline())),
            Trigger::When(c) => self.rounds(c).0,
            Trigger::Random { probability, when } => {
                if probability.is_finite() && *probability > 0.0 {
                    self.rounds(when).0
                } else {
                    0
                }
            }
        }
    }

    /// The rounds in which lever `i` may be enabled, given what is known of the others.
    pub(super) fn lever_may_be_enabled(&self, i: usize) -> Rounds {
        let lever = &self.s.levers[i];
        if lever.max_uses == 0 {
            0
        } else {
            self.rounds(&lever.enabled_when).0
        }
    }
}
