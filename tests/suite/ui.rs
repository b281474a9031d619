//! A small test driver for egui screens: runs an `egui::Context` frame by frame over a
//! state, finds widgets by their text in egui's AccessKit tree (the same tree a screen
//! reader gets), and clicks them or presses keys with real pointer and key events, so
//! that egui's own hit testing decides what is clicked (a disabled button stays unclicked).
//!
//! It needs nothing but egui, which the game builds anyway: the game's build and the
//! core's fast test loop (`--no-default-features`, without egui) compile no test harness.

use bevy_egui::egui::{self, accesskit};

/// A widget as the last frame laid it out.
#[derive(Debug, Clone)]
pub struct Widget {
    pub role: accesskit::Role,
    /// The label of a control, or the text of a label.
    pub text: String,
    pub rect: egui::Rect,
    pub disabled: bool,
}

/// Drives `ui(root, state)` in a window of `size` points.
pub struct Harness<S> {
    ctx: egui::Context,
    size: egui::Vec2,
    state: S,
    ui: Box<dyn FnMut(&mut egui::Ui, &mut S)>,
    /// Events for the coming frames, one batch per frame.
    queued: Vec<Vec<egui::Event>>,
    widgets: Vec<Widget>,
    /// The widget with the keyboard focus after the last frame, if any.
    focused: Option<Widget>,
    /// What the screens asked the system to do (open a link, copy a text), in order.
    commands: Vec<egui::OutputCommand>,
    time: f64,
}

/// The most frames `run` draws while egui keeps asking for another.
const MAX_FRAMES: usize = 8;

impl<S> Harness<S> {
    /// A harness whose screen is drawn into a central panel.
    pub fn new_ui(
        size: egui::Vec2,
        state: S,
        mut ui: impl FnMut(&mut egui::Ui, &mut S) + 'static,
    ) -> Self {
        Self::new(size, state, move |root, state| {
            egui::CentralPanel::default().show(root, |panel| ui(panel, state));
        })
    }

    /// A harness whose screen draws on the window's root `Ui` (or its context).
    pub fn new(
        size: egui::Vec2,
        state: S,
        ui: impl FnMut(&mut egui::Ui, &mut S) + 'static,
    ) -> Self {
        let ctx = egui::Context::default();
        ctx.enable_accesskit();
        // No animations: a frame shows the end state.
        ctx.all_styles_mut(|s| s.animation_time = 0.0);
        Harness {
            ctx,
            size,
            state,
            ui: Box::new(ui),
            queued: Vec::new(),
            widgets: Vec::new(),
            focused: None,
            commands: Vec::new(),
            time: 0.0,
        }
    }

    pub fn state(&self) -> &S {
        &self.state
    }

    pub fn state_mut(&mut self) -> &mut S {
        &mut self.state
    }

    /// One frame, with the next batch of queued events.
    fn frame(&mut self) -> bool {
        let events = if self.queued.is_empty() {
            Vec::new()
        } else {
            self.queued.remove(0)
        };
        self.time += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, self.size)),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            events,
            focused: true,
            ..Default::default()
        };
        let state = &mut self.state;
        let ui = &mut self.ui;
        let mut output = self.ctx.run_ui(input, |root| ui(root, state));
        // No renderer here: the font atlas is not uploaded anywhere.
        output.textures_delta.clear();
        self.commands.append(&mut output.platform_output.commands);
        if let Some(update) = &output.platform_output.accesskit_update {
            let widget = |node: &accesskit::Node| {
                let text = node.label().or(node.value())?.to_string();
                let b = node.bounds()?;
                Some(Widget {
                    role: node.role(),
                    text,
                    rect: egui::Rect::from_min_max(
                        egui::pos2(b.x0 as f32, b.y0 as f32),
                        egui::pos2(b.x1 as f32, b.y1 as f32),
                    ),
                    disabled: node.is_disabled(),
                })
            };
            self.widgets = update
                .nodes
                .iter()
                // A label's text also comes as a text run inside it: the label is the widget.
                .filter(|(_, node)| node.role() != accesskit::Role::TextRun)
                .filter_map(|(_, node)| widget(node))
                .collect();
            self.focused = update
                .nodes
                .iter()
                .find(|(id, _)| *id == update.focus)
                .and_then(|(_, node)| widget(node));
        }
        self.ctx.has_requested_repaint()
    }

    /// Draws frames until the queued events are used and egui asks for no more (at most
    /// a few frames more than there are events).
    pub fn run(&mut self) {
        let limit = self.queued.len() + MAX_FRAMES;
        for _ in 0..limit {
            let again = self.frame();
            if self.queued.is_empty() && !again {
                break;
            }
        }
    }

    fn find(&self, matches: impl Fn(&str) -> bool) -> Vec<&Widget> {
        self.widgets.iter().filter(|w| matches(&w.text)).collect()
    }

    fn one(&self, what: &str, found: Vec<&Widget>) -> Widget {
        match found.as_slice() {
            [w] => (*w).clone(),
            [] => panic!("no widget {what}; the screen has {:?}", self.texts()),
            many => panic!("{} widgets {what}: {many:?}", many.len()),
        }
    }

    /// The texts of every widget of the last frame.
    pub fn texts(&self) -> Vec<&str> {
        self.widgets.iter().map(|w| w.text.as_str()).collect()
    }

    /// The one widget whose text is `text`; panics if there is none or more than one.
    pub fn get_by_label(&self, text: &str) -> Widget {
        self.one(&format!("labelled {text:?}"), self.find(|t| t == text))
    }

    /// The one widget whose text contains `part`.
    pub fn get_by_label_contains(&self, part: &str) -> Widget {
        self.one(
            &format!("containing {part:?}"),
            self.find(|t| t.contains(part)),
        )
    }

    pub fn query_by_label(&self, text: &str) -> Option<Widget> {
        self.find(|t| t == text).first().map(|w| (*w).clone())
    }

    /// Every widget whose text is `text`, in the order drawn.
    pub fn query_all_by_label(&self, text: &str) -> Vec<Widget> {
        self.find(|t| t == text).into_iter().cloned().collect()
    }

    pub fn query_all_by_label_contains(&self, part: &str) -> Vec<Widget> {
        self.widgets
            .iter()
            .filter(|w| w.text.contains(part))
            .cloned()
            .collect()
    }

    pub fn query_by_label_contains(&self, part: &str) -> Option<Widget> {
        self.find(|t| t.contains(part))
            .first()
            .map(|w| (*w).clone())
    }

    /// A left click in the middle of the widget: the pointer moves there and is pressed,
    /// then released in the next frame. Takes effect at the next `run`.
    pub fn click(&mut self, widget: &Widget) {
        let pos = widget.rect.center();
        let button = |pressed| egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        self.queued
            .push(vec![egui::Event::PointerMoved(pos), button(true)]);
        self.queued.push(vec![button(false)]);
    }

    /// Whether egui wants the keyboard after the last frame (a text field has focus):
    /// what the game's own key shortcuts read, through bevy_egui's `EguiWantsInput`.
    pub fn wants_keyboard(&self) -> bool {
        self.ctx.egui_wants_keyboard_input()
    }

    /// Every widget of a role, in the order drawn (text fields are `TextInput`).
    pub fn query_all_by_role(&self, role: accesskit::Role) -> Vec<Widget> {
        self.widgets
            .iter()
            .filter(|w| w.role == role)
            .cloned()
            .collect()
    }

    /// Letters typed as a keyboard types them: each a key press, its text, a release.
    /// Takes effect at the next `run`.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let key = egui::Key::from_name(&c.to_ascii_uppercase().to_string());
            let event = |key, pressed| egui::Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers: egui::Modifiers::NONE,
            };
            let mut down = Vec::new();
            if let Some(key) = key {
                down.push(event(key, true));
            }
            down.push(egui::Event::Text(c.to_string()));
            self.queued.push(down);
            if let Some(key) = key {
                self.queued.push(vec![event(key, false)]);
            }
        }
    }

    /// The widget with the keyboard focus, if any.
    pub fn focused(&self) -> Option<&Widget> {
        self.focused.as_ref()
    }

    /// Tab, and again, until the control labelled `text` has the focus; then Enter, as a
    /// player without a mouse does. Panics if Tab never reaches it.
    pub fn tab_to_and_press(&mut self, text: &str) {
        for _ in 0..200 {
            if self.focused().is_some_and(|w| w.text == text) {
                self.key_press(egui::Key::Enter);
                self.run();
                return;
            }
            self.key_press(egui::Key::Tab);
            self.run();
        }
        panic!(
            "Tab never reaches “{text}”; focus went as far as {:?}",
            self.focused()
        );
    }

    /// The links opened so far, in order.
    pub fn opened_urls(&self) -> Vec<String> {
        self.commands
            .iter()
            .filter_map(|c| match c {
                egui::OutputCommand::OpenUrl(o) => Some(o.url.clone()),
                _ => None,
            })
            .collect()
    }

    /// The texts copied to the clipboard so far, in order.
    pub fn copied(&self) -> Vec<String> {
        self.commands
            .iter()
            .filter_map(|c| match c {
                egui::OutputCommand::CopyText(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    /// An event of the system's (a copy, a paste) for the next `run`.
    pub fn event(&mut self, event: egui::Event) {
        self.queued.push(vec![event]);
    }

    /// Tooltips open as soon as the pointer rests on a widget (no delay, moving or not).
    pub fn tooltips_at_once(&mut self) {
        self.ctx.all_styles_mut(|s| {
            s.interaction.tooltip_delay = 0.0;
            s.interaction.show_tooltips_only_when_still = false;
        });
    }

    /// The pointer rests on the widget (tooltips open). Takes effect at the next `run`.
    pub fn hover(&mut self, widget: &Widget) {
        self.queued
            .push(vec![egui::Event::PointerMoved(widget.rect.center())]);
    }

    /// A key pressed and released. Takes effect at the next `run`.
    pub fn key_press(&mut self, key: egui::Key) {
        self.key_press_with(key, egui::Modifiers::NONE);
    }

    /// A key pressed and released with modifiers held (Ctrl+A). Takes effect at the next
    /// `run`.
    pub fn key_press_with(&mut self, key: egui::Key, modifiers: egui::Modifiers) {
        let event = |pressed| egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        };
        self.queued.push(vec![event(true)]);
        self.queued.push(vec![event(false)]);
    }
}
