//! The same events through each source give the agent the same availability.

mod support;

use agentnet_core::schedule::{Availability, Interval, Preferences};
use agentnet_platform::calendar::ics::parse_calendar;
use agentnet_platform::calendar::{CalendarSource, IcsCalendar, LocalCalendar, schedule_events};
use jiff::SignedDuration;
use support::{Fake, Recorder, client, fixture_events, start, tokens};

fn ts(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

async fn availability(source: &impl CalendarSource, prefs: &Preferences, window: Interval) -> Availability {
    let events = schedule_events(&source.list_events(window).await.unwrap());
    Availability::compute(prefs, &events, window, window.start(), SignedDuration::from_mins(30))
}

#[tokio::test]
async fn local_ics_and_google_give_the_same_availability() {
    let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
    let prefs = Preferences::office_hours(berlin.clone());
    let window = Interval::new(ts("2026-03-02T00:00:00Z"), ts("2026-04-27T00:00:00Z")).unwrap();
    let text = std::fs::read_to_string(format!("{}/tests/data/ics/google_export.ics", env!("CARGO_MANIFEST_DIR"))).unwrap();

    let ics = IcsCalendar::from_text("export", &text, berlin.clone()).unwrap();

    let local = LocalCalendar::in_memory(berlin.clone());
    for event in parse_calendar(&text).unwrap() {
        local.create_event(event).await.unwrap();
    }

    let server = start(Fake { access_token: "access-1".into(), events: fixture_events(), full_sync_token: "s1".into(), ..Fake::default() }).await;
    let google = client(&server, tokens("access-1", 3600), Recorder::default());
    google.sync().await.unwrap();

    let from_ics = availability(&ics, &prefs, window).await;
    let from_local = availability(&local, &prefs, window).await;
    let from_google = availability(&google, &prefs, window).await;
    assert_eq!(from_local, from_ics);
    assert_eq!(from_google, from_ics);

    // And the events matter: the standup blocks its slot, the cancelled occurrence and the
    // transparent birthday do not, the offsite blocks whole days.
    let empty = Availability::compute(&prefs, &[], window, window.start(), SignedDuration::from_mins(30));
    assert_ne!(from_ics, empty);
    let slot = |start: &str| Interval::starting_at(ts(start), SignedDuration::from_mins(30)).unwrap();
    assert!(empty.can_host(&slot("2026-03-09T08:00:00Z")));
    assert!(!from_ics.can_host(&slot("2026-03-09T08:00:00Z")), "standup 09:00 CET");
    assert!(!from_ics.can_host(&slot("2026-03-30T07:00:00Z")), "standup 09:00 CEST");
    assert!(from_ics.can_host(&slot("2026-03-23T08:00:00Z")), "cancelled occurrence");
    assert!(from_ics.can_host(&slot("2026-04-06T07:00:00Z")), "EXDATE");
    assert!(!from_ics.can_host(&slot("2026-03-17T13:00:00Z")), "moved occurrence");
    assert!(!from_ics.can_host(&slot("2026-03-25T13:00:00Z")), "offsite");
}
