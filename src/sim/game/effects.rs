//! Effects of levers, events and injects on the game, compiled by index ([`Eff`]); each
//! writes its transcript entry.

use super::*;

impl Game {
    pub(super) fn apply_effect(&mut self, effect: &Eff, owner: Option<usize>) {
        match effect {
            Eff::MoveBatna { party: p, by } => {
                let p = *p;
                let now = (self.prefs[p].batna + by).clamp(0.0, 100.0);
                let moved = now - self.prefs[p].batna;
                self.prefs[p].batna = now;
                self.push(
                    Scope::Only(p),
                    Kind::BatnaMoved {
                        party: p,
                        by: moved,
                        now,
                    },
                );
            }
            Eff::SetValue {
                party: p,
                issue: i,
                option: o,
                value,
            } => {
                self.prefs[*p].values[*i][*o] = *value;
                self.prefs_changes[*p] += 1;
                self.push(
                    Scope::Only(*p),
                    Kind::ValueChanged {
                        party: *p,
                        issue: *i,
                        option: *o,
                        value: *value,
                    },
                );
            }
            Eff::SetWeight {
                party: p,
                issue: i,
                weight,
            } => {
                self.prefs[*p].set_weight(*i, *weight);
                self.prefs_changes[*p] += 1;
                self.push(
                    Scope::Only(*p),
                    Kind::WeightChanged {
                        party: *p,
                        issue: *i,
                        weight: *weight,
                    },
                );
            }
            Eff::News {
                headline,
                text,
                source,
            } => self.push(
                Scope::Public,
                Kind::News {
                    headline: headline.clone(),
                    text: text.clone(),
                    source: source.clone(),
                },
            ),
            Eff::LockIssue {
                issue: i,
                option: o,
            } => {
                let (i, o) = (*i, *o);
                self.locked[i] = Some(o);
                self.push(
                    Scope::Public,
                    Kind::Locked {
                        issue: i,
                        option: o,
                    },
                );
                let conflicting: Vec<OfferId> = self
                    .standing_offers()
                    .filter(|x| x.package[i].is_some_and(|x| x != o))
                    .map(|x| x.id)
                    .collect();
                for id in conflicting {
                    self.set_status(id, OfferStatus::Withdrawn, Withdrawal::TakenOffTable(i));
                }
                self.end_if_all_settled();
            }
            Eff::Propose { package } => {
                // What is locked since stays as it is locked.
                let resolved: Vec<Option<usize>> = package
                    .iter()
                    .zip(&self.locked)
                    .map(|(o, l)| o.filter(|o| l.is_none_or(|l| l == *o)))
                    .collect();
                // A text the option rules forbid, with what is settled now, is not tabled.
                if resolved.iter().any(Option::is_some) && self.check_rules(&resolved).is_ok() {
                    self.put_offer(owner, resolved, None, None);
                }
            }
            Eff::EndTalks { reason } => {
                let kind = if self.settled.iter().any(Option::is_some) {
                    OutcomeKind::PartialDeal
                } else {
                    OutcomeKind::NoDeal
                };
                self.end(kind, None, reason.clone());
            }
            Eff::Nothing => {}
        }
    }
}
