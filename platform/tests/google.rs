//! The Google Calendar client against a local server speaking Calendar v3's JSON.

mod support;

use std::time::Duration;

use agentnet_core::schedule::Interval;
use agentnet_platform::calendar::google::{LoopbackListener, Pkce, authorization_url, exchange_code, new_state};
use agentnet_platform::calendar::google::Secret;
use agentnet_platform::calendar::{CalendarError, CalendarEvent, CalendarSource, Person, WriteBack};
use serde_json::json;
use support::{Fake, Recorder, client, fixture_events, oauth, start, tokens};

fn ts(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

fn window(from: &str, to: &str) -> Interval {
    Interval::new(ts(from), ts(to)).unwrap()
}

#[tokio::test]
async fn code_exchange_checks_the_pkce_verifier() {
    let server = start(Fake::default()).await;
    let config = oauth(&server);
    let pkce = Pkce::new().unwrap();
    let url = reqwest::Url::parse(&authorization_url(&config, &pkce, &new_state().unwrap()).unwrap()).unwrap();
    let challenge = url.query_pairs().find(|(k, _)| k == "code_challenge").unwrap().1.into_owned();
    server.fake.lock().unwrap().challenge = Some(challenge);

    let http = reqwest::Client::new();
    let wrong = exchange_code(&http, &config, "the-code", &Pkce::from_verifier("not-the-verifier-not-the-verifier-000000000")).await;
    assert!(matches!(wrong, Err(CalendarError::Auth { ref reason }) if reason.starts_with("invalid_grant")), "{wrong:?}");

    let tokens = exchange_code(&http, &config, "the-code", &pkce).await.unwrap();
    assert_eq!(tokens.access_token.expose(), "access-1");
    assert_eq!(tokens.refresh_token.as_ref().unwrap().expose(), "refresh-1");
    assert!(!tokens.expired(jiff::Timestamp::now()));
    assert!(!format!("{tokens:?}").contains("access-1"), "tokens are redacted in Debug");
}

#[tokio::test]
async fn loopback_listener_returns_the_code_and_rejects_a_forged_state() {
    let listener = LoopbackListener::bind().await.unwrap();
    let redirect = listener.redirect_uri().to_owned();
    assert!(redirect.starts_with("http://127.0.0.1:"));
    let waiting = tokio::spawn(listener.wait_for_code("state-1"));
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{redirect}favicon.ico")).send().await.unwrap().status(), 404);
    let page = http.get(format!("{redirect}?state=state-1&code=4%2F0Abc&scope=x")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(waiting.await.unwrap().unwrap(), "4/0Abc");

    let listener = LoopbackListener::bind().await.unwrap();
    let redirect = listener.redirect_uri().to_owned();
    let waiting = tokio::spawn(listener.wait_for_code("state-1"));
    http.get(format!("{redirect}?state=forged&code=x")).send().await.unwrap();
    assert!(matches!(waiting.await.unwrap(), Err(CalendarError::Auth { .. })));
}

#[tokio::test]
async fn sync_pages_then_goes_incremental_then_resyncs_after_410() {
    let mut fake = Fake { access_token: "access-1".into(), events: fixture_events(), full_sync_token: "s1".into(), ..Fake::default() };
    let mut moved = fake.events["lunch"].clone();
    moved["start"] = json!({"dateTime": "2026-03-12T12:00:00Z"});
    moved["end"] = json!({"dateTime": "2026-03-12T12:30:00Z"});
    fake.deltas.insert("s1".into(), (vec![moved, json!({"id": "offsite", "status": "cancelled"})], "s2".into()));
    fake.expired.insert("s2".into());
    let server = start(fake).await;
    let calendar = client(&server, tokens("access-1", 3600), Recorder::default());

    let first = calendar.sync().await.unwrap();
    assert_eq!((first.changed, first.removed, first.full_resync), (6, 0, false));
    let pages: Vec<String> = server.fake.lock().unwrap().log.clone();
    assert_eq!(pages, ["GET /calendars/primary/events?maxResults=250", "GET /calendars/primary/events?maxResults=250&pageToken=page-1", "GET /calendars/primary/events?maxResults=250&pageToken=page-2"]);

    let second = calendar.sync().await.unwrap();
    assert_eq!((second.changed, second.removed, second.full_resync), (1, 1, false));
    assert_eq!(server.fake.lock().unwrap().log.last().unwrap(), "GET /calendars/primary/events?maxResults=250&syncToken=s1");
    let march = window("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    let occurrences = calendar.list_events(march).await.unwrap();
    assert!(!occurrences.iter().any(|o| o.summary == "Team offsite"));
    let lunch = occurrences.iter().find(|o| o.summary == "Maybe lunch").unwrap();
    assert_eq!(lunch.time, agentnet_platform::calendar::OccurrenceTime::Timed(window("2026-03-12T12:00:00Z", "2026-03-12T12:30:00Z")));

    // s2 has expired: 410, then a full sync from scratch brings the server's state back.
    let third = calendar.sync().await.unwrap();
    assert!(third.full_resync);
    assert_eq!(third.changed, 6);
    let log = server.fake.lock().unwrap().log.clone();
    assert_eq!(&log[log.len() - 4..], [
        "GET /calendars/primary/events?maxResults=250&syncToken=s2",
        "GET /calendars/primary/events?maxResults=250",
        "GET /calendars/primary/events?maxResults=250&pageToken=page-1",
        "GET /calendars/primary/events?maxResults=250&pageToken=page-2",
    ]);
    assert!(calendar.list_events(march).await.unwrap().iter().any(|o| o.summary == "Team offsite"));
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_a_401_refreshes_then_retries() {
    let server = start(Fake { access_token: "access-9".into(), ..Fake::default() }).await;
    // Expired by the clock: refreshed before the first call.
    let calendar = client(&server, tokens("access-0", -10), Recorder::default());
    assert_eq!(calendar.calendar_list().await.unwrap().len(), 3);
    assert_eq!(server.fake.lock().unwrap().refreshes, 1);
    assert_eq!(calendar.tokens().access_token.expose(), "access-2");

    // Valid by the clock but revoked by the server: 401, refresh, same request again.
    server.fake.lock().unwrap().access_token = "rotated".into();
    let calendar = client(&server, tokens("rotated-stale", 3600), Recorder::default());
    let entries = calendar.calendar_list().await.unwrap();
    assert_eq!(entries.iter().filter(|e| e.primary).count(), 1);
    assert_eq!(server.fake.lock().unwrap().refreshes, 2);
    assert_eq!(calendar.tokens().access_token.expose(), "access-3");
}

#[tokio::test]
async fn rate_limits_and_server_errors_back_off_then_succeed_or_give_up() {
    let server = start(Fake { access_token: "access-1".into(), events: fixture_events(), full_sync_token: "s1".into(), ..Fake::default() }).await;
    server.fake.lock().unwrap().failures.extend([429, 403, 503]);
    let sleeps = Recorder::default();
    let calendar = client(&server, tokens("access-1", 3600), sleeps.clone());
    calendar.sync().await.unwrap();
    let waited = sleeps.0.lock().unwrap().clone();
    assert_eq!(waited.len(), 3);
    for (retry, wait) in waited.iter().enumerate() {
        let ceiling = Duration::from_millis(200) * 2u32.pow(retry as u32);
        assert!(*wait >= ceiling / 2 && *wait <= ceiling, "retry {retry}: {wait:?}");
    }

    server.fake.lock().unwrap().failures.extend([500; 10]);
    let error = calendar.calendar_list().await.unwrap_err();
    assert!(matches!(error, CalendarError::RetriesExhausted { attempts: 4, status: 500, .. }), "{error}");
    assert_eq!(sleeps.0.lock().unwrap().len(), 3 + 3, "bounded: 4 attempts, 3 waits");

    // A 400 is not retried.
    let left = std::mem::replace(&mut server.fake.lock().unwrap().failures, [400].into());
    assert_eq!(left.len(), 6, "exactly 4 attempts were made");
    assert!(matches!(calendar.calendar_list().await, Err(CalendarError::Http { status: 400, .. })));
    assert_eq!(sleeps.0.lock().unwrap().len(), 6);
}

#[tokio::test]
async fn free_busy_and_insert_with_attendees() {
    let mut fake = Fake { access_token: "access-1".into(), ..Fake::default() };
    fake.busy = vec![("2026-03-10T09:00:00Z".into(), "2026-03-10T10:00:00Z".into()), ("2026-03-10T09:30:00Z".into(), "2026-03-10T11:00:00Z".into())];
    let server = start(fake).await;
    let calendar = client(&server, tokens("access-1", 3600), Recorder::default());

    let busy = calendar.free_busy(window("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z")).await.unwrap();
    assert_eq!(busy.iter().copied().collect::<Vec<_>>(), vec![window("2026-03-10T09:00:00Z", "2026-03-10T11:00:00Z")]);

    let mut meeting = CalendarEvent::timed("", "Coffee with Bob", ts("2026-03-10T14:00:00Z"), ts("2026-03-10T14:30:00Z"));
    meeting.attendees = vec![Person::named("Bob", "bob@example.com")];
    let stored = calendar.create_event(meeting).await.unwrap();
    assert_eq!(stored.id, "new1");
    assert_eq!(stored.attendees[0].email, "bob@example.com");
    let sent = server.fake.lock().unwrap().inserted[0].clone();
    assert_eq!(sent["attendees"], json!([{"email": "bob@example.com", "displayName": "Bob"}]));
    assert_eq!(sent["start"], json!({"dateTime": "2026-03-10T14:00:00Z", "timeZone": "UTC"}));
    let listed = calendar.list_events(window("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z")).await.unwrap();
    assert_eq!(listed.iter().map(|o| o.event_id.as_str()).collect::<Vec<_>>(), ["new1"]);
}

fn booking(start: &str, end: &str) -> CalendarEvent {
    CalendarEvent::timed("0123abcd@agentnet", "Project sync", ts(start), ts(end))
}

#[tokio::test]
async fn bookings_are_inserted_patched_and_deleted_under_an_id_of_their_own() {
    let server = start(Fake { access_token: "access-1".into(), full_sync_token: "s1".into(), ..Fake::default() }).await;
    let calendar = client(&server, tokens("access-1", 3600), Recorder::default());

    let written = calendar.write(&booking("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z"), None).await.unwrap();
    let id = hex::encode("0123abcd@agentnet");
    assert_eq!(written.remote_id, id);
    assert_eq!(written.version.as_deref(), Some("\"v1\""));
    {
        let fake = server.fake.lock().unwrap();
        let stored = &fake.events[&id];
        assert_eq!(stored["extendedProperties"]["private"]["agentnetBooking"], "0123abcd@agentnet");
        assert_eq!(stored["start"]["dateTime"], "2026-03-02T15:00:00Z");
        assert!(fake.log.last().unwrap().starts_with("POST /calendars/primary/events"), "{:?}", fake.log);
    }

    // A resync sees the agent's own booking and leaves it out: it is in the agent's calendar.
    calendar.sync().await.unwrap();
    assert!(calendar.list_events(window("2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z")).await.unwrap().is_empty());

    let moved = calendar.write(&booking("2026-03-02T17:00:00Z", "2026-03-02T17:30:00Z"), Some(&written)).await.unwrap();
    assert_eq!(moved.remote_id, id);
    assert_ne!(moved.version, written.version);
    assert_eq!(server.fake.lock().unwrap().events[&id]["start"]["dateTime"], "2026-03-02T17:00:00Z");
    assert!(server.fake.lock().unwrap().log.last().unwrap().starts_with(&format!("PATCH /calendars/primary/events/{id}")));

    calendar.erase(&moved).await.unwrap();
    assert!(server.fake.lock().unwrap().events.is_empty());
    // Gone already (410): done, not an error.
    calendar.erase(&moved).await.unwrap();
}

#[tokio::test]
async fn a_lost_insert_answer_and_a_copy_deleted_at_google_are_both_recovered() {
    let server = start(Fake { access_token: "access-1".into(), full_sync_token: "s1".into(), ..Fake::default() }).await;
    let calendar = client(&server, tokens("access-1", 3600), Recorder::default());
    let first = calendar.write(&booking("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z"), None).await.unwrap();
    // Written again as new (the first answer never reached the agent): 409, then a patch.
    let again = calendar.write(&booking("2026-03-02T16:00:00Z", "2026-03-02T16:30:00Z"), None).await.unwrap();
    assert_eq!(again.remote_id, first.remote_id);
    assert_eq!(server.fake.lock().unwrap().events.len(), 1);
    // Deleted by the owner at Google: a move puts it back.
    server.fake.lock().unwrap().events.clear();
    calendar.write(&booking("2026-03-02T17:00:00Z", "2026-03-02T17:30:00Z"), Some(&again)).await.unwrap();
    assert_eq!(server.fake.lock().unwrap().events[&first.remote_id]["start"]["dateTime"], "2026-03-02T17:00:00Z");
}

#[tokio::test]
async fn a_write_back_that_keeps_failing_is_retried_then_reported() {
    let server = start(Fake { access_token: "access-1".into(), failures: [503, 503, 503, 503].into(), ..Fake::default() }).await;
    let sleeper = Recorder::default();
    let calendar = client(&server, tokens("access-1", 3600), sleeper.clone());
    let error = calendar.write(&booking("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z"), None).await.unwrap_err();
    assert!(matches!(error, CalendarError::RetriesExhausted { attempts: 4, status: 503, .. }), "{error:?}");
    assert_eq!(sleeper.0.lock().unwrap().len(), 3, "waited between the four attempts");
    assert!(server.fake.lock().unwrap().events.is_empty());
}

#[tokio::test]
async fn revoking_sends_the_token_to_the_revoke_endpoint() {
    let server = start(Fake::default()).await;
    let url = format!("{}/revoke", server.base);
    agentnet_platform::calendar::google::revoke_token(&reqwest::Client::new(), &url, &Secret::new("refresh-1")).await.unwrap();
    assert_eq!(server.fake.lock().unwrap().revoked, ["refresh-1"]);
    let unreachable = agentnet_platform::calendar::google::revoke_token(&reqwest::Client::new(), "http://127.0.0.1:9/revoke", &Secret::new("x")).await;
    assert!(matches!(unreachable, Err(CalendarError::Network { .. })));
}
