//! Effects of levers, events and injects on the game.

use super::*;

impl Game {
    pub(super) fn apply_effect(&mut self, effect: &Effect, owner: Option<usize>) {
        let m = Arc::clone(&self.model);
        match effect {
            Effect::MoveBatna { party, by } => {
                if let Some(p) = m.party_index(party) {
                    let now = (self.prefs[p].batna + by).clamp(0.0, 100.0);
                    let moved = now - self.prefs[p].batna;
                    self.prefs[p].batna = now;
                    self.push(
                        Visibility::Only(party.clone()),
                        EntryKind::BatnaMoved {
                            party: party.clone(),
                            by: moved,
                            now,
                        },
                    );
                }
            }
            Effect::SetValue {
                party,
                issue,
                option,
                value,
            } => {
                if let (Some(p), Some(i)) = (m.party_index(party), m.issue_index(issue))
                    && let Some(o) = m.option_index(i, option)
                {
                    self.prefs[p].values[i][o] = *value;
                    self.push(
                        Visibility::Only(party.clone()),
                        EntryKind::ValueChanged {
                            party: party.clone(),
                            issue: issue.clone(),
                            option: option.clone(),
                            value: *value,
                        },
                    );
                }
            }
            Effect::SetWeight {
                party,
                issue,
                weight,
            } => {
                if let (Some(p), Some(i)) = (m.party_index(party), m.issue_index(issue)) {
                    self.prefs[p].set_weight(i, *weight);
                    self.push(
                        Visibility::Only(party.clone()),
                        EntryKind::WeightChanged {
                            party: party.clone(),
                            issue: issue.clone(),
                            weight: *weight,
                        },
                    );
                }
            }
            Effect::News {
                headline,
                text,
                source,
            } => self.push(
                Visibility::Public,
                EntryKind::News {
                    headline: headline.clone(),
                    text: text.clone(),
                    source: source.clone(),
                },
            ),
            Effect::LockIssue { issue, option } => {
                if let Some(i) = m.issue_index(issue)
                    && let Some(o) = m.option_index(i, option)
                {
                    self.locked[i] = Some(o);
                    self.push(
                        Visibility::Public,
                        EntryKind::Locked {
                            issue: issue.clone(),
                            option: option.clone(),
                        },
                    );
                    let conflicting: Vec<OfferId> = self
                        .standing_offers()
                        .filter(|x| x.package[i].is_some_and(|x| x != o))
                        .map(|x| x.id)
                        .collect();
                    for id in conflicting {
                        self.set_status(
                            id,
                            OfferStatus::Withdrawn,
                            format!("{issue} was taken off the table"),
                        );
                    }
                    self.end_if_all_settled();
                }
            }
            Effect::Propose { package } => {
                let mut resolved = vec![None; m.issue_count()];
                for (issue, option) in package {
                    if let Some(i) = m.issue_index(issue)
                        && let Some(o) = m.option_index(i, option)
                        && self.locked[i].is_none_or(|l| l == o)
                    {
                        resolved[i] = Some(o);
                    }
                }
                if resolved.iter().any(Option::is_some) {
                    self.put_offer(owner, resolved, None, None);
                }
            }
            Effect::EndTalks { reason } => {
                let kind = if self.settled.iter().any(Option::is_some) {
                    OutcomeKind::PartialDeal
                } else {
                    OutcomeKind::NoDeal
                };
                self.end(kind, None, reason.clone());
            }
        }
    }
}
