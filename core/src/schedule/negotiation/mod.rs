//! Negotiation state machines, sans-I/O: `(state, event) -> (state, effects)`.
//!
//! The organiser's agent drives an [`Organiser`]; every other agent runs one
//! [`Participant`] per negotiation. A two-party meeting is an organiser with one invitee;
//! N parties are the same machine with N invitees, which is why there is one type for
//! both. The caller (the agent runtime) feeds events in (received messages, owner
//! decisions, clock ticks) and performs the [`Effect`]s that come out: sending, booking,
//! asking the owner, arming a timer. Time and message ids come in from the caller, so the
//! machines run unchanged in simulations.
//!
//! Rounds: the organiser proposes a batch of its best slots that fit every invitee's
//! disclosure budget; each invitee accepts the subset it can do (ranked) or counters with
//! its own best slots; counter slots the organiser can do become the next batch for
//! everybody else. Once a slot is accepted by all, the organiser books it and sends
//! `confirm`, which invitees echo once they booked. Unanswered messages are resent on
//! timer ticks with backoff, then the negotiation fails and is cancelled.

mod organiser;
mod participant;

use jiff::{SignedDuration, Timestamp};

use super::Interval;
use crate::protocol::{Meeting, Message, MessageId};

pub use organiser::{Invitee, Organiser, OrganiserEvent, OrganiserSetup};
pub use participant::{Participant, ParticipantEvent, ParticipantSetup};

/// Slots ordered by closeness to each group of `hints` (in half-hour steps, summed over
/// the groups that have any), then by `rank` order.
///
/// A slot another side offered, proposed or accepted tells us it is free then, and free
/// time comes in stretches: our slots close to theirs are the likeliest to suit them too.
/// With several others (one group each), a slot close to all of them beats one that is
/// very close to one and far from the rest.
fn nearest_first(slots: &[Interval], hints: &[Vec<Interval>]) -> Vec<Interval> {
    let groups: Vec<&Vec<Interval>> = hints.iter().filter(|group| !group.is_empty()).collect();
    if groups.is_empty() {
        return slots.to_vec();
    }
    let gap = |slot: &Interval, hint: &Interval| {
        if hint.overlaps(slot) {
            0
        } else if hint.end() <= slot.start() {
            slot.start().duration_since(hint.end()).as_mins()
        } else {
            hint.start().duration_since(slot.end()).as_mins()
        }
    };
    let distance = |slot: &Interval| -> i64 {
        groups.iter().map(|group| group.iter().map(|hint| gap(slot, hint)).min().unwrap_or(0) / 30).sum()
    };
    let mut keyed: Vec<(i64, usize, Interval)> = slots.iter().enumerate().map(|(rank, slot)| (distance(slot), rank, *slot)).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, slot)| slot).collect()
}

/// What identifies an agent: any small ordered copyable id, e.g. the identity module's
/// 32-byte `AgentId`.
pub trait PeerId: Copy + Ord + core::fmt::Debug {}
impl<T: Copy + Ord + core::fmt::Debug> PeerId for T {}

/// Where fresh message ids come from: the caller's randomness.
pub type IdSource<'a> = &'a mut dyn FnMut() -> MessageId;

/// Something the runtime must do for a state machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect<P> {
    /// Seal `message` to `to` and hand it to the transport.
    Send {
        /// Recipient.
        to: P,
        /// The message.
        message: Message,
    },
    /// Write the meeting into the owner's calendar.
    Book {
        /// When.
        slot: Interval,
    },
    /// Remove the meeting booked at `slot`.
    Unbook {
        /// When it was.
        slot: Interval,
    },
    /// Ask the owner; answer with the machine's approve or decline event.
    AskOwner {
        /// The question.
        approval: Approval<P>,
    },
    /// Feed a tick event at (or after) `at`.
    SetTimer {
        /// When.
        at: Timestamp,
    },
    /// The negotiation ended without its goal; tell the owner why.
    Failed {
        /// Why.
        failure: Failure<P>,
    },
}

/// What an owner is asked to approve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval<P> {
    /// Who asks.
    pub organiser: P,
    /// The meeting.
    pub meeting: Meeting,
    /// The slots the agent would accept (or counter with) if the owner agrees.
    pub slots: Vec<Interval>,
}

/// Why a negotiation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure<P> {
    /// Every candidate was offered and none suited everyone: no common time in the window.
    NoCommonSlot,
    /// The disclosure budget is what stopped the search: the organiser still has free
    /// times nobody refused, but these invitees have been shown all they may be shown
    /// (each with how many).
    BudgetSpent {
        /// Who, and how many slots they were shown.
        peers: Vec<(P, usize)>,
    },
    /// A participant declined.
    Declined {
        /// Who.
        by: P,
    },
    /// These peers never answered, despite the retries.
    Unanswered {
        /// Who.
        peers: Vec<P>,
    },
}

/// How long to wait for an answer and how often to resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait before the first resend; doubles on each resend, up to 8 times as long.
    pub first_wait: SignedDuration,
    /// Resends before giving up.
    pub max_resends: u32,
}

impl RetryPolicy {
    /// The wait after `resends` resends so far.
    pub fn wait_after(&self, resends: u32) -> SignedDuration {
        self.first_wait * (1i32 << resends.min(3))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { first_wait: SignedDuration::from_mins(10), max_resends: 8 }
    }
}
