//! AI agents: delegations, allies and mediators that decide from their observation only
//! (MODEL.md, "AI agents"), and give two layers of reasons for every move.
//!
//! - `delegation`: a time-dependent concession strategy with an opponent model.
//! - `mediator`: single-text mediation on estimated preferences, easy issues first.
//! - `ally`: chooses among its enabled levers by estimated gain minus cost.
//! - `estimate`: what one party believes about another's preferences.
//! - `space`: the outcome space as indices, for fast search.
//! - `reason`: public reasons and private rationales, as data.

pub mod ally;
pub mod delegation;
pub mod estimate;
pub mod mediator;
pub mod memo;
pub mod presets;
pub mod reason;
pub mod space;

use serde::{Deserialize, Serialize};

use super::action::Move;
use super::game::{Explanation, FacilitatorMove, Game};
use super::observe::Observation;
use super::rng::Stream;
use super::scenario::{PartyKind, Personality};
use ally::AllyAi;
use delegation::DelegationAi;
use mediator::MediatorAi;

/// What an agent decided, and why.
#[derive(Debug, Clone)]
pub struct Decision {
    pub action: Move,
    pub explanation: Explanation,
}

impl Decision {
    pub fn new(
        action: Move,
        public: Option<reason::PublicReason>,
        rationale: reason::Rationale,
    ) -> Decision {
        Decision {
            action,
            explanation: Explanation {
                public: public.map(std::sync::Arc::new),
                rationale: std::sync::Arc::new(rationale),
            },
        }
    }
}

/// An AI seat.
#[derive(Debug, Clone)]
pub enum Agent {
    Delegation(Box<DelegationAi>),
    Ally(Box<AllyAi>),
    Mediator(Box<MediatorAi>),
}

impl Agent {
    /// An agent for `party` under a preset (see [`presets::seat_personality`]), its
    /// randomness drawn from its own stream of the game's seed: what it knows is its
    /// observation and that stream.
    pub fn new(game: &Game, party: usize, preset: &str) -> Agent {
        let m = game.model();
        let personality = presets::seat_personality(
            m.kind(party),
            preset,
            &m.scenario.parties[party].personality,
        );
        let obs = Observation::new(game, party);
        let rng = DelegationAi::stream(game.seed(), obs.my_id());
        Agent::from_observation(&obs, personality, rng)
    }

    /// An agent for the seat `obs` observes, with the personality it plays with (as
    /// [`presets::seat_personality`] gives it) and its own random stream. Allies and
    /// mediators read only its `trust`.
    pub fn from_observation(obs: &Observation, personality: Personality, rng: Stream) -> Agent {
        match obs.my_kind() {
            PartyKind::Delegation => {
                Agent::Delegation(Box::new(DelegationAi::new(obs, personality, rng)))
            }
            PartyKind::Ally => Agent::Ally(Box::new(AllyAi::new(obs, personality.trust))),
            PartyKind::Mediator => {
                Agent::Mediator(Box::new(MediatorAi::new(obs, personality.trust)))
            }
        }
    }

    pub fn decide(&mut self, obs: &Observation) -> Decision {
        match self {
            Agent::Delegation(a) => a.decide(obs),
            Agent::Ally(a) => a.decide(obs),
            Agent::Mediator(a) => a.decide(obs),
        }
    }
}

/// Who plays each seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatControl {
    Human,
    /// The AI, with a difficulty preset (`presets::PRESETS`) or `scenario` for the
    /// personality the scenario gives.
    Ai(String),
}

impl SeatControl {
    /// The seat controls a record keeps, in the model's party order (the AI with the
    /// scenario's personality for a party the record does not name).
    pub fn from_recorded(
        model: &crate::sim::Model,
        seats: &[crate::sim::record::Seat],
    ) -> Vec<SeatControl> {
        use crate::sim::record::Controller;
        model
            .scenario
            .parties
            .iter()
            .map(|p| match seats.iter().find(|s| s.party == p.id) {
                Some(s) => match &s.controller {
                    Controller::Human => SeatControl::Human,
                    Controller::Ai(preset) => SeatControl::Ai(preset.clone()),
                },
                None => SeatControl::Ai("scenario".into()),
            })
            .collect()
    }

    /// Who plays each seat, as a record keeps it.
    pub fn recorded(
        model: &crate::sim::Model,
        controls: &[SeatControl],
    ) -> Vec<crate::sim::record::Seat> {
        use crate::sim::record::{Controller, Seat};
        model
            .scenario
            .parties
            .iter()
            .zip(controls)
            .map(|(p, c)| Seat {
                party: p.id.clone(),
                controller: match c {
                    SeatControl::Human => Controller::Human,
                    SeatControl::Ai(preset) => Controller::Ai(preset.clone()),
                },
            })
            .collect()
    }

    /// `parties` seats: a person in `human` (if any), the scenario's AI in every other.
    pub fn one_human(parties: usize, human: Option<usize>) -> Vec<SeatControl> {
        (0..parties)
            .map(|p| {
                if Some(p) == human {
                    SeatControl::Human
                } else {
                    SeatControl::Ai("scenario".into())
                }
            })
            .collect()
    }
}

/// An AI seat's planned move, not yet played, and the seat's agent as it is once it has
/// decided.
#[derive(Debug, Clone)]
pub struct Plan {
    pub party: usize,
    pub decision: Decision,
    agent: Agent,
}

/// What the facilitator does with an ally's or mediator's planned move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// Let it happen.
    Allow,
    /// Cancel it: the party passes this turn.
    Cancel,
    /// Make this move for the party instead.
    Make { action: crate::sim::Action },
}

/// A game and the agents that play its AI seats.
pub struct Table {
    pub game: Game,
    agents: Vec<Option<Agent>>,
    /// Who plays each seat now.
    controls: Vec<SeatControl>,
    /// How long each AI decision took, in nanoseconds (for the speed figures), when
    /// `timed`.
    pub decision_nanos: Vec<u64>,
    pub timed: bool,
    /// When [`Table::resume`] found an AI deciding other than its record (it should
    /// not): the index of that action. The game is then the record's, and the AI starts
    /// afresh from there.
    pub diverged_at: Option<usize>,
}

impl Table {
    /// `controls[p]` for each party (the AI with the `scenario` preset where missing):
    /// any seat, delegation, ally or mediator, may be a person.
    pub fn new(game: Game, controls: &[SeatControl]) -> Table {
        let n = game.model().scenario.parties.len();
        let controls: Vec<SeatControl> = (0..n)
            .map(|p| {
                controls
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| SeatControl::Ai("scenario".into()))
            })
            .collect();
        let agents = controls
            .iter()
            .enumerate()
            .map(|(p, c)| match c {
                SeatControl::Human => None,
                SeatControl::Ai(preset) => Some(Agent::new(&game, p, preset)),
            })
            .collect();
        Table {
            game,
            agents,
            controls,
            decision_nanos: Vec::new(),
            timed: false,
            diverged_at: None,
        }
    }

    /// Resumes a recorded game: plays it again from its seed, the AI seats deciding
    /// afresh (so that their memories are what they were) and the human seats repeating
    /// their recorded moves. The AI is deterministic, so its moves come out as recorded;
    /// should one not, the recorded move is applied instead and the replay goes on.
    pub fn resume(
        record: &crate::sim::record::GameRecord,
        controls: &[SeatControl],
    ) -> Result<Table, crate::sim::record::ReplayError> {
        use crate::sim::record::ReplayError;
        // The plain replay first: it refuses a record with a move or facilitator move the
        // engine does not accept, or with facilitator moves out of order, so nothing
        // below is ever skipped.
        record.replay()?;
        let start = record.replay_start()?;
        let mut table = Table::new(start, controls);
        let moves = &record.facilitator;
        let mut next = 0;
        for (index, step) in record.actions.iter().enumerate() {
            let first = next;
            record.facilitate_before_with(&mut next, index, |m| table.facilitate(m))?;
            let party = table.game.model().party_index(&step.party);
            let ai_seat = party.is_some_and(|p| table.agents[p].is_some());
            let overruled = moves[first..next].iter().any(|(_, m)| {
                matches!(m, FacilitatorMove::CancelMove { party, .. }
                    | FacilitatorMove::MakeMove { party }
                    | FacilitatorMove::TimeUp { party } if *party == step.party)
            });
            if ai_seat && overruled {
                // The AI planned this turn, then the facilitator played it instead.
                if let Some(plan) = table.plan() {
                    table.overruled(plan);
                }
            } else if ai_seat && table.game.to_move() == party {
                let before = table.game.action_count();
                table.step();
                let same = table
                    .game
                    .action_at(before)
                    .is_some_and(|a| a == step.action);
                if same {
                    continue;
                }
                // Diverged (it should not): rebuild from the record and stop resuming.
                let game = record.replay()?;
                let mut table = Table::new(game, controls);
                table.diverged_at = Some(index);
                return Ok(table);
            }
            let refused = |error| ReplayError::Action {
                index,
                party: step.party.clone(),
                action: step.action.name(),
                error,
            };
            let p = party.ok_or_else(|| {
                refused(crate::sim::ActionError::UnknownParty(step.party.clone()))
            })?;
            table
                .game
                .apply_explained(p, step.action.clone(), step.explanation.clone())
                .map_err(refused)?;
        }
        record.facilitate_before_with(&mut next, record.actions.len(), |m| table.facilitate(m))?;
        Ok(table)
    }

    /// Every seat played by the AI with the scenario's personalities.
    pub fn all_ai(game: Game) -> Table {
        let n = game.model().scenario.parties.len();
        Table::new(game, &vec![SeatControl::Ai("scenario".into()); n])
    }

    /// A facilitator's move on the game; a seat handed to the AI gets its agent, made
    /// from the game as it is now (as on every replay), and a seat given back loses it.
    pub fn facilitate(&mut self, m: FacilitatorMove) -> Result<(), crate::sim::ActionError> {
        let hand = match &m {
            FacilitatorMove::HandSeat { party, ai } => {
                Some((self.game.model().party_index(party), ai.clone()))
            }
            _ => None,
        };
        self.game.facilitate(m)?;
        if let Some((Some(p), ai)) = hand {
            self.agents[p] = ai.as_ref().map(|preset| Agent::new(&self.game, p, preset));
            self.controls[p] = ai.map_or(SeatControl::Human, SeatControl::Ai);
        }
        Ok(())
    }

    /// Whether party `p` is played by the AI at this table.
    pub fn is_ai(&self, p: usize) -> bool {
        self.agents.get(p).is_some_and(Option::is_some)
    }

    /// Who plays each seat now: as the table was set, or as the facilitator handed it.
    pub fn controls(&self) -> &[SeatControl] {
        &self.controls
    }

    /// Whether the party to move is played by the AI.
    pub fn ai_to_move(&self) -> bool {
        self.game
            .to_move()
            .is_some_and(|p| self.agents[p].is_some())
    }

    /// Lets the AI take one turn if it is an AI's turn; returns whether it did.
    pub fn step(&mut self) -> bool {
        let Some(p) = self.game.to_move() else {
            return false;
        };
        let Some(agent) = self.agents[p].as_mut() else {
            return false;
        };
        let started = self.timed.then(std::time::Instant::now);
        let decision = agent.decide(&Observation::new(&self.game, p));
        if let Some(started) = started {
            self.decision_nanos
                .push(started.elapsed().as_nanos().min(u64::MAX as u128) as u64);
        }
        self.play(p, decision);
        true
    }

    /// What the AI to move would do, without doing it (the facilitator may let it, cancel
    /// it or make another move instead). Nothing changes until the plan is played
    /// ([`Table::play_plan`]) or overruled ([`Table::overruled`]); a plan dropped (because
    /// the game changed meanwhile) leaves the AI as it was, so it can plan again.
    pub fn plan(&self) -> Option<Plan> {
        let p = self.game.to_move()?;
        let mut agent = self.agents[p].clone()?;
        let decision = agent.decide(&Observation::new(&self.game, p));
        Some(Plan {
            party: p,
            decision,
            agent,
        })
    }

    /// Plays a plan made on the current state.
    pub fn play_plan(&mut self, plan: Plan) {
        self.agents[plan.party] = Some(plan.agent);
        self.play(plan.party, plan.decision);
    }

    /// The facilitator plays the planned turn instead: the AI remembers having planned
    /// it (as on a replay of the record), and the caller applies the facilitator's move.
    pub fn overruled(&mut self, plan: Plan) {
        self.agents[plan.party] = Some(plan.agent);
    }

    /// The facilitator's answer to a plan made on the current state: played as planned,
    /// or the facilitator's `CancelMove` or `MakeMove` played instead (the AI remembers
    /// having planned the turn, as on a replay of the record). Refused, nothing changes
    /// and the plan comes back.
    pub fn answer(
        &mut self,
        plan: Plan,
        answer: Answer,
    ) -> Result<(), (Box<Plan>, crate::sim::ActionError)> {
        let m = std::sync::Arc::clone(self.game.model());
        let party = m.party_id(plan.party).to_string();
        let (facilitator_move, action) = match answer {
            Answer::Allow => {
                self.play_plan(plan);
                return Ok(());
            }
            Answer::Cancel => (
                FacilitatorMove::CancelMove {
                    party,
                    planned: crate::sim::classroom::describe(
                        &m,
                        &plan.decision.action.to_action(&m),
                    ),
                },
                crate::sim::Action::Pass,
            ),
            Answer::Make { action } => (FacilitatorMove::MakeMove { party }, action),
        };
        match self.game.play_turn(facilitator_move, action) {
            Ok(()) => {
                self.overruled(plan);
                Ok(())
            }
            Err(e) => Err((Box::new(plan), e)),
        }
    }

    /// Plays an AI seat's decision.
    fn play(&mut self, p: usize, decision: Decision) {
        let rationale = decision.explanation.rationale.clone();
        if self
            .game
            .apply_move(p, decision.action, Some(decision.explanation))
            .is_err()
        {
            // An agent's move is always checked against the rules; should one ever be
            // refused (or go stale while the facilitator looked at it), the seat passes
            // rather than stall the game.
            let _ = self.game.apply_move(
                p,
                Move::Pass,
                Some(Explanation {
                    public: None,
                    rationale,
                }),
            );
        }
    }

    /// Runs AI turns until a human is to move or the talks are over.
    pub fn run_ai(&mut self) {
        while self.step() {}
    }
}
