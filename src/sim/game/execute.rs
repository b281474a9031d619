//! Execution: the one way a move changes the game. `apply_explained` checks the move
//! whole, records it, and `execute` applies it; every change writes its transcript entry.

use super::*;

impl Game {
    // ---- Acting ----

    /// Applies `action` by the party with id `party`. On error nothing changes.
    /// Returns the transcript entries the action produced (events included).
    pub fn apply(&mut self, party: &str, action: Action) -> Result<&[Logged], ActionError> {
        let p = self
            .model
            .party_index(party)
            .ok_or_else(|| ActionError::UnknownParty(party.to_string()))?;
        self.apply_index(p, action)
    }

    /// As [`Game::apply`], with a party index.
    pub fn apply_index(&mut self, p: usize, action: Action) -> Result<&[Logged], ActionError> {
        self.apply_explained(p, action, None)
    }

    /// Applies an action with the reasons an AI gives for it: the public reason is
    /// written to the transcript for all, the rationale for the facilitator only.
    pub fn apply_explained(
        &mut self,
        p: usize,
        action: Action,
        explanation: Option<Explanation>,
    ) -> Result<&[Logged], ActionError> {
        let mv = self.resolve_action(p, &action)?;
        self.check_move(p, &mv)?;
        Ok(self.commit(p, Played::Given(action), mv, explanation))
    }

    /// Applies a move (by index, as the AI makes them), with its reasons; the record
    /// writes it as an action.
    pub fn apply_move(
        &mut self,
        p: usize,
        mv: Move,
        explanation: Option<Explanation>,
    ) -> Result<&[Logged], ActionError> {
        self.check_move(p, &mv)?;
        Ok(self.commit(p, Played::Made(mv.clone()), mv, explanation))
    }

    /// The one path that changes the game for a move that passed its checks: the record,
    /// the reasons, the move's effects, then the turn.
    fn commit(
        &mut self,
        p: usize,
        played: Played,
        mv: Move,
        explanation: Option<Explanation>,
    ) -> &[Logged] {
        let first = self.log.len();
        self.actions.push((p, played, explanation.clone()));
        if let Some(Explanation { public, rationale }) = explanation {
            if let Some(reason) = public {
                self.push(Scope::Public, Kind::Explained { by: p, reason });
            }
            self.push(Scope::Facilitator, Kind::Rationale { by: p, rationale });
        }
        self.execute(p, mv);
        if !self.is_over() {
            self.turn += 1;
            if self.turn >= self.order.len() {
                self.end_of_round();
            }
        }
        &self.log[first..]
    }

    pub(super) fn push(&mut self, scope: Scope, kind: Kind) {
        self.log.push(Logged {
            seq: self.log.len(),
            round: self.round,
            scope,
            kind,
        });
    }

    pub(super) fn id(&self, p: usize) -> String {
        self.model.party_id(p).to_string()
    }

    fn execute(&mut self, p: usize, mv: Move) {
        match mv {
            Move::Propose { package, note } => {
                self.put_offer(Some(p), package, None, note);
            }
            Move::Counter { to, package, note } => {
                self.reject(p, to, None);
                self.put_offer(Some(p), package, Some(to), note);
            }
            Move::Accept { offer } => {
                self.push(Scope::Public, Kind::Accepted { by: p, offer });
                if let Some(o) = offer_by_id_mut(&mut self.offers, offer) {
                    o.accepted_by.push(p);
                }
                self.settle_if_agreed(offer);
            }
            Move::Reject { offer, reason } => self.reject(p, offer, reason),
            Move::Withdraw { offer } => {
                self.set_status(offer, OfferStatus::Withdrawn, Withdrawal::By(p));
            }
            Move::Statement { to, stances, text } => {
                let scope = match to {
                    None => Scope::Public,
                    Some(list) => Scope::Private {
                        from: p,
                        to: list.into_iter().filter(|&q| q != p).collect(),
                    },
                };
                self.push(
                    scope,
                    Kind::Statement {
                        by: p,
                        stances,
                        text,
                    },
                );
            }
            Move::AskMediator { note } => {
                self.mediator_asked[p] = true;
                self.push(Scope::Public, Kind::AskedMediator { by: p, note });
            }
            Move::Caucus { ally, text } => {
                self.push(
                    Scope::Caucus {
                        delegation: p,
                        ally,
                    },
                    Kind::Caucus { by: p, ally, text },
                );
            }
            Move::UseLever { lever: l } => {
                let model = Arc::clone(&self.model);
                self.lever_uses[l] += 1;
                self.lever_costs[p] += model.scenario.levers[l].cost;
                self.push(Scope::Public, Kind::LeverUsed { by: p, lever: l });
                for effect in &model.rules().levers[l].effects {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, Some(p));
                }
            }
            Move::WalkOut { reason } => {
                self.push(
                    Scope::Public,
                    Kind::WalkedOut {
                        by: p,
                        reason: reason.clone(),
                    },
                );
                let me = self.id(p);
                self.end(OutcomeKind::WalkOut, Some(me), reason.unwrap_or_default());
            }
            Move::Pass => self.push(Scope::Public, Kind::Passed { by: p }),
        }
    }

    pub(super) fn reject(&mut self, p: usize, offer: OfferId, reason: Option<MoveReason>) {
        let sq = self.model.status_quo();
        if let Some(o) = offer_by_id_mut(&mut self.offers, offer) {
            o.accepted_by.retain(|&q| q != p);
            let issues = o
                .package
                .iter()
                .enumerate()
                .filter(|(i, x)| x.is_some_and(|x| x != sq[*i]))
                .map(|(i, _)| i)
                .collect();
            self.rejections.push(Rejection { by: p, issues });
        }
        self.push(
            Scope::Public,
            Kind::Rejected {
                by: p,
                offer,
                reason,
            },
        );
    }

    /// An offer leaves the table (replaced or withdrawn), and the transcript says why.
    pub(super) fn set_status(
        &mut self,
        offer: OfferId,
        status: OfferStatus,
        why: Withdrawal<usize, usize>,
    ) {
        if let Some(o) = offer_by_id_mut(&mut self.offers, offer) {
            o.status = status;
        }
        self.push(Scope::Public, Kind::Withdrawn { offer, why });
    }

    pub(super) fn put_offer(
        &mut self,
        author: Option<usize>,
        package: Vec<Option<usize>>,
        counter_to: Option<OfferId>,
        note: Option<String>,
    ) {
        if let Some(a) = author {
            // The author's standing offers are replaced, oldest first.
            for at in 0..self.offers.len() {
                let o = &self.offers[at];
                if o.status == OfferStatus::Standing && o.author == Some(a) {
                    let id = o.id;
                    self.set_status(id, OfferStatus::Replaced, Withdrawal::Replaced);
                }
            }
        }
        let id = self.offers.len() as OfferId + 1;
        let accepted_by = match author {
            Some(a) if self.model.kind(a) == PartyKind::Delegation => vec![a],
            _ => Vec::new(),
        };
        self.push(
            Scope::Public,
            Kind::Proposed {
                by: author,
                offer: id,
                package: package.clone(),
                counter_to,
                note,
            },
        );
        self.offers.push(Offer {
            id,
            author,
            round: self.round,
            package,
            status: OfferStatus::Standing,
            accepted_by,
            counter_to,
        });
        self.settle_if_agreed(id);
    }

    /// Settles an offer every delegation has accepted; ends the talks if nothing is left.
    pub(super) fn settle_if_agreed(&mut self, offer: OfferId) {
        let Some(o) = self.offer(offer) else { return };
        if o.status != OfferStatus::Standing
            || !self
                .model
                .delegations
                .iter()
                .all(|d| o.accepted_by.contains(d))
        {
            return;
        }
        let package = o.package.clone();
        // Never settle what the option rules forbid (moves are checked before; this holds
        // for texts that effects put on the table as well).
        if self.check_rules(&package).is_err() {
            return;
        }
        if let Some(o) = offer_by_id_mut(&mut self.offers, offer) {
            o.status = OfferStatus::Settled;
        }
        for (i, option) in package.iter().enumerate() {
            if let Some(option) = *option {
                self.settled[i] = Some(option);
                self.push(Scope::Public, Kind::Settled { issue: i, option });
            }
        }
        self.end_if_all_settled();
    }

    /// A full deal: every issue agreed, or off the table with at least one agreed.
    pub(super) fn end_if_all_settled(&mut self) {
        let all_closed = self
            .settled
            .iter()
            .zip(&self.locked)
            .all(|(s, l)| s.is_some() || l.is_some());
        if !self.is_over() && all_closed && self.settled.iter().any(Option::is_some) {
            self.end(
                OutcomeKind::FullDeal,
                None,
                "every issue is settled".to_string(),
            );
        }
    }
}
