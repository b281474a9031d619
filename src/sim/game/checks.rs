//! Legality: a move is checked whole, before anything changes. An [`Action`] (the edge
//! form, by id) is first resolved into a [`Move`] (by index), refusing unknown ids; the
//! move is then checked against the rules, and only a move that passes is executed.
//!
//! The rules are written once, in [`Referee`], over what a move is checked against: the
//! game itself on the host, and a seat's mirror of the table on a remote client (which
//! greys out what the host would refuse; the host's game still decides).

use super::*;

/// A text a player wrote: at most [`MAX_TEXT_CHARS`] characters.
pub fn text_ok(text: Option<&str>) -> Result<(), ActionError> {
    match text {
        Some(t) if t.chars().count() > MAX_TEXT_CHARS => Err(ActionError::TextTooLong),
        _ => Ok(()),
    }
}

/// What the rules of a move read: the scenario, whose turn it is, the offers, the locked
/// issues, the package an agreement would leave, and the levers' state. Everything else
/// is the rules themselves, given here once.
pub trait Referee {
    fn model(&self) -> &Model;
    fn to_move(&self) -> Option<usize>;
    fn offer(&self, id: OfferId) -> Option<&Offer>;
    fn locked(&self) -> &[Option<usize>];
    /// The package an agreement on `package` would leave.
    fn complete(&self, package: &[Option<usize>]) -> Vec<usize>;
    /// Whether lever `k` has been used as often as it may be.
    fn lever_exhausted(&self, lever: usize) -> bool;
    /// Whether lever `k`'s condition holds now.
    fn lever_condition_holds(&self, lever: usize) -> bool;

    /// A package by id, as a partial package by index.
    fn resolve(&self, ids: &PackageIds) -> Result<Vec<Option<usize>>, ActionError> {
        let m = self.model();
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
            package[i] = Some(o);
        }
        Ok(package)
    }

    fn issue(&self, id: &str) -> Result<usize, ActionError> {
        self.model()
            .issue_index(id)
            .ok_or_else(|| ActionError::UnknownIssue(id.to_string()))
    }

    fn party(&self, id: &str) -> Result<usize, ActionError> {
        self.model()
            .party_index(id)
            .ok_or_else(|| ActionError::UnknownParty(id.to_string()))
    }

    /// Whether it is `p`'s turn and a party of its kind may ever do this.
    fn check_turn(
        &self,
        p: usize,
        allowed: impl FnOnce(PartyKind) -> bool,
        action: &'static str,
    ) -> Result<(), ActionError> {
        let Some(expected) = self.to_move() else {
            return Err(ActionError::TalksOver);
        };
        if expected != p {
            return Err(ActionError::NotYourTurn {
                expected: self.model().party_id(expected).to_string(),
                got: self.model().party_id(p).to_string(),
            });
        }
        if !allowed(self.model().kind(p)) {
            return Err(ActionError::NotAllowed {
                kind: self.model().kind(p),
                action,
            });
        }
        Ok(())
    }

    /// The move an action names, by index: unknown ids are refused here, and lists that
    /// no legal action holds are refused before they are read.
    fn resolve_action(&self, p: usize, action: &Action) -> Result<Move, ActionError> {
        self.check_turn(p, |kind| action.allowed_for(kind), action.name())?;
        let m = self.model();
        Ok(match action {
            Action::Propose { package, note } => Move::Propose {
                package: self.resolve(package)?,
                note: note.clone(),
            },
            Action::Counter { to, package, note } => Move::Counter {
                to: *to,
                package: self.resolve(package)?,
                note: note.clone(),
            },
            Action::Accept { offer } => Move::Accept { offer: *offer },
            Action::Reject { offer, reason } => Move::Reject {
                offer: *offer,
                reason: match reason {
                    None => None,
                    Some(Reason { issue, text }) => Some(MoveReason {
                        issue: issue.as_deref().map(|i| self.issue(i)).transpose()?,
                        text: text.clone(),
                    }),
                },
            },
            Action::Withdraw { offer } => Move::Withdraw { offer: *offer },
            Action::Statement { to, stances, text } => {
                self.stance_limit(stances.len())?;
                let stances = stances
                    .iter()
                    .map(|s| {
                        let i = self.issue(&s.issue)?;
                        let o = m.option_index(i, &s.option).ok_or_else(|| {
                            ActionError::UnknownOption {
                                issue: s.issue.clone(),
                                option: s.option.clone(),
                            }
                        })?;
                        Ok(MoveStance {
                            issue: i,
                            option: o,
                            stance: s.stance,
                        })
                    })
                    .collect::<Result<Vec<_>, ActionError>>()?;
                let to = match to {
                    Audience::Public => None,
                    Audience::Private(list) => {
                        self.listener_limit(list.len())?;
                        Some(
                            list.iter()
                                .map(|id| self.party(id))
                                .collect::<Result<Vec<_>, _>>()?,
                        )
                    }
                };
                Move::Statement {
                    to,
                    stances,
                    text: text.clone(),
                }
            }
            Action::AskMediator { note } => Move::AskMediator { note: note.clone() },
            Action::Caucus { ally, text } => Move::Caucus {
                ally: self.party(ally)?,
                text: text.clone(),
            },
            Action::UseLever { lever } => Move::UseLever {
                lever: m
                    .scenario
                    .levers
                    .iter()
                    .position(|x| &x.id == lever)
                    .ok_or_else(|| ActionError::UnknownLever(lever.clone()))?,
            },
            Action::WalkOut { reason } => Move::WalkOut {
                reason: reason.clone(),
            },
            Action::Pass => Move::Pass,
        })
    }

    /// A stance per option at most: more is a hostile or broken message.
    fn stance_limit(&self, count: usize) -> Result<(), ActionError> {
        let options: usize = self.model().option_counts().iter().sum();
        if count > options {
            return Err(ActionError::TooMany {
                what: "stances",
                limit: options,
            });
        }
        Ok(())
    }

    fn listener_limit(&self, count: usize) -> Result<(), ActionError> {
        let parties = self.model().scenario.parties.len();
        if count > parties {
            return Err(ActionError::TooMany {
                what: "listeners",
                limit: parties,
            });
        }
        Ok(())
    }

    /// A partial package: one entry per issue, options in range, none against a locked
    /// issue, and complete where nothing is agreed until everything is.
    fn check_package(&self, package: &[Option<usize>]) -> Result<(), ActionError> {
        let m = self.model();
        if package.len() != m.issue_count() {
            return Err(ActionError::OutOfRange {
                what: "issues",
                index: package.len(),
            });
        }
        if package.iter().all(Option::is_none) {
            return Err(ActionError::EmptyPackage);
        }
        for (i, option) in package.iter().enumerate() {
            let Some(o) = *option else { continue };
            let issue = &m.scenario.issues[i];
            if o >= issue.options.len() {
                return Err(ActionError::OutOfRange {
                    what: "options",
                    index: o,
                });
            }
            if let Some(locked_on) = self.locked()[i]
                && locked_on != o
            {
                return Err(ActionError::IssueLocked {
                    issue: issue.id.clone(),
                    option: issue.options[locked_on].id.clone(),
                });
            }
        }
        if m.scenario.rules.nothing_agreed_until_all_agreed
            && let Some(i) = package.iter().position(Option::is_none)
        {
            return Err(ActionError::IncompletePackage(
                m.scenario.issues[i].id.clone(),
            ));
        }
        self.check_rules(package)
    }

    /// The option rules, on the package an agreement on `package` would leave: its
    /// options, what is settled or locked, the status quo elsewhere.
    fn check_rules(&self, package: &[Option<usize>]) -> Result<(), ActionError> {
        let links = self.model().links();
        if links.is_empty() {
            return Ok(());
        }
        match links.broken(&self.complete(package)) {
            Some(k) => Err(ActionError::BreaksRule(links.text(k).to_string())),
            None => Ok(()),
        }
    }

    fn standing(&self, id: OfferId) -> Result<&Offer, ActionError> {
        let offer = self.offer(id).ok_or(ActionError::UnknownOffer(id))?;
        if offer.status != OfferStatus::Standing {
            return Err(ActionError::OfferNotStanding(id));
        }
        Ok(offer)
    }

    /// Whether `p` may take `action` now (what `apply` would refuse, without applying).
    fn check_action(&self, p: usize, action: &Action) -> Result<(), ActionError> {
        let mv = self.resolve_action(p, action)?;
        self.check_move(p, &mv)
    }

    /// Everything that can make a move illegal, checked before any change.
    fn check_move(&self, p: usize, mv: &Move) -> Result<(), ActionError> {
        let m = self.model();
        self.check_turn(p, |kind| mv.allowed_for(kind), mv.name())?;
        let parties = m.scenario.parties.len();
        match mv {
            Move::Propose { package, note } => {
                text_ok(note.as_deref())?;
                self.check_package(package)?;
            }
            Move::Counter { to, package, note } => {
                text_ok(note.as_deref())?;
                let offer = self.standing(*to)?;
                if offer.author == Some(p) {
                    return Err(ActionError::OwnOffer(*to));
                }
                self.check_package(package)?;
            }
            Move::Accept { offer } => {
                let o = self.standing(*offer)?;
                if o.accepted_by.contains(&p) {
                    return Err(ActionError::AlreadyAccepted(*offer));
                }
                // What was settled since it was made may have changed what it completes to.
                self.check_rules(&o.package)?;
            }
            Move::Reject { offer, reason } => {
                let o = self.standing(*offer)?;
                if o.author == Some(p) {
                    return Err(ActionError::OwnOffer(*offer));
                }
                if let Some(MoveReason { issue, text }) = reason {
                    text_ok(text.as_deref())?;
                    if let Some(i) = *issue
                        && i >= m.issue_count()
                    {
                        return Err(ActionError::OutOfRange {
                            what: "issues",
                            index: i,
                        });
                    }
                }
            }
            Move::Withdraw { offer } => {
                let o = self.standing(*offer)?;
                if o.author != Some(p) {
                    return Err(ActionError::NotYourOffer(*offer));
                }
            }
            Move::Statement { to, stances, text } => {
                text_ok(text.as_deref())?;
                if stances.is_empty() && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    return Err(ActionError::EmptyStatement);
                }
                self.stance_limit(stances.len())?;
                for s in stances {
                    if s.issue >= m.issue_count()
                        || s.option >= m.scenario.issues[s.issue].options.len()
                    {
                        return Err(ActionError::OutOfRange {
                            what: "stances",
                            index: s.issue,
                        });
                    }
                }
                if let Some(list) = to {
                    self.listener_limit(list.len())?;
                    if let Some(&q) = list.iter().find(|&&q| q >= parties) {
                        return Err(ActionError::OutOfRange {
                            what: "parties",
                            index: q,
                        });
                    }
                    if list.iter().all(|&q| q == p) {
                        return Err(ActionError::NoAudience);
                    }
                }
            }
            Move::AskMediator { note } => {
                text_ok(note.as_deref())?;
                if m.mediators.is_empty() {
                    return Err(ActionError::NoMediator);
                }
            }
            Move::Caucus { ally, text } => {
                text_ok(Some(text))?;
                if *ally >= parties {
                    return Err(ActionError::OutOfRange {
                        what: "parties",
                        index: *ally,
                    });
                }
                if m.kind(*ally) != PartyKind::Ally {
                    return Err(ActionError::NotAnAlly(m.party_id(*ally).to_string()));
                }
            }
            Move::UseLever { lever } => {
                let Some(l) = m.scenario.levers.get(*lever) else {
                    return Err(ActionError::OutOfRange {
                        what: "levers",
                        index: *lever,
                    });
                };
                if l.owner != m.party_id(p) {
                    return Err(ActionError::NotYourLever(l.id.clone()));
                }
                if self.lever_exhausted(*lever) {
                    return Err(ActionError::LeverExhausted(l.id.clone()));
                }
                if !self.lever_condition_holds(*lever) {
                    return Err(ActionError::LeverNotEnabled(l.id.clone()));
                }
            }
            Move::WalkOut { reason } => text_ok(reason.as_deref())?,
            Move::Pass => {}
        }
        Ok(())
    }
}

impl Referee for Game {
    fn model(&self) -> &Model {
        &self.model
    }
    fn to_move(&self) -> Option<usize> {
        Game::to_move(self)
    }
    fn offer(&self, id: OfferId) -> Option<&Offer> {
        Game::offer(self, id)
    }
    fn locked(&self) -> &[Option<usize>] {
        &self.locked
    }
    fn complete(&self, package: &[Option<usize>]) -> Vec<usize> {
        Game::complete(self, package)
    }
    fn lever_exhausted(&self, lever: usize) -> bool {
        self.lever_uses[lever] >= self.model.scenario.levers[lever].max_uses
    }
    fn lever_condition_holds(&self, lever: usize) -> bool {
        self.holds(&self.model.rules().levers[lever].enabled_when)
    }
}

impl Game {
    /// Whether `p` may play `action` now, and why not.
    pub fn check_action(&self, p: usize, action: &Action) -> Result<(), ActionError> {
        Referee::check_action(self, p, action)
    }

    pub(super) fn resolve_action(&self, p: usize, action: &Action) -> Result<Move, ActionError> {
        Referee::resolve_action(self, p, action)
    }

    /// Everything that can make a move illegal, checked before any change.
    pub fn check_move(&self, p: usize, mv: &Move) -> Result<(), ActionError> {
        Referee::check_move(self, p, mv)
    }

    pub(super) fn check_rules(&self, package: &[Option<usize>]) -> Result<(), ActionError> {
        Referee::check_rules(self, package)
    }
}
