//! Recurrence: RFC 5545 `RRULE`s expanded over jiff's civil calendar.
//!
//! Written here instead of using the `rrule` crate because `rrule` works in chrono with
//! chrono-tz: that would put a second time library and a second copy of the zone
//! database into the browser build next to jiff (which core already uses), and chrono-tz
//! can only name IANA zones, not the zones an ICS file defines in its own `VTIMEZONE`
//! blocks. Rules are expanded in wall-clock time and turned into instants in the event's
//! zone afterwards, so a weekly 09:00 meeting stays at 09:00 across DST switches.

mod iter;
mod rule;

pub use iter::RuleIter;
pub use rule::{Frequency, Rule, RuleError, Until};
pub(crate) use rule::weekday_code;

use super::model::EventTime;

/// How an event repeats: rules, extra dates, and excluded dates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recurrence {
    /// `RRULE`s (more than one is deprecated but allowed; their union counts).
    pub rules: Vec<Rule>,
    /// `RDATE`s: extra occurrence starts.
    pub dates: Vec<EventTime>,
    /// `EXDATE`s: occurrence starts to leave out.
    pub exceptions: Vec<EventTime>,
}

impl Recurrence {
    /// Whether the event happens once.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.dates.is_empty()
    }
}
