//! Calendar events as the scheduler sees them: when, and whether they block time.
//!
//! The calendar layer expands recurring events into occurrences before they get here.

use jiff::civil::Date;

use super::Interval;

/// Whether an event takes the owner's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventStatus {
    /// Opaque: the time is taken.
    Busy,
    /// Maybe taken; blocks time when the owner's preferences say so.
    Tentative,
    /// Transparent (a reminder, a birthday): the time stays free.
    Free,
}

/// When an event happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventTime {
    /// A fixed stretch of UTC time.
    Timed(Interval),
    /// Whole local days `first..=last`, in the zone the owner lives in on each day.
    AllDay {
        /// First day.
        first: Date,
        /// Last day (inclusive).
        last: Date,
    },
}

/// One calendar occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Event {
    /// When.
    pub time: EventTime,
    /// Whether it blocks time.
    pub status: EventStatus,
}

impl Event {
    /// A busy timed event.
    pub fn busy(interval: Interval) -> Self {
        Event { time: EventTime::Timed(interval), status: EventStatus::Busy }
    }

    /// A busy all-day event over `first..=last`.
    pub fn busy_days(first: Date, last: Date) -> Self {
        Event { time: EventTime::AllDay { first, last }, status: EventStatus::Busy }
    }

    /// Whether the event takes time, given how the owner treats tentative events.
    pub fn blocks(&self, tentative_blocks: bool) -> bool {
        match self.status {
            EventStatus::Busy => true,
            EventStatus::Tentative => tentative_blocks,
            EventStatus::Free => false,
        }
    }
}
