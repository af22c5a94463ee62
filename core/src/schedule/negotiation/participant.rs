//! An invitee's side: answers proposals within policy and budget, books on confirm.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};

use super::organiser::same_stretch;
use super::{Approval, Effect, IdSource, PeerId};
use crate::protocol::{Act, DeclineReason, Message, MessageId, Role, TaskState};
use crate::schedule::{Availability, ContactPolicy, ContactSettings, Interval, SharedHours};

/// How a participant answers one organiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantSetup<P> {
    /// The organiser's agent; messages from anyone else are ignored.
    pub organiser: P,
    /// The owner's policy and disclosure budget for that contact.
    pub contact: ContactSettings,
    /// Most slots per counter.
    pub counter_size: usize,
    /// How long to wait for the organiser to settle before giving up (no booking).
    pub patience: SignedDuration,
    /// The working day the organiser shared, if it did: counters inside it go first.
    pub organiser_hours: Option<SharedHours>,
}

/// Events the participant machine consumes.
#[derive(Debug, Clone, PartialEq)]
pub enum ParticipantEvent<P> {
    /// A validated message from `from`.
    Received {
        /// Sender, from the envelope.
        from: P,
        /// The message.
        message: Message,
        /// Current time.
        now: Timestamp,
    },
    /// The owner approved what [`Effect::AskOwner`] asked.
    OwnerApproved {
        /// Current time.
        now: Timestamp,
    },
    /// The owner would rather meet at other times: instead of what [`Effect::AskOwner`]
    /// asked about, the agent counters with these (the owner's own free slots, best
    /// first). Slots the owner's availability cannot host are dropped; if none is left the
    /// question stays open.
    OwnerCountered {
        /// The owner's picks.
        slots: Vec<Interval>,
        /// Current time.
        now: Timestamp,
    },
    /// The owner approved only some of the times [`Effect::AskOwner`] listed: the answer
    /// carries those alone. Picks that were not listed are ignored; if none is left the
    /// question stays open.
    OwnerApprovedSome {
        /// The listed times the owner accepts.
        slots: Vec<Interval>,
        /// Current time.
        now: Timestamp,
    },
    /// The owner refused.
    OwnerDeclined {
        /// Current time.
        now: Timestamp,
    },
    /// A timer set by [`Effect::SetTimer`] fired.
    Tick {
        /// Current time.
        now: Timestamp,
    },
    /// The owner's calendar changed; the caller recomputed availability and candidates.
    AvailabilityChanged {
        /// Fresh availability.
        availability: Availability,
        /// Fresh candidates, best first.
        candidates: Vec<Interval>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Waiting,
    /// Owner asked; the reply is drafted and held back.
    AwaitingOwner { asked_by: Message, draft: Act },
    Booked(Interval),
    Done(TaskState),
}

/// A participant's negotiation state.
#[derive(Debug, Clone)]
pub struct Participant<P> {
    setup: ParticipantSetup<P>,
    availability: Availability,
    candidates: Vec<Interval>,
    phase: Phase,
    approved: bool,
    disclosed: BTreeSet<Interval>,
    /// Slots this side said yes to (accepted or offered): the only ones it will book.
    agreed: BTreeSet<Interval>,
    /// Every slot the organiser proposed: it is free then.
    heard: Vec<Interval>,
    /// Replies by the id of the message they answer, to repeat on duplicates.
    replies: BTreeMap<MessageId, Message>,
    task: Option<(crate::protocol::TaskId, crate::protocol::ContextId)>,
    booked: Option<Interval>,
    expires: Option<Timestamp>,
}

impl<P: PeerId> Participant<P> {
    /// A participant with the owner's `availability` for the proposed meeting's length and
    /// its own `candidates` (best first) to counter with.
    pub fn new(setup: ParticipantSetup<P>, availability: Availability, candidates: Vec<Interval>) -> Self {
        Participant {
            setup,
            availability,
            candidates,
            phase: Phase::Waiting,
            approved: false,
            disclosed: BTreeSet::new(),
            agreed: BTreeSet::new(),
            heard: Vec::new(),
            replies: BTreeMap::new(),
            task: None,
            booked: None,
            expires: None,
        }
    }

    /// `(state, event) -> (state, effects)`.
    pub fn step(mut self, event: ParticipantEvent<P>, ids: IdSource<'_>) -> (Self, Vec<Effect<P>>) {
        let effects = self.handle(event, ids);
        (self, effects)
    }

    /// Applies one event and returns what to do.
    pub fn handle(&mut self, event: ParticipantEvent<P>, ids: IdSource<'_>) -> Vec<Effect<P>> {
        let mut out = Vec::new();
        match event {
            ParticipantEvent::Received { from, message, now } if from == self.setup.organiser => {
                self.on_message(message, now, ids, &mut out)
            }
            ParticipantEvent::Received { .. } => {}
            ParticipantEvent::OwnerApproved { .. } => {
                if let Phase::AwaitingOwner { asked_by, draft } = self.phase.clone() {
                    self.approved = true;
                    self.phase = Phase::Waiting;
                    self.reply(&asked_by, draft, ids, &mut out);
                }
            }
            ParticipantEvent::OwnerApprovedSome { slots, .. } => {
                if let Phase::AwaitingOwner { asked_by, draft } = self.phase.clone() {
                    let kept: Vec<Interval> = draft_slots(&draft).iter().filter(|slot| slots.contains(slot)).copied().collect();
                    if kept.is_empty() {
                        return out;
                    }
                    // Only what the owner ticked may be booked (and, for a counter, shown).
                    self.withdraw_draft(&draft, &kept);
                    let answer = match draft {
                        Act::Counter { .. } => Act::Counter { slots: kept },
                        _ => Act::Accept { slots: kept },
                    };
                    self.approved = true;
                    self.phase = Phase::Waiting;
                    self.reply(&asked_by, answer, ids, &mut out);
                }
            }
            ParticipantEvent::OwnerCountered { slots, .. } => {
                if let Phase::AwaitingOwner { asked_by, draft } = self.phase.clone() {
                    let offer = self.owner_offer(&slots);
                    if offer.is_empty() {
                        return out;
                    }
                    // The draft was never sent and the owner did not agree to it: only
                    // the owner's picks are shown and may be booked.
                    self.withdraw_draft(&draft, &offer);
                    self.disclosed.extend(offer.iter().copied());
                    self.agreed.extend(offer.iter().copied());
                    self.phase = Phase::Waiting;
                    self.reply(&asked_by, Act::Counter { slots: offer }, ids, &mut out);
                }
            }
            ParticipantEvent::OwnerDeclined { .. } => {
                if let Phase::AwaitingOwner { asked_by, .. } = self.phase.clone() {
                    self.phase = Phase::Done(TaskState::Rejected);
                    self.reply(&asked_by, Act::Decline { reason: DeclineReason::Owner }, ids, &mut out);
                }
            }
            ParticipantEvent::Tick { now } => {
                let waiting = matches!(self.phase, Phase::Waiting | Phase::AwaitingOwner { .. });
                if waiting && self.expires.is_some_and(|at| now >= at) {
                    self.phase = Phase::Done(TaskState::Failed);
                }
            }
            ParticipantEvent::AvailabilityChanged { availability, candidates } => {
                self.availability = availability;
                self.candidates = candidates;
            }
        }
        out
    }

    /// The A2A state of the task, from this side.
    pub fn state(&self) -> TaskState {
        match &self.phase {
            Phase::Waiting => TaskState::Working,
            Phase::AwaitingOwner { .. } => TaskState::InputRequired,
            Phase::Booked(_) => TaskState::Completed,
            Phase::Done(state) => *state,
        }
    }

    /// The organiser's agent.
    pub fn organiser(&self) -> P {
        self.setup.organiser
    }

    /// The slot in this owner's calendar, if any.
    pub fn booked(&self) -> Option<Interval> {
        self.booked
    }

    /// Every slot this side offered the organiser so far.
    pub fn disclosed(&self) -> &BTreeSet<Interval> {
        &self.disclosed
    }

    fn status(&self) -> TaskState {
        self.state()
    }

    fn reply(&mut self, to: &Message, act: Act, ids: IdSource<'_>, out: &mut Vec<Effect<P>>) {
        let (task_id, context_id) = (to.task_id, to.context_id);
        let message = Message::new(ids(), task_id, context_id, Role::Agent, self.status(), act).replying_to(to.message_id);
        self.replies.insert(to.message_id, message.clone());
        out.push(Effect::Send { to: self.setup.organiser, message });
    }

    fn on_message(&mut self, message: Message, now: Timestamp, ids: IdSource<'_>, out: &mut Vec<Effect<P>>) {
        let task = (message.task_id, message.context_id);
        if *self.task.get_or_insert(task) != task {
            return;
        }
        if let Some(previous) = self.replies.get(&message.message_id) {
            out.push(Effect::Send { to: self.setup.organiser, message: previous.clone() });
            return;
        }
        let Some(act) = message.act().cloned() else { return };
        match act {
            Act::Propose { meeting, slots } | Act::Reschedule { meeting, slots } => {
                if matches!(self.phase, Phase::AwaitingOwner { .. } | Phase::Done(_)) {
                    return; // the owner is deciding, or it is over
                }
                if self.setup.contact.policy == ContactPolicy::Never {
                    self.phase = Phase::Done(TaskState::Rejected);
                    return self.reply(&message, Act::Decline { reason: DeclineReason::Policy }, ids, out);
                }
                if self.expires.is_none() {
                    let at = now.checked_add(self.setup.patience).unwrap_or(now);
                    self.expires = Some(at);
                    out.push(Effect::SetTimer { at });
                }
                let draft = self.answer(&slots);
                if self.setup.contact.policy == ContactPolicy::AskFirst && !self.approved {
                    let approval_slots = draft_slots(&draft).to_vec();
                    self.phase = Phase::AwaitingOwner { asked_by: message, draft };
                    let approval = Approval { organiser: self.setup.organiser, meeting, slots: approval_slots };
                    out.push(Effect::AskOwner { approval });
                } else {
                    self.reply(&message, draft, ids, out);
                }
            }
            Act::Confirm { slot } => {
                if matches!(self.phase, Phase::Done(TaskState::Canceled | TaskState::Rejected)) {
                    return;
                }
                if self.booked != Some(slot) {
                    if !self.agreed.contains(&slot) || !self.availability.can_host(&slot) {
                        return self.reply(&message, Act::Decline { reason: DeclineReason::NotAgreed }, ids, out);
                    }
                    if let Some(old) = self.booked.take() {
                        out.push(Effect::Unbook { slot: old });
                    }
                    out.push(Effect::Book { slot });
                    self.booked = Some(slot);
                }
                self.phase = Phase::Booked(slot);
                self.reply(&message, Act::Confirm { slot }, ids, out);
            }
            Act::Cancel => {
                if let Some(slot) = self.booked.take() {
                    out.push(Effect::Unbook { slot });
                }
                self.phase = Phase::Done(TaskState::Canceled);
                self.reply(&message, Act::Cancel, ids, out);
            }
            Act::Accept { .. } | Act::Counter { .. } | Act::Decline { .. } => {}
        }
    }

    /// Takes back the draft's slots the owner did not keep: no longer agreed, and for a
    /// counter (the owner's own times) no longer counted as shown.
    fn withdraw_draft(&mut self, draft: &Act, kept: &[Interval]) {
        for slot in draft_slots(draft).iter().filter(|slot| !kept.contains(slot)) {
            self.agreed.remove(slot);
            if matches!(draft, Act::Counter { .. }) {
                self.disclosed.remove(slot);
            }
        }
    }

    /// The owner's own picks that this side can host, without overlaps, at most a
    /// counter's worth. The disclosure budget limits what the agent reveals on its own;
    /// an owner choosing to show a time is not held to it.
    fn owner_offer(&self, picks: &[Interval]) -> Vec<Interval> {
        let mut offer: Vec<Interval> = Vec::new();
        for slot in picks {
            if offer.len() >= self.setup.counter_size.max(1) {
                break;
            }
            if self.availability.can_host(slot) && !offer.iter().any(|chosen| chosen.overlaps(slot)) {
                offer.push(*slot);
            }
        }
        offer
    }

    /// Accept the proposed slots that fit, favourites first; otherwise counter with our
    /// best slots the organiser has not seen, within what is left of the budget.
    fn answer(&mut self, proposed: &[Interval]) -> Act {
        let rank = |slot: &Interval| self.candidates.iter().position(|c| c == slot).unwrap_or(usize::MAX);
        let mut fitting: Vec<Interval> = proposed.iter().filter(|slot| self.availability.can_host(slot)).copied().collect();
        fitting.sort_by_key(|slot| (rank(slot), *slot));
        if !fitting.is_empty() {
            self.agreed.extend(fitting.iter().copied());
            return Act::Accept { slots: fitting };
        }
        let room = (self.setup.contact.disclosure_budget as usize).saturating_sub(self.disclosed.len());
        let want = room.min(self.setup.counter_size);
        let mut offer: Vec<Interval> = Vec::with_capacity(want);
        // One slot per free stretch not shown before first (more information per disclosed
        // slot), then slots overlapping none shown, then by rank.
        self.heard.extend(proposed.iter().copied());
        let mut ordered = super::nearest_first(&self.candidates, std::slice::from_ref(&self.heard));
        if let Some(hours) = &self.setup.organiser_hours {
            ordered.sort_by_key(|slot| !hours.covers(slot));
        }
        for spread in [Spread::NewStretch, Spread::NoOverlap, Spread::Any] {
            for slot in &ordered {
                if offer.len() >= want {
                    break;
                }
                let fresh = !self.disclosed.contains(slot) && !proposed.contains(slot) && self.availability.can_host(slot);
                let clashes = offer.iter().any(|chosen| {
                    chosen.overlaps(slot) || (spread == Spread::NewStretch && same_stretch(&self.availability, chosen, slot))
                });
                let repeats = self.disclosed.iter().any(|shown| match spread {
                    Spread::NewStretch => same_stretch(&self.availability, shown, slot),
                    Spread::NoOverlap => shown.overlaps(slot),
                    Spread::Any => false,
                });
                if fresh && !clashes && !repeats {
                    offer.push(*slot);
                }
            }
        }
        self.disclosed.extend(offer.iter().copied());
        self.agreed.extend(offer.iter().copied());
        Act::Counter { slots: offer }
    }
}

/// How far a counter's slots must stand from each other and from the ones shown before, pass
/// by pass: a slot overlapping one the organiser already passed over tells it almost nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spread {
    /// A free stretch nothing was shown from yet.
    NewStretch,
    /// Overlapping nothing shown yet.
    NoOverlap,
    /// Any slot not shown yet.
    Any,
}

fn draft_slots(draft: &Act) -> &[Interval] {
    match draft {
        Act::Accept { slots } | Act::Counter { slots } => slots,
        _ => &[],
    }
}
