//! Random but reproducible worlds: owners with zones, preferences and calendars.

use agentnet_core::schedule::{
    ContactPolicy, ContactSettings, Event, EventStatus, EventTime, FocusBlock, Interval, LocalRange, PartOfDay, Preferences, Travel,
    WeeklyHours,
};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand09::Rng;
use rand09::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

/// Zones with DST both ways, half- and quarter-hour offsets, and none at all.
pub const ZONES: [&str; 10] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "UTC",
];

/// One simulated owner.
#[derive(Debug, Clone)]
pub struct Owner {
    pub prefs: Preferences,
    pub events: Vec<Event>,
    /// Policy towards the organiser (participants only).
    pub policy: ContactPolicy,
    /// Slots this owner may reveal to any one contact.
    pub budget: u32,
    /// Whether this owner approves when asked.
    pub approves: bool,
    pub past_burden: f64,
}

/// One negotiation to run.
#[derive(Debug, Clone)]
pub struct World {
    pub now: Timestamp,
    pub window: Interval,
    pub duration: SignedDuration,
    /// The part of day the organiser asked for, if any ("mornings").
    pub part: Option<PartOfDay>,
    /// Owner 0 organises.
    pub owners: Vec<Owner>,
    pub batch_size: usize,
    /// Probability a message is lost.
    pub loss: f64,
    /// Probability a message is delivered twice.
    pub duplication: f64,
}

fn zone(rng: &mut ChaCha8Rng) -> TimeZone {
    TimeZone::get(ZONES.choose(rng).unwrap()).unwrap()
}

fn range(rng: &mut ChaCha8Rng, from_hour: u16, to_hour: u16, min_len: u16, max_len: u16) -> LocalRange {
    let start = rng.random_range(from_hour * 4..to_hour * 4) * 15;
    let len = rng.random_range(min_len / 15..=max_len / 15) * 15;
    LocalRange::new(start, (start + len).min(24 * 60)).unwrap()
}

fn working_hours(rng: &mut ChaCha8Rng) -> WeeklyHours {
    let start = rng.random_range(7 * 4..=10 * 4) * 15;
    let end = rng.random_range(15 * 4..=19 * 4) * 15;
    let ranges = if rng.random_bool(0.4) {
        // A lunch break that never touches either side, so the ranges stay apart.
        let lunch = rng.random_range(12 * 4..13 * 4) * 15;
        vec![LocalRange::new(start, lunch).unwrap(), LocalRange::new(lunch + 45, end).unwrap()]
    } else {
        vec![LocalRange::new(start, end).unwrap()]
    };
    let mut hours = WeeklyHours::weekdays(&ranges);
    if rng.random_bool(0.15) {
        hours.set(Weekday::Saturday, vec![range(rng, 9, 12, 60, 180)]);
    }
    hours
}

fn date_in(rng: &mut ChaCha8Rng, window: &Interval, zone: &TimeZone) -> Date {
    let span = window.duration().as_secs();
    let at = window.start().checked_add(SignedDuration::from_secs(rng.random_range(0..span))).unwrap();
    zone.to_datetime(at).date()
}

fn preferences(rng: &mut ChaCha8Rng, window: &Interval, team_zones: &[TimeZone]) -> Preferences {
    let home = team_zones.choose(rng).unwrap().clone();
    let mut prefs = Preferences::office_hours(home.clone());
    prefs.working_hours = working_hours(rng);
    let buffers = [0, 0, 5, 10, 15];
    prefs.buffer_before = SignedDuration::from_mins(*buffers.choose(rng).unwrap());
    prefs.buffer_after = SignedDuration::from_mins(*buffers.choose(rng).unwrap());
    prefs.min_notice = SignedDuration::from_hours(rng.random_range(0..=24));
    if rng.random_bool(0.3) {
        prefs.max_meetings_per_day = Some(rng.random_range(3..=8));
    }
    if rng.random_bool(0.3) {
        prefs.max_meeting_minutes_per_day = Some(rng.random_range(4..=12) * 30);
    }
    for _ in 0..rng.random_range(0..=2) {
        let weekday = Weekday::from_monday_zero_offset(rng.random_range(0..5)).unwrap();
        prefs.focus_blocks.push(FocusBlock { weekday, range: range(rng, 8, 16, 60, 150) });
    }
    let parts = [PartOfDay::Morning, PartOfDay::Afternoon, PartOfDay::Evening];
    prefs.preferred_parts = parts.iter().filter(|_| rng.random_bool(0.3)).copied().collect();
    for _ in 0..rng.random_range(0..=2) {
        prefs.days_off.push(date_in(rng, window, &home));
    }
    if rng.random_bool(0.2) {
        let first_day = date_in(rng, window, &home);
        let last_day = first_day.checked_add(SignedDuration::from_hours(24 * rng.random_range(1..5))).unwrap();
        prefs.travel.push(Travel { first_day, last_day, zone: zone(rng) });
    }
    prefs.tentative_blocks = rng.random_bool(0.7);
    prefs
}

fn status(rng: &mut ChaCha8Rng) -> EventStatus {
    match rng.random_range(0..10) {
        0 => EventStatus::Tentative,
        1 => EventStatus::Free,
        _ => EventStatus::Busy,
    }
}

/// Up to 500 occurrences over eight weeks around now: expanded weekly and daily series,
/// one-off meetings (mostly in working hours, some anywhere) and a few all-day events.
fn calendar(rng: &mut ChaCha8Rng, prefs: &Preferences, now: Timestamp) -> Vec<Event> {
    let target = rng.random_range(0..=500usize);
    let span_start = now.checked_sub(SignedDuration::from_hours(7 * 24)).unwrap();
    let span_days = 56;
    let first_date = prefs.home_zone.to_datetime(span_start).date();
    let mut events = Vec::with_capacity(target);
    let local_event = |date: Date, minute: i64, length: i64| {
        let start = date.to_datetime(jiff::civil::Time::midnight()).checked_add(SignedDuration::from_mins(minute)).unwrap();
        let start = prefs.zone_on(date).to_timestamp(start).unwrap();
        Interval::starting_at(start, SignedDuration::from_mins(length)).unwrap()
    };
    // Series, expanded the way a calendar layer would: same local time every occurrence.
    while events.len() < target / 2 {
        let every_days = if rng.random_bool(0.7) { 7 } else { 1 };
        let minute = rng.random_range(8 * 4..18 * 4) * 15;
        let length = rng.random_range(1..=6) * 15;
        let offset = rng.random_range(0..every_days);
        let event_status = status(rng);
        let mut day = offset;
        while day < span_days && events.len() < target / 2 {
            let date = first_date.checked_add(SignedDuration::from_hours(24 * day)).unwrap();
            if every_days == 7 || date.weekday().to_monday_zero_offset() < 5 {
                // Exceptions as a calendar keeps them: an occurrence taken out (EXDATE) or
                // moved by an hour or two (RECURRENCE-ID).
                match rng.random_range(0..20) {
                    0 => {}
                    1 => {
                        let shift = 60 * rng.random_range(-2..=2i64);
                        events.push(Event { time: EventTime::Timed(local_event(date, minute + shift, length)), status: event_status });
                    }
                    _ => events.push(Event { time: EventTime::Timed(local_event(date, minute, length)), status: event_status }),
                }
            }
            day += every_days;
        }
    }
    while events.len() < target {
        let date = first_date.checked_add(SignedDuration::from_hours(24 * rng.random_range(0..span_days))).unwrap();
        if rng.random_bool(0.01) {
            let last = date.checked_add(SignedDuration::from_hours(24 * rng.random_range(0..3))).unwrap();
            events.push(Event { time: EventTime::AllDay { first: date, last }, status: status(rng) });
            continue;
        }
        let minute = if rng.random_bool(0.85) { rng.random_range(7 * 4..19 * 4) } else { rng.random_range(0..96) } * 15;
        let length = rng.random_range(1..=8) * 15;
        events.push(Event { time: EventTime::Timed(local_event(date, minute, length)), status: status(rng) });
    }
    events
}

impl World {
    /// The world of one seed.
    pub fn generate(rng: &mut ChaCha8Rng, lossy: bool) -> World {
        let base: Timestamp = "2026-01-05T00:00:00Z".parse().unwrap();
        let now = base.checked_add(SignedDuration::from_mins(rng.random_range(0..365 * 24 * 60))).unwrap();
        let window = Interval::starting_at(now, SignedDuration::from_hours(14 * 24)).unwrap();
        let parties = if rng.random_bool(0.5) { 2 } else { rng.random_range(3..=10) };
        // People who meet work in one to three zones (any of the ten), as teams do; owners
        // drawn from all ten at once rarely share an hour, which would leave few runs with
        // a common slot to find.
        let team_zones: Vec<TimeZone> = (0..rng.random_range(1..=3)).map(|_| zone(rng)).collect();
        let owners = (0..parties)
            .map(|_| {
                let prefs = preferences(rng, &window, &team_zones);
                let events = calendar(rng, &prefs, now);
                let policy = match rng.random_range(0..20) {
                    0 => ContactPolicy::Never,
                    1..=5 => ContactPolicy::AskFirst,
                    _ => ContactPolicy::AutoAccept,
                };
                Owner {
                    prefs,
                    events,
                    policy,
                    budget: ContactSettings::default().disclosure_budget,
                    approves: rng.random_bool(0.9),
                    past_burden: rng.random_range(0.0..3.0),
                }
            })
            .collect();
        let part = match rng.random_range(0..10) {
            0..=1 => Some(PartOfDay::Morning),
            2..=3 => Some(PartOfDay::Afternoon),
            _ => None,
        };
        World {
            now,
            window,
            part,
            duration: SignedDuration::from_mins(*[30, 45, 60].choose(rng).unwrap()),
            owners,
            batch_size: rng.random_range(3..=6),
            loss: if lossy { rng.random_range(0.0..0.3) } else { 0.0 },
            duplication: if lossy { 0.05 } else { 0.0 },
        }
    }
}
