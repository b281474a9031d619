//! The class host over real sockets on 127.0.0.1: remote AI seats play as the local game
//! does, a scripted person's seat, nothing confidential on the wire, drops, restarts,
//! and hostile input.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord::net::client::{Transport, TransportError, connect};
use accord::net::host::{self, HostGame, HostSettings};
use accord::net::join::{
    AiPlayer, JoinError, JoinOptions, SeatEnd, SeatPlayer, play_seat, play_seat_via,
};
use accord::net::protocol::{
    ClientMessage, ErrorCode, HostMessage, Welcome, decode_host, encode_client,
};
use accord::net::wire::WireView;
use accord::sim::game::Explanation;
use accord::sim::record::GameRecord;
use accord::sim::transcript::{Kind, Scope};
use accord::sim::{Action, Audience, Model, simulate};

use crate::common;

fn quick() -> JoinOptions {
    JoinOptions {
        reconnect_for: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        ping_every: Duration::from_millis(500),
        ..JoinOptions::default()
    }
}

/// Hosts `game` until its talks end.
fn exiting(game: HostGame) -> host::Hosted {
    host::start(
        game,
        HostSettings {
            exit_when_over: true,
            ..HostSettings::default()
        },
    )
    .unwrap()
}

/// Hosts `model` with every seat left to people, and plays each with a remote AI client
/// on its own thread; returns the host's record and each seat's end.
fn all_remote_ai(model: Arc<Model>, seed: u64) -> (GameRecord, Vec<SeatEnd>) {
    let game = HostGame::new(model, "built-in:test", seed, &BTreeMap::new()).unwrap();
    let hosted = exiting(game);
    let address = hosted.announcement.address.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let seats = hosted.announcement.seats.len();
    for code in hosted.announcement.seats.values() {
        let (address, code) = (address.clone(), code.clone());
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut player = AiPlayer::new("scenario");
            let _ = tx.send(play_seat(&address, &code, &mut player, &quick()));
        });
    }
    let ends: Vec<SeatEnd> = (0..seats)
        .map(|_| {
            rx.recv_timeout(Duration::from_secs(120))
                .expect("every seat ends within two minutes")
                .expect("the seat plays to the end")
        })
        .collect();
    let end = hosted.wait().unwrap();
    (end.record, ends)
}

#[test]
fn remote_ai_seats_play_the_game_simulate_plays() {
    for (id, seed) in [("river-valley", 7), ("istanbul-2025", 3)] {
        let model = common::built_in(id);
        let (record, ends) = all_remote_ai(model.clone(), seed);
        let local = simulate::play(&model, seed, &[]);
        let here = GameRecord::of(&local, "built-in:test", record.seats.clone());
        assert_eq!(record.actions.len(), here.actions.len(), "{id}");
        for (i, (a, b)) in record.actions.iter().zip(&here.actions).enumerate() {
            assert_eq!(a, b, "{id}: action {i}");
        }
        assert_eq!(record.facilitator, here.facilitator, "{id}");
        // The replay of the host's record is the local game, entry for entry.
        let replayed = record.replay().unwrap();
        assert_eq!(replayed.transcript(), local.transcript(), "{id}");
        for end in ends {
            assert_eq!(end.view.actions, record.actions.len());
        }
    }
}

/// A transport that keeps every frame it receives.
struct Recording {
    inner: Box<dyn Transport>,
    frames: Arc<Mutex<Vec<String>>>,
}

impl Transport for Recording {
    fn send(&mut self, text: &str) -> Result<(), TransportError> {
        self.inner.send(text)
    }
    fn recv(&mut self, timeout: Duration) -> Result<Option<String>, TransportError> {
        let got = self.inner.recv(timeout)?;
        if let Some(t) = &got {
            self.frames.lock().unwrap().push(t.clone());
        }
        Ok(got)
    }
}

/// Plays a seat with `player`, keeping every frame it received.
fn recorded_seat(
    address: String,
    code: String,
    mut player: Box<dyn SeatPlayer + Send>,
) -> std::thread::JoinHandle<(Result<SeatEnd, JoinError>, Vec<String>)> {
    std::thread::spawn(move || {
        let frames = Arc::new(Mutex::new(Vec::new()));
        let kept = frames.clone();
        let mut open = move || {
            connect(&address, &code, "", Duration::from_secs(2)).map(|t| {
                Box::new(Recording {
                    inner: Box::new(t),
                    frames: kept.clone(),
                }) as Box<dyn Transport>
            })
        };
        let end = play_seat_via(&mut open, player.as_mut(), &quick());
        let frames = frames.lock().unwrap().clone();
        (end, frames)
    })
}

/// Reads a connection (an observer's) until the talks end; every frame it received.
fn watch(address: &str, code: &str) -> std::thread::JoinHandle<Vec<String>> {
    let mut t = connect(address, code, "watcher", Duration::from_secs(2)).unwrap();
    std::thread::spawn(move || {
        let mut frames = Vec::new();
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            match t.recv(Duration::from_millis(500)) {
                Ok(Some(text)) => {
                    let over = text.contains("\"phase\":\"Ended\"");
                    frames.push(text);
                    if over {
                        break;
                    }
                }
                Ok(None) => {
                    let _ = t.send(&encode_client(&ClientMessage::Ping));
                }
                Err(_) => break,
            }
        }
        frames
    })
}

/// A person in the Ukrainian seat, by script: private words to Russia and a caucus with
/// its ally in the first rounds (texts that must reach no one else), then passes.
struct Scripted {
    turns: u32,
    refused: bool,
}

impl SeatPlayer for Scripted {
    fn welcomed(&mut self, _: &Welcome) {}
    fn decide(&mut self, _view: &WireView) -> (Action, Option<Explanation>) {
        self.turns += 1;
        if std::mem::take(&mut self.refused) {
            return (Action::Pass, None);
        }
        let action = match self.turns {
            1 | 3 => Action::Statement {
                to: Audience::Private(vec!["russia".into()]),
                stances: Vec::new(),
                text: Some(format!("PRIVATE-TO-RUSSIA-{}", self.turns)),
            },
            2 | 4 => Action::Caucus {
                ally: "europe".into(),
                text: format!("CAUCUS-WITH-EUROPE-{}", self.turns),
            },
            _ => Action::Pass,
        };
        (action, None)
    }
    fn refused(&mut self, _: ErrorCode, message: &str) {
        eprintln!("scripted move refused: {message}");
        self.refused = true;
    }
}

/// A text as it appears inside a JSON string.
fn in_json(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap();
    quoted[1..quoted.len() - 1].to_string()
}

#[test]
fn no_byte_of_another_seats_secrets_reaches_a_client() {
    let model = common::istanbul();
    let game = HostGame::new(
        model.clone(),
        "built-in:istanbul-2025",
        11,
        &BTreeMap::new(),
    )
    .unwrap();
    let hosted = exiting(game);
    let a = hosted.announcement.clone();
    let observer = watch(&a.address, &a.observer);
    let seats: Vec<(String, _)> = a
        .seats
        .iter()
        .map(|(party, code)| {
            let player: Box<dyn SeatPlayer + Send> = if party == "ukraine" {
                Box::new(Scripted {
                    turns: 0,
                    refused: false,
                })
            } else {
                Box::new(AiPlayer::new("scenario"))
            };
            (
                party.clone(),
                recorded_seat(a.address.clone(), code.clone(), player),
            )
        })
        .collect();
    let mut received: Vec<(Option<usize>, Vec<String>)> = Vec::new();
    for (party, handle) in seats {
        let (end, frames) = handle.join().unwrap();
        end.unwrap_or_else(|e| panic!("{party}: {e}"));
        received.push((model.party_index(&party), frames));
    }
    received.push((None, observer.join().unwrap()));
    let record = hosted.wait().unwrap().record;
    let game = record.replay().unwrap();
    // The script's secrets were said, and are in the host's record.
    let said = |t: &str| {
        game.transcript()
            .iter()
            .any(|e| format!("{:?}", e.kind).contains(t))
    };
    assert!(said("PRIVATE-TO-RUSSIA-1") && said("CAUCUS-WITH-EUROPE-2"));
    let s = &model.scenario;
    for (me, frames) in &received {
        let who = me.map_or("the observer".to_string(), |p| s.parties[p].id.clone());
        assert!(frames.len() > 5, "{who} received the game");
        assert!(
            frames[0].contains("\"type\":\"welcome\""),
            "{who}: the welcome comes first"
        );
        for (k, frame) in frames.iter().enumerate() {
            // Nobody's rationale and no debrief reach a seat or an observer.
            assert!(
                !frame.contains("\"Rationale\""),
                "{who}, frame {k}: a rationale"
            );
            assert!(
                !frame.contains("\"debrief\":{"),
                "{who}, frame {k}: the debrief"
            );
            // A seat's own state is its own.
            if let Ok(HostMessage::Welcome(w)) = decode_host(frame) {
                assert_eq!(w.view.seat.as_ref().map(|o| o.me), *me, "{who}");
                assert_eq!(w.ai.is_some(), me.is_some(), "{who}");
            }
            for (q, party) in s.parties.iter().enumerate() {
                if Some(q) == *me {
                    continue;
                }
                for secret in [&party.confidential_brief, &party.batna_description] {
                    let line = secret.lines().find(|l| l.len() > 30).unwrap_or(secret);
                    assert!(
                        secret.is_empty() || !frame.contains(&in_json(line)),
                        "{who}, frame {k}: a confidential text of {}",
                        party.id
                    );
                }
            }
            for e in game.transcript() {
                if me.is_some_and(|p| e.scope.visible_to(p)) || e.scope == Scope::Public {
                    continue;
                }
                let text = match &e.kind {
                    Kind::Statement { text: Some(t), .. } | Kind::Caucus { text: t, .. } => t,
                    _ => continue,
                };
                assert!(
                    !frame.contains(&in_json(text)),
                    "{who}, frame {k}: a message not for it: {text}"
                );
            }
        }
    }
    // And what a seat may see does reach it: Russia hears Ukraine's private words.
    let russia = model.party_index("russia");
    let heard = received
        .iter()
        .find(|(me, _)| *me == russia)
        .is_some_and(|(_, f)| f.iter().any(|t| t.contains("PRIVATE-TO-RUSSIA-1")));
    assert!(heard, "a private statement reaches its listener");
}

/// A host of river-valley with every seat left to people, and its announcement.
pub(crate) fn hosted(settings: HostSettings) -> host::Hosted {
    let game = HostGame::new(
        common::built_in("river-valley"),
        "built-in:river-valley",
        5,
        &BTreeMap::new(),
    )
    .unwrap();
    host::start(game, settings).unwrap()
}

/// The next message, within a few seconds.
fn next(t: &mut dyn Transport) -> HostMessage {
    let text = t
        .recv(Duration::from_secs(5))
        .expect("the connection stays open")
        .expect("a message comes");
    decode_host(&text).unwrap()
}

fn error_code(m: HostMessage) -> ErrorCode {
    match m {
        HostMessage::Error { code, .. } => code,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn welcome(m: HostMessage) -> Welcome {
    match m {
        HostMessage::Welcome(w) => *w,
        other => panic!("expected a welcome, got {other:?}"),
    }
}

#[test]
fn bad_messages_get_errors_and_harm_no_one() {
    let h = hosted(HostSettings::default());
    let a = h.announcement.clone();
    let open = |code: &str| connect(&a.address, code, "t", Duration::from_secs(2)).unwrap();
    let first = welcome(next(&mut open(&a.observer)));
    let to_move = first.view.to_move.unwrap();
    let mover = first.scenario.parties[to_move].id.clone();
    let other = a.seats.keys().find(|p| **p != mover).unwrap().clone();
    let mut bystander = open(&a.seats[&other]);
    let w = welcome(next(&mut bystander));
    let mut mover_conn = open(&a.seats[&mover]);
    welcome(next(&mut mover_conn));

    // Not JSON; JSON of no message; another version; a binary frame.
    for bad in [
        "{",
        "[1,2]",
        "{\"protocol_version\":1,\"type\":\"launch\"}",
        "{\"type\":\"ping\"}",
    ] {
        bystander.send(bad).unwrap();
        assert_eq!(
            error_code(next(&mut bystander)),
            ErrorCode::Malformed,
            "{bad}"
        );
    }
    bystander
        .send("{\"protocol_version\":99,\"type\":\"ping\"}")
        .unwrap();
    assert_eq!(error_code(next(&mut bystander)), ErrorCode::Version);
    // Out of turn, and a move on a stale view.
    let act = |seen| {
        encode_client(&ClientMessage::Act {
            seen,
            action: Action::Pass,
            explanation: None,
        })
    };
    bystander.send(&act(w.view.actions)).unwrap();
    assert_eq!(error_code(next(&mut bystander)), ErrorCode::NotYourTurn);
    mover_conn.send(&act(w.view.actions + 7)).unwrap();
    assert_eq!(error_code(next(&mut mover_conn)), ErrorCode::Stale);
    // A seat cannot do the facilitator's work.
    bystander
        .send(&encode_client(&ClientMessage::ReleaseDebrief))
        .unwrap();
    assert_eq!(error_code(next(&mut bystander)), ErrorCode::Forbidden);
    // Flooding: past 20 a second, messages are dropped with one error a second.
    for _ in 0..60 {
        bystander
            .send(&encode_client(&ClientMessage::Ping))
            .unwrap();
    }
    assert_eq!(error_code(next(&mut bystander)), ErrorCode::TooFast);
    // The mover still plays, and every connection hears of it.
    mover_conn.send(&act(w.view.actions)).unwrap();
    match next(&mut mover_conn) {
        HostMessage::Update(d) => assert_eq!(d.actions, w.view.actions + 1),
        other => panic!("expected the update, got {other:?}"),
    }
    // An oversized frame closes only that connection (1009), and the host goes on.
    let mut big = open(&a.seats[&other]);
    welcome(next(&mut big));
    let huge = format!(
        "{{\"protocol_version\":1,\"type\":\"ping\",\"pad\":\"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let _ = big.send(&huge);
    let closed = (0..10).any(|_| big.recv(Duration::from_secs(1)).is_err());
    assert!(closed, "an oversized frame closes its connection");
    let mut late = open(&a.observer);
    let w2 = welcome(next(&mut late));
    assert_eq!(w2.view.actions, w.view.actions + 1, "the host goes on");
    drop(h);
}

#[test]
fn wrong_codes_are_refused_and_throttled() {
    let h = hosted(HostSettings::default());
    let a = h.announcement.clone();
    for k in 0..10 {
        match connect(
            &a.address,
            &format!("WR0NGC0DE{k}"),
            "",
            Duration::from_secs(2),
        ) {
            Err(TransportError::Refused(why)) => assert!(why.contains("unknown code"), "{why}"),
            other => panic!("a wrong code is refused: {:?}", other.err()),
        }
    }
    // After ten wrong codes in a minute, even the right one waits.
    match connect(&a.address, &a.observer, "", Duration::from_secs(2)) {
        Err(TransportError::Refused(why)) => assert!(why.contains("too many"), "{why}"),
        other => panic!("throttled: {:?}", other.err()),
    }
    let end = h.stop().unwrap();
    assert_eq!(end.stats.refused_codes, 10);
}

#[test]
fn the_facilitator_needs_the_pin_and_five_wrong_ones_lock_it() {
    let h = hosted(HostSettings {
        pin_sha256: Some(accord::sim::model::sha256_hex("2468")),
        ..HostSettings::default()
    });
    let a = h.announcement.clone();
    let mut f = connect(&a.address, &a.facilitator, "", Duration::from_secs(2)).unwrap();
    assert_eq!(next(&mut f), HostMessage::PinRequired);
    // Nothing but the PIN is taken before it.
    f.send(&encode_client(&ClientMessage::ReleaseDebrief))
        .unwrap();
    assert_eq!(error_code(next(&mut f)), ErrorCode::Forbidden);
    let unlock = |pin: &str| encode_client(&ClientMessage::Unlock { pin: pin.into() });
    f.send(&unlock("2468")).unwrap();
    let w = welcome(next(&mut f));
    let view = w.view.facilitator.expect("the facilitator sees everything");
    assert_eq!(view.codes.facilitator, a.facilitator);
    // Another facilitator's connection: five wrong PINs lock the right one out.
    let mut g = connect(&a.address, &a.facilitator, "", Duration::from_secs(2)).unwrap();
    assert_eq!(next(&mut g), HostMessage::PinRequired);
    for _ in 0..5 {
        g.send(&unlock("0000")).unwrap();
        assert_eq!(error_code(next(&mut g)), ErrorCode::WrongPin);
    }
    g.send(&unlock("2468")).unwrap();
    match next(&mut g) {
        HostMessage::Error { code, message } => {
            assert_eq!(code, ErrorCode::WrongPin);
            assert!(message.contains("try again"), "{message}");
        }
        other => panic!("locked out, got {other:?}"),
    }
    drop(h);
}

#[test]
fn a_host_stopped_mid_game_and_resumed_from_its_save_ends_as_an_uninterrupted_game() {
    let model = common::built_in("river-valley");
    let seed = 9;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.ron");
    let game = HostGame::new(
        model.clone(),
        "built-in:river-valley",
        seed,
        &BTreeMap::new(),
    )
    .unwrap();
    let first = host::start(
        game,
        HostSettings {
            save: Some(path.clone()),
            exit_when_over: true,
            ..HostSettings::default()
        },
    )
    .unwrap();
    let a = first.announcement.clone();
    let port = first.addr.port();
    let (tx, rx) = std::sync::mpsc::channel();
    for code in a.seats.values() {
        let (address, code, tx) = (a.address.clone(), code.clone(), tx.clone());
        std::thread::spawn(move || {
            let mut player = AiPlayer::new("scenario");
            let _ = tx.send(play_seat(&address, &code, &mut player, &quick()));
        });
    }
    // Stop the host once a dozen moves are saved, then start it again from the save.
    let start = std::time::Instant::now();
    while accord::sim::save::read(&path).map_or(0, |f| f.record.actions.len()) < 12 {
        assert!(start.elapsed() < Duration::from_secs(60), "the game moves");
        std::thread::sleep(Duration::from_millis(5));
    }
    let stopped_at = first.stop().unwrap().record.actions.len();
    let file = accord::sim::save::read(&path).unwrap();
    let (game, kept) = HostGame::resume(&file, "class.ron").unwrap();
    assert_eq!(kept.codes.seats, a.seats, "the same codes");
    let second = host::start(
        game,
        HostSettings {
            port,
            save: Some(path.clone()),
            exit_when_over: true,
            ..HostSettings::default()
        },
    )
    .unwrap();
    let ends: Vec<SeatEnd> = (0..a.seats.len())
        .map(|_| {
            rx.recv_timeout(Duration::from_secs(120))
                .unwrap()
                .expect("each seat reconnects and plays to the end")
        })
        .collect();
    assert!(ends.iter().all(|e| e.reconnections >= 1));
    let record = second.wait().unwrap().record;
    assert!(record.actions.len() > stopped_at);
    let local = simulate::play(&model, seed, &[]);
    let here = GameRecord::of(&local, "built-in:river-valley", record.seats.clone());
    assert_eq!(record.actions, here.actions);
    assert_eq!(record.facilitator, here.facilitator);
}

#[test]
fn a_dropped_seat_keeps_its_seat_and_gets_its_view_back_at_once() {
    let h = hosted(HostSettings {
        turn_seconds: 1,
        ..HostSettings::default()
    });
    let a = h.announcement.clone();
    let mut obs = connect(&a.address, &a.observer, "", Duration::from_secs(2)).unwrap();
    let w = welcome(next(&mut obs));
    let mover = w.scenario.parties[w.view.to_move.unwrap()].id.clone();
    // The seat to move joins, drops, and its turn runs out while it is away.
    let mut seat = connect(&a.address, &a.seats[&mover], "", Duration::from_secs(2)).unwrap();
    welcome(next(&mut seat));
    drop(seat);
    let update = loop {
        match next(&mut obs) {
            HostMessage::Update(d) => break d,
            _ => continue,
        }
    };
    assert_eq!(
        update.actions,
        w.view.actions + 1,
        "time ran out: the seat passed"
    );
    let mut back = connect(&a.address, &a.seats[&mover], "", Duration::from_secs(2)).unwrap();
    let again = welcome(next(&mut back));
    assert!(again.view.actions > w.view.actions);
    assert_eq!(
        again.view.seat.map(|s| s.me),
        w.view.to_move,
        "the same seat"
    );
    let record = h.stop().unwrap().record;
    assert!(record.facilitator.iter().any(
        |(_, m)| matches!(m, accord::sim::FacilitatorMove::TimeUp { party } if *party == mover)
    ));
}

/// Not a check: prints one frame of each kind for docs/protocol.md
/// (`cargo test --no-default-features print_frames -- --ignored --nocapture`).
#[test]
#[ignore]
fn print_frames() {
    let h = hosted(HostSettings::default());
    let a = h.announcement.clone();
    println!("{}", serde_json::to_string(&a).unwrap());
    let mut obs = connect(&a.address, &a.observer, "", Duration::from_secs(2)).unwrap();
    let w = obs.recv(Duration::from_secs(2)).unwrap().unwrap();
    println!("{w}");
    let view = welcome(decode_host(&w).unwrap()).view;
    let mover =
        &a.seats[&common::built_in("river-valley").scenario.parties[view.to_move.unwrap()].id];
    let mut seat = connect(&a.address, mover, "", Duration::from_secs(2)).unwrap();
    let _ = seat.recv(Duration::from_secs(2));
    let act = encode_client(&ClientMessage::Act {
        seen: view.actions,
        action: Action::Pass,
        explanation: None,
    });
    println!("{act}");
    seat.send(&act).unwrap();
    println!("{}", obs.recv(Duration::from_secs(2)).unwrap().unwrap());
    seat.send(&act).unwrap();
    println!("{}", seat.recv(Duration::from_secs(2)).unwrap().unwrap());
}

mod decoder {
    use accord::net::protocol::{ClientMessage, MAX_CLIENT_FRAME, decode_client, encode_client};
    use accord::sim::{Action, Audience};
    use proptest::prelude::*;

    fn samples() -> Vec<String> {
        [
            ClientMessage::Ping,
            ClientMessage::Act {
                seen: 4,
                action: Action::Statement {
                    to: Audience::Private(vec!["russia".into()]),
                    stances: Vec::new(),
                    text: Some("words".into()),
                },
                explanation: None,
            },
            ClientMessage::Unlock { pin: "1".into() },
            ClientMessage::Remove { connection: 3 },
        ]
        .iter()
        .map(encode_client)
        .collect()
    }

    proptest! {
        /// Any text at all gives a message or an error, never a panic.
        #[test]
        fn the_decoder_never_panics_on_any_text(text in ".{0,400}") {
            let _ = decode_client(&text);
        }

        /// Valid messages cut, spliced and mutated byte by byte: still no panic, and a
        /// message that decodes encodes back to a message that decodes the same.
        #[test]
        fn the_decoder_never_panics_on_mutated_messages(
            which in 0usize..4,
            cut in 0usize..200,
            at in 0usize..200,
            insert in "[\\[\\]{}\":,0-9a-z\\\\ -]{0,12}",
        ) {
            let sample = &samples()[which];
            let mut bytes = sample.as_bytes().to_vec();
            bytes.truncate(bytes.len().saturating_sub(cut % 8));
            let at = at.min(bytes.len());
            bytes.splice(at..at, insert.bytes());
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Ok(m) = decode_client(&text) {
                prop_assert_eq!(decode_client(&encode_client(&m)), Ok(m));
            }
        }
    }

    #[test]
    fn deep_or_huge_input_is_an_error() {
        let deep = format!("{}{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
        assert!(decode_client(&deep).is_err());
        let huge = "x".repeat(MAX_CLIENT_FRAME + 1);
        assert!(decode_client(&huge).is_err());
    }
}

#[test]
fn the_facilitator_rotates_codes_removes_connections_and_releases_the_debrief() {
    use std::io::{Read, Write};
    let h = hosted(HostSettings::default());
    let a = h.announcement.clone();
    // The page for students, over plain HTTP.
    let mut http = std::net::TcpStream::connect(h.addr).unwrap();
    http.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    let _ = http.read_to_string(&mut page);
    assert!(
        page.starts_with("HTTP/1.1 200") && page.contains(&a.address),
        "{page}"
    );

    let mut f = connect(
        &a.address,
        &a.facilitator,
        "teacher",
        Duration::from_secs(2),
    )
    .unwrap();
    let fw = welcome(next(&mut f));
    assert!(fw.view.facilitator.is_some());
    let party = a.seats.keys().next().unwrap().clone();
    let mut team = connect(&a.address, &a.seats[&party], "team", Duration::from_secs(2)).unwrap();
    welcome(next(&mut team));
    // The facilitator sees the new connection, and removes it.
    let connection = loop {
        if let HostMessage::Update(d) = next(&mut f)
            && let Some(c) = d
                .facilitator
                .and_then(|f| f.connections)
                .and_then(|c| c.into_iter().find(|c| c.name == "team"))
        {
            break c.id;
        }
    };
    f.send(&encode_client(&ClientMessage::Remove { connection }))
        .unwrap();
    assert!(
        (0..10).any(|_| team.recv(Duration::from_secs(1)).is_err()),
        "removed"
    );
    // A rotated code: the old one is refused, the new one works.
    let role = accord::net::protocol::Role::Seat {
        party: party.clone(),
    };
    f.send(&encode_client(&ClientMessage::RotateCode { role }))
        .unwrap();
    let new_code = loop {
        if let HostMessage::Update(d) = next(&mut f)
            && let Some(codes) = d.facilitator.and_then(|f| f.codes)
        {
            break codes.seats[&party].clone();
        }
    };
    assert_ne!(new_code, a.seats[&party]);
    assert!(matches!(
        connect(&a.address, &a.seats[&party], "", Duration::from_secs(2)),
        Err(TransportError::Refused(_))
    ));
    let mut seat = connect(&a.address, &new_code, "", Duration::from_secs(2)).unwrap();
    let w = welcome(next(&mut seat));
    assert!(w.view.debrief.is_none(), "no debrief before it is released");
    // Released: the seat now gets the whole record.
    f.send(&encode_client(&ClientMessage::ReleaseDebrief))
        .unwrap();
    let debrief = loop {
        if let HostMessage::Update(d) = next(&mut seat)
            && let Some(d) = d.debrief
        {
            break d;
        }
    };
    assert_eq!(debrief.scenario.id, "river-valley");
    drop(h);
}

#[test]
fn seats_played_by_the_hosts_ai_and_by_remote_ai_play_as_simulate() {
    let model = common::built_in("istanbul-2025");
    let ai: BTreeMap<usize, String> = ["russia", "turkiye", "united_states"]
        .iter()
        .map(|p| (model.party_index(p).unwrap(), "scenario".to_string()))
        .collect();
    let game = HostGame::new(model.clone(), "built-in:istanbul-2025", 4, &ai).unwrap();
    let hosted = exiting(game);
    let a = hosted.announcement.clone();
    assert_eq!(a.seats.len(), 2, "codes only for the seats left to people");
    let clients: Vec<_> = a
        .seats
        .values()
        .map(|code| {
            let (address, code) = (a.address.clone(), code.clone());
            std::thread::spawn(move || {
                play_seat(&address, &code, &mut AiPlayer::new("scenario"), &quick())
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap().unwrap();
    }
    let record = hosted.wait().unwrap().record;
    let local = simulate::play(&model, 4, &[]);
    assert_eq!(
        record.actions,
        GameRecord::of(&local, "x", record.seats.clone()).actions
    );
}

#[test]
fn what_a_student_types_to_join_is_read_as_the_hosts_address_and_any_code() {
    use accord::net::client::join_target;
    let ws = |s: &str| join_target(s).unwrap();
    assert_eq!(
        ws("192.168.1.20:7878"),
        ("ws://192.168.1.20:7878/ws".into(), None)
    );
    assert_eq!(
        ws(" ws://127.0.0.1:7878/ws "),
        ("ws://127.0.0.1:7878/ws".into(), None)
    );
    assert_eq!(
        ws("http://10.0.0.2:7878/?code=ABCD2345EF"),
        ("ws://10.0.0.2:7878/ws".into(), Some("ABCD2345EF".into()))
    );
    assert_eq!(
        ws("http://laptop.local:80/?name=x&code=Q1"),
        ("ws://laptop.local:80/ws".into(), Some("Q1".into()))
    );
    for bad in [
        "",
        "192.168.1.20",
        "https://x:1/",
        "host:port",
        ":7878",
        "ftp://a:1",
    ] {
        assert!(join_target(bad).is_err(), "{bad:?} was read as an address");
    }
}

#[test]
fn the_slips_give_each_seat_its_code_link_and_qr_code_and_nothing_else() {
    use accord::net::slips;
    let announcement = host::Announcement {
        address: "ws://192.168.1.20:7878/ws".into(),
        http: "http://192.168.1.20:7878/".into(),
        seats: BTreeMap::from([
            ("ukraine".to_string(), "UKRAINE234".to_string()),
            ("russia".to_string(), "RUSSIA5678".to_string()),
        ]),
        observer: "OBSERVE999".into(),
        facilitator: "FACILIT000".into(),
        scenario: "istanbul-2025".into(),
    };
    let names = [
        ("ukraine".to_string(), "Ukrainian delegation".to_string()),
        ("russia".to_string(), "Russian <delegation>".to_string()),
        ("turkiye".to_string(), "Türkiye".to_string()),
    ];
    let list = slips::slips(&announcement, &names);
    assert_eq!(list.len(), 2, "seats played by the AI get no slip");
    assert_eq!(list[0].link, "http://192.168.1.20:7878/?code=UKRAINE234");
    let page = slips::page("Istanbul", "192.168.1.20:7878", &list);
    for s in &list {
        assert!(page.contains(&s.code) && page.contains(&s.link));
    }
    assert_eq!(page.matches("<svg").count(), 2, "a QR code per slip");
    assert!(
        page.contains("Russian &lt;delegation&gt;"),
        "names are escaped"
    );
    assert!(!page.contains("FACILIT000") && !page.contains("OBSERVE999"));
    assert!(!page.contains("Türkiye"));
}

/// Reads `t` into `view` (welcome, then updates) until `done` holds; an error from the host
/// is returned instead.
fn read_until(
    t: &mut dyn Transport,
    view: &mut Option<WireView>,
    done: impl Fn(&WireView) -> bool,
) -> Result<(), (ErrorCode, String)> {
    let until = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = view.as_ref()
            && done(v)
        {
            return Ok(());
        }
        assert!(std::time::Instant::now() < until, "timed out waiting");
        match next(t) {
            HostMessage::Welcome(w) => *view = Some(w.view),
            HostMessage::Update(d) => view.as_mut().unwrap().apply(*d).unwrap(),
            HostMessage::Error { code, message } => return Err((code, message)),
            HostMessage::PinRequired => panic!("no PIN here"),
        }
    }
}

/// Over the network the facilitator holds allies' and mediators' moves (lets, cancels or
/// replaces each), pauses the table and its clock, times the turns, and hands a person's
/// seat to the host's AI and back; each is in the host's record, and the record replays.
#[test]
fn the_facilitator_holds_pauses_times_and_hands_seats_over_the_network() {
    use accord::net::protocol::Answer;
    use accord::net::wire::Clock;
    use accord::sim::FacilitatorMove;
    use accord::sim::ai::SeatControl;
    use accord::sim::scenario::PartyKind;

    let model = common::built_in("istanbul-2025");
    let ukraine = model.party_index("ukraine").unwrap();
    let ai: BTreeMap<usize, String> = (0..model.scenario.parties.len())
        .filter(|&p| p != ukraine)
        .map(|p| (p, "scenario".to_string()))
        .collect();
    let game = HostGame::new(model.clone(), "built-in:istanbul-2025", 3, &ai).unwrap();
    let dir = std::env::temp_dir().join(format!("accord-control-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let save_path = dir.join("class.ron");
    let h = host::start(
        game,
        HostSettings {
            save: Some(save_path.clone()),
            ..HostSettings::default()
        },
    )
    .unwrap();
    let a = h.announcement.clone();
    let open = |code: &str| connect(&a.address, code, "", Duration::from_secs(2)).unwrap();
    let (mut f, mut seat) = (open(&a.facilitator), open(&a.seats["ukraine"]));
    let (mut fv, mut sv) = (None, None);
    let ukraine_to_move = |v: &WireView| v.to_move == Some(ukraine);
    read_until(&mut seat, &mut sv, ukraine_to_move).unwrap();
    read_until(&mut f, &mut fv, |v| v.facilitator.is_some()).unwrap();
    let send = |t: &mut dyn Transport, m: ClientMessage| t.send(&encode_client(&m)).unwrap();
    let act = |t: &mut dyn Transport, seen: usize| {
        send(
            t,
            ClientMessage::Act {
                seen,
                action: Action::Pass,
                explanation: None,
            },
        )
    };

    // Held: every ally's and mediator's move now waits for an answer.
    send(&mut f, ClientMessage::Hold { on: true });
    read_until(&mut f, &mut fv, |v| {
        v.facilitator.as_ref().unwrap().control.hold
    })
    .unwrap();
    let seen = sv.as_ref().unwrap().actions;
    act(&mut seat, seen);
    read_until(&mut f, &mut fv, |v| v.actions > seen).unwrap();
    let held = |v: &WireView| v.facilitator.as_ref().unwrap().control.pending.clone();
    let mut answered = 0;
    let mut cancelled = 0;
    loop {
        read_until(&mut f, &mut fv, |v| {
            held(v).is_some() || v.to_move == Some(ukraine)
        })
        .unwrap();
        let v = fv.as_ref().unwrap();
        let Some(pending) = held(v) else { break };
        assert_ne!(model.kind(pending.party), PartyKind::Delegation);
        assert!(!pending.planned.is_empty());
        // Nothing plays while the move waits.
        assert_eq!(v.to_move, Some(pending.party));
        let answer = if cancelled == 0 {
            cancelled += 1;
            Answer::Cancel
        } else {
            Answer::Allow
        };
        let actions = v.actions;
        send(&mut f, ClientMessage::Overrule { answer });
        read_until(&mut f, &mut fv, |v| v.actions > actions).unwrap();
        answered += 1;
    }
    assert!(answered >= 2, "{answered} held moves");
    send(&mut f, ClientMessage::Hold { on: false });
    // No move waits: an answer is refused.
    send(
        &mut f,
        ClientMessage::Overrule {
            answer: Answer::Allow,
        },
    );
    let refused = read_until(&mut f, &mut fv, |_| false).unwrap_err();
    assert_eq!(refused.0, ErrorCode::Refused, "{refused:?}");

    // Paused, the seat handed to the AI: the AI waits; the seat may not move.
    send(&mut f, ClientMessage::Pause { paused: true });
    read_until(&mut seat, &mut sv, |v| v.clock.paused).unwrap();
    let hand = |ai: Option<&str>| ClientMessage::Facilitate {
        facilitator_move: FacilitatorMove::HandSeat {
            party: "ukraine".into(),
            ai: ai.map(str::to_string),
        },
    };
    send(&mut f, hand(Some("normal")));
    read_until(&mut seat, &mut sv, |v| {
        v.seat.as_ref().unwrap().host_ai.as_deref() == Some("normal")
    })
    .unwrap();
    let v = sv.as_ref().unwrap();
    assert_eq!(v.to_move, Some(ukraine), "paused: the AI has not played");
    act(&mut seat, v.actions);
    let refused = read_until(&mut seat, &mut sv, |_| false).unwrap_err();
    assert_eq!(refused.0, ErrorCode::Forbidden, "{refused:?}");
    read_until(&mut f, &mut fv, |v| {
        v.facilitator.as_ref().unwrap().control.seats[ukraine] == SeatControl::Ai("normal".into())
    })
    .unwrap();
    // A seat that was the host's AI from the start has no code: it is not given to people.
    send(
        &mut f,
        ClientMessage::Facilitate {
            facilitator_move: FacilitatorMove::HandSeat {
                party: "russia".into(),
                ai: None,
            },
        },
    );
    assert_eq!(
        read_until(&mut f, &mut fv, |_| false).unwrap_err().0,
        ErrorCode::Refused
    );
    // Resumed: the AI plays Ukraine's turns; given back, the seat moves again.
    // (Held again, so that the table stops at the next ally's or mediator's turn.)
    let before = sv.as_ref().unwrap().actions;
    send(&mut f, ClientMessage::Hold { on: true });
    send(&mut f, ClientMessage::Pause { paused: false });
    read_until(&mut f, &mut fv, |v| v.actions > before && held(v).is_some()).unwrap();
    assert!(!fv.as_ref().unwrap().clock.paused);
    let by_ai = &fv
        .as_ref()
        .unwrap()
        .facilitator
        .as_ref()
        .unwrap()
        .record
        .actions[before];
    assert_eq!(by_ai.party, "ukraine");
    assert!(by_ai.explanation.is_some(), "the AI gave its reasons");
    send(&mut f, hand(None));
    send(&mut f, ClientMessage::Hold { on: false });
    read_until(&mut seat, &mut sv, |v| {
        v.seat.as_ref().unwrap().host_ai.is_none() && v.to_move == Some(ukraine)
    })
    .unwrap();

    // Timed: a turn too long is refused; a one-second turn runs out and the seat passes.
    send(&mut f, ClientMessage::TurnSeconds { seconds: 100_000 });
    assert_eq!(
        read_until(&mut f, &mut fv, |_| false).unwrap_err().0,
        ErrorCode::Refused
    );
    send(&mut f, ClientMessage::TurnSeconds { seconds: 1 });
    read_until(&mut seat, &mut sv, |v| {
        matches!(v.clock, Clock { turn_seconds: 1, turn: Some(ref t), .. } if t.party == ukraine && t.left_ms <= 1000)
    })
    .unwrap();
    let timed_at = sv.as_ref().unwrap().actions;
    read_until(&mut seat, &mut sv, |v| v.actions > timed_at).unwrap();
    send(&mut f, ClientMessage::TurnSeconds { seconds: 0 });
    read_until(&mut f, &mut fv, |v| v.clock.turn_seconds == 0).unwrap();

    let file = accord::sim::save::read(&save_path).unwrap();
    let record = file.record.clone();
    let moves: Vec<&FacilitatorMove> = record.facilitator.iter().map(|(_, m)| m).collect();
    let count = |f: &dyn Fn(&FacilitatorMove) -> bool| moves.iter().filter(|m| f(m)).count();
    assert_eq!(
        count(&|m| matches!(m, FacilitatorMove::CancelMove { .. })),
        1
    );
    assert_eq!(count(&|m| matches!(m, FacilitatorMove::HandSeat { .. })), 2);
    assert!(count(&|m| matches!(m, FacilitatorMove::TimeUp { party } if party == "ukraine")) >= 1);
    let seats = SeatControl::from_recorded(&model, &record.seats);
    let resumed = accord::sim::ai::Table::resume(&record, &seats).unwrap();
    assert_eq!(resumed.diverged_at, None);
    assert_eq!(resumed.game.action_count(), record.actions.len());
    // The save keeps the hold setting for a resumed host.
    assert!(!file.classroom.hold_third_parties);
    drop(h);
    let _ = std::fs::remove_dir_all(&dir);
}
