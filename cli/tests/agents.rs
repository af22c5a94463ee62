//! The agent end to end, with real processes: one relay, two or three `agentnet` agents
//! in their own profile directories with their own ICS calendars. One plain-English
//! request books a meeting in everyone's calendar.

mod support;

use std::time::Duration;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::Value;
use support::{Agent, Redis, Relay, Scratch, contains, wait_until};

const ZONE: &str = "Europe/Berlin";
const ASK: &str = "find 30 minutes with Bob next week, afternoons";
// Generous: these are deadlines for a loaded 2-core machine, not timings.
const PATIENCE: Duration = Duration::from_secs(120);

/// Monday of next week, in Berlin.
fn next_monday() -> Date {
    support::next_monday(ZONE)
}

/// An ICS calendar with busy blocks on `days` after next Monday: (day, from hour, to hour).
fn calendar(uid: &str, blocks: &[(i8, i8, i8)]) -> String {
    let monday = next_monday();
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//agentnet tests//EN\r\n");
    for (n, (day, from, to)) in blocks.iter().enumerate() {
        let date = monday.checked_add(jiff::Span::new().days(*day)).unwrap();
        let stamp = date.strftime("%Y%m%d");
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{uid}-{n}@tests\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Busy\r\nDTSTART;TZID={ZONE}:{stamp}T{from:02}0000\r\nDTEND;TZID={ZONE}:{stamp}T{to:02}0000\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

fn instant(value: &Value) -> Timestamp {
    value.as_str().unwrap().parse().unwrap()
}

/// The booked meeting in `agent`'s calendar: (start, end).
fn booked_meeting(agent: &Agent, title: &str) -> Option<(Timestamp, Timestamp)> {
    agent.events().iter().find(|e| e["title"] == title).map(|e| (instant(&e["start"]), instant(&e["end"])))
}

/// Checks the meeting is the same for all, free for all, an afternoon slot inside working
/// hours next week. `title` is the organiser's (the first agent's); the others were sent no
/// title, so each calls it a meeting with the organiser.
fn assert_booked_for_all(agents: &[&Agent], title: &str) -> (Timestamp, Timestamp) {
    let slot = booked_meeting(agents[0], title).expect("the organiser's calendar has the meeting");
    let zone = TimeZone::get(ZONE).unwrap();
    let (start, end) = (slot.0.to_zoned_datetime(zone.clone()), slot.1.to_zoned_datetime(zone.clone()));
    assert_eq!(end.timestamp().duration_since(start.timestamp()).as_mins(), 30);
    assert!(start.hour() >= 12 && (end.hour() < 17 || (end.hour() == 17 && end.minute() == 0)), "not in the afternoon: {start}");
    assert!(start.date() >= next_monday() && start.date() < next_monday().checked_add(jiff::Span::new().days(7)).unwrap(), "not next week: {start}");
    assert!(!matches!(start.weekday(), Weekday::Saturday | Weekday::Sunday), "outside working days: {start}");
    let theirs = format!("Meeting with {}", agents[0].name);
    for (i, agent) in agents.iter().enumerate() {
        let title = if i == 0 { title } else { theirs.as_str() };
        assert_eq!(booked_meeting(agent, title), Some(slot), "{} has '{title}' at another time or not at all", agent.name);
        for event in agent.events().iter().filter(|e| e["title"] == "Busy") {
            let (busy_start, busy_end) = (instant(&event["start"]), instant(&event["end"]));
            assert!(slot.1 <= busy_start || slot.0 >= busy_end, "{} was busy then", agent.name);
        }
    }
    slot
}

/// Every line of a negotiation's transcript is an English sentence.
fn assert_readable(agent: &Agent, id: &str) -> String {
    let text = agent.text(&["transcript", id]);
    assert!(text.lines().count() >= 3, "{}'s transcript is too short:\n{text}", agent.name);
    for line in text.lines() {
        assert!(line.ends_with('.'), "not a sentence: {line:?}");
        assert!(!line.contains('{'), "structured data in the transcript: {line:?}");
    }
    text
}

/// Alice and Bob, both running, connected with `policy` towards each other.
fn alice_and_bob(scratch: &Scratch, relay: &Relay, policy: &str) -> (Agent, Agent) {
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", ZONE, &relay.url);
    alice.start();
    bob.start();
    alice.connect(&bob, policy);
    (alice, bob)
}

fn settled(agent: &Agent) -> bool {
    agent.latest()["state"] == "COMPLETED"
}

#[test]
fn two_agents_book_a_meeting_and_the_relay_learns_nothing() {
    let scratch = Scratch::new("two");
    let redis = Redis::start(&scratch.0);
    let relay = Relay::start(&scratch.0, Some(&redis));
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", ZONE, &relay.url);
    alice.import(&calendar("alice", &[(0, 12, 15), (2, 12, 17)]));
    bob.import(&calendar("bob", &[(0, 15, 17), (1, 12, 14)]));
    alice.start();
    bob.start();
    alice.connect(&bob, "auto");

    let answer = alice.json(&["ask", ASK, "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "schedule");
    let id = answer["negotiation"]["id"].as_str().unwrap().to_owned();
    wait_until(PATIENCE, "both sides to settle", || settled(&alice) && settled(&bob));
    assert_booked_for_all(&[&alice, &bob], "Meeting with Bob");
    let alice_reads = assert_readable(&alice, &id);
    assert!(alice_reads.contains("Alice's agent proposed") && alice_reads.contains("Bob's agent accepted"), "{alice_reads}");
    assert_readable(&bob, &id);

    for (what, bytes) in [("relay logs", relay.logs()), ("Redis data", redis.dump())] {
        for secret in ["Meeting", "proposed", "\"act\"", "Alice"] {
            assert!(!contains(&bytes, secret), "{what} contain {secret:?}");
        }
    }
    assert_sealed_sender(&relay.logs());
}

/// Every message went over a connection that never logged in: the relay's debug log
/// names connections by number, and no connection that sent is one that authenticated.
fn assert_sealed_sender(logs: &[u8]) {
    // Without colour codes: "... agentnet_relay::connection: sealed send conn=7".
    let mut logs = String::from_utf8_lossy(logs).into_owned();
    while let Some(at) = logs.find('\x1b') {
        let end = logs[at..].find('m').map_or(logs.len(), |m| at + m + 1);
        logs.replace_range(at..end, "");
    }
    let conns = |event: &str| -> std::collections::HashSet<String> {
        let marker = format!(": {event} conn=");
        logs.lines()
            .filter_map(|l| l.split_once(&marker)?.1.split_whitespace().next().map(str::to_owned))
            .collect()
    };
    let (senders, logged_in) = (conns("sealed send"), conns("authenticated"));
    assert!(!senders.is_empty() && !logged_in.is_empty(), "the relay logged no sends or no logins:\n{logs}");
    assert!(senders.is_disjoint(&logged_in), "a connection that sent had logged in: {senders:?} / {logged_in:?}");
}

#[test]
fn three_agents_agree_on_one_slot_free_for_everyone() {
    let scratch = Scratch::new("three");
    let relay = Relay::start(&scratch.0, None);
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", ZONE, &relay.url);
    let mut carol = Agent::init(&scratch.0, "Carol", "Europe/London", &relay.url);
    alice.import(&calendar("alice", &[(0, 12, 14)]));
    bob.import(&calendar("bob", &[(0, 14, 17), (1, 12, 13)]));
    carol.import(&calendar("carol", &[(1, 13, 17)]));
    for agent in [&mut alice, &mut bob, &mut carol] {
        agent.start();
    }
    alice.connect(&bob, "auto");
    alice.connect(&carol, "auto");
    let answer = alice.json(&["ask", "find 30 minutes with Bob and Carol next week, afternoons", "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "schedule", "{answer}");
    wait_until(PATIENCE, "everyone to settle", || settled(&alice) && settled(&bob) && settled(&carol));
    assert_booked_for_all(&[&alice, &bob, &carol], "Meeting with Bob and Carol");
}

#[test]
fn an_offline_agent_completes_the_booking_when_it_comes_back() {
    let scratch = Scratch::new("offline");
    let redis = Redis::start(&scratch.0);
    let relay = Relay::start(&scratch.0, Some(&redis));
    let (alice, mut bob) = alice_and_bob(&scratch, &relay, "auto");
    bob.kill();

    let answer = alice.json(&["ask", ASK]);
    assert!(answer["answer"]["negotiation"].is_string(), "{answer}");
    std::thread::sleep(Duration::from_millis(500));
    assert_ne!(alice.latest()["state"], "COMPLETED", "booked while Bob was offline");
    // The proposal waits in Bob's mailbox in Redis: sealed, so nothing of it reads there.
    let stored = redis.dump();
    assert!(stored.len() > 200, "nothing waits in the mailbox");
    for secret in ["Meeting", "propose", "Alice"] {
        assert!(!contains(&stored, secret), "the mailbox holds {secret:?} in clear");
    }
    bob.start();
    wait_until(PATIENCE, "the booking after Bob came back", || settled(&alice) && settled(&bob));
    assert_booked_for_all(&[&alice, &bob], "Meeting with Bob");
}

#[test]
fn ask_me_first_waits_for_the_owners_approval() {
    let scratch = Scratch::new("approval");
    let relay = Relay::start(&scratch.0, None);
    let (alice, bob) = alice_and_bob(&scratch, &relay, "ask");

    alice.json(&["ask", ASK]);
    wait_until(PATIENCE, "Bob's agent to ask Bob", || bob.latest()["awaiting_approval"] == true);
    std::thread::sleep(Duration::from_millis(300));
    assert_ne!(alice.latest()["state"], "COMPLETED", "booked without Bob's approval");
    assert!(booked_meeting(&bob, "Meeting with Alice").is_none());
    let id = bob.latest()["id"].as_str().unwrap().to_owned();
    bob.json(&["approve", &id[..8]]);
    wait_until(PATIENCE, "the booking after approval", || settled(&alice) && settled(&bob));
    assert_booked_for_all(&[&alice, &bob], "Meeting with Bob");
    let refused = bob.run(&["approve", &id[..8]]);
    assert_eq!(refused.status.code(), Some(4), "approving twice is refused as not awaiting");
}

#[test]
fn agents_restarted_mid_negotiation_finish_it() {
    let scratch = Scratch::new("restart");
    let relay = Relay::start(&scratch.0, None);
    let (mut alice, mut bob) = alice_and_bob(&scratch, &relay, "ask");

    alice.json(&["ask", ASK]);
    wait_until(PATIENCE, "Bob's agent to ask Bob", || bob.latest()["awaiting_approval"] == true);
    // Both die without warning while the negotiation waits; Bob approves from a fresh
    // process while Alice is down, so his answer waits in her mailbox.
    alice.kill();
    bob.kill();
    bob.start();
    let id = bob.latest()["id"].as_str().unwrap().to_owned();
    bob.json(&["approve", &id[..8]]);
    std::thread::sleep(Duration::from_millis(300));
    alice.start();
    wait_until(PATIENCE, "the booking after both restarts", || settled(&alice) && settled(&bob));
    assert_booked_for_all(&[&alice, &bob], "Meeting with Bob");
}

#[test]
fn the_owner_suggests_another_time_and_both_calendars_get_it() {
    let scratch = Scratch::new("suggest");
    let relay = Relay::start(&scratch.0, None);
    let (alice, bob) = alice_and_bob(&scratch, &relay, "ask");

    alice.json(&["ask", ASK]);
    wait_until(PATIENCE, "Bob's agent to ask Bob", || bob.latest()["awaiting_approval"] == true);
    let id = bob.latest()["id"].as_str().unwrap().to_owned();
    let listed = bob.json(&["suggest", &id[..8]]);
    let listed = listed.as_array().unwrap();
    assert!(!listed.is_empty(), "no free times to suggest");
    for slot in listed {
        assert!(instant(&slot["start"]) > Timestamp::now(), "a suggestion in the past: {slot}");
    }

    // Bob picks a late afternoon next week; one Alice's agent already proposed is refused
    // (approving is the way to take that), so he tries the next.
    let zone = TimeZone::get(ZONE).unwrap();
    let picks = (1..5).flat_map(|day| [16, 15].map(|hour| next_monday().checked_add(jiff::Span::new().days(day)).unwrap().at(hour, 30, 0, 0)));
    let mut chosen = None;
    for pick in picks {
        let at = pick.strftime("%Y-%m-%dT%H:%M").to_string();
        let out = bob.run(&["--json", "suggest", &id[..8], "--at", &at]);
        if out.status.success() {
            chosen = Some(zone.to_timestamp(pick).unwrap());
            break;
        }
        assert_eq!(out.status.code(), Some(6), "suggesting {at}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let start = chosen.expect("one of the picks was free");
    wait_until(PATIENCE, "the booking at Bob's time", || settled(&alice) && settled(&bob));
    let slot = assert_booked_for_all(&[&alice, &bob], "Meeting with Bob");
    assert_eq!(slot.0, start, "booked at another time than Bob suggested");
    let bob_reads = assert_readable(&bob, &id);
    assert!(bob_reads.contains("You suggested"), "{bob_reads}");
    let alice_reads = assert_readable(&alice, &id);
    assert!(alice_reads.contains("Bob's agent could do none of those times and suggested"), "{alice_reads}");
    let again = bob.run(&["suggest", &id[..8], "--at", "2030-01-01T10:00"]);
    assert_eq!(again.status.code(), Some(4), "suggesting once settled is refused as not awaiting");
}

/// "Mornings" is a rule, not a wish: Bob is busy on the first three mornings of the week and
/// free every afternoon; the meeting lands on a later morning, never in an afternoon, with the
/// default disclosure budget (refused mornings are not offered again and again).
#[test]
fn a_request_for_mornings_books_a_morning_on_a_day_both_are_free() {
    let scratch = Scratch::new("mornings");
    let relay = Relay::start(&scratch.0, None);
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", ZONE, &relay.url);
    // Bob's mornings are taken Monday to Wednesday: the budget must not be spent there.
    bob.import(&calendar("bob", &[(0, 8, 12), (1, 8, 12), (2, 8, 12)]));
    alice.start();
    bob.start();
    alice.connect(&bob, "auto");

    let answer = alice.json(&["ask", "find 30 minutes with Bob next week, mornings", "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "schedule", "{answer}");
    let understood = answer["answer"]["understood"].as_str().unwrap_or_default();
    assert!(understood.starts_with("30 min with Bob") && understood.contains("in the morning (08:00-12:00)"), "what was understood is shown: {understood}");
    let id = answer["negotiation"]["id"].as_str().unwrap().to_owned();
    wait_until(PATIENCE, "both sides to settle", || settled(&alice) && settled(&bob));
    let slot = booked_meeting(&alice, "Meeting with Bob").expect("a morning was booked");
    assert_eq!(booked_meeting(&bob, "Meeting with Alice"), Some(slot), "both calendars hold the same time");
    let zone = TimeZone::get(ZONE).unwrap();
    let (start, end) = (slot.0.to_zoned_datetime(zone.clone()), slot.1.to_zoned_datetime(zone));
    assert!(start.hour() >= 8 && (end.hour() < 12 || (end.hour() == 12 && end.minute() == 0)), "not in the morning: {start}-{end}");
    assert!(start.date() > next_monday().checked_add(jiff::Span::new().days(2)).unwrap(), "Bob was busy then: {start}");
    assert_readable(&alice, &id);
}

/// "move my meeting with Bob to ..." renegotiates with Bob: both calendars move together;
/// a move to a day Bob is busy all day finds nothing, and the meeting stays where it was.
#[test]
fn a_booked_meeting_moves_for_both_and_a_move_that_finds_nothing_keeps_it() {
    let scratch = Scratch::new("move");
    let relay = Relay::start(&scratch.0, None);
    let (alice, bob) = alice_and_bob(&scratch, &relay, "auto");
    let zone = TimeZone::get(ZONE).unwrap();
    let day = |n: i64| next_monday().checked_add(jiff::Span::new().days(n)).unwrap();

    alice.json(&["ask", "find 30 minutes with Bob next monday afternoon", "--wait", "30"]);
    wait_until(PATIENCE, "the first booking", || settled(&alice) && booked_meeting(&bob, "Meeting with Alice").is_some());
    let first = booked_meeting(&alice, "Meeting with Bob").expect("booked");
    assert_eq!(first.0.to_zoned_datetime(zone.clone()).date(), day(0));

    let answer = alice.json(&["ask", "move my meeting with Bob to next thursday morning", "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "reschedule", "{answer}");
    let on_thursday = |agent: &Agent, title: &str| {
        booked_meeting(agent, title).is_some_and(|(start, _)| {
            let start = start.to_zoned_datetime(zone.clone());
            start.date() == day(3) && start.hour() < 12
        })
    };
    wait_until(PATIENCE, "both calendars to move to Thursday morning", || on_thursday(&alice, "Meeting with Bob") && on_thursday(&bob, "Meeting with Alice"));
    let moved = booked_meeting(&alice, "Meeting with Bob").unwrap();
    assert_eq!(booked_meeting(&bob, "Meeting with Alice"), Some(moved), "both calendars hold the new time");
    assert_eq!(alice.events().iter().filter(|e| e["title"] == "Meeting with Bob").count(), 1, "the old time is gone");

    // Bob is busy all Friday: no new time, and the Thursday meeting stands on both sides.
    bob.import(&calendar("bob", &[(4, 0, 23)]));
    let answer = alice.json(&["ask", "move my meeting with Bob to next friday", "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "reschedule", "{answer}");
    wait_until(PATIENCE, "the failed move to settle", || settled(&alice) && alice.latest()["outcome"].as_str().is_some_and(|o| o.contains("stays")));
    assert_eq!(booked_meeting(&alice, "Meeting with Bob"), Some(moved), "the original stands for Alice");
    assert_eq!(booked_meeting(&bob, "Meeting with Alice"), Some(moved), "the original stands for Bob");
}

/// The owner ticks which of the asked-about times they accept: only that one is answered,
/// and it is the one booked on both sides.
#[test]
fn approving_one_of_the_listed_times_books_that_one() {
    let scratch = Scratch::new("approve-at");
    let relay = Relay::start(&scratch.0, None);
    let (alice, bob) = alice_and_bob(&scratch, &relay, "ask");
    alice.json(&["ask", "find 30 minutes with Bob next tuesday"]);
    wait_until(PATIENCE, "Bob to be asked", || bob.latest()["awaiting_approval"] == true);
    let asked = bob.latest();
    let listed = asked["approval"].as_array().expect("the times asked about").clone();
    assert!(listed.len() > 1, "several times to choose from: {asked}");
    let pick = listed.last().unwrap()["start"].as_str().unwrap().to_owned();
    let id = asked["id"].as_str().unwrap().to_owned();
    bob.json(&["approve", &id, "--at", &pick]);
    wait_until(PATIENCE, "both sides to settle", || settled(&alice) && settled(&bob));
    let booked = booked_meeting(&alice, "Meeting with Bob").expect("booked");
    assert_eq!(booked.0, pick.parse::<Timestamp>().unwrap(), "the time Bob ticked, not the agent's first choice");
    assert_eq!(booked_meeting(&bob, "Meeting with Alice"), Some(booked));
    // A time that was not asked about is refused with a clear error.
    let out = bob.run(&["approve", &id, "--at", "2030-01-01T09:00"]);
    assert!(!out.status.success());
}

/// A three-party meeting moves for everyone, with the relay killed and restarted while
/// the move is under way; then cancelling it removes it from every calendar.
#[test]
fn a_three_party_meeting_moves_through_a_relay_restart_and_is_cancelled_for_all() {
    let scratch = Scratch::new("move-three");
    let redis = Redis::start(&scratch.0);
    let mut relay = Relay::start(&scratch.0, Some(&redis));
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", ZONE, &relay.url);
    let mut carol = Agent::init(&scratch.0, "Carol", "Europe/London", &relay.url);
    for agent in [&mut alice, &mut bob, &mut carol] {
        agent.start();
    }
    alice.connect(&bob, "auto");
    alice.connect(&carol, "auto");
    let zone = TimeZone::get(ZONE).unwrap();
    let day = |n: i64| next_monday().checked_add(jiff::Span::new().days(n)).unwrap();
    alice.json(&["ask", "find 30 minutes with Bob and Carol next monday afternoon", "--wait", "30"]);
    wait_until(PATIENCE, "the first booking", || settled(&alice) && booked_meeting(&bob, "Meeting with Alice").is_some() && booked_meeting(&carol, "Meeting with Alice").is_some());

    alice.json(&["ask", "move my meeting with Bob and Carol to next thursday afternoon"]);
    relay.restart();
    let on_thursday = |agent: &Agent, title: &str| booked_meeting(agent, title).is_some_and(|(start, _)| start.to_zoned_datetime(zone.clone()).date() == day(3));
    wait_until(PATIENCE, "all three calendars to move to Thursday", || {
        on_thursday(&alice, "Meeting with Bob and Carol") && on_thursday(&bob, "Meeting with Alice") && on_thursday(&carol, "Meeting with Alice")
    });
    let moved = booked_meeting(&alice, "Meeting with Bob and Carol").unwrap();
    assert_eq!(booked_meeting(&bob, "Meeting with Alice"), Some(moved));
    assert_eq!(booked_meeting(&carol, "Meeting with Alice"), Some(moved));

    let answer = alice.json(&["ask", "cancel my meeting with Bob and Carol"]);
    assert_eq!(answer["answer"]["intent"], "cancel", "{answer}");
    wait_until(PATIENCE, "every calendar to drop it", || {
        booked_meeting(&alice, "Meeting with Bob and Carol").is_none() && booked_meeting(&bob, "Meeting with Alice").is_none() && booked_meeting(&carol, "Meeting with Alice").is_none()
    });
    for agent in [&bob, &carol] {
        let id = agent.latest()["id"].as_str().unwrap().to_owned();
        assert!(agent.text(&["transcript", &id]).contains("cancelled"), "{}'s transcript says it was cancelled", agent.name);
    }
}

/// Whether `slot` lies within `from`..`to` o'clock of a weekday in `zone`.
fn inside_working_day(slot: (Timestamp, Timestamp), zone: &str, from: i8, to: i8) -> bool {
    let zone = TimeZone::get(zone).unwrap();
    let (start, end) = (slot.0.to_zoned_datetime(zone.clone()), slot.1.to_zoned_datetime(zone));
    let weekday = !matches!(start.weekday(), Weekday::Saturday | Weekday::Sunday);
    weekday && start.date() == end.date() && start.hour() >= from && (end.hour() < to || (end.hour() == to && end.minute() == 0))
}

/// Every slot `agent` showed anyone in its newest negotiation.
fn shown_slots(agent: &Agent) -> Vec<(Timestamp, Timestamp)> {
    let latest = agent.latest();
    let shown = latest["shown"].as_array().cloned().unwrap_or_default();
    shown.iter().flat_map(|peer| peer["slots"].as_array().cloned().unwrap_or_default()).map(|s| (instant(&s["start"]), instant(&s["end"]))).collect()
}

/// Alice works 9-16 in Berlin, Bob 9-17 in New York: one hour a day overlaps (two in the
/// weeks only one side is on summer time). Bob's card told Alice his zone and hours, so
/// every time she shows him is inside his day, and the meeting lands in the overlap with
/// the default budget.
#[test]
fn a_berlin_new_york_pair_with_a_one_hour_overlap_books_inside_it() {
    let scratch = Scratch::new("overlap");
    let relay = Relay::start(&scratch.0, None);
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", "America/New_York", &relay.url);
    alice.json(&["prefs", "--hours", "09:00-16:00"]);
    // Alice's first three mornings are taken, so her own best times are late mornings and
    // early afternoons: 03:00-08:00 in New York.
    alice.import(&calendar("alice", &[(0, 9, 11), (1, 9, 11), (2, 9, 11)]));
    alice.start();
    bob.start();
    alice.connect(&bob, "auto");
    let bob_seen = alice.json(&["contacts"]).as_array().unwrap().iter().find(|c| c["name"] == "Bob").cloned().unwrap();
    assert_eq!(bob_seen["their_hours"], "America/New_York", "Bob's card carries his zone: {bob_seen}");

    let answer = alice.json(&["ask", "find 30 minutes with Bob next week", "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "schedule", "{answer}");
    wait_until(PATIENCE, "both sides to settle", || settled(&alice) && settled(&bob));
    let slot = booked_meeting(&alice, "Meeting with Bob").expect("a time in the overlap was booked");
    assert_eq!(booked_meeting(&bob, "Meeting with Alice"), Some(slot), "both calendars hold the same time");
    assert!(inside_working_day(slot, ZONE, 9, 16), "outside Alice's day: {slot:?}");
    assert!(inside_working_day(slot, "America/New_York", 9, 17), "outside Bob's day: {slot:?}");
    let shown = shown_slots(&alice);
    assert!(!shown.is_empty(), "Alice showed Bob some times");
    for shown in shown {
        assert!(inside_working_day(shown, "America/New_York", 9, 17), "Alice showed Bob a time outside his day: {shown:?}");
    }
}

/// Four people in Berlin, London and New York: the organiser knows everyone's day, and one
/// time inside all of them is found and booked for all four.
#[test]
fn a_four_party_meeting_across_three_zones_books() {
    let scratch = Scratch::new("four");
    let relay = Relay::start(&scratch.0, None);
    let mut alice = Agent::init(&scratch.0, "Alice", ZONE, &relay.url);
    let mut ben = Agent::init(&scratch.0, "Ben", "Europe/London", &relay.url);
    let mut carol = Agent::init(&scratch.0, "Carol", "America/New_York", &relay.url);
    let mut dan = Agent::init(&scratch.0, "Dan", ZONE, &relay.url);
    // Busy in parts of the overlap (15:00-17:00 Berlin) on different days.
    ben.import(&calendar("ben", &[(0, 15, 17), (1, 15, 16)]));
    dan.import(&calendar("dan", &[(1, 16, 17), (2, 15, 17)]));
    for agent in [&mut alice, &mut ben, &mut carol, &mut dan] {
        agent.start();
    }
    for other in [&ben, &carol, &dan] {
        alice.connect(other, "auto");
    }
    let answer = alice.json(&["ask", "find 30 minutes with Ben, Carol and Dan next week", "--wait", "30"]);
    assert_eq!(answer["answer"]["intent"], "schedule", "{answer}");
    wait_until(PATIENCE, "everyone to settle", || [&alice, &ben, &carol, &dan].iter().all(|a| settled(a)));
    let slot = booked_meeting(&alice, "Meeting with Ben, Carol and Dan").expect("the organiser booked the meeting");
    for agent in [&ben, &carol, &dan] {
        assert_eq!(booked_meeting(agent, "Meeting with Alice"), Some(slot), "{} holds another time", agent.name);
        for event in agent.events().iter().filter(|e| e["title"] == "Busy") {
            assert!(slot.1 <= instant(&event["start"]) || slot.0 >= instant(&event["end"]), "{} was busy then", agent.name);
        }
    }
    for (zone, who) in [(ZONE, "Alice and Dan"), ("Europe/London", "Ben"), ("America/New_York", "Carol")] {
        assert!(inside_working_day(slot, zone, 9, 17), "outside {who}'s day: {slot:?}");
    }
}
