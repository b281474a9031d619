//! How a client talks to the host: a [`Transport`] of text frames, so that the same
//! messages and the same seat logic run over a native socket (here, tungstenite) and,
//! in the browser, over the page's WebSocket (`remote::web`).

#[cfg(not(target_arch = "wasm32"))]
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use thiserror::Error;
#[cfg(not(target_arch = "wasm32"))]
use tungstenite::protocol::WebSocketConfig;
#[cfg(not(target_arch = "wasm32"))]
use tungstenite::{Message, WebSocket};

/// Text frames to and from the host.
pub trait Transport {
    /// Sends one frame.
    fn send(&mut self, text: &str) -> Result<(), TransportError>;
    /// The next frame, waiting at most `timeout`; `Ok(None)` when none came in time.
    fn recv(&mut self, timeout: Duration) -> Result<Option<String>, TransportError>;
}

#[derive(Debug, Error)]
pub enum TransportError {
    /// The host turned the code away (HTTP 403), or is refusing this address for a while
    /// after too many wrong codes (429).
    #[error("the host refused the code ({0})")]
    Refused(String),
    /// The host is full (503).
    #[error("the host is full")]
    Full,
    #[error("the address is not one Accord can join: {0}")]
    Address(String),
    /// The connection is gone (closed by the host, or dropped).
    #[error("the connection closed: {0}")]
    Closed(String),
}

/// The largest message a client takes from its host: a whole view of a long game.
pub const MAX_HOST_MESSAGE: usize = 16 * 1024 * 1024;

#[cfg(not(target_arch = "wasm32"))]
/// A connection to a host over a native socket.
pub struct WsTransport {
    ws: WebSocket<TcpStream>,
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The WebSocket URL a seat connects to: `address` (`ws://HOST:PORT/ws`) with the code and
/// the name in its query; and the `HOST:PORT` part.
pub fn ws_url(address: &str, code: &str, name: &str) -> Result<(String, String), TransportError> {
    let rest = address
        .strip_prefix("ws://")
        .ok_or_else(|| TransportError::Address(format!("{address} does not start with ws://")))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, "ws"));
    let path = path.split('?').next().unwrap_or("ws");
    let url = format!(
        "ws://{authority}/{path}?code={}&name={}",
        encode(code),
        encode(name)
    );
    Ok((url, authority.to_string()))
}

/// Connects to `address` (`ws://HOST:PORT/ws`) with a code and a name, waiting at most
/// `timeout` for the connection.
#[cfg(not(target_arch = "wasm32"))]
pub fn connect(
    address: &str,
    code: &str,
    name: &str,
    timeout: Duration,
) -> Result<WsTransport, TransportError> {
    let (url, authority) = ws_url(address, code, name)?;
    let target = authority
        .to_socket_addrs()
        .map_err(|e| TransportError::Address(format!("{authority}: {e}")))?
        .next()
        .ok_or_else(|| TransportError::Address(format!("{authority} names no address")))?;
    let stream = TcpStream::connect_timeout(&target, timeout)
        .map_err(|e| TransportError::Closed(e.to_string()))?;
    let _ = stream.set_nodelay(true);
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| TransportError::Closed(e.to_string()))?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_HOST_MESSAGE))
        .max_frame_size(Some(MAX_HOST_MESSAGE));
    match tungstenite::client::client_with_config(url.as_str(), stream, Some(config)) {
        Ok((ws, _)) => Ok(WsTransport { ws }),
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
            let status = response.status().as_u16();
            let body = response
                .body()
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).trim().to_string())
                .unwrap_or_default();
            match status {
                403 | 429 => Err(TransportError::Refused(body)),
                503 => Err(TransportError::Full),
                _ => Err(TransportError::Closed(format!("HTTP {status}: {body}"))),
            }
        }
        Err(e) => Err(TransportError::Closed(e.to_string())),
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Transport for WsTransport {
    fn send(&mut self, text: &str) -> Result<(), TransportError> {
        self.ws
            .send(Message::text(text))
            .map_err(|e| TransportError::Closed(e.to_string()))
    }

    fn recv(&mut self, timeout: Duration) -> Result<Option<String>, TransportError> {
        let _ = self
            .ws
            .get_ref()
            .set_read_timeout(Some(timeout.max(Duration::from_millis(1))));
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => return Ok(Some(t.to_string())),
                Ok(Message::Close(frame)) => {
                    return Err(TransportError::Closed(
                        frame.map_or_else(|| "closed".to_string(), |f| f.reason.to_string()),
                    ));
                }
                // Pings are answered by tungstenite itself; binary frames are not ours.
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None);
                }
                Err(e) => return Err(TransportError::Closed(e.to_string())),
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl WsTransport {
    /// Sends raw bytes as one binary or text frame, for tests of the host's defences.
    pub fn send_raw(&mut self, message: Message) -> Result<(), TransportError> {
        self.ws
            .send(message)
            .map_err(|e| TransportError::Closed(e.to_string()))
    }
}

/// What a student typed or pasted to join a class, read as the host's WebSocket address
/// (`ws://HOST:PORT/ws`) and, if it holds one, a code: the address `accord host` prints,
/// `HOST:PORT` alone, or a slip's link (`http://HOST:PORT/?code=CODE`).
pub fn join_target(typed: &str) -> Result<(String, Option<String>), TransportError> {
    let typed = typed.trim();
    let rest = ["ws://", "http://"]
        .iter()
        .find_map(|p| typed.strip_prefix(p))
        .unwrap_or(typed);
    if rest.contains("://") {
        return Err(TransportError::Address(format!(
            "{typed}: Accord's hosts speak ws:// or http:// only"
        )));
    }
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = authority.rsplit_once(':').ok_or_else(|| {
        TransportError::Address(format!(
            "{typed}: no port (the teacher's screen shows the address, e.g. 192.168.1.20:7878)"
        ))
    })?;
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err(TransportError::Address(format!(
            "{typed}: not an address and port like 192.168.1.20:7878"
        )));
    }
    let code = tail.split_once('?').and_then(|(_, q)| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("code="))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
    });
    Ok((format!("ws://{authority}/ws"), code))
}
