//! Execution: the one way a move changes the game. `apply_explained` checks the move
//! whole, records it, and `execute` applies it; every change writes its transcript entry.

use super::*;

impl Game {
    // ---- Acting ----

    /// Applies `action` by the party with id `party`. On error nothing changes.
    /// Returns the transcript entries the action produced (events included).
    pub fn apply(&mut self, party: &str, action: Action) -> Result<&[Entry], ActionError> {
        let p = self
            .model
            .party_index(party)
            .ok_or_else(|| ActionError::UnknownParty(party.to_string()))?;
        self.apply_index(p, action)
    }

    /// As [`Game::apply`], with a party index.
    pub fn apply_index(&mut self, p: usize, action: Action) -> Result<&[Entry], ActionError> {
        self.apply_explained(p, action, None)
    }

    /// Applies an action with the reasons an AI gives for it: the public reason is
    /// written to the transcript for all, the rationale for the facilitator only.
    pub fn apply_explained(
        &mut self,
        p: usize,
        action: Action,
        explanation: Option<Explanation>,
    ) -> Result<&[Entry], ActionError> {
        let mv = self.resolve_action(p, &action)?;
        self.check_move(p, &mv)?;
        Ok(self.commit(p, action, mv, explanation))
    }

    /// Applies a move (by index, as the AI makes them), with its reasons; the record
    /// keeps it as an action.
    pub fn apply_move(
        &mut self,
        p: usize,
        mv: Move,
        explanation: Option<Explanation>,
    ) -> Result<&[Entry], ActionError> {
        self.check_move(p, &mv)?;
        let action = mv.to_action(&self.model);
        Ok(self.commit(p, action, mv, explanation))
    }

    /// The one path that changes the game for a move that passed its checks: the record,
    /// the reasons, the move's effects, then the turn.
    fn commit(
        &mut self,
        p: usize,
        action: Action,
        mv: Move,
        explanation: Option<Explanation>,
    ) -> &[Entry] {
        let first = self.log.len();
        self.actions.push((p, action, explanation.clone()));
        if let Some(Explanation { public, rationale }) = explanation {
            let by = self.id(p);
            if let Some(reason) = public {
                self.push(
                    Visibility::Public,
                    EntryKind::Explained {
                        by: by.clone(),
                        reason,
                    },
                );
            }
            self.push(
                Visibility::Facilitator,
                EntryKind::Rationale { by, rationale },
            );
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

    pub(super) fn push(&mut self, visibility: Visibility, kind: EntryKind) {
        self.log.push(Entry {
            seq: self.log.len(),
            round: self.round,
            visibility,
            kind,
        });
    }

    pub(super) fn id(&self, p: usize) -> String {
        self.model.party_id(p).to_string()
    }

    fn execute(&mut self, p: usize, mv: Move) {
        let me = self.id(p);
        match mv {
            Move::Propose { package, note } => {
                self.put_offer(Some(p), package, None, note);
            }
            Move::Counter { to, package, note } => {
                self.reject(p, to, None);
                self.put_offer(Some(p), package, Some(to), note);
            }
            Move::Accept { offer } => {
                self.push(Visibility::Public, EntryKind::Accepted { by: me, offer });
                if let Some(o) = self.offers.iter_mut().find(|o| o.id == offer) {
                    o.accepted_by.push(p);
                }
                self.settle_if_agreed(offer);
            }
            Move::Reject { offer, reason } => {
                let reason = reason.map(|r| Reason {
                    issue: r.issue.map(|i| self.model.scenario.issues[i].id.clone()),
                    text: r.text,
                });
                self.reject(p, offer, reason)
            }
            Move::Withdraw { offer } => {
                self.set_status(offer, OfferStatus::Withdrawn, format!("by {me}"));
            }
            Move::Statement { to, stances, text } => {
                let visibility = match to {
                    None => Visibility::Public,
                    Some(list) => Visibility::Private {
                        from: me.clone(),
                        to: list
                            .into_iter()
                            .filter(|&q| q != p)
                            .map(|q| self.id(q))
                            .collect(),
                    },
                };
                let s = &self.model.scenario;
                let stances = stances
                    .iter()
                    .map(|st| Stance {
                        issue: s.issues[st.issue].id.clone(),
                        option: s.issues[st.issue].options[st.option].id.clone(),
                        stance: st.stance,
                    })
                    .collect();
                self.push(
                    visibility,
                    EntryKind::Statement {
                        by: me,
                        stances,
                        text,
                    },
                );
            }
            Move::AskMediator { note } => {
                self.mediator_asked[p] = true;
                self.push(
                    Visibility::Public,
                    EntryKind::AskedMediator { by: me, note },
                );
            }
            Move::Caucus { ally, text } => {
                let ally = self.id(ally);
                self.push(
                    Visibility::Caucus {
                        delegation: me.clone(),
                        ally: ally.clone(),
                    },
                    EntryKind::Caucus { by: me, ally, text },
                );
            }
            Move::UseLever { lever: l } => {
                let model = Arc::clone(&self.model);
                let def = &model.scenario.levers[l];
                self.lever_uses[l] += 1;
                self.lever_costs[p] += def.cost;
                self.push(
                    Visibility::Public,
                    EntryKind::LeverUsed {
                        by: me,
                        lever: def.id.clone(),
                        text: def.public_text.clone(),
                    },
                );
                for effect in &model.rules().levers[l].effects {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, Some(p));
                }
            }
            Move::WalkOut { reason } => {
                self.push(
                    Visibility::Public,
                    EntryKind::WalkedOut {
                        by: me.clone(),
                        reason: reason.clone(),
                    },
                );
                self.end(
                    OutcomeKind::WalkOut,
                    Some(me.clone()),
                    reason.unwrap_or_else(|| format!("{me} walked out")),
                );
            }
            Move::Pass => self.push(Visibility::Public, EntryKind::Passed { by: me }),
        }
    }

    pub(super) fn reject(&mut self, p: usize, offer: OfferId, reason: Option<Reason>) {
        let sq = self.model.status_quo();
        if let Some(o) = self.offers.iter_mut().find(|o| o.id == offer) {
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
        let by = self.id(p);
        self.push(
            Visibility::Public,
            EntryKind::Rejected { by, offer, reason },
        );
    }

    pub(super) fn set_status(&mut self, offer: OfferId, status: OfferStatus, why: String) {
        if let Some(o) = self.offers.iter_mut().find(|o| o.id == offer) {
            o.status = status;
        }
        if status != OfferStatus::Settled {
            self.push(Visibility::Public, EntryKind::Withdrawn { offer, why });
        }
    }

    pub(super) fn put_offer(
        &mut self,
        author: Option<usize>,
        package: Vec<Option<usize>>,
        counter_to: Option<OfferId>,
        note: Option<String>,
    ) {
        if let Some(a) = author {
            let previous: Vec<OfferId> = self
                .standing_offers()
                .filter(|o| o.author == Some(a))
                .map(|o| o.id)
                .collect();
            for id in previous {
                self.set_status(id, OfferStatus::Replaced, "replaced by a new offer".into());
            }
        }
        let id = self.offers.len() as OfferId + 1;
        let accepted_by = match author {
            Some(a) if self.model.kind(a) == PartyKind::Delegation => vec![a],
            _ => Vec::new(),
        };
        self.push(
            Visibility::Public,
            EntryKind::Proposed {
                by: author.map(|a| self.id(a)),
                offer: id,
                package: self.model.partial_package_ids(&package),
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
        self.set_status(offer, OfferStatus::Settled, String::new());
        for (i, option) in package.iter().enumerate() {
            if let Some(option) = *option {
                self.settled[i] = Some(option);
                let issue = &self.model.scenario.issues[i];
                let (issue_id, option_id) = (issue.id.clone(), issue.options[option].id.clone());
                self.push(
                    Visibility::Public,
                    EntryKind::Settled {
                        issue: issue_id,
                        option: option_id,
                    },
                );
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
