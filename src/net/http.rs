//! The little HTTP the host speaks before a connection is a WebSocket: the request head
//! (size- and time-limited by the caller), the `/ws?code=…&name=…` query, plain answers,
//! and the page for students at `/`.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The page `http://HOST:PORT/` serves when the host has no browser client beside it
/// (`web/build` makes one).
pub(super) fn join_page(announced: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Accord — join the class</title></head>\n<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">\n<h1>Accord: join the class</h1>\n<p>This computer hosts a game of Accord. To take your seat, open Accord on your own computer and join with the address below and the code your teacher gives you:</p>\n<p><code>{announced}</code></p>\n<p>From a terminal: <code>accord join {announced} --code CODE</code>.</p>\n<p>(To play in the browser instead, the teacher builds the browser client once with <code>web/build</code> and starts the host again.)</p>\n<p>The connection is not encrypted: on a shared network others can read it. Codes are for one lesson.</p>\n</body></html>\n"
    )
}

/// One request head: path and headers, and any bytes read past it.
pub(super) struct Head {
    pub path: String,
    pub upgrade: bool,
    pub key: Option<String>,
    pub version_13: bool,
    /// The browser takes gzip (`Accept-Encoding`).
    pub gzip: bool,
    pub rest: Vec<u8>,
}

const MAX_HEAD: usize = 8 * 1024;

pub(super) async fn read_head(stream: &mut TcpStream) -> io::Result<Option<Head>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let header = |name: &str| {
                    req.headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .and_then(|h| std::str::from_utf8(h.value).ok())
                        .map(str::to_string)
                };
                let upgrade =
                    header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
                return Ok(Some(Head {
                    path: req.path.unwrap_or("/").to_string(),
                    upgrade,
                    key: header("sec-websocket-key"),
                    version_13: header("sec-websocket-version").as_deref() == Some("13"),
                    gzip: super::bundle::accepts_gzip(header("accept-encoding").as_deref()),
                    rest: buf[len..].to_vec(),
                }));
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            _ => return Ok(None),
        }
    }
}

/// `code` and `name` from `/ws?code=…&name=…`.
pub(super) fn query(path: &str) -> Option<(String, String)> {
    let (route, q) = path.split_once('?').unwrap_or((path, ""));
    if route != "/ws" {
        return None;
    }
    let mut code = None;
    let mut name = String::new();
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "code" => code = Some(v),
            "name" => name = v.chars().filter(|c| !c.is_control()).take(40).collect(),
            _ => {}
        }
    }
    Some((code.unwrap_or_default(), name))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let pair = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(pair, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) async fn respond(stream: &mut TcpStream, status: &str, body: &str, content_type: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.write_all(text.as_bytes())).await;
    let _ = stream.shutdown().await;
}

/// Sends one file of the browser client. Large (the `.wasm`): the whole answer has two
/// minutes, enough for a slow classroom network, and then the connection is dropped.
pub(super) async fn respond_file(stream: &mut TcpStream, file: super::bundle::Served<'_>) {
    let encoding = if file.gzip {
        "Content-Encoding: gzip\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n{encoding}Vary: Accept-Encoding\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nCache-Control: no-cache\r\n\r\n",
        file.content_type,
        file.body.len()
    );
    let send = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(file.body).await
    };
    let _ = tokio::time::timeout(Duration::from_secs(120), send).await;
    let _ = stream.shutdown().await;
}
