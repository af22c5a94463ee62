//! Calendar events as sources store them: possibly recurring, with zones, people and status.
//!
//! [`CalendarEvent`] is the record a source keeps (one per series, one per changed
//! occurrence); [`Occurrence`](super::Occurrence) is one expanded instance in a window.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Serialize};

use super::recur::Recurrence;

/// When an event starts or ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventTime {
    /// A whole day (`VALUE=DATE`; an all-day event's end is the day after its last day).
    Date(Date),
    /// A wall-clock time in a zone (a `TZID`, UTC, or a fixed offset).
    Zoned(ZonedDateTime),
    /// A wall-clock time with no zone: read in the owner's zone (RFC 5545 "floating").
    Floating(DateTime),
}

impl EventTime {
    /// A UTC instant.
    pub fn utc(at: Timestamp) -> EventTime {
        EventTime::Zoned(at.to_zoned_datetime(TimeZone::UTC))
    }

    /// The instant this time denotes, floating and date values read in `zone`
    /// (dates at local midnight).
    pub fn instant(&self, zone: &TimeZone) -> Timestamp {
        match self {
            EventTime::Date(date) => zone
                .to_ambiguous_zoned_datetime(date.to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .map(|zoned| zoned.timestamp())
                .unwrap_or(Timestamp::MIN),
            EventTime::Zoned(zoned) => zoned.timestamp(),
            EventTime::Floating(local) => {
                zone.to_ambiguous_zoned_datetime(*local).compatible().map(|zoned| zoned.timestamp()).unwrap_or(Timestamp::MIN)
            }
        }
    }

    /// Whether this is a whole-day value.
    pub fn is_date(&self) -> bool {
        matches!(self, EventTime::Date(_))
    }
}

/// Whether an event takes place (RFC 5545 `STATUS`, Google's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Status {
    /// It takes place.
    #[default]
    Confirmed,
    /// It may take place.
    Tentative,
    /// It was called off: it takes no time, and a cancelled override removes its occurrence.
    Cancelled,
}

/// Whether an event blocks time (RFC 5545 `TRANSP`, Google's `transparency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Transparency {
    /// The time is taken.
    #[default]
    Opaque,
    /// The time stays free (reminders, birthdays, "working from home").
    Transparent,
}

/// How an attendee answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Response {
    /// Not answered yet.
    #[default]
    NeedsAction,
    /// Coming.
    Accepted,
    /// Not coming.
    Declined,
    /// Maybe.
    Tentative,
}

/// A person on an event: the organizer or an attendee.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Person {
    /// E-mail address (without `mailto:`).
    pub email: String,
    /// Display name (`CN`), if known.
    pub name: Option<String>,
    /// Their answer (meaningless for the organizer).
    pub response: Response,
    /// Whether attendance is optional.
    pub optional: bool,
}

impl Person {
    /// Someone known by e-mail address only.
    pub fn email(email: impl Into<String>) -> Person {
        Person { email: email.into(), ..Person::default() }
    }

    /// Someone with a display name.
    pub fn named(name: impl Into<String>, email: impl Into<String>) -> Person {
        Person { email: email.into(), name: Some(name.into()), ..Person::default() }
    }
}

/// One stored calendar record: a single event, a recurring series, or one changed
/// occurrence of a series (`recurrence_id` set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Unique key of this record in its source (Google's event id; the ICS `UID`, with
    /// `#` and the `RECURRENCE-ID` appended for an override).
    pub id: String,
    /// The series this record belongs to: the ICS `UID`, or the id of Google's master event.
    pub uid: String,
    /// For an override: the original start of the occurrence it replaces.
    pub recurrence_id: Option<EventTime>,
    /// Title.
    pub summary: String,
    /// Where, if said.
    pub location: Option<String>,
    /// Notes, if any.
    pub description: Option<String>,
    /// Start (of the first occurrence for a series).
    pub start: EventTime,
    /// End, exclusive (for dates: the day after the last day).
    pub end: EventTime,
    /// Confirmed, tentative or cancelled.
    pub status: Status,
    /// Whether it blocks time.
    pub transparency: Transparency,
    /// The recurrence rules, dates and exceptions; empty for a single event.
    pub recurrence: Recurrence,
    /// Who organises it.
    pub organizer: Option<Person>,
    /// Who is invited.
    pub attendees: Vec<Person>,
    /// Revision number (`SEQUENCE`), raised on each significant change.
    pub sequence: u32,
}

impl CalendarEvent {
    /// A confirmed, opaque single event with no people.
    pub fn new(id: impl Into<String>, summary: impl Into<String>, start: EventTime, end: EventTime) -> CalendarEvent {
        let id = id.into();
        CalendarEvent {
            uid: id.clone(),
            id,
            recurrence_id: None,
            summary: summary.into(),
            location: None,
            description: None,
            start,
            end,
            status: Status::Confirmed,
            transparency: Transparency::Opaque,
            recurrence: Recurrence::default(),
            organizer: None,
            attendees: Vec::new(),
            sequence: 0,
        }
    }

    /// A busy event over `[start, end)` in UTC.
    pub fn timed(id: impl Into<String>, summary: impl Into<String>, start: Timestamp, end: Timestamp) -> CalendarEvent {
        CalendarEvent::new(id, summary, EventTime::utc(start), EventTime::utc(end))
    }

    /// A busy all-day event over the days `first..=last`.
    pub fn all_day(id: impl Into<String>, summary: impl Into<String>, first: Date, last: Date) -> CalendarEvent {
        let end = last.tomorrow().unwrap_or(last);
        CalendarEvent::new(id, summary, EventTime::Date(first), EventTime::Date(end))
    }

    /// Whether this record replaces one occurrence of a series.
    pub fn is_override(&self) -> bool {
        self.recurrence_id.is_some()
    }
}
