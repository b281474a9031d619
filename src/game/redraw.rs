//! The window draws a frame only when something changed, so that a game left open on a
//! classroom laptop costs no CPU. Bevy's reactive update mode runs a frame on input
//! (window events: the pointer over the window, keys, resizing) and otherwise sleeps.
//! Everything else that changes the picture asks for its frame:
//!
//! - within a frame, a system that needs the next one at a given time says so with
//!   [`Redraw`] (the AI's pacing, the round timer's next second, a state change or a
//!   message to handle next frame, egui's own delays such as a tooltip's);
//! - from another thread, [`Alarm::wake`] (a scenario file saved in a watched folder, a
//!   scenario file loaded, later a network message).
//!
//! At the end of each frame the earliest time asked for is handed to the [`Alarm`], a
//! thread that sleeps until then and wakes the event loop. The capture modes (`--demo`,
//! `--screenshot`) redraw continuously instead ([`Continuous`]), so that they never wait
//! for a frame nobody asked for.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use web_time::Instant;

use bevy::ecs::message::MessageCursor;
use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use bevy::time::{TimeSystems, TimeUpdateStrategy};
use bevy::winit::{EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};
use bevy_egui::egui::{self, ViewportId};
use bevy_egui::{EguiFullOutput, EguiInput, EguiInputSet, EguiPostUpdateSet, EguiPreUpdateSet};

use super::Screen;
use super::session::Pacing;

/// When the next frame is wanted, as asked by this frame's systems (earliest wins). Reset
/// at the start of every frame; what is left at its end goes to the [`Alarm`].
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Redraw {
    pub next: Option<Instant>,
}

impl Redraw {
    /// A frame at `when` or before.
    pub fn at(&mut self, when: Instant) {
        self.next = Some(self.next.map_or(when, |t| t.min(when)));
    }

    /// A frame after `delay` or before.
    pub fn after(&mut self, delay: Duration) {
        self.at(Instant::now() + delay);
    }

    /// A frame as soon as this one ends.
    pub fn now(&mut self) {
        self.at(Instant::now());
    }
}

/// Wakes the event loop at a time, or at once, from any thread. Cheap to clone. Until
/// the window's event loop exists (and in headless apps) a wake does nothing.
#[derive(Resource, Clone, Default)]
pub struct Alarm(Arc<AlarmInner>);

#[derive(Default)]
struct AlarmInner {
    state: Mutex<AlarmState>,
    changed: Condvar,
}

#[derive(Default)]
struct AlarmState {
    /// The earliest wake asked for and not yet given.
    at: Option<Instant>,
    /// Sends the event loop its wake-up; set once the loop exists.
    waker: Option<Box<dyn Fn() + Send>>,
}

impl Alarm {
    /// Wakes the event loop at `when` (or earlier, if an earlier wake is due).
    pub fn wake_at(&self, when: Instant) {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.at.is_none_or(|t| when < t) {
            state.at = Some(when);
            self.0.changed.notify_one();
            #[cfg(target_arch = "wasm32")]
            if state.waker.is_some() {
                drop(state);
                self.schedule(when);
            }
        }
    }

    /// Wakes the event loop now.
    pub fn wake(&self) {
        self.wake_at(Instant::now());
    }

    /// Starts the thread that gives the wakes, with what sends one to the event loop.
    fn start(&self, waker: Box<dyn Fn() + Send>) {
        {
            let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.waker.is_some() {
                return;
            }
            state.waker = Some(waker);
        }
        #[cfg(target_arch = "wasm32")]
        {
            // The page has no threads: a page timer gives the wake asked for before.
            let at = self
                .0
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .at;
            if let Some(t) = at {
                self.schedule(t);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.start_thread();
    }

    /// In the browser: a page timer at `when` that gives the wake then (or sets itself
    /// again, if an earlier wake was given and a later one asked for since).
    #[cfg(target_arch = "wasm32")]
    fn schedule(&self, when: Instant) {
        use wasm_bindgen::JsCast;
        let alarm = self.clone();
        let fire = wasm_bindgen::closure::Closure::once_into_js(move || {
            let mut state = alarm.0.state.lock().unwrap_or_else(PoisonError::into_inner);
            match state.at {
                Some(t) if t <= Instant::now() => {
                    state.at = None;
                    // Called unlocked: the event loop may run a frame within it, and the
                    // frame may ask for the next wake.
                    let Some(waker) = state.waker.take() else {
                        return;
                    };
                    drop(state);
                    waker();
                    let mut state = alarm.0.state.lock().unwrap_or_else(PoisonError::into_inner);
                    state.waker = Some(waker);
                    if let Some(next) = state.at {
                        drop(state);
                        alarm.schedule(next);
                    }
                }
                Some(t) => {
                    drop(state);
                    alarm.schedule(t);
                }
                None => {}
            }
        });
        let ms = when.saturating_duration_since(Instant::now()).as_millis();
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                fire.unchecked_ref(),
                ms.min(i32::MAX as u128) as i32,
            );
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn start_thread(&self) {
        let inner = self.0.clone();
        let spawned = std::thread::Builder::new()
            .name("accord-alarm".into())
            .spawn(move || {
                let mut state = inner.state.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    let now = Instant::now();
                    state = match state.at {
                        None => inner
                            .changed
                            .wait(state)
                            .unwrap_or_else(PoisonError::into_inner),
                        Some(t) if t > now => {
                            inner
                                .changed
                                .wait_timeout(state, t - now)
                                .unwrap_or_else(PoisonError::into_inner)
                                .0
                        }
                        Some(_) => {
                            state.at = None;
                            if let Some(waker) = &state.waker {
                                waker();
                            }
                            state
                        }
                    };
                }
            });
        if let Err(e) = spawned {
            error!("cannot start the redraw alarm: {e}; the window redraws continuously");
        }
    }
}

/// The systems of `Last` that ask for the next frame; the alarm is set after them.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AskForFrames;

/// Redraw every frame, not on demand: for the capture modes, which count frames.
#[derive(Resource)]
pub struct Continuous;

/// Asks for the frames the game's own systems need; works headless too (the tests read
/// [`Redraw`]). Added by `CorePlugin`.
pub fn plugin(app: &mut App) {
    app.init_resource::<Redraw>()
        .init_resource::<Alarm>()
        .add_systems(First, |mut redraw: ResMut<Redraw>| {
            *redraw = Redraw::default();
        })
        .add_systems(
            Last,
            (next_state_pending, skip_pending).in_set(AskForFrames),
        );
}

/// The window's part: sleep between frames, hand the wakes to the event loop, and honour
/// egui's delayed repaints (bevy_egui wakes the loop for immediate ones only).
pub struct WindowRedrawPlugin;

impl Plugin for WindowRedrawPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, start_alarm)
            .add_systems(First, frame_clock.before(TimeSystems))
            .add_systems(
                PreUpdate,
                drop_unchanged_modifiers
                    .after(EguiInputSet::WriteEguiEvents)
                    .before(EguiPreUpdateSet::BeginPass),
            )
            .add_systems(
                PostUpdate,
                egui_delays
                    .after(EguiPostUpdateSet::EndPass)
                    .before(EguiPostUpdateSet::ProcessOutput),
            )
            .add_systems(Last, set_alarm.after(AskForFrames));
    }
}

/// Reactive updates, unless the capture modes asked for [`Continuous`]; the alarm
/// connected to the event loop. Also lets a frame's time step be as long as the sleep
/// before it, so that the AI's pacing and the round timer count real seconds.
fn start_alarm(
    mut commands: Commands,
    alarm: Res<Alarm>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    continuous: Option<Res<Continuous>>,
    mut time: ResMut<Time<Virtual>>,
) {
    time.set_max_delta(Duration::from_secs(24 * 3600));
    if continuous.is_some() {
        commands.insert_resource(WinitSettings::continuous());
        return;
    }
    let Some(proxy) = proxy else {
        return;
    };
    let proxy = (**proxy).clone();
    alarm.start(Box::new(move || {
        let _ = proxy.send_event(WinitUserEvent::WakeUp);
    }));
    // Input wakes the loop; nothing else does unless asked for. Raw device events (the
    // mouse moving anywhere on the screen) are not input to this window.
    let sleep = UpdateMode::reactive_low_power(Duration::from_secs(3600));
    commands.insert_resource(WinitSettings {
        focused_mode: sleep,
        unfocused_mode: sleep,
    });
}

/// Each frame's time is the instant it starts. Bevy's default takes the instant the
/// renderer finished the frame before, so that a frame's time step is the one before it:
/// right when frames come at a steady rate, wrong by up to a whole sleep when they come
/// on demand (the countdown would show the wrong second, the AI would move late).
fn frame_clock(mut strategy: ResMut<TimeUpdateStrategy>) {
    *strategy = TimeUpdateStrategy::ManualInstant(Instant::now());
}

fn set_alarm(redraw: Res<Redraw>, alarm: Res<Alarm>) {
    if let Some(t) = redraw.next {
        alarm.wake_at(t);
    }
}

/// The longest egui delay kept: egui says `Duration::MAX` when it wants nothing.
const LONGEST_EGUI_DELAY: Duration = Duration::from_secs(3600);

/// egui asks for a frame later, for a tooltip that shows after a pause or a blinking text
/// cursor: read before bevy_egui consumes the output. And a frame that added glyphs to
/// egui's font atlas (new text: the countdown's next second) is drawn once more: the
/// renderer has the new glyphs only from the next frame on, and without it the text would
/// show with letters missing until something else redraws.
fn egui_delays(outputs: Query<&EguiFullOutput>, mut redraw: ResMut<Redraw>) {
    for output in &outputs {
        let Some(full) = &output.0 else { continue };
        if !full.textures_delta.is_empty() {
            redraw.now();
        }
        if let Some(viewport) = full.viewport_output.get(&ViewportId::ROOT)
            && viewport.repaint_delay < LONGEST_EGUI_DELAY
        {
            redraw.after(viewport.repaint_delay);
        }
    }
}

/// bevy_egui tells egui the modifier keys' state in every frame as an event, and egui
/// answers any event with a request for the next frame: an endless loop of frames. The
/// event is passed on only when the modifiers changed (egui keeps their state itself).
fn drop_unchanged_modifiers(
    mut inputs: Query<(Entity, &mut EguiInput)>,
    mut last: Local<HashMap<Entity, egui::Modifiers>>,
) {
    for (entity, mut input) in &mut inputs {
        input.events.retain(|event| match event {
            egui::Event::ModifiersChanged(m) => last.insert(entity, *m) != Some(*m),
            _ => true,
        });
    }
}

/// A screen change asked for this frame happens at the start of the next one.
fn next_state_pending(next: Res<NextState<Screen>>, mut redraw: ResMut<Redraw>) {
    if matches!(*next, NextState::Pending(_) | NextState::PendingIfNeq(_)) {
        redraw.now();
    }
}

/// The player asked the AI to move at once: that happens next frame.
fn skip_pending(pacing: Res<Pacing>, mut redraw: ResMut<Redraw>) {
    if pacing.skip {
        redraw.now();
    }
}

/// Adds a message that the game handles in `Update`: one written after `Update` (by a
/// screen, which egui draws later in the frame) asks for the next frame to handle it.
pub trait RedrawMessage {
    fn add_redrawing_message<M: Message>(&mut self) -> &mut Self;
}

impl RedrawMessage for App {
    fn add_redrawing_message<M: Message>(&mut self) -> &mut Self {
        self.add_message::<M>()
            .add_systems(Last, message_pending::<M>.in_set(AskForFrames))
    }
}

/// Asks once for each message not seen before (messages stay readable for two frames or
/// more, so "written this frame" is "new to this system").
fn message_pending<M: Message>(
    messages: Res<Messages<M>>,
    mut seen: Local<MessageCursor<M>>,
    mut redraw: ResMut<Redraw>,
) {
    if seen.read(&messages).count() > 0 {
        redraw.now();
    }
}
