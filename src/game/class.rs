//! A class from this window. A student's: a seat played here, the connection to the
//! class's host ([`Remote`], on its own thread), the seat's mirror of the table, and the
//! messages the screens send ([`JoinClass`], [`RemoteAct`], [`LeaveClass`]). A teacher's:
//! the host run in this process ([`HostClass`]) and the facilitator's connection to it,
//! the same connection a facilitator makes from another machine ([`ClassCommand`]). Every message from the host
//! wakes the sleeping window. No rule lives here: the mirror judges with the engine's rules
//! and the host's game decides. Rendering-free, so headless tests drive it.

use std::sync::Arc;

use bevy::prelude::*;

use super::redraw::{Alarm, Redraw, RedrawMessage};
use super::session::Session;
use super::{GameSystems, Screen};
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::session::SavesDir;
use crate::net::host::{self, HostGame, HostSettings, Hosted};
use crate::net::join::JoinOptions;
use crate::net::mirror::Mirror;
use crate::net::protocol::{ClientMessage, PublicScenario, Role};
use crate::net::remote::{LinkStatus, Remote};
use crate::net::wire::WireView;
use crate::sim::ai::SeatControl;
use crate::sim::view::PartyView;
use crate::sim::{Action, Model};

/// Join a class: the host's address, a code, the name the facilitator sees.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct JoinClass {
    pub address: String,
    pub code: String,
    pub name: String,
}

/// Host a class from this window: the game's setup, and where the host listens.
#[derive(Message, Debug, Clone)]
pub struct HostClass {
    pub model: Arc<Model>,
    /// Where the scenario came from, for the record (`built-in:ID` or a path).
    pub origin: String,
    /// One per party: people (a code each) or the host's AI with a preset.
    pub controls: Vec<SeatControl>,
    pub seed: u64,
    pub deadline: Option<u32>,
    pub pin: Option<String>,
    /// Seconds each people's seat has for its move (0: no limit).
    pub turn_seconds: u32,
    /// Listen on the class's network (all addresses), not only on this machine.
    pub network: bool,
    /// 0: any free port.
    pub port: u16,
}

/// A message for the class's host from the facilitator's screen (a code rotated, a
/// connection removed, the debrief released, a move of the facilitator's, the PIN).
#[derive(Message, Debug, Clone)]
pub struct ClassCommand(pub ClientMessage);

/// The class's host, running in this process (Host a class): dropped, it stops.
#[derive(Resource)]
pub struct ClassHost {
    pub hosted: Hosted,
    /// Where the game is saved after every move.
    pub save: Option<PathBuf>,
}

/// Why the last try to host a class failed, for the setup screen.
#[derive(Resource, Default, Debug, Clone)]
pub struct HostProblem(pub Option<String>);

/// A move for the class seat, from its table.
#[derive(Message, Debug, Clone)]
pub struct RemoteAct(pub Action);

/// Let go of the class's connection (back to the title).
#[derive(Message, Debug, Clone)]
pub struct LeaveClass;

/// A class seat: the connection and what it last brought.
#[derive(Resource)]
pub struct ClassSeat {
    pub remote: Remote,
    pub status: LinkStatus,
    pub role: Option<Role>,
    pub scenario: Option<PublicScenario>,
    pub wire: Option<WireView>,
    pub mirror: Option<Mirror>,
    /// The seat's view, as the table draws it.
    pub view: Option<Arc<PartyView>>,
    /// The host's last refusal of a move, in words.
    pub refusal: Option<String>,
    pub reconnections: u32,
    /// The state's version last read.
    seen: u64,
    /// The debrief, once released, is open as a local session.
    pub debrief_open: bool,
    /// The facilitator's code was right; the host waits for the PIN.
    pub pin_required: bool,
    /// When the turn's clock last came (its time left counts down from there).
    pub clock_at: Option<web_time::Instant>,
}

impl ClassSeat {
    /// Whether it is this seat's move now, on the view shown.
    pub fn my_turn(&self) -> bool {
        self.wire.as_ref().is_some_and(|w| {
            w.seat
                .as_ref()
                .is_some_and(|s| w.to_move == Some(s.me) && s.host_ai.is_none())
                && w.phase != crate::sim::Phase::Ended
        })
    }

    /// The timed party and the time its turn has left now, as the host's clock said.
    pub fn turn_left(&self) -> Option<(usize, std::time::Duration)> {
        let clock = &self.wire.as_ref()?.clock;
        let turn = clock.turn.as_ref()?;
        let sent = std::time::Duration::from_millis(turn.left_ms);
        let since = match (clock.paused, self.clock_at) {
            (false, Some(at)) => at.elapsed(),
            _ => std::time::Duration::ZERO,
        };
        Some((turn.party, sent.saturating_sub(since)))
    }

    /// Whether the rules allow `action` now, on what the seat knows.
    pub fn legal(&self, action: &Action) -> bool {
        match (&self.mirror, &self.wire) {
            (Some(m), Some(w)) => self.my_turn() && m.check_action(w, action).is_ok(),
            _ => false,
        }
    }
}

/// Options for the connections this window opens (tests shorten them).
#[derive(Resource, Debug, Clone, Default)]
pub struct ClassOptions(pub JoinOptions);

pub fn plugin(app: &mut App) {
    app.add_redrawing_message::<JoinClass>()
        .add_redrawing_message::<HostClass>()
        .add_redrawing_message::<ClassCommand>()
        .init_resource::<HostProblem>()
        .add_redrawing_message::<RemoteAct>()
        .add_redrawing_message::<LeaveClass>()
        .init_resource::<ClassOptions>()
        .add_systems(
            Update,
            (
                host_class,
                join_class,
                leave_class,
                read_host.run_if(resource_exists::<ClassSeat>),
                remote_act.run_if(resource_exists::<ClassSeat>),
                class_command.run_if(resource_exists::<ClassSeat>),
            )
                .chain()
                .in_set(GameSystems::Input),
        )
        .add_systems(OnEnter(Screen::Title), |mut commands: Commands| {
            commands.remove_resource::<ClassSeat>();
            commands.remove_resource::<ClassHost>();
        });
}

/// Starts the class's host in this process and joins it as the facilitator: the
/// teacher's screen is the facilitator's connection, as it would be from another machine.
fn host_class(
    mut commands: Commands,
    mut hosts: MessageReader<HostClass>,
    alarm: Res<Alarm>,
    options: Res<ClassOptions>,
    saves: Res<SavesDir>,
    mut problem: ResMut<HostProblem>,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(h) = hosts.read().last() else {
        return;
    };
    let mut model = (*h.model).clone();
    if let Some(d) = h.deadline {
        model.scenario.rules.deadline = d.clamp(1, crate::sim::validate::MAX_DEADLINE);
    }
    let ai: BTreeMap<usize, String> = h
        .controls
        .iter()
        .enumerate()
        .filter_map(|(p, c)| match c {
            SeatControl::Ai(preset) => Some((p, preset.clone())),
            SeatControl::Human => None,
        })
        .collect();
    let save = saves.0.as_ref().map(|d| {
        d.join(format!(
            "class-{}-seed{}.ron",
            model.scenario.meta.id, h.seed
        ))
    });
    if let Some(dir) = &saves.0 {
        let _ = std::fs::create_dir_all(dir);
    }
    let pin = h
        .pin
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let settings = HostSettings {
        bind: if h.network {
            std::net::IpAddr::from([0, 0, 0, 0])
        } else {
            std::net::IpAddr::from([127, 0, 0, 1])
        },
        port: h.port,
        turn_seconds: h.turn_seconds,
        pin_sha256: pin.as_deref().and_then(crate::sim::classroom::pin_hash),
        save: save.clone(),
        #[cfg(not(target_arch = "wasm32"))]
        web: crate::net::command::web_bundle(),
        ..HostSettings::default()
    };
    let started = HostGame::new(Arc::new(model), &h.origin, h.seed, &ai)
        .and_then(|game| host::start(game, settings));
    let hosted = match started {
        Ok(hosted) => hosted,
        Err(e) => {
            problem.0 = Some(format!("The class could not start: {e}"));
            return;
        }
    };
    problem.0 = None;
    let own = format!("ws://127.0.0.1:{}/ws", hosted.addr.port());
    let code = hosted.announcement.facilitator.clone();
    let seat = connect_class(&alarm, &options, &own, &code, "the teacher's screen");
    if let Some(pin) = pin {
        seat.remote.send(ClientMessage::Unlock { pin });
    }
    commands.insert_resource(seat);
    commands.insert_resource(ClassHost { hosted, save });
    next.set(Screen::ClassRoom);
}

fn connect_class(
    alarm: &Alarm,
    options: &ClassOptions,
    address: &str,
    code: &str,
    name: &str,
) -> ClassSeat {
    let alarm = alarm.clone();
    let options = JoinOptions {
        name: name.trim().to_string(),
        ..options.0.clone()
    };
    let remote = Remote::start(
        address.trim(),
        code.trim(),
        options,
        Box::new(move || alarm.wake()),
    );
    ClassSeat {
        remote,
        status: LinkStatus::Connecting,
        role: None,
        scenario: None,
        wire: None,
        mirror: None,
        view: None,
        refusal: None,
        reconnections: 0,
        seen: 0,
        debrief_open: false,
        pin_required: false,
        clock_at: None,
    }
}

fn join_class(
    mut commands: Commands,
    mut joins: MessageReader<JoinClass>,
    alarm: Res<Alarm>,
    options: Res<ClassOptions>,
) {
    if let Some(join) = joins.read().last() {
        commands.insert_resource(connect_class(
            &alarm,
            &options,
            &join.address,
            &join.code,
            &join.name,
        ));
    }
}

fn class_command(seat: Res<ClassSeat>, mut commands: MessageReader<ClassCommand>) {
    for ClassCommand(m) in commands.read() {
        seat.remote.send(m.clone());
    }
}

fn leave_class(
    mut commands: Commands,
    mut leaves: MessageReader<LeaveClass>,
    mut next: ResMut<NextState<Screen>>,
) {
    if leaves.read().last().is_some() {
        commands.remove_resource::<ClassSeat>();
        next.set(Screen::Title);
    }
}

/// What the host said since the last frame: the view, the seat's mirror, the table
/// opened on the welcome, the debrief once released.
fn read_host(
    mut commands: Commands,
    mut seat: ResMut<ClassSeat>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut redraw: ResMut<Redraw>,
) {
    let seat = &mut *seat;
    {
        let state = seat.remote.state();
        if state.version == seat.seen {
            return;
        }
        seat.seen = state.version;
        seat.status = state.status.clone();
        seat.role = state.role.clone();
        seat.refusal = state.refusal.clone();
        seat.reconnections = state.reconnections;
        seat.pin_required = state.pin_required;
        if state.scenario.is_some() {
            seat.scenario = state.scenario.clone();
        }
        let clock = state.view.as_ref().map(|v| &v.clock);
        if clock != seat.wire.as_ref().map(|v| &v.clock) {
            seat.clock_at = Some(web_time::Instant::now());
        }
        seat.wire = state.view.clone();
    }
    redraw.now();
    if let (Some(scenario), Some(wire)) = (&seat.scenario, &seat.wire) {
        if !seat.mirror.as_ref().is_some_and(|m| m.fits(wire)) {
            seat.mirror = Some(Mirror::new(scenario, wire));
        }
        seat.view = seat
            .mirror
            .as_ref()
            .and_then(|m| m.party_view(wire))
            .map(Arc::new);
    }
    let is_seat = matches!(seat.role, Some(Role::Seat { .. }));
    if *screen.get() == Screen::Join && is_seat && seat.view.is_some() {
        next.set(Screen::ClassTable);
    }
    // The facilitator's code, from another machine: the teacher's screen.
    if *screen.get() == Screen::Join && seat.role == Some(Role::Facilitator) {
        next.set(Screen::ClassRoom);
    }
    if seat.role == Some(Role::Facilitator) {
        // The facilitator's debrief is the game's record, whenever the teacher opens it.
        return;
    }
    // The debrief released: the whole record, replayed here as a local game.
    if !seat.debrief_open
        && let Some(record) = seat.wire.as_ref().and_then(|w| w.debrief.as_deref())
    {
        match Session::from_record(record) {
            Ok(session) => {
                seat.debrief_open = true;
                commands.insert_resource(session);
                next.set(Screen::Debrief);
            }
            Err(e) => seat.refusal = Some(format!("the debrief does not replay here: {e}")),
        }
    }
}

fn remote_act(seat: Res<ClassSeat>, mut acts: MessageReader<RemoteAct>) {
    for RemoteAct(action) in acts.read() {
        seat.remote.act(action.clone());
    }
}
