//! Google's event resources to and from [`CalendarEvent`]s.
//!
//! Google keeps recurring events as a master (with `recurrence` lines in ICS syntax) and
//! exceptions (with `recurringEventId` and `originalStartTime`), the same model as ICS, so
//! the synced records expand with the same code as imported files.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::api;
use crate::calendar::ics::parse_recurrence_lines;
use crate::calendar::model::{CalendarEvent, EventTime, Person, Response, Status, Transparency};
use crate::calendar::recur::Recurrence;

/// What one item of a sync page means for the cache.
#[derive(Debug)]
pub(crate) enum Change {
    /// Store (or replace) this record.
    Upsert(Box<CalendarEvent>),
    /// The event was deleted.
    Remove(String),
}

fn time(value: &api::EventDateTime, default_zone: &TimeZone) -> Result<EventTime, String> {
    if let Some(date) = &value.date {
        return date.parse::<Date>().map(EventTime::Date).map_err(|error| format!("date {date:?}: {error}"));
    }
    let text = value.date_time.as_deref().ok_or("neither date nor dateTime")?;
    let at: Timestamp = text.parse().map_err(|error| format!("dateTime {text:?}: {error}"))?;
    let zone = match &value.time_zone {
        Some(name) => jiff::tz::db().get(name).map_err(|_| format!("unknown timeZone {name:?}"))?,
        None => default_zone.clone(),
    };
    Ok(EventTime::Zoned(at.to_zoned_datetime(zone)))
}

fn person(attendee: &api::Attendee) -> Person {
    let response = match attendee.response_status.as_deref() {
        Some("accepted") => Response::Accepted,
        Some("declined") => Response::Declined,
        Some("tentative") => Response::Tentative,
        _ => Response::NeedsAction,
    };
    Person { email: attendee.email.clone(), name: attendee.display_name.clone(), response, optional: attendee.optional }
}

/// The private extended property that marks an event the agent wrote, holding its `UID`.
pub(crate) const BOOKING_KEY: &str = "agentnetBooking";

/// Reads one item of `events.list`; the agent's own bookings come back as removals.
pub(crate) fn from_google(event: api::Event, default_zone: &TimeZone) -> Result<Change, String> {
    let cancelled = event.status.as_deref() == Some("cancelled");
    // The agent's own bookings are in its calendar already (see `write_back`).
    let agents_own = event.extended_properties.as_ref().is_some_and(|properties| properties.private.contains_key(BOOKING_KEY));
    if (cancelled && event.recurring_event_id.is_none()) || agents_own {
        return Ok(Change::Remove(event.id));
    }
    let original = event.original_start_time.as_ref().map(|value| time(value, default_zone)).transpose()?;
    // A cancelled occurrence of a series may carry nothing but its original start.
    let start = match (&event.start, &original) {
        (Some(start), _) => time(start, default_zone)?,
        (None, Some(original)) => original.clone(),
        (None, None) => return Err(format!("event {:?} has no start", event.id)),
    };
    let end = match &event.end {
        Some(end) => time(end, default_zone)?,
        None => start.clone(),
    };
    let recurrence = match &event.recurrence {
        Some(lines) => parse_recurrence_lines(lines).map_err(|error| format!("event {:?} recurrence {error}", event.id))?,
        None => Recurrence::default(),
    };
    let status = match event.status.as_deref() {
        Some("cancelled") => Status::Cancelled,
        Some("tentative") => Status::Tentative,
        _ => Status::Confirmed,
    };
    Ok(Change::Upsert(Box::new(CalendarEvent {
        uid: event.recurring_event_id.clone().unwrap_or_else(|| event.id.clone()),
        id: event.id,
        recurrence_id: original,
        summary: event.summary.unwrap_or_default(),
        location: event.location,
        description: event.description,
        start,
        end,
        status,
        transparency: if event.transparency.as_deref() == Some("transparent") { Transparency::Transparent } else { Transparency::Opaque },
        recurrence,
        organizer: event.organizer.as_ref().map(person),
        attendees: event.attendees.iter().flatten().map(person).collect(),
        sequence: event.sequence.unwrap_or(0),
    })))
}

fn google_time(value: &EventTime, zone: &TimeZone) -> api::EventDateTime {
    match value {
        EventTime::Date(date) => api::EventDateTime { date: Some(date.to_string()), ..Default::default() },
        EventTime::Zoned(zoned) => api::EventDateTime {
            date_time: Some(zoned.timestamp().to_string()),
            time_zone: zoned.time_zone().iana_name().map(str::to_owned),
            ..Default::default()
        },
        EventTime::Floating(_) => api::EventDateTime {
            date_time: Some(value.instant(zone).to_string()),
            time_zone: zone.iana_name().map(str::to_owned),
            ..Default::default()
        },
    }
}

/// The resource to send for `events.insert`/`events.update`. Recurrence goes as `RRULE`
/// lines; `RDATE`/`EXDATE` of events created here are not sent (the agent books single
/// meetings).
pub(crate) fn to_google(event: &CalendarEvent, zone: &TimeZone) -> api::Event {
    let attendee = |person: &Person| api::Attendee {
        email: person.email.clone(),
        display_name: person.name.clone(),
        response_status: None,
        optional: person.optional,
    };
    api::Event {
        id: String::new(),
        status: Some(match event.status {
            Status::Confirmed => "confirmed",
            Status::Tentative => "tentative",
            Status::Cancelled => "cancelled",
        }
        .to_owned()),
        summary: Some(event.summary.clone()),
        description: event.description.clone(),
        location: event.location.clone(),
        start: Some(google_time(&event.start, zone)),
        end: Some(google_time(&event.end, zone)),
        recurrence: (!event.recurrence.rules.is_empty()).then(|| event.recurrence.rules.iter().map(|rule| format!("RRULE:{rule}")).collect()),
        transparency: Some(if event.transparency == Transparency::Transparent { "transparent" } else { "opaque" }.to_owned()),
        attendees: (!event.attendees.is_empty()).then(|| event.attendees.iter().map(attendee).collect()),
        ..Default::default()
    }
}
