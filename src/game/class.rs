//! A seat of a class played from this window: the connection to the class's host
//! ([`Remote`], on its own thread), the seat's mirror of the table, and the messages the
//! screens send ([`JoinClass`], [`RemoteAct`], [`LeaveClass`]). Every message from the host
//! wakes the sleeping window. No rule lives here: the mirror judges with the engine's rules
//! and the host's game decides. Rendering-free, so headless tests drive it.

use std::sync::Arc;

use bevy::prelude::*;

use super::redraw::{Alarm, Redraw, RedrawMessage};
use super::session::Session;
use super::{GameSystems, Screen};
use crate::net::join::JoinOptions;
use crate::net::mirror::Mirror;
use crate::net::protocol::{PublicScenario, Role};
use crate::net::remote::{LinkStatus, Remote};
use crate::net::wire::WireView;
use crate::sim::Action;
use crate::sim::view::PartyView;

/// Join a class: the host's address, a code, the name the facilitator sees.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct JoinClass {
    pub address: String,
    pub code: String,
    pub name: String,
}

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
}

impl ClassSeat {
    /// Whether it is this seat's move now, on the view shown.
    pub fn my_turn(&self) -> bool {
        self.wire.as_ref().is_some_and(|w| {
            w.seat.as_ref().is_some_and(|s| w.to_move == Some(s.me))
                && w.phase != crate::sim::Phase::Ended
        })
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
        .add_redrawing_message::<RemoteAct>()
        .add_redrawing_message::<LeaveClass>()
        .init_resource::<ClassOptions>()
        .add_systems(
            Update,
            (
                join_class,
                leave_class,
                read_host.run_if(resource_exists::<ClassSeat>),
                remote_act.run_if(resource_exists::<ClassSeat>),
            )
                .chain()
                .in_set(GameSystems::Input),
        )
        .add_systems(OnEnter(Screen::Title), |mut commands: Commands| {
            commands.remove_resource::<ClassSeat>();
        });
}

fn join_class(
    mut commands: Commands,
    mut joins: MessageReader<JoinClass>,
    alarm: Res<Alarm>,
    options: Res<ClassOptions>,
) {
    let Some(join) = joins.read().last() else {
        return;
    };
    let alarm = alarm.clone();
    let options = JoinOptions {
        name: join.name.trim().to_string(),
        ..options.0.clone()
    };
    let remote = Remote::start(
        join.address.trim(),
        join.code.trim(),
        options,
        Box::new(move || alarm.wake()),
    );
    commands.insert_resource(ClassSeat {
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
    });
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
        if state.scenario.is_some() {
            seat.scenario = state.scenario.clone();
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
