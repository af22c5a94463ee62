//! Availability rules at the edges: DST both ways in several zones, all-day events,
//! travel zones, minimum notice, buffers and caps.

use agentnet_core::schedule::{Availability, Event, EventStatus, EventTime, Interval, Preferences, Travel};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// One local day's availability for a one-hour meeting, seen from the day before.
fn day(prefs: &Preferences, events: &[Event], on: Date) -> Vec<(String, String)> {
    let start = prefs.zone_on(on).to_timestamp(on.to_datetime(jiff::civil::Time::midnight())).unwrap();
    let window = Interval::starting_at(start, SignedDuration::from_hours(24)).unwrap();
    let now = start.checked_sub(SignedDuration::from_hours(24)).unwrap();
    let free = Availability::compute(prefs, events, window, now, SignedDuration::from_hours(1));
    free.free().iter().map(|part| (part.start().to_string(), part.end().to_string())).collect()
}

fn span(from: &str, to: &str) -> (String, String) {
    (ts(from).to_string(), ts(to).to_string())
}

#[test]
fn berlin_nine_to_five_stays_local_across_both_dst_switches() {
    let prefs = Preferences::office_hours(zone("Europe/Berlin"));
    // Friday before spring forward (UTC+1), Monday after (UTC+2).
    assert_eq!(day(&prefs, &[], date(2026, 3, 27)), [span("2026-03-27T08:00Z", "2026-03-27T16:00Z")]);
    assert_eq!(day(&prefs, &[], date(2026, 3, 30)), [span("2026-03-30T07:00Z", "2026-03-30T15:00Z")]);
    // Fall back on 25 October: Monday 26th is UTC+1 again.
    assert_eq!(day(&prefs, &[], date(2026, 10, 23)), [span("2026-10-23T07:00Z", "2026-10-23T15:00Z")]);
    assert_eq!(day(&prefs, &[], date(2026, 10, 26)), [span("2026-10-26T08:00Z", "2026-10-26T16:00Z")]);
}

#[test]
fn new_york_and_sydney_switch_in_opposite_directions() {
    let new_york = Preferences::office_hours(zone("America/New_York"));
    // Spring forward 8 March 2026: EST (UTC-5) to EDT (UTC-4).
    assert_eq!(day(&new_york, &[], date(2026, 3, 6)), [span("2026-03-06T14:00Z", "2026-03-06T22:00Z")]);
    assert_eq!(day(&new_york, &[], date(2026, 3, 9)), [span("2026-03-09T13:00Z", "2026-03-09T21:00Z")]);
    let sydney = Preferences::office_hours(zone("Australia/Sydney"));
    // Sydney falls back on 5 April 2026 (UTC+11 to UTC+10) and springs forward on 4 October.
    assert_eq!(day(&sydney, &[], date(2026, 4, 3)), [span("2026-04-02T22:00Z", "2026-04-03T06:00Z")]);
    assert_eq!(day(&sydney, &[], date(2026, 4, 6)), [span("2026-04-05T23:00Z", "2026-04-06T07:00Z")]);
    assert_eq!(day(&sydney, &[], date(2026, 10, 5)), [span("2026-10-04T22:00Z", "2026-10-05T06:00Z")]);
}

#[test]
fn working_hours_through_the_missing_and_the_repeated_hour() {
    // Someone who works 01:00-04:00 on the night of the switch (a night shift).
    let mut prefs = Preferences::office_hours(zone("Europe/Berlin"));
    let night = agentnet_core::schedule::LocalRange::hm(1, 0, 4, 0).unwrap();
    prefs.working_hours.set(jiff::civil::Weekday::Sunday, vec![night]);
    // 29 March: 02:00-03:00 does not exist, so the shift lasts two real hours.
    assert_eq!(day(&prefs, &[], date(2026, 3, 29)), [span("2026-03-29T00:00Z", "2026-03-29T02:00Z")]);
    // 25 October: 02:00-03:00 happens twice, so the shift lasts four real hours.
    assert_eq!(day(&prefs, &[], date(2026, 10, 25)), [span("2026-10-24T23:00Z", "2026-10-25T03:00Z")]);
}

#[test]
fn all_day_events_block_the_local_day_unless_transparent() {
    let prefs = Preferences::office_hours(zone("America/New_York"));
    let holiday = Event::busy_days(date(2026, 3, 9), date(2026, 3, 10));
    assert!(day(&prefs, &[holiday], date(2026, 3, 9)).is_empty());
    assert!(day(&prefs, &[holiday], date(2026, 3, 10)).is_empty());
    assert_eq!(day(&prefs, &[holiday], date(2026, 3, 11)).len(), 1);
    let birthday = Event { time: EventTime::AllDay { first: date(2026, 3, 9), last: date(2026, 3, 9) }, status: EventStatus::Free };
    assert_eq!(day(&prefs, &[birthday], date(2026, 3, 9)), [span("2026-03-09T13:00Z", "2026-03-09T21:00Z")]);
}

#[test]
fn travel_moves_working_hours_into_the_travel_zone() {
    let mut prefs = Preferences::office_hours(zone("Europe/Berlin"));
    prefs.travel.push(Travel { first_day: date(2026, 6, 8), last_day: date(2026, 6, 10), zone: zone("America/New_York") });
    // Before the trip: Berlin summer time (UTC+2).
    assert_eq!(day(&prefs, &[], date(2026, 6, 5)), [span("2026-06-05T07:00Z", "2026-06-05T15:00Z")]);
    // During: 9-17 in New York (UTC-4).
    assert_eq!(day(&prefs, &[], date(2026, 6, 9)), [span("2026-06-09T13:00Z", "2026-06-09T21:00Z")]);
    // Back home.
    assert_eq!(day(&prefs, &[], date(2026, 6, 11)), [span("2026-06-11T07:00Z", "2026-06-11T15:00Z")]);
}

#[test]
fn minimum_notice_hides_the_near_future() {
    let mut prefs = Preferences::office_hours(zone("UTC"));
    prefs.min_notice = SignedDuration::from_hours(4);
    let window = Interval::new(ts("2026-02-02T00:00Z"), ts("2026-02-03T00:00Z")).unwrap();
    let now = ts("2026-02-02T10:20Z");
    let free = Availability::compute(&prefs, &[], window, now, SignedDuration::from_mins(30));
    assert_eq!(free.free().as_slice(), &[Interval::new(ts("2026-02-02T14:20Z"), ts("2026-02-02T17:00Z")).unwrap()]);
    let first = free.slots(SignedDuration::from_mins(15))[0];
    assert_eq!(first.start(), ts("2026-02-02T14:30Z"), "slots start on the quarter-hour grid");
}

#[test]
fn buffers_surround_meetings_and_caps_close_full_days() {
    let mut prefs = Preferences::office_hours(zone("UTC"));
    prefs.buffer_before = SignedDuration::from_mins(15);
    prefs.buffer_after = SignedDuration::from_mins(10);
    let meeting = Event::busy(Interval::new(ts("2026-02-02T12:00Z"), ts("2026-02-02T13:00Z")).unwrap());
    assert_eq!(
        day(&prefs, &[meeting], date(2026, 2, 2)),
        [span("2026-02-02T09:00Z", "2026-02-02T11:50Z"), span("2026-02-02T13:15Z", "2026-02-02T17:00Z")]
    );
    prefs.max_meetings_per_day = Some(1);
    assert!(day(&prefs, &[meeting], date(2026, 2, 2)).is_empty());
    prefs.max_meetings_per_day = None;
    prefs.max_meeting_minutes_per_day = Some(90);
    assert!(day(&prefs, &[meeting], date(2026, 2, 2)).is_empty(), "60 booked + 60 more > 90");
}
