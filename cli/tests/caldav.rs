//! A CalDAV calendar end to end, with real processes: a Radicale server, a relay, and two
//! `agentnet` agents. Alice connects her Radicale calendar from the command line; an event
//! added on the server becomes busy time; the meeting her agent books with Bob's appears
//! on the server (found with a CalDAV REPORT), moves with it, survives an edit made on
//! the server meanwhile (an etag conflict), and is removed when called off.

mod support;

#[path = "../../platform/tests/radicale/mod.rs"]
mod radicale;

use std::time::Duration;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use radicale::{PASSWORD, Radicale, USER, event_ics};
use support::{Agent, Relay, Scratch, wait_until};

const ZONE: &str = "Europe/Berlin";
const PATIENCE: Duration = Duration::from_secs(120);

/// Monday of next week, in Berlin.
fn next_monday() -> Date {
    support::next_monday(ZONE)
}

/// `day` at `hour` in Berlin, as an ICS UTC stamp.
fn stamp(day: Date, hour: i8) -> String {
    day.at(hour, 0, 0, 0).to_zoned_datetime(TimeZone::get(ZONE).unwrap()).unwrap().timestamp().strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The agent's bookings on the server (by their UIDs), as the server's REPORT shows them.
fn bookings_on_server(runtime: &tokio::runtime::Runtime, server: &Radicale) -> Vec<String> {
    runtime.block_on(server.events("alice/work/")).into_iter().filter(|ics| ics.contains("@agentnet")).collect()
}

/// The DTSTART of a one-event calendar file, as an instant.
fn start_of(ics: &str) -> Timestamp {
    let line = ics.lines().find(|line| line.starts_with("DTSTART")).unwrap();
    let value = line.rsplit(':').next().unwrap().trim();
    jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", value).unwrap().to_zoned_datetime(TimeZone::UTC).unwrap().timestamp()
}

#[test]
fn a_caldav_calendar_gives_busy_time_and_receives_the_booking_its_move_and_its_cancellation() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = Radicale::start();
    let url = runtime.block_on(server.make_calendar("work", "Work"));
    runtime.block_on(server.make_calendar("birthdays", "Birthdays"));
    let monday = next_monday();
    // Alice's dentist, on her server: Monday 12:00-16:00.
    runtime.block_on(server.put("alice/work/dentist.ics", &event_ics("dentist@example", "Dentist", &stamp(monday, 12), &stamp(monday, 16))));

    let scratch = Scratch::new("caldav");
    let relay = Relay::start(&scratch.0, None);
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", ZONE, &relay.url);

    // Two calendars on the account: the agent asks which one instead of guessing.
    let ambiguous = alice.run_with_env(&[("AGENTNET_CALDAV_PASSWORD", PASSWORD)], &["calendar", "connect", "caldav", &server.url, "--user", USER]);
    assert!(!ambiguous.status.success());
    let said = String::from_utf8_lossy(&ambiguous.stderr);
    assert!(said.contains("Work") && said.contains("Birthdays") && said.contains("--calendar"), "{said}");
    let wrong = alice.run_with_env(&[("AGENTNET_CALDAV_PASSWORD", "not-it")], &["calendar", "connect", "caldav", &server.url, "--user", USER, "--calendar", "Work"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("refused the user name or app password"));

    let connected = alice.run_with_env(&[("AGENTNET_CALDAV_PASSWORD", PASSWORD)], &["calendar", "connect", "caldav", &server.url, "--user", USER, "--calendar", "Work"]);
    assert!(connected.status.success(), "{}", String::from_utf8_lossy(&connected.stderr));
    assert!(!std::fs::read_dir(&alice.dir).unwrap().any(|entry| {
        std::fs::read(entry.unwrap().path()).is_ok_and(|bytes| support::contains(&bytes, PASSWORD))
    }), "the app password is sealed, not stored in the clear");
    let sources = alice.json(&["calendar", "sources"]);
    let caldav = sources.as_array().unwrap().iter().find(|source| source["kind"] == "caldav").expect("listed").clone();
    assert_eq!(caldav["url"], url.as_str());
    assert!(caldav["last_sync_ms"].is_i64() && caldav["last_error"].is_null(), "{caldav}");
    // The dentist is busy time now.
    assert!(alice.events().iter().any(|event| event["title"] == "Dentist"), "{:?}", alice.events());

    alice.start();
    bob.start();
    alice.connect(&bob, "auto");
    let answer = alice.json(&["ask", "find 30 minutes with Bob next monday afternoon", "--wait", "30"]);
    let id = answer["negotiation"]["id"].as_str().unwrap().to_owned();
    wait_until(PATIENCE, "the booking to reach the CalDAV server", || bookings_on_server(&runtime, &server).len() == 1);
    let copy = bookings_on_server(&runtime, &server).remove(0);
    let start = start_of(&copy);
    let berlin = start.to_zoned_datetime(TimeZone::get(ZONE).unwrap());
    assert_eq!(berlin.date(), monday);
    assert!(berlin.hour() >= 16, "booked over the dentist on the server: {berlin}");
    assert!(copy.contains(&format!("UID:{id}@agentnet")) && copy.contains("SUMMARY:Meeting with Bob"), "{copy}");

    // Someone edits the copy on the server: the agent's etag is stale when it moves it.
    runtime.block_on(server.put(&format!("alice/work/{id}@agentnet.ics"), &event_ics(&format!("{id}@agentnet"), "Edited on the phone", &stamp(monday, 7), &stamp(monday, 8))));
    let moved = alice.json(&["ask", "move my meeting with Bob to next thursday morning", "--wait", "30"]);
    assert_eq!(moved["answer"]["intent"], "reschedule", "{moved}");
    let thursday = monday.checked_add(jiff::Span::new().days(3)).unwrap();
    wait_until(PATIENCE, "the move to reach the server", || {
        let copies = bookings_on_server(&runtime, &server);
        copies.len() == 1 && start_of(&copies[0]).to_zoned_datetime(TimeZone::get(ZONE).unwrap()).date() == thursday
    });
    assert!(bookings_on_server(&runtime, &server)[0].contains("SUMMARY:Meeting with Bob"), "the agreed meeting won over the edit");

    alice.json(&["cancel", &id]);
    wait_until(PATIENCE, "the cancellation to reach the server", || bookings_on_server(&runtime, &server).is_empty());
    assert_eq!(runtime.block_on(server.events("alice/work/")).len(), 1, "the dentist stays");
    let sources = alice.json(&["calendar", "sources"]);
    let caldav = sources.as_array().unwrap().iter().find(|source| source["kind"] == "caldav").unwrap().clone();
    assert_eq!(caldav["bookings"]["failing"].as_array().unwrap().len(), 0, "{caldav}");
}
