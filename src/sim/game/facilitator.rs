//! The facilitator's moves: injects, news, the end of the talks, and playing or
//! cancelling a third party's turn.

use super::*;

impl Game {
    /// The facilitator steps in: applies the move at once, whoever is to play.
    pub fn facilitate(&mut self, m: FacilitatorMove) -> Result<&[Logged], ActionError> {
        if self.is_over() {
            return Err(ActionError::TalksOver);
        }
        let first = self.log.len();
        match &m {
            FacilitatorMove::News { headline, text } => {
                text_ok(Some(headline))?;
                text_ok(Some(text))?;
            }
            FacilitatorMove::EndTalks { reason } => text_ok(Some(reason))?,
            FacilitatorMove::CancelMove { planned, .. } => text_ok(Some(planned))?,
            _ => {}
        }
        match &m {
            FacilitatorMove::CancelMove { party, .. }
            | FacilitatorMove::MakeMove { party }
            | FacilitatorMove::TimeUp { party } => {
                let p = self.turn_of(party)?;
                let name = &self.model.scenario.parties[p].name;
                let text = match &m {
                    FacilitatorMove::CancelMove { planned, .. } => {
                        format!("cancels the planned move of {name} ({planned}); it passes")
                    }
                    FacilitatorMove::MakeMove { .. } => {
                        format!("makes this turn's move for {name}")
                    }
                    _ => format!("time is up for {name}; the seat passes"),
                };
                let third_party = self.model.kind(p) != PartyKind::Delegation;
                if !third_party && !matches!(m, FacilitatorMove::TimeUp { .. }) {
                    return Err(ActionError::NotAllowed {
                        kind: self.model.kind(p),
                        action: "be overruled by the facilitator",
                    });
                }
                self.push(Scope::Public, Kind::Facilitator { text });
            }
            FacilitatorMove::Inject { inject } => {
                let model = Arc::clone(&self.model);
                let Some(k) = model.scenario.injects.iter().position(|i| i.id == *inject) else {
                    return Err(ActionError::UnknownInject(inject.clone()));
                };
                let found = &model.scenario.injects[k];
                self.push(
                    Scope::Public,
                    Kind::Facilitator {
                        text: format!("injects “{}”", found.name),
                    },
                );
                // Like an event's, an inject's texts go out in the mediator's name.
                let owner = self.model.mediators.first().copied();
                for effect in &model.rules().injects[k] {
                    if self.is_over() {
                        break;
                    }
                    self.apply_effect(effect, owner);
                }
            }
            FacilitatorMove::News { headline, text } => {
                self.push(
                    Scope::Public,
                    Kind::Facilitator {
                        text: "announces news".to_string(),
                    },
                );
                self.push(
                    Scope::Public,
                    Kind::News {
                        headline: headline.clone(),
                        text: text.clone(),
                        source: None,
                    },
                );
            }
            FacilitatorMove::HandSeat { party, ai } => {
                let p = self
                    .model
                    .party_index(party)
                    .ok_or_else(|| ActionError::UnknownParty(party.clone()))?;
                if let Some(preset) = ai
                    && !crate::sim::ai::presets::is_preset(preset)
                {
                    return Err(ActionError::UnknownPreset(preset.clone()));
                }
                let name = &self.model.scenario.parties[p].name;
                let text = match ai {
                    Some(_) => format!("hands the seat of {name} to the AI"),
                    None => format!("gives the seat of {name} back to its players"),
                };
                self.push(Scope::Public, Kind::Facilitator { text });
            }
            FacilitatorMove::EndTalks { reason } => {
                self.push(
                    Scope::Public,
                    Kind::Facilitator {
                        text: format!("ends the talks: {reason}"),
                    },
                );
                self.apply_effect(
                    &Eff::EndTalks {
                        reason: reason.clone(),
                    },
                    None,
                );
            }
        }
        self.facilitator_moves.push((self.actions.len(), m));
        Ok(&self.log[first..])
    }

    /// The facilitator plays the turn of the party to move: `CancelMove` and `TimeUp`
    /// with a pass, `MakeMove` with the facilitator's `action`. Everything is checked
    /// before anything changes; then the move and the party's action are applied one after
    /// the other, as a replay of the record applies them.
    pub fn play_turn(&mut self, m: FacilitatorMove, action: Action) -> Result<(), ActionError> {
        let party = match (&m, &action) {
            (FacilitatorMove::MakeMove { party }, _)
            | (FacilitatorMove::CancelMove { party, .. }, Action::Pass)
            | (FacilitatorMove::TimeUp { party }, Action::Pass) => party,
            (FacilitatorMove::CancelMove { .. } | FacilitatorMove::TimeUp { .. }, _) => {
                return Err(ActionError::NotATurn("anything but a pass"));
            }
            _ => {
                return Err(ActionError::NotATurn(
                    "an inject, news or the end of the talks",
                ));
            }
        };
        let p = self.turn_of(party)?;
        self.check_action(p, &action)?;
        self.facilitate(m)?;
        self.apply_index(p, action).map(|_| ())
    }

    /// The index of `party` if it is its turn (a move on its turn).
    pub(super) fn turn_of(&self, party: &str) -> Result<usize, ActionError> {
        let p = self
            .model
            .party_index(party)
            .ok_or_else(|| ActionError::UnknownParty(party.to_string()))?;
        match self.to_move() {
            Some(expected) if expected != p => Err(ActionError::NotYourTurn {
                expected: self.model.party_id(expected).to_string(),
                got: party.to_string(),
            }),
            None => Err(ActionError::TalksOver),
            Some(_) => Ok(p),
        }
    }
}
