//! From a calendar and preferences to the time a meeting of a given length could take.
//!
//! The rules are applied per local day, each day in the zone the owner lives in on that
//! date, so working hours stay at the same wall-clock time across DST switches and travel.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Event, EventTime, Interval, IntervalSet, Preferences};

/// The free time of one owner for meetings of one length in one window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    free: IntervalSet,
    duration: SignedDuration,
}

/// The UTC interval `[from, to)` of two local date-times in `zone`, if non-empty.
fn local_interval(zone: &TimeZone, from: DateTime, to: DateTime) -> Option<Interval> {
    let start = zone.to_timestamp(from).ok()?;
    let end = zone.to_timestamp(to).ok()?;
    Interval::new(start, end).ok()
}

/// The whole local day `date` in `zone` (23, 24 or 25 hours long).
pub fn local_day(zone: &TimeZone, date: Date) -> Option<Interval> {
    let next = date.tomorrow().ok()?;
    local_interval(zone, date.to_datetime(jiff::civil::Time::midnight()), next.to_datetime(jiff::civil::Time::midnight()))
}

/// The local dates (in the home zone) that can touch `window`, with a day of slack on each
/// side because another zone's day can start or end a day earlier or later.
fn dates_around(prefs: &Preferences, window: &Interval) -> impl Iterator<Item = Date> {
    let first = prefs.home_zone.to_datetime(window.start()).date().yesterday().ok();
    let last = prefs.home_zone.to_datetime(window.end()).date().tomorrow().ok();
    let mut next = first.zip(last).map(|(first, _)| first);
    core::iter::from_fn(move || {
        let date = next?;
        next = date.tomorrow().ok().filter(|_| Some(date) < last);
        Some(date)
    })
}

/// Start and length of each timed event that counts as a meeting, earliest first.
fn meetings(prefs: &Preferences, events: &[Event]) -> Vec<(Timestamp, i64)> {
    let mut starts: Vec<(Timestamp, i64)> = events
        .iter()
        .filter(|event| event.blocks(prefs.tentative_blocks))
        .filter_map(|event| match event.time {
            EventTime::Timed(interval) => Some((interval.start(), interval.duration().as_mins())),
            EventTime::AllDay { .. } => None,
        })
        .collect();
    starts.sort_unstable();
    starts
}

/// Whether one more meeting of `minutes` on the local day `day` stays within the caps.
fn within_caps(prefs: &Preferences, meetings: &[(Timestamp, i64)], day: &Interval, minutes: i64) -> bool {
    if prefs.max_meetings_per_day.is_none() && prefs.max_meeting_minutes_per_day.is_none() {
        return true;
    }
    let first = meetings.partition_point(|(start, _)| *start < day.start());
    let last = meetings.partition_point(|(start, _)| *start < day.end());
    let that_day = &meetings[first..last];
    let count_ok = prefs.max_meetings_per_day.is_none_or(|max| that_day.len() < max as usize);
    let booked: i64 = that_day.iter().map(|(_, length)| length).sum();
    let minutes_ok = prefs.max_meeting_minutes_per_day.is_none_or(|max| booked + minutes <= i64::from(max));
    count_ok && minutes_ok
}

impl Availability {
    /// The intervals in `window` where a meeting of `duration` could start and end, given
    /// the owner's `events` and `prefs`, at instant `now` (for the minimum notice).
    pub fn compute(prefs: &Preferences, events: &[Event], window: Interval, now: Timestamp, duration: SignedDuration) -> Availability {
        let meetings = meetings(prefs, events);
        let minutes = duration.as_mins();
        let mut working = Vec::new();
        let mut protected = Vec::new();
        for date in dates_around(prefs, &window) {
            let zone = prefs.zone_on(date);
            let Some(day) = local_day(zone, date) else { continue };
            if prefs.days_off.contains(&date) || !within_caps(prefs, &meetings, &day, minutes) {
                continue;
            }
            let weekday = date.weekday();
            for range in prefs.working_hours.on(weekday) {
                let (from, to) = range.on(date);
                working.extend(local_interval(zone, from, to));
            }
            for block in prefs.focus_blocks.iter().filter(|block| block.weekday == weekday) {
                let (from, to) = block.range.on(date);
                protected.extend(local_interval(zone, from, to));
            }
        }
        let blocked = blocked_time(prefs, events, &window);
        let earliest = now.checked_add(prefs.min_notice).unwrap_or(now).max(window.start());
        let free = match Interval::new(earliest, window.end()) {
            Ok(open) => IntervalSet::from_intervals(working)
                .difference(&IntervalSet::from_intervals(protected))
                .difference(&blocked)
                .clipped(&open)
                .without_parts_shorter_than(duration),
            Err(_) => IntervalSet::new(),
        };
        Availability { free, duration }
    }

    /// Availability straight from free time (for callers that computed it elsewhere).
    pub fn from_free(free: IntervalSet, duration: SignedDuration) -> Availability {
        Availability { free: free.without_parts_shorter_than(duration), duration }
    }

    /// Free time long enough for the meeting.
    pub fn free(&self) -> &IntervalSet {
        &self.free
    }

    /// The meeting length this availability was computed for.
    pub fn duration(&self) -> SignedDuration {
        self.duration
    }

    /// Whether `slot` has the meeting's length and fits entirely in free time.
    pub fn can_host(&self, slot: &Interval) -> bool {
        slot.duration() == self.duration && self.free.contains(slot)
    }

    /// Every slot of the meeting's length starting on a UTC multiple of `step` (15 minutes
    /// is a multiple of every zone offset in use), earliest first.
    pub fn slots(&self, step: SignedDuration) -> Vec<Interval> {
        let step_secs = step.as_secs().max(60);
        let mut slots = Vec::new();
        for part in self.free.iter() {
            let first = part.start().as_second().div_euclid(step_secs) * step_secs;
            let mut start = if first < part.start().as_second() { first + step_secs } else { first };
            while let Some(slot) = Timestamp::from_second(start).ok().and_then(|at| Interval::starting_at(at, self.duration).ok()) {
                if slot.end() > part.end() {
                    break;
                }
                slots.push(slot);
                start += step_secs;
            }
        }
        slots
    }
}

/// Time taken by events, widened so a new meeting keeps its buffers: a meeting needs
/// `buffer_before` free before it, so an event blocks `buffer_before` after its end, and
/// symmetrically `buffer_after` before its start.
fn blocked_time(prefs: &Preferences, events: &[Event], window: &Interval) -> IntervalSet {
    let reach = window.widened(SignedDuration::from_hours(48), SignedDuration::from_hours(48));
    let mut blocked = Vec::with_capacity(events.len());
    for event in events.iter().filter(|event| event.blocks(prefs.tentative_blocks)) {
        match event.time {
            EventTime::Timed(interval) => {
                if interval.overlaps(&reach) {
                    blocked.push(interval.widened(prefs.buffer_after, prefs.buffer_before));
                }
            }
            EventTime::AllDay { first, last } => {
                for date in dates_around(prefs, window).filter(|date| first <= *date && *date <= last) {
                    blocked.extend(local_day(prefs.zone_on(date), date));
                }
            }
        }
    }
    IntervalSet::from_intervals(blocked)
}
