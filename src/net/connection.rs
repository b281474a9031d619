//! One connection to the host, from its request head to its close: the code checked
//! (and throttled), the WebSocket upgrade, then frames both ways within the limits.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role as WsRole, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};

use super::host::Limits;
use super::http::{join_page, query, read_head, respond, respond_file};
use super::hub::{Hub, Out, Refusal};
use super::protocol::{ErrorCode, MAX_CLIENT_FRAME};

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_CLIENT_FRAME))
        .max_frame_size(Some(MAX_CLIENT_FRAME))
}

/// One connection, from its request head to its close.
pub(super) async fn connection(mut stream: TcpStream, peer: SocketAddr, hub: Rc<RefCell<Hub>>) {
    let limits = hub.borrow().settings.limits.clone();
    let head = match tokio::time::timeout(limits.handshake_timeout, read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        Ok(Ok(None)) => {
            return respond(
                &mut stream,
                "400 Bad Request",
                "bad request\n",
                "text/plain",
            )
            .await;
        }
        _ => return,
    };
    let Some((code, name)) = query(&head.path) else {
        let web = hub.borrow().settings.web.clone();
        if let Some(file) = web.as_ref().and_then(|b| b.get(&head.path, head.gzip)) {
            return respond_file(&mut stream, file).await;
        }
        if head.path == "/" || head.path.starts_with("/?") || head.path == "/index.html" {
            let page = join_page(&hub.borrow().address);
            return respond(&mut stream, "200 OK", &page, "text/html; charset=utf-8").await;
        }
        return respond(&mut stream, "404 Not Found", "not found\n", "text/plain").await;
    };
    let (Some(key), true, true) = (head.key.clone(), head.upgrade, head.version_13) else {
        return respond(
            &mut stream,
            "400 Bad Request",
            "a WebSocket upgrade is needed here\n",
            "text/plain",
        )
        .await;
    };
    let admitted = hub.borrow_mut().admit(peer.ip(), &code);
    let role = match admitted {
        Ok(role) => role,
        Err(Refusal::Full) => {
            return respond(
                &mut stream,
                "503 Service Unavailable",
                "the class is full\n",
                "text/plain",
            )
            .await;
        }
        Err(Refusal::Throttled) => {
            return respond(
                &mut stream,
                "429 Too Many Requests",
                "too many wrong codes: wait a minute\n",
                "text/plain",
            )
            .await;
        }
        Err(Refusal::WrongCode) => {
            // A wrong code waits before its answer, so codes cannot be tried quickly.
            tokio::time::sleep(Duration::from_millis(250)).await;
            return respond(&mut stream, "403 Forbidden", "unknown code\n", "text/plain").await;
        }
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let reply = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if stream.write_all(reply.as_bytes()).await.is_err() {
        return;
    }
    let ws =
        WebSocketStream::from_partially_read(stream, head.rest, WsRole::Server, Some(ws_config()))
            .await;
    let (tx, rx) = mpsc::channel(512);
    let id = hub.borrow_mut().join(role, name, tx);
    talk(ws, rx, id, &hub, &limits).await;
    hub.borrow_mut().leave(id);
}

/// A connection's frames both ways: what it sends goes to the hub (within its rate),
/// what the hub queues goes out.
async fn talk(
    mut ws: WebSocketStream<TcpStream>,
    mut rx: mpsc::Receiver<Out>,
    id: u64,
    hub: &Rc<RefCell<Hub>>,
    limits: &Limits,
) {
    let rate = f64::from(limits.messages_per_second.max(1));
    let mut tokens = rate;
    let mut refilled = Instant::now();
    let mut last_heard = Instant::now();
    let mut last_warned: Option<Instant> = None;
    let mut dropped_in_a_row = 0u32;
    let mut ping = tokio::time::interval(limits.ping_every);
    ping.tick().await;
    let write_timeout = Duration::from_secs(10);
    loop {
        tokio::select! {
            incoming = ws.next() => {
                let Some(incoming) = incoming else { break };
                let message = match incoming {
                    Ok(m) => m,
                    Err(tungstenite::Error::Capacity(_)) => {
                        let _ = send_close(&mut ws, CloseCode::Size, "a message may be at most 64 KiB").await;
                        break;
                    }
                    Err(_) => break,
                };
                last_heard = Instant::now();
                let text = match message {
                    Message::Text(t) => t,
                    Message::Binary(_) => {
                        hub.borrow_mut().error(id, ErrorCode::Malformed, "messages are JSON text");
                        continue;
                    }
                    Message::Close(_) => break,
                    _ => continue,
                };
                let now = Instant::now();
                tokens = (tokens + now.duration_since(refilled).as_secs_f64() * rate).min(rate);
                refilled = now;
                if tokens < 1.0 {
                    dropped_in_a_row += 1;
                    if dropped_in_a_row > 10 * limits.messages_per_second {
                        let _ = send_close(&mut ws, CloseCode::Policy, "too many messages").await;
                        break;
                    }
                    if last_warned.is_none_or(|w| now.duration_since(w) >= Duration::from_secs(1)) {
                        last_warned = Some(now);
                        hub.borrow_mut().error(
                            id,
                            ErrorCode::TooFast,
                            format!("at most {} messages a second; this one was dropped", limits.messages_per_second),
                        );
                    }
                    continue;
                }
                tokens -= 1.0;
                dropped_in_a_row = 0;
                hub.borrow_mut().handle(id, &text);
            }
            out = rx.recv() => {
                match out {
                    Some(Out::Text(text)) => {
                        let sent = tokio::time::timeout(write_timeout, ws.send(Message::text(text.as_ref()))).await;
                        if !matches!(sent, Ok(Ok(()))) {
                            break;
                        }
                    }
                    Some(Out::Close(code, why)) => {
                        let _ = send_close(&mut ws, code, why).await;
                        break;
                    }
                    None => break,
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > limits.idle_timeout {
                    let _ = send_close(&mut ws, CloseCode::Away, "nothing heard for too long").await;
                    break;
                }
                let sent = tokio::time::timeout(write_timeout, ws.send(Message::Ping(Vec::new().into()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            }
        }
    }
}

async fn send_close(
    ws: &mut WebSocketStream<TcpStream>,
    code: CloseCode,
    why: &'static str,
) -> Result<(), tungstenite::Error> {
    let frame = CloseFrame {
        code,
        reason: why.into(),
    };
    match tokio::time::timeout(Duration::from_secs(2), ws.close(Some(frame))).await {
        Ok(r) => r,
        Err(_) => Ok(()),
    }
}
