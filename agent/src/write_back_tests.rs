//! Write-back to Google Calendar, against a local server speaking Calendar v3: bookings,
//! moves and cancellations become insert, patch and delete; a resync does not count the
//! agent's own events twice; a failing write is retried, reported, and written later.
//!
//! The calendar is changed the way `advance` changes it when a negotiation books, moves
//! or calls off a meeting (`records.calendar.book` / `remove`); the negotiations
//! themselves are exercised end to end by the CLI's CalDAV test.

#[path = "../../platform/tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use agentnet_core::crypto::vault::KdfParams;
use agentnet_platform::calendar::{CalendarEvent, Person};
use agentnet_platform::llm::Understand;
use agentnet_platform::store::SqliteStore;
use jiff::Timestamp;
use support::{Fake, Running, start};

use crate::{Agent, GoogleClient, GoogleEndpoints, NewProfile, Remote};

async fn agent() -> Agent<Arc<SqliteStore>> {
    let store = Arc::new(SqliteStore::open_in_memory().await.unwrap());
    let profile = NewProfile { name: "Ann".into(), zone: "UTC".into(), relay: "ws://127.0.0.1:1/ws".into() };
    Agent::create(store.clone(), b"pass", profile, KdfParams { m_kib: 64, t: 1, p: 1 }).await.unwrap();
    Agent::open(store, b"pass", false, Understand::offline()).await.unwrap()
}

async fn connected(agent: &Agent<Arc<SqliteStore>>) -> Running {
    let server = start(Fake { full_sync_token: "s1".into(), ..Fake::default() }).await;
    let endpoints = GoogleEndpoints {
        auth_url: format!("{}/auth", server.base),
        token_url: format!("{}/token", server.base),
        api_base: format!("{}/calendar/v3", server.base),
        revoke_url: format!("{}/revoke", server.base),
    };
    let client = GoogleClient { client_id: "client-1".into(), client_secret: None, redirect_uri: "http://127.0.0.1:1/".into(), endpoints };
    let authorization = agent.start_google(client).await.unwrap();
    let url = reqwest::Url::parse(&authorization.url).unwrap();
    server.fake.lock().unwrap().challenge = Some(url.query_pairs().find(|(key, _)| key == "code_challenge").unwrap().1.into_owned());
    agent.finish_google("the-code", &authorization.state).await.unwrap();
    server
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn meeting(start: &str, end: &str) -> CalendarEvent {
    let mut event = CalendarEvent::timed("4f2a@agentnet", "Budget review", ts(start), ts(end));
    event.attendees.push(Person::named("Bob", "0123456789abcdef@agentnet"));
    event
}

fn google_id() -> String {
    hex::encode("4f2a@agentnet")
}

#[tokio::test]
async fn book_move_and_cancel_become_insert_patch_and_delete() {
    let ann = agent().await;
    let server = connected(&ann).await;

    ann.records.calendar.book(meeting("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z")).await.unwrap();
    ann.write_back_when_due().await.unwrap();
    {
        let fake = server.fake.lock().unwrap();
        let copy = &fake.events[&google_id()];
        assert_eq!(copy["summary"], "Budget review");
        assert_eq!(copy["start"]["dateTime"], "2026-03-02T15:00:00Z");
        assert_eq!(copy["extendedProperties"]["private"]["agentnetBooking"], "4f2a@agentnet");
        assert!(copy["attendees"].is_null(), "agentnet ids are not mailed: {copy}");
        assert!(copy["description"].as_str().unwrap().contains("With Bob."), "{copy}");
    }
    assert_eq!(ann.write_back_status(Remote::Google).await.unwrap().written, 1);

    // Nothing changed: nothing is sent.
    let calls = server.fake.lock().unwrap().log.len();
    ann.write_back_when_due().await.unwrap();
    assert_eq!(server.fake.lock().unwrap().log.len(), calls);

    // A resync brings the copy back from Google and leaves it out: one event, not two.
    ann.sync_google().await.unwrap();
    let records = ann.records.calendar.records().await.unwrap();
    assert_eq!(records.len(), 1, "{records:?}");

    ann.records.calendar.book(meeting("2026-03-02T16:00:00Z", "2026-03-02T16:30:00Z")).await.unwrap();
    ann.write_back_when_due().await.unwrap();
    assert!(server.fake.lock().unwrap().log.last().unwrap().starts_with(&format!("PATCH /calendars/primary/events/{}", google_id())));
    assert_eq!(server.fake.lock().unwrap().events[&google_id()]["start"]["dateTime"], "2026-03-02T16:00:00Z");

    ann.records.calendar.remove("4f2a@agentnet").await.unwrap();
    ann.write_back_when_due().await.unwrap();
    assert!(server.fake.lock().unwrap().log.last().unwrap().starts_with(&format!("DELETE /calendars/primary/events/{}", google_id())));
    assert!(server.fake.lock().unwrap().events.is_empty());
    assert_eq!(ann.write_back_status(Remote::Google).await.unwrap(), crate::WriteBackStatus::default());
}

#[tokio::test]
async fn a_failing_write_is_retried_then_reported_then_written_when_google_is_back() {
    let ann = agent().await;
    let server = connected(&ann).await;
    server.fake.lock().unwrap().failures = [503, 503, 503, 503, 503].into();

    ann.records.calendar.book(meeting("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z")).await.unwrap();
    ann.write_back_when_due().await.unwrap();
    let inserts = server.fake.lock().unwrap().log.iter().filter(|line| line.starts_with("POST /calendars/primary/events")).count();
    assert_eq!(inserts, 5, "the client retried with backoff before giving up");
    let status = ann.write_back_status(Remote::Google).await.unwrap();
    assert_eq!(status.written, 0);
    assert_eq!(status.failing.len(), 1, "{status:?}");
    assert_eq!(status.failing[0].0, "Budget review");
    assert!(status.failing[0].1.contains("503"), "{status:?}");

    // Not tried again before its pause is over…
    ann.write_back_when_due().await.unwrap();
    assert!(server.fake.lock().unwrap().events.is_empty());
    // …and written once it is.
    let mut ledger = ann.records.write_back.ledger(Remote::Google).await.unwrap();
    ledger.entries.values_mut().for_each(|entry| entry.retry_at_ms = 0);
    ann.records.write_back.save(Remote::Google, &ledger).await.unwrap();
    ann.write_back_when_due().await.unwrap();
    assert!(server.fake.lock().unwrap().events.contains_key(&google_id()));
    let status = ann.write_back_status(Remote::Google).await.unwrap();
    assert_eq!((status.written, status.pending, status.failing.len()), (1, 0, 0));
}

#[tokio::test]
async fn bookings_move_to_the_calendar_the_owner_picks() {
    let ann = agent().await;
    let server = connected(&ann).await;
    ann.records.calendar.book(meeting("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z")).await.unwrap();
    ann.write_back_when_due().await.unwrap();
    assert!(server.fake.lock().unwrap().events.contains_key(&google_id()), "first in the primary calendar");

    let projects = "projects@group.calendar.google.com";
    ann.choose_google_calendars(&["alice@example.com".to_owned()], projects).await.unwrap();
    assert!(server.fake.lock().unwrap().events.is_empty(), "removed from the calendar it left");
    ann.write_back_when_due().await.unwrap();
    let mut fake = server.fake.lock().unwrap();
    assert_eq!(fake.events_of(projects)[&google_id()]["summary"], "Budget review", "written to the one chosen");
}
