//! The CalDAV client against a real Radicale server: discovery, sync (incremental, after
//! an expired token, with removals), busy time, write-back and etag conflicts.

#![cfg(not(all(target_family = "wasm", target_os = "unknown")))]

mod radicale;

use agentnet_core::schedule::Interval;
use agentnet_platform::calendar::caldav::{CalDavCalendar, CalDavLogin, discover_calendars};
use agentnet_platform::calendar::google::Secret;
use agentnet_platform::calendar::{CalendarError, CalendarEvent, CalendarSource, EventCache, MemoryCache, WriteBack};
use radicale::{PASSWORD, Radicale, USER, event_ics};

fn login() -> CalDavLogin {
    CalDavLogin { user: USER.to_owned(), password: Secret::new(PASSWORD) }
}

fn ts(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

fn day() -> Interval {
    Interval::new(ts("2026-03-02T00:00:00Z"), ts("2026-03-03T00:00:00Z")).unwrap()
}

fn calendar(url: &str) -> CalDavCalendar<MemoryCache> {
    CalDavCalendar::new(reqwest::Client::new(), login(), url, MemoryCache::new(), jiff::tz::TimeZone::UTC).unwrap()
}

fn booking(start: &str, end: &str) -> CalendarEvent {
    CalendarEvent::timed("0123abcd@agentnet", "Project sync", ts(start), ts(end))
}

#[tokio::test]
async fn discovery_finds_the_event_calendars_from_the_server_url() {
    let server = Radicale::start();
    let work = server.make_calendar("work", "Work").await;
    server.make_calendar("home", "Home & family").await;
    let found = discover_calendars(reqwest::Client::new(), login(), &server.url).await.unwrap();
    let mut names: Vec<_> = found.iter().map(|c| (c.name.as_str(), c.url.as_str())).collect();
    names.sort();
    assert_eq!(names, [("Home & family", format!("{}alice/home/", server.url).as_str()), ("Work", work.as_str())]);

    let wrong = CalDavLogin { user: USER.to_owned(), password: Secret::new("wrong") };
    let refused = discover_calendars(reqwest::Client::new(), wrong, &server.url).await.unwrap_err();
    assert!(matches!(refused, CalendarError::Auth { .. }), "{refused:?}");
    assert!(!format!("{refused} {refused:?}").contains("wrong"), "the password never shows");
}

#[tokio::test]
async fn an_event_added_on_the_server_becomes_busy_and_leaves_when_removed() {
    let server = Radicale::start();
    let url = server.make_calendar("work", "Work").await;
    let calendar = calendar(&url);
    assert_eq!(calendar.sync().await.unwrap().changed, 0);
    assert!(calendar.free_busy(day()).await.unwrap().is_empty());

    server.put("alice/work/dentist.ics", &event_ics("dentist-1", "Dentist", "20260302T100000Z", "20260302T110000Z")).await;
    let report = calendar.sync().await.unwrap();
    assert_eq!((report.changed, report.removed, report.full_resync), (1, 0, false));
    let busy = calendar.free_busy(day()).await.unwrap();
    assert_eq!(busy.as_slice(), [Interval::new(ts("2026-03-02T10:00:00Z"), ts("2026-03-02T11:00:00Z")).unwrap()]);

    // Moved on the server: the old time frees, the new one is taken.
    server.put("alice/work/dentist.ics", &event_ics("dentist-1", "Dentist", "20260302T140000Z", "20260302T150000Z")).await;
    assert_eq!(calendar.sync().await.unwrap().changed, 1);
    assert_eq!(calendar.free_busy(day()).await.unwrap().as_slice(), [Interval::new(ts("2026-03-02T14:00:00Z"), ts("2026-03-02T15:00:00Z")).unwrap()]);

    server.delete("alice/work/dentist.ics").await;
    assert_eq!(calendar.sync().await.unwrap().removed, 1);
    assert!(calendar.free_busy(day()).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_the_server_no_longer_knows_starts_a_full_sync() {
    let server = Radicale::start();
    let url = server.make_calendar("work", "Work").await;
    server.put("alice/work/a.ics", &event_ics("a", "A", "20260302T090000Z", "20260302T093000Z")).await;
    let cache = MemoryCache::new();
    cache.set_sync_token(Some(r#"{"token":"http://radicale.org/ns/sync/0000","etags":{"/alice/work/gone.ics":"\"1\""}}"#.into())).await.unwrap();
    cache.put(CalendarEvent::timed("/alice/work/gone.ics|gone", "Gone", ts("2026-03-02T12:00:00Z"), ts("2026-03-02T13:00:00Z"))).await.unwrap();
    let calendar = CalDavCalendar::new(reqwest::Client::new(), login(), &url, cache, jiff::tz::TimeZone::UTC).unwrap();
    let report = calendar.sync().await.unwrap();
    assert!(report.full_resync);
    assert_eq!((report.changed, report.removed), (1, 1));
    assert_eq!(calendar.free_busy(day()).await.unwrap().as_slice(), [Interval::new(ts("2026-03-02T09:00:00Z"), ts("2026-03-02T09:30:00Z")).unwrap()]);
}

#[tokio::test]
async fn bookings_are_written_moved_and_removed_and_never_counted_as_busy_twice() {
    let server = Radicale::start();
    let url = server.make_calendar("work", "Work").await;
    let calendar = calendar(&url);

    let written = calendar.write(&booking("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z"), None).await.unwrap();
    assert_eq!(written.remote_id, "/alice/work/0123abcd@agentnet.ics");
    assert!(written.version.is_some());
    let on_server = server.events("alice/work/").await;
    assert_eq!(on_server.len(), 1);
    assert!(on_server[0].contains("UID:0123abcd@agentnet") && on_server[0].contains("DTSTART:20260302T150000Z"), "{}", on_server[0]);

    // The agent's own booking is in its calendar already: the copy adds no busy time.
    calendar.sync().await.unwrap();
    assert!(calendar.free_busy(day()).await.unwrap().is_empty());

    let moved = calendar.write(&booking("2026-03-02T16:00:00Z", "2026-03-02T16:30:00Z"), Some(&written)).await.unwrap();
    assert_ne!(moved.version, written.version);
    let on_server = server.events("alice/work/").await;
    assert_eq!(on_server.len(), 1);
    assert!(on_server[0].contains("DTSTART:20260302T160000Z"), "{}", on_server[0]);

    calendar.erase(&moved).await.unwrap();
    assert!(server.events("alice/work/").await.is_empty());
    // Erasing what is already gone is done, not an error.
    calendar.erase(&moved).await.unwrap();
}

#[tokio::test]
async fn a_copy_changed_on_the_server_meanwhile_is_overwritten_not_lost() {
    let server = Radicale::start();
    let url = server.make_calendar("work", "Work").await;
    let calendar = calendar(&url);
    let written = calendar.write(&booking("2026-03-02T15:00:00Z", "2026-03-02T15:30:00Z"), None).await.unwrap();

    // Another app edits the copy: the etag the agent holds is stale (412 on If-Match).
    server.put("alice/work/0123abcd@agentnet.ics", &event_ics("0123abcd@agentnet", "Edited elsewhere", "20260302T080000Z", "20260302T083000Z")).await;
    let moved = calendar.write(&booking("2026-03-02T16:00:00Z", "2026-03-02T16:30:00Z"), Some(&written)).await.unwrap();
    let on_server = server.events("alice/work/").await;
    assert_eq!(on_server.len(), 1);
    assert!(on_server[0].contains("DTSTART:20260302T160000Z") && on_server[0].contains("SUMMARY:Project sync"), "{}", on_server[0]);

    // A create that finds the resource there already (state lost) replaces it.
    let again = calendar.write(&booking("2026-03-02T17:00:00Z", "2026-03-02T17:30:00Z"), None).await.unwrap();
    assert_eq!(again.remote_id, moved.remote_id);
    assert!(server.events("alice/work/").await[0].contains("DTSTART:20260302T170000Z"));

    // A removal with a stale etag still removes it.
    server.put("alice/work/0123abcd@agentnet.ics", &event_ics("0123abcd@agentnet", "Edited again", "20260302T080000Z", "20260302T083000Z")).await;
    calendar.erase(&again).await.unwrap();
    assert!(server.events("alice/work/").await.is_empty());
}

/// A server without `sync-collection`: Radicale behind a proxy that refuses that report
/// (as older servers do) and counts the `calendar-query` reports it passes on.
async fn without_sync_collection(radicale: &Radicale) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use axum::response::IntoResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let queries = std::sync::Arc::new(AtomicUsize::new(0));
    let (target, counted) = (radicale.url.clone(), queries.clone());
    let proxy = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (target, counted) = (target.clone(), counted.clone());
        async move {
            let text = String::from_utf8_lossy(&body);
            if method.as_str() == "REPORT" && text.contains("sync-collection") {
                return (StatusCode::NOT_IMPLEMENTED, "no sync-collection here").into_response();
            }
            if text.contains("calendar-query") {
                counted.fetch_add(1, Ordering::SeqCst);
            }
            let url = format!("{}{}", target.trim_end_matches('/'), uri.path());
            let mut request = reqwest::Client::new().request(method, url).body(body);
            for name in ["authorization", "depth", "content-type", "if-match", "if-none-match"] {
                if let Some(value) = headers.get(name) {
                    request = request.header(name, value);
                }
            }
            let answer = request.send().await.unwrap();
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let etag = answer.headers().get("etag").cloned();
            let body = answer.bytes().await.unwrap();
            let mut response = (status, body).into_response();
            if let Some(etag) = etag {
                response.headers_mut().insert("etag", etag);
            }
            response
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(proxy)).await.unwrap() });
    (base, queries)
}

#[tokio::test]
async fn a_server_without_sync_collection_is_synced_by_ctag_and_etags() {
    use std::sync::atomic::Ordering;
    let server = Radicale::start();
    server.make_calendar("work", "Work").await;
    let (proxy, queries) = without_sync_collection(&server).await;
    let calendar = calendar(&format!("{proxy}alice/work/"));
    server.put("alice/work/a.ics", &event_ics("a", "A", "20260302T090000Z", "20260302T100000Z")).await;

    assert_eq!(calendar.sync().await.unwrap().changed, 1);
    assert_eq!(calendar.free_busy(day()).await.unwrap().as_slice(), [Interval::new(ts("2026-03-02T09:00:00Z"), ts("2026-03-02T10:00:00Z")).unwrap()]);
    let listed = queries.load(Ordering::SeqCst);
    assert_eq!(listed, 1);

    // Nothing changed: the ctag says so, and nothing is listed.
    assert_eq!(calendar.sync().await.unwrap(), Default::default());
    assert_eq!(queries.load(Ordering::SeqCst), listed, "an unchanged ctag lists nothing");

    server.put("alice/work/b.ics", &event_ics("b", "B", "20260302T120000Z", "20260302T130000Z")).await;
    server.delete("alice/work/a.ics").await;
    let report = calendar.sync().await.unwrap();
    assert_eq!((report.changed, report.removed), (1, 1));
    assert_eq!(calendar.free_busy(day()).await.unwrap().as_slice(), [Interval::new(ts("2026-03-02T12:00:00Z"), ts("2026-03-02T13:00:00Z")).unwrap()]);
}
