//! Scheduling: time, preferences, availability, scoring and negotiation.
//!
//! Instants are UTC [`jiff::Timestamp`]s in [`Interval`]s; IANA zones enter only through
//! [`Preferences`] (local rules) and when a person reads a time. The flow for one owner:
//! calendar [`Event`]s + [`Preferences`] -> [`Availability`] -> candidate slots ranked by
//! [`SlotScorer`] -> a [`negotiation`] state machine that trades slots with other agents.

mod availability;
mod event;
mod interval;
mod interval_set;
pub mod negotiation;
mod policy;
mod prefs;
mod score;
mod shared_hours;

pub use availability::{Availability, local_day};
pub use event::{Event, EventStatus, EventTime};
pub use interval::{EmptyInterval, Interval};
pub use interval_set::IntervalSet;
pub use policy::{ContactPolicy, ContactSettings};
pub use prefs::{FocusBlock, InvalidLocalRange, LocalRange, MINUTES_PER_DAY, PartOfDay, Preferences, Travel, WeeklyHours};
pub use shared_hours::{SharedHours, SharedHoursError};
pub use score::{Attendee, ScoreWeights, SlotScorer, inconvenience, unfairness};

/// The grid candidate slots start on: 15 minutes, a multiple of every UTC offset in use.
pub const SLOT_STEP: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);
