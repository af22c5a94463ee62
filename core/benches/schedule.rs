//! Availability for one busy owner, and a 10-party common-slot search.

use agentnet_core::schedule::{Availability, Event, Interval, Preferences, SLOT_STEP};
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

const ZONES: [&str; 5] = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"];

/// 500 deterministic events over the four weeks (a simple LCG: no dev-dependency on rand).
fn events(seed: u64, start: Timestamp) -> Vec<Event> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move |bound: i64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as i64).rem_euclid(bound)
    };
    (0..500)
        .map(|_| {
            let at = start.checked_add(SignedDuration::from_mins(next(28 * 96) * 15)).unwrap();
            Event::busy(Interval::starting_at(at, SignedDuration::from_mins((1 + next(4)) * 15)).unwrap())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let start: Timestamp = "2026-03-02T00:00:00Z".parse().unwrap();
    let window = Interval::starting_at(start, SignedDuration::from_hours(28 * 24)).unwrap();
    let owners: Vec<(Preferences, Vec<Event>)> = (0..10)
        .map(|i| (Preferences::office_hours(TimeZone::get(ZONES[i % ZONES.len()]).unwrap()), events(i as u64, start)))
        .collect();
    let duration = SignedDuration::from_mins(30);
    c.bench_function("availability_500_events_4_weeks", |b| {
        let (prefs, events) = &owners[0];
        b.iter(|| Availability::compute(prefs, events, window, start, duration))
    });
    c.bench_function("common_slot_10_parties_500_events", |b| {
        b.iter(|| {
            let mut common = Availability::compute(&owners[0].0, &owners[0].1, window, start, duration).free().clone();
            for (prefs, events) in &owners[1..] {
                common = common.intersection(Availability::compute(prefs, events, window, start, duration).free());
            }
            Availability::from_free(common, duration).slots(SLOT_STEP)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
