//! Legality: a move is checked whole, before anything changes, into a `Checked` that
//! `execute` then applies.

use super::*;

impl Game {
    pub(super) fn text_ok(text: Option<&str>) -> Result<(), ActionError> {
        match text {
            Some(t) if t.chars().count() > MAX_TEXT_CHARS => Err(ActionError::TextTooLong),
            _ => Ok(()),
        }
    }

    pub(super) fn resolve(&self, ids: &PackageIds) -> Result<Vec<Option<usize>>, ActionError> {
        let m = &self.model;
        if ids.is_empty() {
            return Err(ActionError::EmptyPackage);
        }
        let mut package = vec![None; m.issue_count()];
        for (issue, option) in ids {
            let i = m
                .issue_index(issue)
                .ok_or_else(|| ActionError::UnknownIssue(issue.clone()))?;
            let o = m
                .option_index(i, option)
                .ok_or_else(|| ActionError::UnknownOption {
                    issue: issue.clone(),
                    option: option.clone(),
                })?;
            if let Some(locked_on) = self.locked[i]
                && locked_on != o
            {
                return Err(ActionError::IssueLocked {
                    issue: issue.clone(),
                    option: m.scenario.issues[i].options[locked_on].id.clone(),
                });
            }
            package[i] = Some(o);
        }
        if m.scenario.rules.nothing_agreed_until_all_agreed
            && let Some(i) = package.iter().position(Option::is_none)
        {
            return Err(ActionError::IncompletePackage(
                m.scenario.issues[i].id.clone(),
            ));
        }
        Ok(package)
    }

    pub(super) fn standing(&self, id: OfferId) -> Result<&Offer, ActionError> {
        let offer = self.offer(id).ok_or(ActionError::UnknownOffer(id))?;
        if offer.status != OfferStatus::Standing {
            return Err(ActionError::OfferNotStanding(id));
        }
        Ok(offer)
    }

    pub(super) fn check_stances(&self, stances: &[Stance]) -> Result<(), ActionError> {
        // A stance per option at most: more is a hostile or broken message.
        let options: usize = self
            .model
            .scenario
            .issues
            .iter()
            .map(|i| i.options.len())
            .sum();
        if stances.len() > options {
            return Err(ActionError::TooMany {
                what: "stances",
                limit: options,
            });
        }
        for s in stances {
            let i = self
                .model
                .issue_index(&s.issue)
                .ok_or_else(|| ActionError::UnknownIssue(s.issue.clone()))?;
            self.model
                .option_index(i, &s.option)
                .ok_or_else(|| ActionError::UnknownOption {
                    issue: s.issue.clone(),
                    option: s.option.clone(),
                })?;
        }
        Ok(())
    }

    /// Whether `p` may take `action` now (what `apply` would refuse, without applying).
    pub fn check_action(&self, p: usize, action: &Action) -> Result<(), ActionError> {
        self.check(p, action).map(|_| ())
    }

    /// Everything that can make `action` illegal, checked before any change.
    pub(super) fn check(&self, p: usize, action: &Action) -> Result<Checked, ActionError> {
        let Some(expected) = self.to_move() else {
            return Err(ActionError::TalksOver);
        };
        if expected != p {
            return Err(ActionError::NotYourTurn {
                expected: self.model.party_id(expected).to_string(),
                got: self.model.party_id(p).to_string(),
            });
        }
        let kind = self.model.kind(p);
        if !action.allowed_for(kind) {
            return Err(ActionError::NotAllowed {
                kind,
                action: action.name(),
            });
        }
        let m = &self.model;
        Ok(match action {
            Action::Propose { package, note } => {
                Self::text_ok(note.as_deref())?;
                Checked::Package(self.resolve(package)?)
            }
            Action::Counter { to, package, note } => {
                Self::text_ok(note.as_deref())?;
                let offer = self.standing(*to)?;
                if offer.author == Some(p) {
                    return Err(ActionError::OwnOffer(*to));
                }
                Checked::Package(self.resolve(package)?)
            }
            Action::Accept { offer } => {
                let o = self.standing(*offer)?;
                if o.accepted_by.contains(&p) {
                    return Err(ActionError::AlreadyAccepted(*offer));
                }
                Checked::Nothing
            }
            Action::Reject { offer, reason } => {
                let o = self.standing(*offer)?;
                if o.author == Some(p) {
                    return Err(ActionError::OwnOffer(*offer));
                }
                if let Some(Reason { issue, text }) = reason {
                    Self::text_ok(text.as_deref())?;
                    if let Some(issue) = issue {
                        m.issue_index(issue)
                            .ok_or_else(|| ActionError::UnknownIssue(issue.clone()))?;
                    }
                }
                Checked::Nothing
            }
            Action::Withdraw { offer } => {
                let o = self.standing(*offer)?;
                if o.author != Some(p) {
                    return Err(ActionError::NotYourOffer(*offer));
                }
                Checked::Nothing
            }
            Action::Statement { to, stances, text } => {
                Self::text_ok(text.as_deref())?;
                if stances.is_empty() && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    return Err(ActionError::EmptyStatement);
                }
                self.check_stances(stances)?;
                if let Audience::Private(list) = to {
                    if list.len() > m.scenario.parties.len() {
                        return Err(ActionError::TooMany {
                            what: "listeners",
                            limit: m.scenario.parties.len(),
                        });
                    }
                    let mut any = false;
                    for id in list {
                        let q = m
                            .party_index(id)
                            .ok_or_else(|| ActionError::UnknownParty(id.clone()))?;
                        any |= q != p;
                    }
                    if !any {
                        return Err(ActionError::NoAudience);
                    }
                }
                Checked::Nothing
            }
            Action::AskMediator { note } => {
                Self::text_ok(note.as_deref())?;
                if m.mediators.is_empty() {
                    return Err(ActionError::NoMediator);
                }
                Checked::Nothing
            }
            Action::Caucus { ally, text } => {
                Self::text_ok(Some(text))?;
                let a = m
                    .party_index(ally)
                    .ok_or_else(|| ActionError::UnknownParty(ally.clone()))?;
                if m.kind(a) != PartyKind::Ally {
                    return Err(ActionError::NotAnAlly(ally.clone()));
                }
                Checked::Nothing
            }
            Action::UseLever { lever } => {
                let l = m
                    .scenario
                    .levers
                    .iter()
                    .position(|x| &x.id == lever)
                    .ok_or_else(|| ActionError::UnknownLever(lever.clone()))?;
                if m.scenario.levers[l].owner != m.party_id(p) {
                    return Err(ActionError::NotYourLever(lever.clone()));
                }
                if self.lever_uses[l] >= m.scenario.levers[l].max_uses {
                    return Err(ActionError::LeverExhausted(lever.clone()));
                }
                if !self.holds(&m.scenario.levers[l].enabled_when) {
                    return Err(ActionError::LeverNotEnabled(lever.clone()));
                }
                Checked::Lever(l)
            }
            Action::WalkOut { reason } => {
                Self::text_ok(reason.as_deref())?;
                Checked::Nothing
            }
            Action::Pass => Checked::Nothing,
        })
    }
}
