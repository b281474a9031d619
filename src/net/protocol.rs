//! The messages between the class host and its clients (`docs/protocol.md`).
//!
//! JSON text frames, one message per frame, each with the `protocol_version` it speaks.
//! Floats are written so that they read back exactly (serde_json's `float_roundtrip`), so
//! that a remote AI decides on the very numbers the host has. The host decodes every
//! frame with [`decode_client`], which never panics and refuses oversized frames before
//! parsing them.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::wire::{Delta, WireView};
use crate::sim::Action;
use crate::sim::game::{Explanation, FacilitatorMove};
use crate::sim::observe::Public;
use crate::sim::scenario::{Personality, Source};
use crate::sim::view::PublicParty;

/// The version of these messages; a client speaking another is refused with an error
/// that says both.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest frame the host reads from a client; larger ones close the connection
/// with WebSocket's "message too big" (1009).
pub const MAX_CLIENT_FRAME: usize = 64 * 1024;

/// Who a connection is: a seat (any number of connections may share one, a team), an
/// observer (the public view) or the facilitator (everything).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Seat { party: String },
    Observer,
    Facilitator,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Role::Seat { party } => write!(f, "seat {party}"),
            Role::Observer => f.write_str("observer"),
            Role::Facilitator => f.write_str("facilitator"),
        }
    }
}

/// A message from a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// A move for the connection's seat. `seen`: the number of actions in the view it
    /// was decided on; a move decided on an older view is refused (`stale`), so that
    /// two members of a team never play one turn twice.
    Act {
        seen: usize,
        action: Action,
        /// An AI's reasons (its public reason goes to everyone, its rationale to the
        /// facilitator only).
        #[serde(default)]
        explanation: Option<Explanation>,
    },
    /// Keeps an idle connection open (any message does).
    Ping,
    /// The facilitator's PIN, when the host has one.
    Unlock { pin: String },
    /// Facilitator: every seat may now see everything (the debrief).
    ReleaseDebrief,
    /// Facilitator: a new code for a role; connections that came with the old one are
    /// closed.
    RotateCode { role: Role },
    /// Facilitator: close a connection.
    Remove { connection: u64 },
    /// Facilitator: a move of the facilitator's own (news, an inject, the end of the
    /// talks, a seat handed to the AI or given back).
    Facilitate {
        #[serde(rename = "move")]
        facilitator_move: FacilitatorMove,
    },
    /// Facilitator: pause the host's AI seats and the turn timer, or let them go on.
    Pause { paused: bool },
    /// Facilitator: seconds each person's seat has for its turn (0: no limit); the
    /// clock of the turn now restarts.
    TurnSeconds { seconds: u32 },
    /// Facilitator: allies' and mediators' moves wait for the facilitator's answer.
    Hold { on: bool },
    /// Facilitator: the answer to the ally's or mediator's move that waits.
    Overrule { answer: Answer },
}

/// The most seconds a turn may be given.
pub const MAX_TURN_SECONDS: u32 = 3600;

/// The facilitator's answer to a held move, as the table takes it.
pub use crate::sim::ai::Answer;

/// A client frame: the version and the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientFrame {
    pub protocol_version: u32,
    #[serde(flatten)]
    pub message: ClientMessage,
}

/// A message from the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostMessage {
    /// The first message of a connection (and of every reconnection): who it is, the
    /// scenario's public face, and the whole view.
    Welcome(Box<Welcome>),
    /// What changed since the last message, after every move.
    Update(Box<Delta>),
    /// The facilitator's code was right; the host needs the PIN before anything else.
    PinRequired,
    /// Something this client sent was refused; nothing changed.
    Error { code: ErrorCode, message: String },
}

/// A host frame: the version and the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostFrame {
    pub protocol_version: u32,
    #[serde(flatten)]
    pub message: HostMessage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    /// This connection's number, as the facilitator sees it.
    pub connection: u64,
    pub role: Role,
    pub scenario: PublicScenario,
    pub view: WireView,
    /// For a seat: what its AI needs to decide as the host's would.
    #[serde(default)]
    pub ai: Option<AiSeat>,
}

/// The scenario as every seat may see it: no brief, preference, BATNA, lever, event or
/// designer's note of any party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicScenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub date: String,
    pub language: String,
    pub authors: Vec<String>,
    pub sources: Vec<Source>,
    pub historical: bool,
    pub parties: Vec<PublicParty>,
    /// Issues, turn order, status quo and option rules, by index.
    pub public: Public,
}

impl PublicScenario {
    /// The public face of `model`.
    pub fn of(model: &crate::sim::Model) -> PublicScenario {
        let s = &model.scenario;
        PublicScenario {
            id: s.meta.id.clone(),
            title: s.meta.title.clone(),
            summary: s.meta.summary.clone(),
            date: s.meta.date.clone(),
            language: s.meta.language.clone(),
            authors: s.meta.authors.clone(),
            sources: s.meta.sources.clone(),
            historical: s.meta.historical,
            parties: crate::sim::view::public_parties(s),
            public: model.public().clone(),
        }
    }
}

/// A seat's AI, away from the host: its own random stream (never the game's seed, which
/// would tell other agents' draws and the events to come) and the personality the
/// scenario gives the seat (a preset on the client adjusts it, as on the host).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiSeat {
    /// The 32-byte key of the seat's random stream, in hex.
    pub stream_key: String,
    pub personality: Personality,
}

/// Why a client's message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a message of this protocol.
    Malformed,
    /// Another protocol version.
    Version,
    /// More than the connection's share of messages per second.
    TooFast,
    /// Not this connection's turn, or not its seat.
    NotYourTurn,
    /// Decided on an older view than the host's.
    Stale,
    /// The engine refused the move.
    Refused,
    /// Only the facilitator may do that, after the PIN.
    Forbidden,
    /// A wrong PIN; after five, the facilitator's code is locked for a while.
    WrongPin,
    /// The talks are over.
    Over,
}

/// A frame the host could not take.
#[derive(Debug, Error, PartialEq)]
pub enum DecodeError {
    #[error("the message is {0} bytes, more than the {MAX_CLIENT_FRAME} a message may have")]
    TooLarge(usize),
    #[error("the message is not a message of this protocol: {0}")]
    Malformed(String),
    #[error("the message speaks protocol version {found}; this host speaks {PROTOCOL_VERSION}")]
    Version { found: u32 },
}

impl DecodeError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DecodeError::TooLarge(_) | DecodeError::Malformed(_) => ErrorCode::Malformed,
            DecodeError::Version { .. } => ErrorCode::Version,
        }
    }
}

/// Reads a client's frame: size first, then the version, then the message. Any input
/// gives a message or an error, never a panic; JSON nested deeper than serde_json's
/// recursion limit is an error too.
pub fn decode_client(text: &str) -> Result<ClientMessage, DecodeError> {
    if text.len() > MAX_CLIENT_FRAME {
        return Err(DecodeError::TooLarge(text.len()));
    }
    decode(text)
}

/// Reads a host's frame (a client trusts its host no more than it must: errors, never
/// panics).
pub fn decode_host(text: &str) -> Result<HostMessage, DecodeError> {
    decode(text)
}

/// A frame: the version first, then, without it, the message itself (unknown fields of
/// a message refused where serde can refuse them).
fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let malformed = |e: serde_json::Error| DecodeError::Malformed(e.to_string());
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(malformed)?;
    let Some(object) = value.as_object_mut() else {
        return Err(DecodeError::Malformed("a message is a JSON object".into()));
    };
    let version = match object.remove("protocol_version") {
        Some(v) => v.as_u64().ok_or_else(|| {
            DecodeError::Malformed("protocol_version is not a whole number".into())
        })?,
        None => return Err(DecodeError::Malformed("no protocol_version".into())),
    };
    if version != u64::from(PROTOCOL_VERSION) {
        return Err(DecodeError::Version {
            found: u32::try_from(version).unwrap_or(u32::MAX),
        });
    }
    serde_json::from_value(value).map_err(malformed)
}

/// A client message as a frame's text.
pub fn encode_client(message: &ClientMessage) -> String {
    to_json(&ClientFrame {
        protocol_version: PROTOCOL_VERSION,
        message: message.clone(),
    })
}

/// A host message as a frame's text.
pub fn encode_host(message: HostMessage) -> String {
    to_json(&HostFrame {
        protocol_version: PROTOCOL_VERSION,
        message,
    })
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Plain data with string keys always serialises; keep a message if it ever does not.
    serde_json::to_string(value).unwrap_or_else(|e| {
        format!(
            "{{\"protocol_version\":{PROTOCOL_VERSION},\"type\":\"error\",\"code\":\"malformed\",\"message\":{:?}}}",
            e.to_string()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_back_as_written() {
        let messages = [
            ClientMessage::Ping,
            ClientMessage::Act {
                seen: 3,
                action: Action::Pass,
                explanation: None,
            },
            ClientMessage::Unlock { pin: "1234".into() },
            ClientMessage::RotateCode {
                role: Role::Seat {
                    party: "ukraine".into(),
                },
            },
            ClientMessage::Remove { connection: 9 },
            ClientMessage::Facilitate {
                facilitator_move: FacilitatorMove::News {
                    headline: "h".into(),
                    text: "t".into(),
                },
            },
        ];
        for m in messages {
            assert_eq!(decode_client(&encode_client(&m)), Ok(m));
        }
    }

    #[test]
    fn bad_frames_are_errors() {
        assert!(matches!(decode_client(""), Err(DecodeError::Malformed(_))));
        assert!(matches!(
            decode_client("{\"protocol_version\":1,\"type\":\"launch\"}"),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(
            decode_client("{\"protocol_version\":2,\"type\":\"ping\"}"),
            Err(DecodeError::Version { found: 2 })
        );
        let big = format!(
            "{{\"protocol_version\":1,\"type\":\"ping\",\"x\":\"{}\"}}",
            "a".repeat(MAX_CLIENT_FRAME)
        );
        assert!(matches!(decode_client(&big), Err(DecodeError::TooLarge(_))));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(decode_client(&deep).is_err());
        // Fields a message does not have are refused (serde cannot refuse them on a
        // message with no fields, such as `ping`).
        assert!(matches!(
            decode_client("{\"protocol_version\":1,\"type\":\"unlock\",\"pin\":\"1\",\"extra\":1}"),
            Err(DecodeError::Malformed(_))
        ));
    }
}
