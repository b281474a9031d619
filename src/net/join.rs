//! A seat played away from the host: `accord join ADDRESS --code CODE --ai [PRESET]`.
//!
//! [`play_seat`] keeps a seat's connection: it reads the host's welcome and updates into
//! the seat's [`WireView`], asks its [`SeatPlayer`] for a move on the seat's turn, and
//! sends it. A dropped connection is opened again with the same code for
//! [`JoinOptions::reconnect_for`]; the host then sends the whole view again.
//!
//! The AI player ([`AiPlayer`]) decides exactly as the host's AI would: from the seat's
//! view only, with the random stream the host gave it (never the game's seed). It keeps
//! its state from before a decision until the host's view shows the move played, so that
//! a move lost with a connection is decided again, identically.

use std::time::Duration;

use web_time::Instant;

use thiserror::Error;

#[cfg(not(target_arch = "wasm32"))]
use super::client::connect;
use super::client::{Transport, TransportError};
use super::protocol::{
    AiSeat, ClientMessage, ErrorCode, HostMessage, PublicScenario, Role, Welcome, decode_host,
    encode_client,
};
use super::wire::WireView;
use crate::sim::ai::{Agent, presets};
use crate::sim::game::Explanation;
use crate::sim::observe::LocalCaches;
use crate::sim::rng::Stream;
use crate::sim::{Action, Phase};

/// How a seat's connection is kept.
#[derive(Debug, Clone)]
pub struct JoinOptions {
    pub name: String,
    /// How long to keep trying to reconnect after the connection drops.
    pub reconnect_for: Duration,
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// A ping when the host has said nothing for this long.
    pub ping_every: Duration,
}

impl Default for JoinOptions {
    fn default() -> JoinOptions {
        JoinOptions {
            name: String::new(),
            reconnect_for: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            ping_every: Duration::from_secs(15),
        }
    }
}

#[derive(Debug, Error)]
pub enum JoinError {
    #[error("the host refused the code: {0}")]
    Refused(String),
    #[error("lost the host and could not reconnect within {0:?}: {1}")]
    Lost(Duration, String),
    #[error("the host sent something this client cannot read: {0}")]
    Protocol(String),
    #[error("this code is for the {0}, not for a seat")]
    NotASeat(Role),
}

impl JoinError {
    /// The exit status `accord join` ends with.
    pub fn exit_code(&self) -> u8 {
        match self {
            JoinError::Refused(_) | JoinError::NotASeat(_) => 3,
            JoinError::Lost(..) | JoinError::Protocol(_) => 2,
        }
    }
}

/// Who plays a remote seat.
pub trait SeatPlayer {
    /// The host's welcome (on the first connection and on every reconnection).
    fn welcomed(&mut self, welcome: &Welcome);
    /// The view changed (an update, or the whole view after a welcome).
    fn saw(&mut self, _view: &WireView) {}
    /// The seat's move on its turn, with its reasons.
    fn decide(&mut self, view: &WireView) -> (Action, Option<Explanation>);
    /// The host refused the move just sent.
    fn refused(&mut self, _code: ErrorCode, _message: &str) {}
}

/// How a seat's game ended.
#[derive(Debug, Clone)]
pub struct SeatEnd {
    pub view: WireView,
    pub reconnections: u32,
    /// Bytes received from the host, welcome and updates together.
    pub bytes_received: u64,
    pub messages_received: u64,
}

/// Plays a seat until the talks end, over native WebSocket connections.
#[cfg(not(target_arch = "wasm32"))]
pub fn play_seat(
    address: &str,
    code: &str,
    player: &mut dyn SeatPlayer,
    options: &JoinOptions,
) -> Result<SeatEnd, JoinError> {
    let mut open = || {
        connect(address, code, &options.name, options.connect_timeout)
            .map(|t| Box::new(t) as Box<dyn Transport>)
    };
    play_seat_via(&mut open, player, options)
}

/// Plays a seat until the talks end, over the connections `open` makes (once, and again
/// after each drop).
pub fn play_seat_via(
    open: &mut dyn FnMut() -> Result<Box<dyn Transport>, TransportError>,
    player: &mut dyn SeatPlayer,
    options: &JoinOptions,
) -> Result<SeatEnd, JoinError> {
    let mut view: Option<WireView> = None;
    let mut reconnections = 0;
    let mut bytes_received = 0u64;
    let mut messages_received = 0u64;
    let mut lost_since: Option<Instant> = None;
    let mut last_drop: Option<String> = None;
    loop {
        let mut transport = match open() {
            Ok(t) => t,
            Err(TransportError::Refused(why)) => return Err(JoinError::Refused(why)),
            Err(TransportError::Address(why)) => return Err(JoinError::Protocol(why)),
            Err(e) => {
                let since = *lost_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= options.reconnect_for {
                    let why = last_drop.take().unwrap_or_else(|| e.to_string());
                    return Err(JoinError::Lost(options.reconnect_for, why));
                }
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
        };
        if lost_since.take().is_some() || view.is_some() {
            reconnections += 1;
        }
        match session(
            transport.as_mut(),
            player,
            &mut view,
            options,
            &mut bytes_received,
            &mut messages_received,
        ) {
            Ok(last) => {
                return Ok(SeatEnd {
                    view: last,
                    reconnections,
                    bytes_received,
                    messages_received,
                });
            }
            Err(Session::Fatal(e)) => return Err(e),
            Err(Session::Dropped(why)) => {
                lost_since.get_or_insert_with(Instant::now);
                last_drop = Some(why);
            }
        }
    }
}

enum Session {
    Fatal(JoinError),
    Dropped(String),
}

fn session(
    transport: &mut dyn Transport,
    player: &mut dyn SeatPlayer,
    view: &mut Option<WireView>,
    options: &JoinOptions,
    bytes: &mut u64,
    messages: &mut u64,
) -> Result<WireView, Session> {
    // What was sent on which view: no second move until the view moves on.
    let mut sent_on: Option<usize> = None;
    let mut welcomed = false;
    loop {
        let text = match transport.recv(options.ping_every) {
            Ok(Some(t)) => t,
            Ok(None) => {
                transport
                    .send(&encode_client(&ClientMessage::Ping))
                    .map_err(|e| Session::Dropped(e.to_string()))?;
                continue;
            }
            Err(e) => return Err(Session::Dropped(e.to_string())),
        };
        *bytes += text.len() as u64;
        *messages += 1;
        let message =
            decode_host(&text).map_err(|e| Session::Fatal(JoinError::Protocol(e.to_string())))?;
        match message {
            HostMessage::Welcome(w) => {
                if !matches!(w.role, Role::Seat { .. }) {
                    return Err(Session::Fatal(JoinError::NotASeat(w.role.clone())));
                }
                player.welcomed(&w);
                *view = Some(w.view);
                welcomed = true;
                sent_on = None;
            }
            HostMessage::Update(delta) => {
                let Some(v) = view.as_mut().filter(|_| welcomed) else {
                    return Err(Session::Fatal(JoinError::Protocol(
                        "an update before the welcome".into(),
                    )));
                };
                if let Err(e) = v.apply(*delta) {
                    // Out of step: a fresh connection brings the whole view.
                    return Err(Session::Dropped(e));
                }
            }
            HostMessage::Error { code, message } => {
                player.refused(code, &message);
                sent_on = None;
            }
            HostMessage::PinRequired => {
                return Err(Session::Fatal(JoinError::NotASeat(Role::Facilitator)));
            }
        }
        let Some(v) = view.as_ref() else { continue };
        player.saw(v);
        if v.phase == Phase::Ended {
            return Ok(v.clone());
        }
        // A seat the facilitator handed to the host's AI is played there.
        let me = v
            .seat
            .as_ref()
            .filter(|s| s.host_ai.is_none())
            .map(|s| s.me);
        if v.to_move.is_some() && v.to_move == me && sent_on != Some(v.actions) {
            let (action, explanation) = player.decide(v);
            let frame = encode_client(&ClientMessage::Act {
                seen: v.actions,
                action,
                explanation,
            });
            transport
                .send(&frame)
                .map_err(|e| Session::Dropped(e.to_string()))?;
            sent_on = Some(v.actions);
        }
    }
}

/// The AI in a remote seat.
pub struct AiPlayer {
    preset: String,
    scenario: Option<PublicScenario>,
    ai: Option<AiSeat>,
    caches: LocalCaches,
    agent: Option<Agent>,
    /// The agent as it was before its last decision, and the number of actions that
    /// decision was made on: kept until the view shows the move played.
    before: Option<(usize, Agent)>,
}

impl AiPlayer {
    pub fn new(preset: &str) -> AiPlayer {
        AiPlayer {
            preset: preset.to_string(),
            scenario: None,
            ai: None,
            caches: LocalCaches::default(),
            agent: None,
            before: None,
        }
    }
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut key = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, k) in key.iter_mut().enumerate() {
        *k = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

impl SeatPlayer for AiPlayer {
    fn welcomed(&mut self, welcome: &Welcome) {
        self.scenario = Some(welcome.scenario.clone());
        self.ai = welcome.ai.clone();
    }

    fn saw(&mut self, view: &WireView) {
        // The host's view shows the move: the state after the decision is the agent's.
        if let Some((on, _)) = &self.before
            && view.actions > *on
        {
            self.before = None;
        }
        // The agent is made on the first view, as the host makes its own at the start.
        if self.agent.is_none()
            && let (Some(scenario), Some(ai), Some(seat)) =
                (self.scenario.as_ref(), self.ai.as_ref(), view.seat_view())
            && let Some(key) = unhex(&ai.stream_key)
        {
            let obs = seat.observation(&scenario.public, &self.caches);
            let personality =
                presets::seat_personality(obs.my_kind(), &self.preset, &ai.personality);
            self.agent = Some(Agent::from_observation(
                &obs,
                personality,
                Stream::from_key(key),
            ));
        }
    }

    fn refused(&mut self, code: ErrorCode, _message: &str) {
        // A move that did not count (a stale view, say): decide again from before it.
        if code != ErrorCode::TooFast
            && let Some((_, agent)) = self.before.take()
        {
            self.agent = Some(agent);
        }
    }

    fn decide(&mut self, view: &WireView) -> (Action, Option<Explanation>) {
        let (Some(scenario), Some(seat)) = (self.scenario.as_ref(), view.seat_view()) else {
            return (Action::Pass, None);
        };
        // A decision not yet seen played (the connection dropped): decide it again.
        if let Some((on, agent)) = &self.before
            && *on == view.actions
        {
            self.agent = Some(agent.clone());
        }
        let public = &scenario.public;
        let obs = seat.observation(public, &self.caches);
        let Some(agent) = self.agent.as_mut() else {
            return (Action::Pass, None);
        };
        self.before = Some((view.actions, agent.clone()));
        let decision = agent.decide(&obs);
        let levers = &seat.levers;
        let action = decision.action.to_action_with(
            &public.issues,
            &|p| public.parties[p].id.clone(),
            &|l| {
                levers
                    .iter()
                    .find(|x| x.index == l)
                    .map_or_else(String::new, |x| x.lever.id.clone())
            },
        );
        (action, Some(decision.explanation))
    }
}
