//! The agent's Google Calendar connection, against a local server speaking Google's OAuth
//! and Calendar v3 protocol: connecting, the sealed tokens, sync into availability,
//! refresh, a forged redirect, disconnecting, and the run loop's sync.

#[path = "../../platform/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use agentnet_core::crypto::vault::KdfParams;
use agentnet_core::schedule::Interval;
use agentnet_agent::{Agent, GoogleClient, GoogleEndpoints, GoogleError, GoogleStatus, NewProfile};
use agentnet_platform::llm::Understand;
use agentnet_platform::store::SqliteStore;
use agentnet_platform::vault::Vault;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::json;
use support::{Fake, Running, start};

const PASSPHRASE: &[u8] = b"correct horse battery staple";

/// A profile in a SQLite file of its own; the folder goes when the test ends.
struct Profile {
    dir: PathBuf,
    file: PathBuf,
}

impl Profile {
    async fn create(name: &str) -> Profile {
        let nanos = Timestamp::now().as_nanosecond();
        let dir = std::env::temp_dir().join(format!("agentnet-google-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("agent.sqlite3");
        let profile = NewProfile { name: "Alice".into(), zone: "UTC".into(), relay: "ws://127.0.0.1:9/ws".into() };
        Agent::create(SqliteStore::open_path(&file).await.unwrap(), PASSPHRASE, profile, KdfParams::OWASP_MINIMUM).await.unwrap();
        Profile { dir, file }
    }

    async fn open(&self) -> Agent<SqliteStore> {
        Agent::open(SqliteStore::open_path(&self.file).await.unwrap(), PASSPHRASE, false, Understand::offline()).await.unwrap()
    }

    /// Every byte SQLite has written: the database and its write-ahead log.
    fn bytes_on_disk(&self) -> Vec<u8> {
        let mut bytes = std::fs::read(&self.file).unwrap();
        for extra in ["-wal", "-journal"] {
            if let Ok(more) = std::fs::read(format!("{}{extra}", self.file.display())) {
                bytes.extend(more);
            }
        }
        bytes
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn client(server: &Running) -> GoogleClient {
    GoogleClient {
        client_id: "client-1".into(),
        client_secret: None,
        redirect_uri: "http://127.0.0.1:1/".into(),
        endpoints: GoogleEndpoints {
            auth_url: format!("{}/auth", server.base),
            token_url: format!("{}/token", server.base),
            api_base: format!("{}/calendar/v3", server.base),
            revoke_url: format!("{}/revoke", server.base),
        },
    }
}

/// Starts connecting and tells the server which PKCE challenge its code is for; returns
/// the `state` the redirect must carry.
async fn start_connecting(agent: &Agent<SqliteStore>, server: &Running) -> String {
    let authorization = agent.start_google(client(server)).await.unwrap();
    let url = reqwest::Url::parse(&authorization.url).unwrap();
    let challenge = url.query_pairs().find(|(key, _)| key == "code_challenge").unwrap().1.into_owned();
    assert_eq!(url.query_pairs().find(|(key, _)| key == "state").unwrap().1, authorization.state);
    server.fake.lock().unwrap().challenge = Some(challenge);
    authorization.state
}

async fn connect(agent: &Agent<SqliteStore>, server: &Running) -> GoogleStatus {
    let state = start_connecting(agent, server).await;
    agent.finish_google("the-code", &state).await.unwrap()
}

/// A weekday a few days ahead (the default working hours are Monday to Friday, 9 to 5).
fn working_day() -> Date {
    let mut day = Timestamp::now().to_zoned_datetime(TimeZone::UTC).date().checked_add(3.days()).unwrap();
    while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        day = day.tomorrow().unwrap();
    }
    day
}

fn at(day: Date, hour: i8) -> Timestamp {
    format!("{day}T{hour:02}:00:00Z").parse().unwrap()
}

fn whole(day: Date) -> Interval {
    Interval::new(at(day, 0), at(day.tomorrow().unwrap(), 0)).unwrap()
}

fn half_hour(start: Timestamp) -> Interval {
    Interval::starting_at(start, SignedDuration::from_mins(30)).unwrap()
}

/// A server with one event: the dentist, 10:00 to 11:00 UTC on `day`.
async fn server_with_dentist(day: Date, token_lifetime: Option<i64>) -> Running {
    let dentist = json!({
        "id": "dentist", "status": "confirmed", "summary": "Dentist",
        "start": {"dateTime": at(day, 10).to_string()}, "end": {"dateTime": at(day, 11).to_string()},
    });
    let events = [("dentist".to_owned(), dentist)].into_iter().collect();
    start(Fake { events, full_sync_token: "s1".into(), token_lifetime, ..Fake::default() }).await
}

#[tokio::test]
async fn connecting_seals_the_tokens_and_a_sync_takes_the_time_out_of_availability() {
    let profile = Profile::create("sync").await;
    let agent = profile.open().await;
    let day = working_day();
    let server = server_with_dentist(day, None).await;

    let before = agent.offered_slots(whole(day), 30).await.unwrap();
    assert!(before.contains(&half_hour(at(day, 10))), "10:00 is free before the sync: {before:?}");

    let status = connect(&agent, &server).await;
    assert_eq!(status.calendar_label(), "Alice", "the primary calendar's name, from calendarList");
    assert_eq!(agent.google_status().await.unwrap(), Some(status));

    let report = agent.sync_google().await.unwrap();
    assert_eq!(report.changed, 1);
    let after = agent.offered_slots(whole(day), 30).await.unwrap();
    assert!(!after.contains(&half_hour(at(day, 10))), "the dentist's 10:00 is no longer offered: {after:?}");
    assert!(!after.contains(&half_hour(at(day, 10) + SignedDuration::from_mins(30))));
    assert!(after.contains(&half_hour(at(day, 11))), "11:00 is still free");
    let events = agent.events(whole(day)).await.unwrap();
    assert_eq!(events, vec![(Interval::new(at(day, 10), at(day, 11)).unwrap(), "Dentist".to_owned())]);

    let status = agent.google_status().await.unwrap().unwrap();
    assert!(status.last_sync_ms.is_some());
    assert_eq!(status.last_error, None);

    let disk = profile.bytes_on_disk();
    assert!(!contains(&disk, b"refresh-1"), "the refresh token is sealed");
    assert!(!contains(&disk, b"access-1"), "the access token is sealed");
    assert!(!contains(&disk, b"client-1"), "the connection's settings are sealed too");
}

#[tokio::test]
async fn a_redirect_with_a_state_this_agent_did_not_issue_is_refused() {
    let profile = Profile::create("state").await;
    let agent = profile.open().await;
    let server = start(Fake::default()).await;

    assert!(matches!(agent.finish_google("the-code", "anything").await, Err(GoogleError::NotConnecting)));

    let state = start_connecting(&agent, &server).await;
    let forged = agent.finish_google("the-code", "forged-state").await;
    assert!(matches!(forged, Err(GoogleError::StateMismatch)), "{forged:?}");
    assert_eq!(agent.google_status().await.unwrap(), None, "nothing was connected");
    assert!(server.fake.lock().unwrap().log.is_empty() && server.fake.lock().unwrap().access_token.is_empty(), "the code was never exchanged");

    // The real redirect still finishes the connection it belongs to, once.
    agent.finish_google("the-code", &state).await.unwrap();
    assert!(agent.google_status().await.unwrap().is_some());
    assert!(matches!(agent.finish_google("the-code", &state).await, Err(GoogleError::NotConnecting)));
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_fresh_one_kept() {
    let profile = Profile::create("refresh").await;
    let agent = profile.open().await;
    let day = working_day();
    // Tokens that expire within the client's one-minute margin: expired on arrival.
    let server = server_with_dentist(day, Some(30)).await;

    connect(&agent, &server).await;
    assert_eq!(server.fake.lock().unwrap().refreshes, 1, "refreshed before the first API call");
    agent.sync_google().await.unwrap();
    assert_eq!(server.fake.lock().unwrap().refreshes, 1, "the refreshed token was sealed and reused");

    // Revoked by Google before its time: 401, refresh, and the sync goes through.
    server.fake.lock().unwrap().access_token = "revoked".into();
    agent.sync_google().await.unwrap();
    assert_eq!(server.fake.lock().unwrap().refreshes, 2);
    drop(agent);

    // A restart uses the newest token without refreshing again.
    let agent = profile.open().await;
    agent.sync_google().await.unwrap();
    assert_eq!(server.fake.lock().unwrap().refreshes, 2);
    assert!(!contains(&profile.bytes_on_disk(), b"access-3"), "the refreshed token is sealed as well");
}

#[tokio::test]
async fn disconnecting_forgets_the_tokens_and_googles_events() {
    let profile = Profile::create("disconnect").await;
    let agent = profile.open().await;
    let day = working_day();
    let server = server_with_dentist(day, None).await;
    connect(&agent, &server).await;
    agent.sync_google().await.unwrap();
    assert!(!agent.offered_slots(whole(day), 30).await.unwrap().contains(&half_hour(at(day, 10))));

    assert_eq!(agent.disconnect_google().await.unwrap(), None, "revoked without complaint");
    assert_eq!(server.fake.lock().unwrap().revoked, ["refresh-1"], "the grant is revoked at Google");
    assert_eq!(agent.google_status().await.unwrap(), None);
    assert!(matches!(agent.sync_google().await, Err(GoogleError::NotConnected)));
    assert!(agent.events(whole(day)).await.unwrap().is_empty(), "Google's events left with the connection");
    assert!(agent.offered_slots(whole(day), 30).await.unwrap().contains(&half_hour(at(day, 10))));
    drop(agent);

    let mut vault = Vault::open(SqliteStore::open_path(&profile.file).await.unwrap()).await.unwrap();
    vault.unlock(PASSPHRASE).await.unwrap();
    let tokens = vault.secret("google.tokens").await;
    assert!(tokens.as_ref().is_err_and(|error| error.is_not_found()), "the sealed tokens are deleted");
}

#[tokio::test]
async fn the_run_loop_syncs_when_connected_and_a_failing_sync_is_reported_not_fatal() {
    let profile = Profile::create("run").await;
    let agent = Arc::new(profile.open().await);
    let day = working_day();
    let server = server_with_dentist(day, None).await;
    connect(&agent, &server).await;
    // The first sync fails with an error retrying will not fix.
    server.fake.lock().unwrap().failures.push_back(400);

    let running = agent.clone();
    let task = tokio::spawn(async move { running.run().await });
    let deadline = Timestamp::now() + SignedDuration::from_secs(20);
    let status = loop {
        let status = agent.google_status().await.unwrap().unwrap();
        if status.last_attempt_ms.is_some() || Timestamp::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let error = status.last_error.expect("the failure is kept for the owner");
    assert!(error.contains("400"), "{error}");
    assert!(!task.is_finished(), "a failed sync does not stop the agent");

    // "Sync now" after the failure works and clears the error.
    agent.sync_google().await.unwrap();
    assert_eq!(agent.google_status().await.unwrap().unwrap().last_error, None);
    assert!(!task.is_finished());
    task.abort();
}

#[tokio::test]
async fn the_owner_picks_which_calendars_count_as_busy_and_which_receives_bookings() {
    let profile = Profile::create("pick").await;
    let agent = profile.open().await;
    let day = working_day();
    let server = server_with_dentist(day, None).await;
    let standup = json!({
        "id": "standup", "status": "confirmed", "summary": "Team standup",
        "start": {"dateTime": at(day, 14).to_string()}, "end": {"dateTime": at(day, 15).to_string()},
    });
    server.fake.lock().unwrap().events_of("team@group.calendar.google.com").insert("standup".into(), standup);

    let status = connect(&agent, &server).await;
    let listed: Vec<_> = status.calendars.iter().map(|c| (c.name.as_str(), c.busy, c.writable)).collect();
    assert_eq!(listed, [("Alice", true, true), ("Team", false, false), ("Projects", false, true)], "at first only the primary counts");
    assert!(status.receives_bookings(&status.calendars[0]));
    agent.sync_google().await.unwrap();
    let titles = |events: Vec<(Interval, String)>| events.into_iter().map(|(_, title)| title).collect::<Vec<_>>();
    assert_eq!(titles(agent.events(whole(day)).await.unwrap()), ["Dentist"]);

    let refused = agent.choose_google_calendars(&["alice@example.com".into()], "team@group.calendar.google.com").await;
    assert!(matches!(refused, Err(GoogleError::NotWritable { ref name }) if name == "Team"), "{refused:?}");
    let unknown = agent.choose_google_calendars(&["nope@example.com".into()], "alice@example.com").await;
    assert!(matches!(unknown, Err(GoogleError::UnknownCalendar { .. })), "{unknown:?}");

    let busy = ["alice@example.com".to_owned(), "team@group.calendar.google.com".to_owned()];
    let status = agent.choose_google_calendars(&busy, "projects@group.calendar.google.com").await.unwrap();
    assert_eq!(status.calendar_label(), "Projects");
    assert!(status.receives_bookings(&status.calendars[2]) && !status.receives_bookings(&status.calendars[0]));
    agent.sync_google().await.unwrap();
    assert_eq!(titles(agent.events(whole(day)).await.unwrap()), ["Dentist", "Team standup"]);
    assert!(!agent.offered_slots(whole(day), 30).await.unwrap().contains(&half_hour(at(day, 14))), "the team's standup is busy time now");

    // Unticked again: its events leave with it.
    agent.choose_google_calendars(&["alice@example.com".into()], "projects@group.calendar.google.com").await.unwrap();
    assert_eq!(titles(agent.events(whole(day)).await.unwrap()), ["Dentist"]);
    agent.sync_google().await.unwrap();
    assert_eq!(titles(agent.events(whole(day)).await.unwrap()), ["Dentist"]);

    // Choices survive a restart; disconnecting clears every calendar's copy.
    drop(agent);
    let agent = profile.open().await;
    assert_eq!(agent.google_status().await.unwrap().unwrap().calendar_label(), "Projects");
    agent.disconnect_google().await.unwrap();
    assert!(agent.events(whole(day)).await.unwrap().is_empty());
}
