//! The guided first game: a short case (river-valley) played with a guide at the player's
//! side, one step at a time: read the brief, build a package, propose it, read the answer,
//! ask the mediator, answer its text, play on, read the debrief. Each step waits for the
//! player to do it; what the player has done is read from the player's own view of the
//! game (and the proposal being built), never from hidden data. No rule here: the guide
//! only watches and explains.

use bevy_egui::egui;

use crate::sim::narrate::Narrator;
use crate::sim::transcript::EntryKind;
use crate::sim::view::PartyView;
use crate::sim::{Model, OfferStatus, PartyKind};

/// The scenario of the guided game, and its seed: the same first game for everyone.
pub const GUIDE_SCENARIO: &str = "river-valley";
pub const GUIDE_SEED: u64 = 7;

/// The guide's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Brief,
    Build,
    Propose,
    Reply,
    Mediator,
    Answer,
    PlayOn,
    Debrief,
    /// The player has finished (or left) the guide.
    Done,
}

impl Step {
    /// Its number and title, as the guide's window heads it.
    pub fn title(self) -> &'static str {
        match self {
            Step::Brief => "Step 1 of 8 · Read your brief",
            Step::Build => "Step 2 of 8 · Build a package",
            Step::Propose => "Step 3 of 8 · Propose it",
            Step::Reply => "Step 4 of 8 · Read the answer",
            Step::Mediator => "Step 5 of 8 · Ask the mediator",
            Step::Answer => "Step 6 of 8 · Answer the chair's text",
            Step::PlayOn => "Step 7 of 8 · Play to the end",
            Step::Debrief => "Step 8 of 8 · Read the debrief",
            Step::Done => "Done",
        }
    }
}

/// Which screen the player is on, as far as the guide cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Place {
    Briefing,
    Table,
    Debrief,
    #[default]
    Elsewhere,
}

/// What the player has done and seen so far, from the player's view of the game.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub place: Place,
    /// Issues still open, and how many of them the proposal being built has an option for.
    pub open: usize,
    pub chosen: usize,
    /// The player has made an offer.
    pub proposed: bool,
    /// The first answer of another delegation to one of the player's offers, in words.
    pub reply: Option<String>,
    /// The player has asked the mediator for a text.
    pub asked: bool,
    /// Once the player has asked: the chair's newest text still on the table, its number.
    pub text: Option<u32>,
    /// The player has accepted, rejected or countered a mediator's text since asking, or
    /// moved on after the chair's turn brought no text.
    pub answered: bool,
    pub over: bool,
    /// The mediator's name and the other delegation's.
    pub mediator: String,
    pub other: String,
}

impl Facts {
    /// The facts as the player's `view` shows them; `chosen` counts the proposal's options.
    pub fn of(model: &Model, view: &PartyView, place: Place, chosen: usize) -> Facts {
        let n = Narrator::new(model);
        let me = view.me.as_str();
        let mediator = view
            .parties
            .iter()
            .find(|p| p.kind == PartyKind::Mediator)
            .map(|p| p.id.clone());
        let other = view
            .parties
            .iter()
            .find(|p| p.kind == PartyKind::Delegation && p.id != me)
            .map(|p| p.id.clone());
        let mut facts = Facts {
            place,
            open: view.issues.len() - view.settled.len() - view.locked.len(),
            chosen,
            over: view.outcome.is_some(),
            mediator: mediator
                .as_deref()
                .map_or("the chair".into(), |m| n.party(m)),
            other: other
                .as_deref()
                .map_or("the other delegation".into(), |o| n.party(o)),
            ..Facts::default()
        };
        let mut mine = Vec::new();
        let mut asked_at = None;
        // The chair's texts: the one to answer is its newest still standing.
        let chair_texts: Vec<u32> = view
            .offers
            .iter()
            .filter(|o| o.author.is_some() && o.author == mediator)
            .map(|o| o.id)
            .collect();
        // An AI's public reason comes just before its move.
        let mut reason: Option<String> = None;
        // Since the player asked: the chair has had its turn; the player has moved after it.
        let mut chair_moved = false;
        let mut moved_after = false;
        for e in &view.transcript {
            if asked_at.is_some_and(|a| e.seq > a) {
                let by = mover(&e.kind);
                if by.is_some() && by == mediator {
                    chair_moved = true;
                } else if chair_moved && by.as_deref() == Some(me) {
                    moved_after = true;
                }
            }
            if facts.reply.is_none()
                && !mine.is_empty()
                && let Some(by) = mover(&e.kind)
                && Some(&by) == other.as_ref()
            {
                // The other delegation's first move after the player's offer: its answer.
                let head = match &e.kind {
                    EntryKind::Rejected { offer, .. } if mine.contains(offer) => {
                        "It rejected your offer."
                    }
                    EntryKind::Accepted { offer, .. } if mine.contains(offer) => {
                        "It accepted your offer."
                    }
                    EntryKind::Proposed {
                        counter_to: Some(c),
                        ..
                    } if mine.contains(c) => "It answered with a counter-offer.",
                    _ => "It did not take up your offer: it moved otherwise.",
                };
                let mut words = format!("{head}\n{}", n.line(e));
                if let Some(r) = &reason {
                    words = format!("{words}\n{r}");
                }
                facts.reply = Some(words);
            }
            match &e.kind {
                EntryKind::Proposed {
                    by,
                    offer,
                    counter_to,
                    ..
                } => {
                    let by = by.as_deref();
                    if by == Some(me) {
                        facts.proposed = true;
                        if asked_at.is_some()
                            && counter_to.is_some_and(|c| chair_texts.contains(&c))
                        {
                            facts.answered = true;
                        }
                        mine.push(*offer);
                    }
                }
                EntryKind::Accepted { by, offer } | EntryKind::Rejected { by, offer, .. }
                    if by == me && asked_at.is_some() && chair_texts.contains(offer) =>
                {
                    facts.answered = true;
                }
                EntryKind::AskedMediator { by, .. } if by == me => {
                    facts.asked = true;
                    asked_at.get_or_insert(e.seq);
                }
                _ => {}
            }
            reason = match &e.kind {
                EntryKind::Explained { by, .. } if Some(by) == other.as_ref() => Some(n.line(e)),
                _ => None,
            };
        }
        if facts.asked {
            facts.text = view
                .offers
                .iter()
                .rev()
                .find(|o| chair_texts.contains(&o.id) && o.status == OfferStatus::Standing)
                .map(|o| o.id);
            // No text came: the step is not to wait for ever.
            facts.answered |= facts.text.is_none() && moved_after;
        }
        facts
    }
}

/// Who made the move an entry records, if it is a party's move (not the reason or the
/// rationale that comes with one).
fn mover(kind: &EntryKind) -> Option<String> {
    match kind {
        EntryKind::Explained { .. } | EntryKind::Rationale { .. } => None,
        _ => super::table::entry_author(kind),
    }
}

/// The guide: the step the player is on, and whether the player has read the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    pub step: Step,
    /// The player pressed "Next" on the answer (reading is the step's doing).
    pub read_reply: bool,
}

impl Default for Guide {
    fn default() -> Self {
        Guide {
            step: Step::Brief,
            read_reply: false,
        }
    }
}

impl Guide {
    /// Moves on as far as what the player has done allows; each step waits for its own
    /// doing. When the talks end early, the guide goes to the debrief.
    pub fn follow(&mut self, f: &Facts) {
        if self.step == Step::Done {
            return;
        }
        if f.over || f.place == Place::Debrief {
            if self.step < Step::Debrief {
                self.step = Step::Debrief;
            }
            return;
        }
        loop {
            let next = match self.step {
                Step::Brief if f.place == Place::Table => Step::Build,
                Step::Build if f.proposed || (f.open > 0 && f.chosen >= f.open) => Step::Propose,
                Step::Propose if f.proposed => Step::Reply,
                Step::Reply if f.reply.is_some() && self.read_reply => Step::Mediator,
                Step::Mediator if f.asked => Step::Answer,
                Step::Answer if f.answered => Step::PlayOn,
                _ => break,
            };
            self.step = next;
        }
    }

    /// The step's instructions, and whether it is waiting for the other parties (not for
    /// the player).
    pub fn text(&self, f: &Facts) -> String {
        match self.step {
            Step::Brief => "You lead a delegation. On the right is your confidential brief: what \
                 your side wants, and why. Under it: your walk-away alternative (BATNA), what \
                 you keep if the talks fail, and your red lines. Lower down, every issue with \
                 its weight (how much it counts for you) and what each option is worth to you, \
                 0 to 100. Hover a term to see what it means. When you have read it, press \
                 “To the table”."
                .into(),
            Step::Build => format!(
                "On the left is the issues board. Choose one option for each open issue: \
                 click it. ● marks what stands now, ✖ one of your red lines. Under the board, \
                 the package's worth to you, against your BATNA. Aim high on the issues that \
                 weigh most for you; give ground where they weigh little. Chosen so far: {} \
                 of {}.",
                f.chosen, f.open
            ),
            Step::Propose => "Press “Propose” (or P) when it is your move. The other delegation \
                 values the options differently: what costs you little may be worth a lot to \
                 it."
            .into(),
            Step::Reply => match &f.reply {
                None => format!(
                    "Your offer is on the table (right, under Offers). {} answers on its \
                     turn: watch the table and the transcript. Space lets the AI move at once.",
                    f.other
                ),
                Some(r) => format!(
                    "{}'s answer:\n\n{r}\n\nRead what it says, and what it offers instead: \
                     a rejection, or another package, tells you in the other side's words what \
                     it values, your best clue for the next offer. Press “Next” when you have \
                     read it.",
                    f.other
                ),
            },
            Step::Mediator => format!(
                "When the gap looks wide, the chair can draft one text for both sides (a \
                 single negotiating text). On your move, press “Ask the mediator” (M): {} \
                 tables a text on its turn.",
                f.mediator
            ),
            Step::Answer => match f.text {
                None => format!(
                    "You asked. {} tables its text on its turn; it appears on the right, \
                     under Offers.",
                    f.mediator
                ),
                Some(k) => format!(
                    "{}'s text is offer {k}, on the right under Offers, with what it is \
                     worth to you. Accept it (A) if it beats your BATNA; otherwise reject it \
                     (R) or counter it (C) with a package of your own.",
                    f.mediator
                ),
            },
            Step::PlayOn => "Now play on: propose, counter, accept or pass (N). The talks end \
                 at the deadline, when every issue is settled, or when a delegation walks out. \
                 The debrief opens then."
                .into(),
            Step::Debrief => "The debrief: each side's score against its BATNA; how far the deal \
                 lies from the Pareto frontier (where no side can gain without another losing) \
                 and from the Nash point; and what the talks could have had. Hover the charts \
                 and their legends for the terms. Press “Finish” to end the guided game."
                .into(),
            Step::Done => String::new(),
        }
    }
}

/// What the player asked of the guide's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideIntent {
    /// Read the answer: on to the next step.
    Next,
    /// Finish the guided game (from the debrief).
    Finish,
    /// Leave the guide; the game goes on.
    Leave,
}

/// The guide's window, over the screen: at the table, at the top of the table itself (the
/// news comes at its bottom; the board, the offers and the actions stay clear); elsewhere
/// in the bottom right corner.
pub fn guide_window(ctx: &egui::Context, guide: &Guide, facts: &Facts) -> Option<GuideIntent> {
    if guide.step == Step::Done {
        return None;
    }
    let mut intent = None;
    let (anchor, offset) = match facts.place {
        Place::Table => (egui::Align2::CENTER_TOP, [0.0, 56.0]),
        _ => (egui::Align2::RIGHT_BOTTOM, [-24.0, -24.0]),
    };
    egui::Window::new(guide.step.title())
        .id(egui::Id::new("guide"))
        .anchor(anchor, offset)
        .collapsible(true)
        .resizable(false)
        .default_width(440.0)
        .show(ctx, |ui| {
            ui.set_max_width(440.0);
            super::glossed(ui, guide.text(facts));
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if guide.step == Step::Reply && facts.reply.is_some() && ui.button("Next").clicked()
                {
                    intent = Some(GuideIntent::Next);
                }
                if guide.step == Step::Debrief && ui.button("Finish").clicked() {
                    intent = Some(GuideIntent::Finish);
                }
                if guide.step != Step::Debrief
                    && ui
                        .button("Leave the guide")
                        .on_hover_text("The game goes on without the guide")
                        .clicked()
                {
                    intent = Some(GuideIntent::Leave);
                }
            });
        });
    intent
}
