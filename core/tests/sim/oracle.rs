//! Independent, deliberately naive rule checks: every rule re-read straight from the
//! preferences and raw events for one slot, with linear scans and no interval sets, so a
//! bug in the fast availability code cannot hide behind the same bug here.

use agentnet_core::schedule::{Event, EventTime, Interval, PartOfDay, Preferences, local_day};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

/// The first rule `slot` breaks for this owner, or `None` if it is fine.
pub fn broken_rule(prefs: &Preferences, events: &[Event], window: &Interval, now: Timestamp, slot: &Interval) -> Option<&'static str> {
    if !window.contains(slot) {
        return Some("outside the window");
    }
    if slot.start() < now.checked_add(prefs.min_notice).unwrap() {
        return Some("minimum notice");
    }
    let home = prefs.home_zone.to_datetime(slot.start()).date();
    let dates: Vec<Date> = [-1, 0, 1].iter().map(|d: &i64| home.checked_add(SignedDuration::from_hours(24 * d)).unwrap()).collect();
    // Working time of the usable days around the slot, merged by hand.
    let mut work: Vec<Interval> = Vec::new();
    for &date in &dates {
        let zone = prefs.zone_on(date);
        let day = local_day(zone, date).unwrap();
        if prefs.days_off.contains(&date) || !caps_allow(prefs, events, &day, slot.duration().as_mins()) {
            continue;
        }
        for range in prefs.working_hours.on(date.weekday()) {
            let (from, to) = range.on(date);
            work.push(Interval::new(zone.to_timestamp(from).unwrap(), zone.to_timestamp(to).unwrap()).unwrap());
        }
        for block in prefs.focus_blocks.iter().filter(|block| block.weekday == date.weekday()) {
            let (from, to) = block.range.on(date);
            let focus = Interval::new(zone.to_timestamp(from).unwrap(), zone.to_timestamp(to).unwrap()).unwrap();
            if focus.overlaps(slot) {
                return Some("focus block");
            }
        }
    }
    if !covered(&work, slot) {
        return Some("working hours, day off or daily cap");
    }
    let guarded = slot.widened(prefs.buffer_before, prefs.buffer_after);
    for event in events.iter().filter(|event| event.blocks(prefs.tentative_blocks)) {
        match event.time {
            EventTime::Timed(busy) if busy.overlaps(&guarded) => return Some("busy time or buffer"),
            EventTime::Timed(_) => {}
            EventTime::AllDay { first, last } => {
                for &date in dates.iter().filter(|date| first <= **date && **date <= last) {
                    if local_day(prefs.zone_on(date), date).unwrap().overlaps(slot) {
                        return Some("all-day event");
                    }
                }
            }
        }
    }
    None
}

fn caps_allow(prefs: &Preferences, events: &[Event], day: &Interval, minutes: i64) -> bool {
    let mut count = 0u32;
    let mut booked = 0i64;
    for event in events.iter().filter(|event| event.blocks(prefs.tentative_blocks)) {
        if let EventTime::Timed(interval) = event.time
            && day.contains_instant(interval.start())
        {
            count += 1;
            booked += interval.duration().as_mins();
        }
    }
    prefs.max_meetings_per_day.is_none_or(|max| count < max)
        && prefs.max_meeting_minutes_per_day.is_none_or(|max| booked + minutes <= i64::from(max))
}

/// Whether `slot` is inside the union of `parts` (which may overlap or touch).
fn covered(parts: &[Interval], slot: &Interval) -> bool {
    let mut reach = slot.start();
    loop {
        let next = parts.iter().filter(|part| part.start() <= reach && part.end() > reach).map(Interval::end).max();
        match next {
            Some(end) if end >= slot.end() => return true,
            Some(end) => reach = end,
            None => return false,
        }
    }
}

/// What of the organiser's request `slot` ignores: the part of day or the day a move asked
/// for, read on the local clock of wherever the organiser is on that day (travel included).
pub fn outside_request(prefs: &Preferences, part: Option<PartOfDay>, day: Option<Date>, slot: &Interval) -> Option<&'static str> {
    let (from, to) = match part {
        None => (0, 24 * 60),
        Some(PartOfDay::Morning) => (0, 12 * 60),
        Some(PartOfDay::Afternoon) => (12 * 60, 17 * 60),
        Some(PartOfDay::Evening) => (17 * 60, 24 * 60),
    };
    let home = prefs.home_zone.to_datetime(slot.start()).date();
    let fits_on = |date: Date| {
        let zone = prefs.zone_on(date);
        let start = zone.to_datetime(slot.start());
        let minutes = (slot.end().as_second() - slot.start().as_second()) / 60;
        let start_minute = i64::from(start.hour()) * 60 + i64::from(start.minute());
        // Wall-clock end from the start's wall clock and the length: a DST jump inside the
        // meeting is not a reason to call it outside the part.
        start.date() == date && start_minute >= from && start_minute + minutes <= to
    };
    let dates = [-1i64, 0, 1].map(|d| home.checked_add(SignedDuration::from_hours(24 * d)).unwrap());
    let usable: Vec<Date> = dates.into_iter().filter(|date| day.is_none_or(|day| day == *date)).collect();
    if usable.is_empty() {
        return Some("not on the day asked for");
    }
    (!usable.into_iter().any(fits_on)).then_some("outside the part of day (or day) asked for")
}
