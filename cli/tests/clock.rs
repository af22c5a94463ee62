//! `AGENTNET_NOW` starts the agent's clock at a fixed instant, so a scenario replays
//! exactly on any day; unset, the agent lives in the present; malformed, it is refused.

mod support;

use support::{Agent, Scratch};

const MEETING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//agentnet tests//EN\r\nBEGIN:VEVENT\r\nUID:review@tests\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Design review\r\nDTSTART;TZID=Europe/Berlin:20300107T100000\r\nDTEND;TZID=Europe/Berlin:20300107T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn titles(out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    events.as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_clock_starts_where_agentnet_now_says_and_a_bad_value_is_refused() {
    let scratch = Scratch::new("clock");
    let alice = Agent::init(&scratch.0, "Alice", "Europe/Berlin", "ws://127.0.0.1:9");
    alice.import(MEETING);

    let then = alice.run_at("2030-01-07T08:00:00+01:00", &["--json", "events", "--days", "1"]);
    assert_eq!(titles(&then), ["Design review"], "on the morning of 7 January 2030 the review is today");
    let today = alice.run(&["--json", "events", "--days", "1"]);
    assert!(titles(&today).is_empty(), "in the present, 2030 is years away");

    let bad = alice.run_at("next tuesday", &["--json", "events"]);
    assert_eq!(bad.status.code(), Some(6), "invalid input");
    let error = String::from_utf8_lossy(&bad.stderr);
    assert!(error.contains("AGENTNET_NOW") && error.contains("RFC 3339"), "the error names the variable: {error}");
}
