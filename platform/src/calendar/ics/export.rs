//! Writing ICS: a calendar export, and invitations (`METHOD:REQUEST`) for booked meetings.
//!
//! Invitations follow what Google Calendar, Outlook and Apple Calendar read from iTIP
//! (RFC 5546) mail: `METHOD:REQUEST` on the calendar, one `VEVENT` with `UID`, `DTSTAMP`,
//! `SEQUENCE`, `ORGANIZER`, an `ATTENDEE` per guest with `PARTSTAT=NEEDS-ACTION;RSVP=TRUE`,
//! CRLF line ends and lines folded at 75 octets. Times in a named zone are written with
//! their `TZID` and a `VTIMEZONE` (Outlook needs one for every `TZID`); others in UTC.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use super::lines::{escape, fold_into};
use crate::calendar::error::CalendarError;
use crate::calendar::model::{CalendarEvent, EventTime, Person, Response, Status, Transparency};

const PRODID: &str = "-//agentnet//agentnet calendar 1.0//EN";

/// A parameter value, quoted when it holds `:`, `;` or `,` (quotes cannot be escaped).
fn param(value: &str) -> String {
    let value = value.replace('"', "");
    if value.contains([':', ';', ',']) { format!("\"{value}\"") } else { value }
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The IANA name to write as `TZID`, or `None` for UTC (and unnamed zones, written in UTC).
fn zone_name(zoned: &ZonedDateTime) -> Option<&str> {
    zoned.time_zone().iana_name().filter(|name| *name != "UTC" && *name != "Etc/UTC")
}

/// `NAME;params:value` for a time property.
fn time_line(name: &str, time: &EventTime) -> String {
    match time {
        EventTime::Date(date) => format!("{name};VALUE=DATE:{}", date.strftime("%Y%m%d")),
        EventTime::Floating(local) => format!("{name}:{}", local.strftime("%Y%m%dT%H%M%S")),
        EventTime::Zoned(zoned) => match zone_name(zoned) {
            Some(tzid) => format!("{name};TZID={}:{}", param(tzid), zoned.datetime().strftime("%Y%m%dT%H%M%S")),
            None => format!("{name}:{}", utc(zoned.timestamp())),
        },
    }
}

fn person_line(out: &mut String, name: &str, person: &Person, attendee: bool) {
    let mut line = String::from(name);
    if let Some(cn) = &person.name {
        line.push_str(&format!(";CN={}", param(cn)));
    }
    if attendee {
        let role = if person.optional { "OPT-PARTICIPANT" } else { "REQ-PARTICIPANT" };
        let partstat = match person.response {
            Response::NeedsAction => "NEEDS-ACTION",
            Response::Accepted => "ACCEPTED",
            Response::Declined => "DECLINED",
            Response::Tentative => "TENTATIVE",
        };
        line.push_str(&format!(";CUTYPE=INDIVIDUAL;ROLE={role};PARTSTAT={partstat}"));
        if person.response == Response::NeedsAction {
            line.push_str(";RSVP=TRUE");
        }
    }
    line.push_str(&format!(":mailto:{}", person.email));
    fold_into(out, &line);
}

fn offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.abs();
    format!("{sign}{:02}{:02}", seconds / 3600, seconds / 60 % 60)
}

/// A `VTIMEZONE` for `zone` with yearly rules read off its transitions in `year`
/// (or a single `STANDARD` block for a zone without DST then).
fn vtimezone(out: &mut String, tzid: &str, zone: &TimeZone, year: i16) {
    fold_into(out, "BEGIN:VTIMEZONE");
    fold_into(out, &format!("TZID:{tzid}"));
    fold_into(out, &format!("X-LIC-LOCATION:{tzid}"));
    let from = jiff::civil::date(year, 1, 1).to_zoned_datetime(TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH);
    let until = jiff::civil::date(year.saturating_add(1), 1, 1).to_zoned_datetime(TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::MAX);
    let transitions: Vec<_> = zone.following(from).take_while(|t| t.timestamp() < until).take(2).collect();
    if transitions.len() < 2 {
        let info = zone.to_offset_info(from);
        let now = offset(info.offset().seconds());
        for line in ["BEGIN:STANDARD", "DTSTART:19700101T000000", &format!("TZOFFSETFROM:{now}"), &format!("TZOFFSETTO:{now}"), "END:STANDARD"] {
            fold_into(out, line);
        }
    } else {
        for transition in transitions {
            let at = transition.timestamp();
            let before = zone.to_offset(at.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap_or(at));
            let local = at.to_zoned_datetime(TimeZone::fixed(before)).datetime();
            let (month, day) = (local.month(), local.day());
            let ordinal = if day + 7 > local.date().days_in_month() { -1 } else { (day - 1) / 7 + 1 };
            let kind = if transition.dst().is_dst() { "DAYLIGHT" } else { "STANDARD" };
            let weekday = crate::calendar::recur::weekday_code(local.weekday());
            for line in [
                format!("BEGIN:{kind}"),
                format!("DTSTART:{}", local.strftime("%Y%m%dT%H%M%S")),
                format!("RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={ordinal}{weekday}"),
                format!("TZOFFSETFROM:{}", offset(before.seconds())),
                format!("TZOFFSETTO:{}", offset(transition.offset().seconds())),
                format!("TZNAME:{}", transition.abbreviation()),
                format!("END:{kind}"),
            ] {
                fold_into(out, &line);
            }
        }
    }
    fold_into(out, "END:VTIMEZONE");
}

fn event_lines(out: &mut String, event: &CalendarEvent, dtstamp: Timestamp, status_override: Option<Status>) {
    fold_into(out, "BEGIN:VEVENT");
    fold_into(out, &format!("UID:{}", event.uid));
    fold_into(out, &format!("DTSTAMP:{}", utc(dtstamp)));
    fold_into(out, &format!("SEQUENCE:{}", event.sequence));
    fold_into(out, &time_line("DTSTART", &event.start));
    fold_into(out, &time_line("DTEND", &event.end));
    if let Some(original) = &event.recurrence_id {
        fold_into(out, &time_line("RECURRENCE-ID", original));
    }
    fold_into(out, &format!("SUMMARY:{}", escape(&event.summary)));
    if let Some(location) = &event.location {
        fold_into(out, &format!("LOCATION:{}", escape(location)));
    }
    if let Some(description) = &event.description {
        fold_into(out, &format!("DESCRIPTION:{}", escape(description)));
    }
    let status = match status_override.unwrap_or(event.status) {
        Status::Confirmed => "CONFIRMED",
        Status::Tentative => "TENTATIVE",
        Status::Cancelled => "CANCELLED",
    };
    fold_into(out, &format!("STATUS:{status}"));
    let transp = match event.transparency {
        Transparency::Opaque => "OPAQUE",
        Transparency::Transparent => "TRANSPARENT",
    };
    fold_into(out, &format!("TRANSP:{transp}"));
    for rule in &event.recurrence.rules {
        fold_into(out, &format!("RRULE:{rule}"));
    }
    for date in &event.recurrence.dates {
        fold_into(out, &time_line("RDATE", date));
    }
    for date in &event.recurrence.exceptions {
        fold_into(out, &time_line("EXDATE", date));
    }
    if let Some(organizer) = &event.organizer {
        person_line(out, "ORGANIZER", organizer, false);
    }
    for attendee in &event.attendees {
        person_line(out, "ATTENDEE", attendee, true);
    }
    fold_into(out, "END:VEVENT");
}

fn calendar(events: &[CalendarEvent], dtstamp: Timestamp, method: Option<&str>, status: Option<Status>) -> String {
    let mut out = String::new();
    fold_into(&mut out, "BEGIN:VCALENDAR");
    fold_into(&mut out, &format!("PRODID:{PRODID}"));
    fold_into(&mut out, "VERSION:2.0");
    fold_into(&mut out, "CALSCALE:GREGORIAN");
    if let Some(method) = method {
        fold_into(&mut out, &format!("METHOD:{method}"));
    }
    let mut zones: BTreeMap<String, (TimeZone, i16)> = BTreeMap::new();
    for event in events {
        let times = [Some(&event.start), Some(&event.end), event.recurrence_id.as_ref()];
        for time in times.into_iter().flatten().chain(&event.recurrence.dates).chain(&event.recurrence.exceptions) {
            if let EventTime::Zoned(zoned) = time
                && let Some(name) = zone_name(zoned)
            {
                let entry = zones.entry(name.to_owned()).or_insert((zoned.time_zone().clone(), zoned.year()));
                entry.1 = entry.1.min(zoned.year());
            }
        }
    }
    for (tzid, (zone, year)) in &zones {
        vtimezone(&mut out, tzid, zone, *year);
    }
    for event in events {
        event_lines(&mut out, event, dtstamp, status);
    }
    fold_into(&mut out, "END:VCALENDAR");
    out
}

/// An ICS file holding `events` (a plain publish: no `METHOD`).
pub fn export_calendar(events: &[CalendarEvent], dtstamp: Timestamp) -> String {
    calendar(events, dtstamp, None, None)
}

fn check_invitable(event: &CalendarEvent) -> Result<(), CalendarError> {
    if event.organizer.is_none() {
        return Err(CalendarError::InvalidEvent { reason: format!("event {:?} has no organizer to invite from", event.id) });
    }
    if event.attendees.is_empty() {
        return Err(CalendarError::InvalidEvent { reason: format!("event {:?} has no attendees to invite", event.id) });
    }
    Ok(())
}

/// An invitation (`METHOD:REQUEST`) for a booked meeting, to attach to mail as
/// `text/calendar; method=REQUEST`. Send it again with a higher `SEQUENCE` after a change.
pub fn invitation(event: &CalendarEvent, dtstamp: Timestamp) -> Result<String, CalendarError> {
    check_invitable(event)?;
    Ok(calendar(core::slice::from_ref(event), dtstamp, Some("REQUEST"), None))
}

/// A cancellation (`METHOD:CANCEL`, `STATUS:CANCELLED`) of a meeting invited to before; the
/// caller raises `SEQUENCE` first.
pub fn cancellation(event: &CalendarEvent, dtstamp: Timestamp) -> Result<String, CalendarError> {
    check_invitable(event)?;
    Ok(calendar(core::slice::from_ref(event), dtstamp, Some("CANCEL"), Some(Status::Cancelled)))
}
