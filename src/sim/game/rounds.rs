//! The round machine: events at the end of a round, the deadline, the end of the talks.

use super::*;

impl Game {
    /// Events in file order, then the next round or the end at the deadline.
    pub(super) fn end_of_round(&mut self) {
        let model = Arc::clone(&self.model);
        for (e, (event, rules)) in model
            .scenario
            .events
            .iter()
            .zip(&model.rules().events)
            .enumerate()
        {
            // One draw per random event per round, whatever the state, so that the
            // players' choices never shift later draws.
            let draw = match rules.trigger {
                When::Random { .. } => Some(self.events_rng.unit()),
                _ => None,
            };
            if self.is_over() || (self.event_fired[e] > 0 && !event.repeat) {
                continue;
            }
            let fires = match &rules.trigger {
                When::AtRound(n) => self.round == *n,
                When::Holds(c) => self.holds(c),
                When::Random { probability, when } => {
                    draw.is_some_and(|d| d < *probability) && self.holds(when)
                }
            };
            if fires {
                self.event_fired[e] += 1;
                self.push(Scope::Public, Kind::EventFired { event: e });
                let owner = model.mediators.first().copied();
                for effect in &rules.effects {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, owner);
                }
            }
        }
        if self.is_over() {
            return;
        }
        if self.round >= self.deadline() {
            let kind = if self.settled.iter().any(Option::is_some) {
                OutcomeKind::PartialDeal
            } else {
                OutcomeKind::NoDeal
            };
            self.end(kind, None, "the deadline was reached".to_string());
        } else {
            self.round += 1;
            self.turn = 0;
            self.push(Scope::Public, Kind::RoundStarted);
        }
    }

    pub(super) fn end(&mut self, kind: OutcomeKind, by: Option<String>, reason: String) {
        let package = self.current_package();
        let settled = self
            .settled
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .map(|(i, _)| self.model.scenario.issues[i].id.clone())
            .collect();
        let outcome = Outcome {
            kind,
            round: self.round,
            by,
            reason,
            package: self.model.package_ids(&package),
            settled,
        };
        self.push(
            Scope::Public,
            Kind::TalksEnded {
                outcome: Box::new(outcome.clone()),
            },
        );
        let standing: Vec<OfferId> = self.standing_offers().map(|o| o.id).collect();
        for id in standing {
            if let Some(o) = offer_by_id_mut(&mut self.offers, id) {
                o.status = OfferStatus::Withdrawn;
            }
        }
        self.outcome = Some(outcome);
    }
}
