//! `agentnet nlu` run as a real process.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

const NOW: &str = "2026-03-04T10:30:00-05:00";

fn contacts_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("agentnet-nlu-contacts-{}.json", std::process::id()));
    std::fs::write(&path, r#"[{"id": "bob", "name": "Bob Martin", "nicknames": ["Bobby"]}]"#)
        .expect("write contacts");
    path
}

fn agentnet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_agentnet"))
}

#[test]
fn one_text_prints_intent_and_rfc3339_time() {
    let contacts = contacts_file();
    let out = agentnet()
        .args(["nlu", "--now", NOW, "--tz", "America/New_York", "--contacts"])
        .arg(&contacts)
        .arg("lunch with Bobby tomorrow at 1")
        .output()
        .expect("run agentnet");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["intent"]["kind"], "schedule");
    assert_eq!(v["intent"]["participants"][0]["id"], "bob");
    assert_eq!(v["time"]["start"], "2026-03-05T13:00:00-05:00");
    assert_eq!(v["time"]["end"], Value::Null);
    assert_eq!(v["time"]["grain"], "hour");
}

#[test]
fn jsonl_answers_every_line_and_reports_bad_ones_in_place() {
    let mut child = agentnet()
        .args(["nlu", "--now", NOW, "--tz", "America/New_York", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run agentnet");
    let input = "{\"text\": \"am I free from 2 to 4pm on Friday?\"}\nnot json\n{\"txt\": 1}\n{\"text\": \"next week\"}\n";
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["intent"]["kind"], "ask_availability");
    assert_eq!(lines[0]["time"]["start"], "2026-03-06T14:00:00-05:00");
    assert_eq!(lines[0]["time"]["end"], "2026-03-06T16:00:00-05:00");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().is_some_and(|e| e.contains("invalid JSON")));
    assert!(lines[2]["error"].is_string());
    // After the DST change: next Monday is at -04:00.
    assert_eq!(lines[3]["time"]["start"], "2026-03-09T00:00:00-04:00");
    assert_eq!(lines[3]["time"]["grain"], "week");
}

#[test]
fn an_unknown_zone_is_a_clear_error() {
    let out = agentnet().args(["nlu", "--now", NOW, "--tz", "Mars/Olympus", "hi"]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown time zone"));
}

#[test]
fn scored_lines_get_a_verdict_and_a_summary_per_category() {
    let contacts = contacts_file();
    let mut child = agentnet()
        .args(["nlu", "--now", NOW, "--tz", "America/New_York", "--jsonl", "--contacts"])
        .arg(&contacts)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run agentnet");
    let cases = [
        // Right: Bob, 30 minutes, tomorrow afternoon.
        r#"{"id": "a-1", "category": "window", "text": "30 minutes with bob tomorrow afternoon", "expect": {"kind": "schedule", "participants": ["bob"], "duration_minutes": 30, "windows": [{"start": "2026-03-05", "end": null}], "part": "afternoon"}}"#,
        // Wrong on purpose: the case expects Friday.
        r#"{"id": "a-2", "category": "window", "text": "30 minutes with bob tomorrow", "expect": {"kind": "schedule", "participants": ["bob"], "duration_minutes": 30, "windows": [{"start": "2026-03-06", "end": null}]}}"#,
        // Asked: a name that is nobody.
        r#"{"id": "c-1", "category": "contact", "text": "lunch with Zed tomorrow", "expect": {"kind": "schedule", "participants": ["bob"], "duration_minutes": null}}"#,
    ];
    child.stdin.take().expect("stdin").write_all(cases.join("\n").as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout).expect("utf-8").lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 4, "three verdicts and a summary");
    assert_eq!(lines[0]["verdict"]["verdict"], "right", "{}", lines[0]);
    assert_eq!(lines[1]["verdict"]["verdict"], "wrong", "{}", lines[1]);
    assert_eq!(lines[2]["verdict"]["verdict"], "asked", "{}", lines[2]);
    let summary = &lines[3]["summary"];
    assert_eq!(summary["overall"], serde_json::json!({"right": 1, "asked": 1, "wrong": 1}));
    assert_eq!(summary["categories"]["window"], serde_json::json!({"right": 1, "asked": 0, "wrong": 1}));
    assert_eq!(summary["categories"]["contact"], serde_json::json!({"right": 0, "asked": 1, "wrong": 0}));
}
