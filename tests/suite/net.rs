//! The class host over real sockets on 127.0.0.1: remote AI seats play as the local game
//! does, a scripted person's seat, nothing confidential on the wire, drops, restarts,
//! and hostile input.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use accord::net::host::{self, HostGame, HostSettings};
use accord::net::join::{AiPlayer, JoinOptions, SeatEnd, play_seat};
use accord::sim::record::GameRecord;
use accord::sim::{Model, simulate};

use crate::common;

fn quick() -> JoinOptions {
    JoinOptions {
        reconnect_for: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        ping_every: Duration::from_millis(500),
        ..JoinOptions::default()
    }
}

/// Hosts `model` with every seat left to people, and plays each with a remote AI client
/// on its own thread; returns the host's record and each seat's end.
fn all_remote_ai(model: Arc<Model>, seed: u64) -> (GameRecord, Vec<SeatEnd>) {
    let game = HostGame::new(model, "built-in:test", seed, &BTreeMap::new()).unwrap();
    let hosted = host::start(
        game,
        HostSettings {
            exit_when_over: true,
            ..HostSettings::default()
        },
    )
    .unwrap();
    let address = hosted.announcement.address.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let seats = hosted.announcement.seats.len();
    for code in hosted.announcement.seats.values().cloned() {
        let address = address.clone();
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
