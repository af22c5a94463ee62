//! The JSON schema the model must answer with (OpenAI structured outputs, strict).
//!
//! Strict mode wants every property listed in `required` and no others, so optional
//! fields are nullable rather than absent. The shape is flat on purpose: small local
//! models follow a flat object far better than nested `anyOf` unions, and
//! [`super::answer`] turns it into the core [`Intent`](agentnet_core::nlu::Intent).
//!
//! Times are *text*: the expression as the owner wrote it ("next Tuesday afternoon"),
//! or an ISO 8601 date or date-time. Core resolves them, so the model never does date
//! arithmetic (which small models get wrong).

use serde_json::{Value, json};

/// The intent kinds, as core serialises them.
pub(crate) const KINDS: &[&str] = &[
    "schedule",
    "reschedule",
    "cancel",
    "ask_availability",
    "set_preference",
    "connect_contact",
    "list_upcoming",
    "explain_negotiation",
    "needs_clarification",
];

/// The preference kinds, as core serialises them.
pub(crate) const PREFERENCES: &[&str] = &[
    "working_hours",
    "buffer",
    "focus_time",
    "no_meetings_on",
    "no_meetings_before",
    "no_meetings_after",
    "minimum_notice",
    "max_meetings_per_day",
    "default_duration",
    "lunch_break",
    "time_zone",
];

/// The clarification issues, as core serialises them.
pub(crate) const ISSUES: &[&str] = &[
    "unknown_contact",
    "ambiguous_contact",
    "missing_participants",
    "missing_meeting",
    "invalid_date",
    "unclear_preference",
    "not_understood",
    "unsupported",
    "recurring",
];

const PARTS_OF_DAY: &[&str] = &["morning", "lunch", "afternoon", "evening", "night"];
const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn nullable(kind: &str, description: &str) -> Value {
    json!({ "type": [kind, "null"], "description": description })
}

fn nullable_enum(values: &[&str], description: &str) -> Value {
    let mut values: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    values.push(Value::Null);
    json!({ "type": ["string", "null"], "enum": values, "description": description })
}

fn object(properties: Value) -> Value {
    let required: Vec<&String> = properties.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

/// The `response_format` value sent with every request.
pub fn response_format() -> Value {
    let time = "A time exactly as the owner wrote it (\"next Tuesday afternoon\", \"3-4pm tomorrow\") or an ISO 8601 date or date-time; null when not stated.";
    let clock = "24-hour HH:MM, or null.";
    let preference = object(json!({
        "preference": { "type": "string", "enum": PREFERENCES },
        "minutes": nullable("integer", "Minutes, for buffer, minimum_notice, default_duration."),
        "count": nullable("integer", "For max_meetings_per_day."),
        "start": nullable("string", clock),
        "end": nullable("string", clock),
        "time": nullable("string", "For no_meetings_before / no_meetings_after: 24-hour HH:MM."),
        "weekdays": { "type": "array", "items": { "type": "string", "enum": WEEKDAYS } },
        "part_of_day": nullable_enum(PARTS_OF_DAY, "For focus_time stated as a part of the day."),
        "zone": nullable("string", "For time_zone: an IANA name such as Europe/Paris."),
    }));
    let location = object(json!({
        "type": { "type": "string", "enum": ["video", "phone", "in_person"] },
        "detail": nullable("string", "The video service or the place, when named."),
    }));
    let schema = object(json!({
        "kind": { "type": "string", "enum": KINDS },
        "participants": {
            "type": "array",
            "items": { "type": "string" },
            "description": "Names copied exactly from the contact list; [] when none."
        },
        "duration_minutes": nullable("integer", "Meeting length in minutes, when stated."),
        "when": nullable("string", time),
        "to": nullable("string", "For reschedule: where to move the meeting. Same format as `when`."),
        "alternatives": {
            "type": "array",
            "items": { "type": "string" },
            "description": "Other times that would do as well as `when` (\"Tuesday or Wednesday\": when Tuesday, alternatives [Wednesday]). Same format as `when`; [] when none."
        },
        "part_of_day": nullable_enum(PARTS_OF_DAY, "A part of the day the meeting must be in (\"in the afternoon\", \"afternoons\")."),
        "prefer_part_of_day": nullable_enum(PARTS_OF_DAY, "A part of the day the owner only wishes for (\"preferably mornings\", \"ideally in the afternoon\")."),
        "exclude_parts_of_day": { "type": "array", "items": { "type": "string", "enum": PARTS_OF_DAY }, "description": "Parts of the day ruled out (\"not mornings\"); [] when none." },
        "exclude_weekdays": { "type": "array", "items": { "type": "string", "enum": WEEKDAYS }, "description": "Weekdays ruled out (\"no Fridays\", \"except Tuesday\"); [] when none." },
        "earliest": nullable("string", "No start before this time of day (\"after 3\", \"not before 10\"): 24-hour HH:MM, or null."),
        "latest": nullable("string", "Done by this time of day (\"by 11\", \"before noon\"): 24-hour HH:MM, or null."),
        "zone": nullable("string", "The time zone the owner stated the times in (\"3pm London time\": Europe/London), an IANA name; null when not stated."),
        "title": nullable("string", "What the meeting is about or its kind (\"Coffee\")."),
        "location": { "anyOf": [location, { "type": "null" }] },
        "preference": { "anyOf": [preference, { "type": "null" }] },
        "name": nullable("string", "For connect_contact: the name of the person to connect with."),
        "question": nullable("string", "For needs_clarification: the question to ask the owner."),
        "issue": nullable_enum(ISSUES, "For needs_clarification: what is unclear."),
        "issue_name": nullable("string", "For unknown_contact / ambiguous_contact: the name as written; for unsupported / recurring: the words not understood or that make it repeat."),
    }));
    json!({
        "type": "json_schema",
        "json_schema": { "name": "intent", "strict": true, "schema": schema }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strict mode rejects a schema where an object lists a property that is not required.
    fn check_strict(v: &Value) {
        if let Some(o) = v.as_object() {
            if let Some(props) = o.get("properties").and_then(Value::as_object) {
                let required: Vec<&str> = o["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
                for key in props.keys() {
                    assert!(required.contains(&key.as_str()), "{key} not required");
                }
                assert_eq!(o["additionalProperties"], json!(false));
            }
            o.values().for_each(check_strict);
        } else if let Some(a) = v.as_array() {
            a.iter().for_each(check_strict);
        }
    }

    #[test]
    fn every_object_is_strict() {
        let f = response_format();
        assert_eq!(f["json_schema"]["strict"], json!(true));
        check_strict(&f["json_schema"]["schema"]);
    }
}
