//! `agentnet nlu --model`: the language-model path scored by the same harness as the
//! offline interpreter, against a local OpenAI-compatible server.

#[path = "../../platform/tests/openai/mod.rs"]
mod openai;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use openai::{FakeServer, KEY, MODEL, Reply};
use serde_json::{Value, json};

const NOW: &str = "2026-03-04T10:30:00-05:00";

/// An answer in the schema's flat shape, with every field but `fields` null or empty.
fn answer(fields: Value) -> String {
    let mut base = json!({
        "kind": null, "participants": [], "duration_minutes": null, "when": null, "to": null,
        "alternatives": [], "part_of_day": null, "prefer_part_of_day": null, "exclude_parts_of_day": [],
        "exclude_weekdays": [], "earliest": null, "latest": null, "zone": null, "title": null,
        "location": null, "preference": null, "name": null, "question": null, "issue": null, "issue_name": null
    });
    for (k, v) in fields.as_object().expect("an object") {
        base[k] = v.clone();
    }
    base.to_string()
}

/// What the scripted model answers to each command: two right, one wrong, one naming a
/// person who is not a contact (which the client refuses).
fn model(command: &str) -> String {
    match command {
        "30 min with Bob next week, not mornings" => answer(json!({
            "kind": "schedule", "participants": ["Bob Martin"], "duration_minutes": 30, "when": "next week", "exclude_parts_of_day": ["morning"]
        })),
        "meet Bob at 3pm London time on Friday" => answer(json!({
            "kind": "schedule", "participants": ["Bob Martin"], "when": "Friday at 3pm", "zone": "Europe/London"
        })),
        "meet Bob on Friday" => answer(json!({ "kind": "schedule", "participants": ["Bob Martin"], "when": "Saturday" })),
        _ => answer(json!({ "kind": "schedule", "participants": ["Zed Quill"], "when": "Monday" })),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_model_path_is_scored_right_asked_or_wrong() {
    let server = FakeServer::start(Reply::PerCommand(Arc::new(model))).await;
    let contacts = std::env::temp_dir().join(format!("agentnet-nlu-model-contacts-{}.json", std::process::id()));
    std::fs::write(&contacts, r#"[{"id": "bob", "name": "Bob Martin", "nicknames": []}]"#).expect("write contacts");
    let cases = [
        json!({"id": "negation-1", "category": "negation", "text": "30 min with Bob next week, not mornings",
               "expect": {"kind": "schedule", "participants": ["bob"], "duration_minutes": 30,
                          "windows": [{"start": "2026-03-09", "end": "2026-03-16"}], "exclude_parts": ["morning"]}}),
        json!({"id": "zone-1", "category": "zone", "text": "meet Bob at 3pm London time on Friday",
               "expect": {"kind": "schedule", "participants": ["bob"], "windows": [{"start": "2026-03-06T15:00", "end": null}], "zone": "Europe/London"}}),
        json!({"id": "window-1", "category": "window", "text": "meet Bob on Friday",
               "expect": {"kind": "schedule", "participants": ["bob"], "windows": [{"start": "2026-03-06", "end": null}]}}),
        json!({"id": "contact-1", "category": "contact", "text": "meet Zed on Monday",
               "expect": {"kind": "needs_clarification", "mentions": "zed"}}),
    ];
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let base_url = server.base_url.clone();
    let out = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agentnet"))
            .args(["nlu", "--model", "--jsonl", "--now", NOW, "--tz", "America/New_York", "--contacts"])
            .arg(&contacts)
            .env("OPENAI_BASE_URL", base_url)
            .env("OPENAI_MODEL", MODEL)
            .env("OPENAI_API_KEY", KEY)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run agentnet");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        child.wait_with_output().expect("wait")
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8(out.stdout).expect("utf-8").lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(server.requests().len(), 4, "every command went to the model, none was answered offline");
    let verdict = |id: &str| lines.iter().find(|l| l["id"] == id).map(|l| l["verdict"]["verdict"].clone()).expect("a line per case");
    assert_eq!(verdict("negation-1"), "right");
    assert_eq!(verdict("zone-1"), "right", "times stated in another zone are read in it");
    assert_eq!(verdict("window-1"), "wrong", "Saturday for Friday is a confident wrong answer");
    assert_eq!(verdict("contact-1"), "asked", "a refused answer books nothing");
    let summary = &lines.last().expect("a summary")["summary"]["overall"];
    assert_eq!((summary["right"].as_u64(), summary["asked"].as_u64(), summary["wrong"].as_u64()), (Some(2), Some(1), Some(1)));
}
