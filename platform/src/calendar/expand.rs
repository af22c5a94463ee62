//! From stored events to the occurrences in a window: recurrence rules, `RDATE`s and
//! `EXDATE`s expanded, overrides (`RECURRENCE-ID`) put in place of the occurrence they
//! replace, cancelled occurrences dropped.

use std::collections::HashSet;

use agentnet_core::schedule::Interval;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::model::{CalendarEvent, EventTime, Status};
use super::occurrence::{Occurrence, OccurrenceTime};
use super::recur::{RuleIter, Until};

/// The occurrences of `events` that overlap `window`, earliest first. Floating times and
/// all-day events are read in `zone` (the owner's zone).
pub fn expand(events: &[CalendarEvent], window: Interval, zone: &TimeZone) -> Vec<Occurrence> {
    let overridden: HashSet<(&str, Timestamp)> = events
        .iter()
        .filter_map(|event| Some((event.uid.as_str(), event.recurrence_id.as_ref()?.instant(zone))))
        .collect();
    let mut out = Vec::new();
    for event in events {
        if event.status == Status::Cancelled && !event.is_override() {
            continue;
        }
        if event.is_override() || event.recurrence.is_empty() {
            if event.status != Status::Cancelled {
                let recurrence_id = event.recurrence_id.as_ref().map(|original| original.instant(zone));
                out.extend(single(event, recurrence_id, window, zone));
            }
        } else {
            series(event, window, zone, &overridden, &mut out);
        }
    }
    out.sort_by_key(|occurrence| (start_of(&occurrence.time, zone), occurrence.event_id.clone()));
    out
}

fn midnight(zone: &TimeZone, date: Date) -> Timestamp {
    EventTime::Date(date).instant(zone)
}

fn start_of(time: &OccurrenceTime, zone: &TimeZone) -> Timestamp {
    match time {
        OccurrenceTime::Timed(interval) => interval.start(),
        OccurrenceTime::AllDay { first, .. } => midnight(zone, *first),
    }
}

fn occurrence(event: &CalendarEvent, recurrence_id: Option<Timestamp>, time: OccurrenceTime) -> Occurrence {
    Occurrence {
        event_id: event.id.clone(),
        uid: event.uid.clone(),
        recurrence_id,
        summary: event.summary.clone(),
        time,
        status: event.status,
        transparency: event.transparency,
    }
}

/// All-day occurrence of days `first..=last` if it touches `window`.
fn days_in_window(first: Date, last: Date, window: Interval, zone: &TimeZone) -> Option<OccurrenceTime> {
    let end = midnight(zone, last.tomorrow().ok()?);
    (midnight(zone, first) < window.end() && window.start() < end).then_some(OccurrenceTime::AllDay { first, last })
}

fn single(event: &CalendarEvent, recurrence_id: Option<Timestamp>, window: Interval, zone: &TimeZone) -> Option<Occurrence> {
    let time = match (&event.start, &event.end) {
        (EventTime::Date(first), end) => {
            let last = match end {
                EventTime::Date(end) if end > first => end.yesterday().ok()?,
                _ => *first,
            };
            days_in_window(*first, last, window, zone)?
        }
        (start, end) => {
            let interval = Interval::new(start.instant(zone), end.instant(zone)).ok()?;
            OccurrenceTime::Timed(interval.overlaps(&window).then_some(interval)?)
        }
    };
    Some(occurrence(event, recurrence_id, time))
}

/// How a series' occurrences are laid out: whole days, or exact durations in a zone.
enum Shape {
    Days(i64),
    Timed(SignedDuration),
}

fn series(event: &CalendarEvent, window: Interval, zone: &TimeZone, overridden: &HashSet<(&str, Timestamp)>, out: &mut Vec<Occurrence>) {
    let (event_zone, start, shape) = match (&event.start, &event.end) {
        (EventTime::Date(first), end) => {
            let days = match end {
                EventTime::Date(end) => (*end - *first).get_days().max(1) as i64,
                _ => 1,
            };
            (zone.clone(), first.to_datetime(Time::midnight()), Shape::Days(days))
        }
        (EventTime::Zoned(zoned), end) => {
            (zoned.time_zone().clone(), zoned.datetime(), Shape::Timed(end.instant(zone).duration_since(zoned.timestamp())))
        }
        (EventTime::Floating(local), end) => {
            let length = end.instant(zone).duration_since(event.start.instant(zone));
            (zone.clone(), *local, Shape::Timed(length))
        }
    };
    let reach_days = match shape {
        Shape::Days(days) => days + 1,
        Shape::Timed(length) => length.as_hours() / 24 + 1,
    };
    let first_date = window.start().to_zoned_datetime(event_zone.clone()).date();
    let skip_to = first_date.checked_sub(reach_days.days()).ok();
    let last_start = window.end().to_zoned_datetime(event_zone.clone()).datetime();
    let to_local = |time: &EventTime| -> DateTime {
        match time {
            EventTime::Date(date) => date.to_datetime(start.time()),
            EventTime::Floating(local) => *local,
            EventTime::Zoned(zoned) => zoned.timestamp().to_zoned_datetime(event_zone.clone()).datetime(),
        }
    };

    let mut starts: Vec<DateTime> = Vec::new();
    for rule in &event.recurrence.rules {
        let until = rule.until.map(|until| match until {
            Until::Date(date) => date.to_datetime(Time::MAX),
            Until::Local(local) => local,
            Until::Utc(at) => at.to_zoned_datetime(event_zone.clone()).datetime(),
        });
        starts.extend(RuleIter::new(rule, start, until, skip_to).take_while(|at| *at <= last_start));
    }
    if event.recurrence.rules.is_empty() {
        starts.push(start);
    }
    starts.extend(event.recurrence.dates.iter().map(to_local).filter(|at| *at <= last_start));
    starts.sort_unstable();
    starts.dedup();

    let excluded_days: HashSet<Date> =
        event.recurrence.exceptions.iter().filter_map(|time| if let EventTime::Date(date) = time { Some(*date) } else { None }).collect();
    let excluded: HashSet<Timestamp> = event.recurrence.exceptions.iter().filter(|time| !time.is_date()).map(|time| time.instant(zone)).collect();

    for local in starts {
        if skip_to.is_some_and(|skip_to| local.date() < skip_to) || excluded_days.contains(&local.date()) {
            continue;
        }
        let Ok(at) = event_zone.to_ambiguous_zoned_datetime(local).compatible() else { continue };
        let original = match shape {
            Shape::Days(_) => midnight(zone, local.date()),
            Shape::Timed(_) => at.timestamp(),
        };
        if excluded.contains(&original) || overridden.contains(&(event.uid.as_str(), original)) {
            continue;
        }
        let time = match shape {
            Shape::Days(days) => local.date().checked_add((days - 1).days()).ok().and_then(|last| days_in_window(local.date(), last, window, zone)),
            Shape::Timed(length) => Interval::starting_at(at.timestamp(), length).ok().filter(|interval| interval.overlaps(&window)).map(OccurrenceTime::Timed),
        };
        if let Some(time) = time {
            out.push(occurrence(event, Some(original), time));
        }
    }
}
