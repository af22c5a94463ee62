//! One expanded occurrence of an event, and what the scheduler makes of it.

use agentnet_core::schedule::{self, EventStatus, Interval};
use jiff::Timestamp;
use jiff::civil::Date;

use super::model::{Status, Transparency};

/// When an occurrence happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OccurrenceTime {
    /// A stretch of UTC time.
    Timed(Interval),
    /// Whole days `first..=last`, in the owner's zone on each day.
    AllDay {
        /// First day.
        first: Date,
        /// Last day (inclusive).
        last: Date,
    },
}

/// One occurrence of a calendar event in a window (cancelled ones are left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The record it comes from ([`CalendarEvent::id`](super::CalendarEvent::id)).
    pub event_id: String,
    /// The series ([`CalendarEvent::uid`](super::CalendarEvent::uid)).
    pub uid: String,
    /// The original start of this occurrence within its series (for recurring events).
    pub recurrence_id: Option<Timestamp>,
    /// Title.
    pub summary: String,
    /// When.
    pub time: OccurrenceTime,
    /// Confirmed or tentative.
    pub status: Status,
    /// Whether it blocks time.
    pub transparency: Transparency,
}

impl Occurrence {
    /// The occurrence as core's scheduler reads it.
    pub fn to_schedule_event(&self) -> schedule::Event {
        let time = match self.time {
            OccurrenceTime::Timed(interval) => schedule::EventTime::Timed(interval),
            OccurrenceTime::AllDay { first, last } => schedule::EventTime::AllDay { first, last },
        };
        let status = match (self.transparency, self.status) {
            (Transparency::Transparent, _) | (_, Status::Cancelled) => EventStatus::Free,
            (Transparency::Opaque, Status::Tentative) => EventStatus::Tentative,
            (Transparency::Opaque, Status::Confirmed) => EventStatus::Busy,
        };
        schedule::Event { time, status }
    }

    /// Whether this occurrence takes time (opaque and not cancelled).
    pub fn is_busy(&self) -> bool {
        self.transparency == Transparency::Opaque && self.status != Status::Cancelled
    }
}

/// The scheduler's view of many occurrences.
pub fn schedule_events(occurrences: &[Occurrence]) -> Vec<schedule::Event> {
    occurrences.iter().map(Occurrence::to_schedule_event).collect()
}
