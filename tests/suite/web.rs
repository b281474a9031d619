//! The browser client as the host serves it: the bundle's files over a real socket (names,
//! types, gzip only when asked for), the page without a bundle, and the built `.wasm`
//! searched for every party's confidential brief.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use accord::net::bundle::Bundle;
use accord::net::client::{Transport, connect};
use accord::net::host::{self, HostSettings};
use accord::net::protocol::{HostMessage, decode_host};

use crate::common;
use crate::net::hosted;

/// One HTTP request on a fresh connection: the status line, the headers (names in
/// lower case) and the body.
fn get(h: &host::Hosted, path: &str, extra: &str) -> (String, HashMap<String, String>, Vec<u8>) {
    let mut s = TcpStream::connect(h.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {}\r\n{extra}\r\n", h.addr).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole head");
    let head = String::from_utf8(answer[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, answer[end + 4..].to_vec())
}

/// A bundle folder with small stand-ins for the three files, gzip twins, and a file
/// beside them that must never be served.
fn bundle_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        (
            "index.html",
            "<!doctype html><canvas id=\"accord\"></canvas>",
        ),
        ("accord.js", "export default function init() {}"),
        ("accord_bg.wasm", "\0asm\x01\0\0\0"),
    ] {
        std::fs::write(dir.path().join(name), body).unwrap();
        std::fs::write(dir.path().join(format!("{name}.gz")), format!("GZ{body}")).unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not for students").unwrap();
    dir
}

#[test]
fn the_host_serves_the_browser_client_on_the_websocket_port() {
    let dir = bundle_folder();
    let h = hosted(HostSettings {
        web: Some(Arc::new(Bundle::read(dir.path()).unwrap())),
        ..HostSettings::default()
    });
    // A slip's link: the page, whatever the query.
    let code = h.announcement.seats.values().next().unwrap().clone();
    let (status, headers, body) = get(&h, &format!("/?code={code}"), "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(body, b"<!doctype html><canvas id=\"accord\"></canvas>");
    assert!(!headers.contains_key("content-encoding"));

    // The module and the .wasm, with their types; gzip only when the browser takes it.
    let (_, headers, body) = get(&h, "/accord_bg.wasm", "");
    assert_eq!(headers["content-type"], "application/wasm");
    assert_eq!(body, b"\0asm\x01\0\0\0");
    assert_eq!(headers["content-length"], "8");
    let (_, headers, body) = get(
        &h,
        "/accord_bg.wasm",
        "Accept-Encoding: gzip, deflate, br\r\n",
    );
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(headers["vary"], "Accept-Encoding");
    assert_eq!(body, b"GZ\0asm\x01\0\0\0");
    let (_, headers, _) = get(&h, "/accord_bg.wasm", "Accept-Encoding: gzip;q=0\r\n");
    assert!(!headers.contains_key("content-encoding"));
    let (_, headers, _) = get(&h, "/accord.js", "");
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(headers["x-content-type-options"], "nosniff");

    // Nothing else of the folder, nor anything outside it.
    for path in [
        "/notes.txt",
        "/accord_bg.wasm.gz",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/web/index.html",
    ] {
        let (status, _, _) = get(&h, path, "Accept-Encoding: gzip\r\n");
        assert_eq!(status, "HTTP/1.1 404 Not Found", "{path}");
    }

    // The WebSocket on the same port still seats the student.
    let mut t = connect(
        &h.announcement.address,
        &code,
        "browser",
        Duration::from_secs(5),
    )
    .unwrap();
    let text = t.recv(Duration::from_secs(5)).unwrap().unwrap();
    assert!(matches!(
        decode_host(&text).unwrap(),
        HostMessage::Welcome(_)
    ));
}

#[test]
fn without_a_bundle_the_page_points_to_the_desktop_game() {
    let h = hosted(HostSettings::default());
    let (status, headers, body) = get(&h, "/?code=whatever", "Accept-Encoding: gzip\r\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains(&format!("accord join {}", h.announcement.address)));
    assert!(page.contains("web/build"));
    let (status, _, _) = get(&h, "/accord_bg.wasm", "");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
}

/// The `.wasm` that `web/build` made, if it did.
fn built_wasm() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-bundle/accord_bg.wasm");
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("ACCORD_REQUIRE_WEB").is_none(),
        "ACCORD_REQUIRE_WEB is set and {} is missing: run web/build",
        path.display()
    );
    eprintln!(
        "no {}: run web/build to check the browser bundle",
        path.display()
    );
    None
}

/// Pieces of `text` to look for: 48 bytes from every 160th byte, whole characters.
fn pieces(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut at = 0;
    while at + 48 <= text.len() {
        let start = (at..text.len()).find(|&i| text.is_char_boundary(i));
        let Some(start) = start else { break };
        let Some(end) = (start + 48..=text.len()).find(|&i| text.is_char_boundary(i)) else {
            break;
        };
        found.push(&text[start..end]);
        at += 160;
    }
    found
}

/// The pieces that occur in `haystack`, found in one pass: a position is looked at only
/// when its first 8 bytes hash to a slot some piece's do (a table of 64 Ki flags, so that
/// the pass over a 25 MB `.wasm` takes seconds even in a debug build).
fn found_in<'a>(haystack: &[u8], pieces: &[&'a str]) -> Vec<&'a str> {
    let slot = |bytes: &[u8]| {
        let key = u64::from_le_bytes(bytes[..8].try_into().unwrap());
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
    };
    let mut flags = vec![false; 1 << 16];
    let mut by_prefix: HashMap<&[u8], Vec<&'a str>> = HashMap::new();
    for p in pieces {
        flags[slot(p.as_bytes())] = true;
        by_prefix.entry(&p.as_bytes()[..8]).or_default().push(p);
    }
    let mut found = Vec::new();
    for i in 0..haystack.len().saturating_sub(8) {
        let window = &haystack[i..i + 8];
        if !flags[slot(window)] {
            continue;
        }
        for p in by_prefix.get(window).into_iter().flatten() {
            if haystack[i..].starts_with(p.as_bytes()) && !found.contains(p) {
                found.push(*p);
            }
        }
    }
    found
}

#[test]
fn the_browser_bundle_holds_no_confidential_brief() {
    let Some(path) = built_wasm() else { return };
    let wasm = std::fs::read(&path).unwrap();
    // The search finds what the bundle does hold: the line CI waits for.
    let canary = "accord: table drawn after";
    assert_eq!(
        found_in(&wasm, &[canary]),
        [canary],
        "the search finds text in the .wasm"
    );
    let mut looked = 0;
    for (id, _, _) in accord::sim::load::BUILT_IN {
        let model = common::built_in(id);
        for party in &model.scenario.parties {
            let brief = &party.confidential_brief;
            let ps = pieces(brief);
            assert!(!ps.is_empty() || brief.len() < 48, "{id}/{}", party.id);
            looked += ps.len();
            let leaked = found_in(&wasm, &ps);
            assert!(
                leaked.is_empty(),
                "{} holds {id}/{}'s confidential brief: {:?}",
                path.display(),
                party.id,
                leaked.first()
            );
        }
    }
    assert!(looked > 100, "only {looked} pieces of briefs looked for");
}

#[test]
fn the_brief_search_finds_a_brief_where_there_is_one() {
    let model = common::istanbul();
    let brief = &model.scenario.parties[0].confidential_brief;
    let mut haystack = vec![0u8; 1000];
    haystack.extend_from_slice(brief.as_bytes());
    haystack.extend_from_slice(&[7u8; 1000]);
    let ps = pieces(brief);
    assert!(ps.len() > 3);
    assert_eq!(found_in(&haystack, &ps).len(), ps.len());
    // One piece, changed by a byte, is no longer found.
    let mut changed = haystack.clone();
    changed[1000 + 5] ^= 0x20;
    assert_eq!(found_in(&changed, &ps).len(), ps.len() - 1);
}
