//! The closed scheduling vocabulary carried in a message's data part.
//!
//! Nothing here is free text for a model: a title is data, bounded and shown to people,
//! never interpreted.

use serde::{Deserialize, Serialize};

use crate::schedule::Interval;

/// Every act name, as written on the wire (`"act": "propose"`).
pub const VOCABULARY: [&str; 7] = ["propose", "counter", "accept", "decline", "confirm", "cancel", "reschedule"];

/// What the meeting is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// Shown to people as is; bounded by [`crate::protocol::Limits::max_title_chars`].
    pub title: String,
    /// Length in minutes.
    pub duration_minutes: u32,
}

/// Why a participant will not meet at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// The owner's policy for this contact says never.
    Policy,
    /// The owner said no when asked.
    Owner,
    /// The confirmed slot was not one this agent agreed to.
    NotAgreed,
}

/// One scheduling act.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case", deny_unknown_fields)]
pub enum Act {
    /// Organiser -> participant: these slots, best first, would suit me.
    Propose {
        /// The meeting.
        meeting: Meeting,
        /// Offered slots, each `meeting.duration_minutes` long.
        slots: Vec<Interval>,
    },
    /// Participant -> organiser: none of those, how about these (possibly none left).
    Counter {
        /// Offered slots, best first.
        slots: Vec<Interval>,
    },
    /// Participant -> organiser: these of your slots work, best first.
    Accept {
        /// The acceptable subset of what was proposed, ranked.
        slots: Vec<Interval>,
    },
    /// Participant -> organiser: no meeting.
    Decline {
        /// Why.
        reason: DeclineReason,
    },
    /// Organiser -> participant: booked for this slot; the participant echoes it back as
    /// its acknowledgement once it booked too.
    Confirm {
        /// The slot.
        slot: Interval,
    },
    /// Organiser -> participant: the meeting is off; echoed back as acknowledgement.
    Cancel,
    /// Organiser -> participant: move the booked meeting to one of these slots.
    Reschedule {
        /// The meeting.
        meeting: Meeting,
        /// Offered slots, best first.
        slots: Vec<Interval>,
    },
}

impl Act {
    /// The act's wire name.
    pub fn name(&self) -> &'static str {
        match self {
            Act::Propose { .. } => "propose",
            Act::Counter { .. } => "counter",
            Act::Accept { .. } => "accept",
            Act::Decline { .. } => "decline",
            Act::Confirm { .. } => "confirm",
            Act::Cancel => "cancel",
            Act::Reschedule { .. } => "reschedule",
        }
    }

    /// Slots the sender offers from its own calendar (they count against its disclosure
    /// budget); accepting someone else's slots discloses nothing new.
    pub fn offered_slots(&self) -> &[Interval] {
        match self {
            Act::Propose { slots, .. } | Act::Counter { slots } | Act::Reschedule { slots, .. } => slots,
            _ => &[],
        }
    }
}
