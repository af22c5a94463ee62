//! Expanding a year-long calendar (50 recurring series, 2,000 single events) into a
//! 4-week window, as the agent does before each availability computation.

use agentnet_core::schedule::Interval;
use agentnet_platform::calendar::recur::Rule;
use agentnet_platform::calendar::{CalendarEvent, EventTime, expand};
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, ToSpan};

fn calendar() -> Vec<CalendarEvent> {
    let zones: Vec<TimeZone> = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"].iter().map(|name| jiff::tz::db().get(name).unwrap()).collect();
    let rules = [
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=TU,TH",
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=WEEKLY;COUNT=60;BYDAY=FR",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=6;BYDAY=2TU",
    ];
    let mut events = Vec::new();
    for series in 0..50 {
        let zone = zones[series % zones.len()].clone();
        let start = date(2025, 6, 2 + (series % 20) as i8).at(8 + (series % 9) as i8, 0, 0, 0).to_zoned_datetime(zone).unwrap();
        let end = start.checked_add(45.minutes()).unwrap();
        let mut event = CalendarEvent::new(format!("series-{series}"), format!("Series {series}"), EventTime::Zoned(start.clone()), EventTime::Zoned(end));
        event.recurrence.rules.push(Rule::parse(rules[series % rules.len()]).unwrap());
        event.recurrence.exceptions.push(EventTime::Zoned(start.checked_add(7.days()).unwrap()));
        events.push(event);
    }
    let first = jiff::Timestamp::from_second(1_748_736_000).unwrap(); // 2025-06-01
    for single in 0..2000i64 {
        let start = first.checked_add(SignedDuration::from_mins(single * 263)).unwrap();
        events.push(CalendarEvent::timed(format!("single-{single}"), "Meeting", start, start.checked_add(SignedDuration::from_mins(30)).unwrap()));
    }
    events
}

fn bench(c: &mut Criterion) {
    let events = calendar();
    let zone = jiff::tz::db().get("Europe/Berlin").unwrap();
    let window = Interval::new("2026-03-02T00:00:00Z".parse().unwrap(), "2026-03-30T00:00:00Z".parse().unwrap()).unwrap();
    let count = expand(&events, window, &zone).len();
    assert!(count > 300, "the window holds a realistic number of occurrences: {count}");
    c.bench_function("expand 50 series + 2000 singles into 4 weeks", |b| b.iter(|| expand(std::hint::black_box(&events), window, &zone)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
