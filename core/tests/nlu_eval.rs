//! Accuracy of the offline interpreter on hand-written commands.
//!
//! Each line of `data/nlu_eval.jsonl` holds a command and what a careful person
//! expects: the intent kind, the participants (contact ids), the meeting length and the
//! first time expression (local date or date-time in the reference zone, exclusive end,
//! grain), plus optional `expect`: a JSON object that must be contained in the intent.
//! Lines are resolved against `REFERENCE_NOW` unless they carry their own `now`.
//!
//! A line is correct only if everything matches. Answering with a clarification where
//! an answer was expected is counted apart: it costs accuracy but is not a wrong guess.

use agentnet_core::nlu::{Contact, Context, Intent, Interpretation, TimeExpr, interpret};
use jiff::ZonedDateTime;
use jiff::civil::DateTime;
use serde_json::Value;

/// Wednesday, four days before the 2026 US daylight-saving change.
const REFERENCE_NOW: &str = "2026-03-04T10:30:00-05:00[America/New_York]";
const REQUIRED_ACCURACY: f64 = 0.95;

fn local(text: &str, now: &ZonedDateTime) -> ZonedDateTime {
    let civil: DateTime = if text.len() == 10 {
        format!("{text}T00:00").parse().expect("date in eval file")
    } else {
        text.parse().expect("date-time in eval file")
    };
    civil.to_zoned_datetime(now.time_zone().clone()).expect("exists in the zone")
}

fn time_matches(expected: &Value, got: Option<&TimeExpr>, now: &ZonedDateTime) -> bool {
    match (expected, got) {
        (Value::Null, None) => true,
        (Value::Object(e), Some(t)) => {
            let start = local(e["start"].as_str().expect("start"), now);
            let end = e["end"].as_str().map(|s| local(s, now));
            let grain = serde_json::to_value(t.grain).expect("grain serialises");
            t.start == start && t.end == end && grain == e["grain"]
        }
        _ => false,
    }
}

/// Whether every field of `expected` is in `got` with the same value.
fn contains(got: &Value, expected: &Value) -> bool {
    match (got, expected) {
        (Value::Object(g), Value::Object(e)) => {
            e.iter().all(|(k, v)| g.get(k).is_some_and(|gv| contains(gv, v)))
        }
        _ => got == expected,
    }
}

fn correct(case: &Value, got: &Interpretation, now: &ZonedDateTime) -> bool {
    if got.intent.kind() != case["kind"].as_str().expect("kind") {
        return false;
    }
    if matches!(got.intent, Intent::NeedsClarification { .. }) {
        return true;
    }
    let mut want: Vec<&str> =
        case["participants"].as_array().expect("participants").iter().filter_map(Value::as_str).collect();
    let mut have: Vec<&str> = got.intent.participants().iter().map(|p| p.id.as_str()).collect();
    want.sort_unstable();
    have.sort_unstable();
    let intent = serde_json::to_value(&got.intent).expect("intent serialises");
    want == have
        && case["duration_minutes"].as_u64() == got.intent.duration_minutes().map(u64::from)
        && time_matches(&case["time"], got.time.as_ref(), now)
        && case.get("expect").is_none_or(|e| contains(&intent, e))
}

#[test]
fn offline_interpreter_meets_the_accuracy_bar() {
    let contacts: Vec<Contact> =
        serde_json::from_str(include_str!("data/nlu_contacts.json")).expect("contacts file");
    let reference: ZonedDateTime = REFERENCE_NOW.parse().expect("reference now");
    let (mut total, mut right, mut clarified) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for line in include_str!("data/nlu_eval.jsonl").lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("eval line is JSON");
        let now = case.get("now").and_then(Value::as_str).map_or(reference.clone(), |s| s.parse().expect("now"));
        let text = case["text"].as_str().expect("text");
        let got = interpret(text, &Context { now: now.clone(), contacts: contacts.clone() });
        total += 1;
        if correct(&case, &got, &now) {
            right += 1;
        } else {
            if matches!(got.intent, Intent::NeedsClarification { .. }) {
                clarified += 1;
            }
            failures.push(format!(
                "  {text:?}\n    expected {line}\n    got {}",
                serde_json::to_string(&got).expect("serialises")
            ));
        }
    }
    let accuracy = right as f64 / total as f64;
    println!("nlu eval: {right}/{total} correct ({:.1}%)", accuracy * 100.0);
    println!("nlu eval: {clarified} answered with a clarification instead of a wrong guess");
    println!("nlu eval: {} wrong", total - right - clarified);
    for f in &failures {
        println!("{f}");
    }
    assert!(total >= 300, "the evaluation set must hold at least 300 commands, has {total}");
    assert!(accuracy >= REQUIRED_ACCURACY, "accuracy {accuracy:.3} is below {REQUIRED_ACCURACY}");
}
