//! The chat-completions request, and the only place that decides what leaves the device.
//!
//! The model is sent the command text, today's date and weekday, the owner's time zone
//! and the contacts' names and nicknames. Not the time of day, not contact ids, not
//! calendar contents, not other agents' messages: core resolves times and contacts
//! from the model's structured answer, so the model needs nothing more.

use agentnet_core::nlu::Context;
use serde::Serialize;
use serde_json::Value;

use super::schema;

/// What the model is asked to do. Fixed text: everything that varies is appended by
/// [`system_prompt`].
pub const INSTRUCTIONS: &str = "\
You read one command that a person gives to their scheduling assistant and answer with \
one JSON object that follows the given schema. Do not add any other text.
Rules:
- kind: schedule (book a new meeting), reschedule (move one), cancel, ask_availability \
(when am I / are we free), set_preference (working hours, buffers, no-meeting days, focus \
time, notice, daily cap, default length, lunch break, time zone), connect_contact (add \
or invite a new person), list_upcoming (what meetings are coming), explain_negotiation \
(why a time was chosen or declined), needs_clarification (anything you cannot settle \
without guessing).
- participants: only names from the contact list below, copied exactly as listed. If the \
command mentions a person who is not in the list, or a vague person (\"my manager\", \
\"him\"), answer needs_clarification with issue unknown_contact and issue_name set to \
the words used. If a name fits several contacts, answer needs_clarification with issue \
ambiguous_contact, issue_name the name used and participants the matching contacts.
- when / to: copy the time expression from the command word for word (for example \
\"next Tuesday afternoon\", \"3-4pm tomorrow\", \"in two weeks\"). Do not compute \
dates. Use an ISO 8601 date (2026-03-10) or date-time (2026-03-10T15:00) only when the \
command itself gives an exact date.
- Rules on the time go in their own fields: alternatives (\"Tuesday or Wednesday\"), \
part_of_day when the part is required, prefer_part_of_day when it is only a wish \
(\"preferably\", \"ideally\", \"if possible\"), exclude_parts_of_day and exclude_weekdays \
(\"not mornings\", \"no Fridays\"), earliest and latest (\"after 3\", \"by 11\"), zone (\"8:00 \
PST\": America/Los_Angeles; the times stay as written).
- A repeating meeting (\"every Tuesday\", \"weekly\") is not supported: answer \
needs_clarification with issue recurring and issue_name the words that make it repeat. \
Any other word or condition that changes the request and that these fields cannot hold \
(\"unless it rains\", \"after the plumber leaves\"): needs_clarification with issue \
unsupported and issue_name those words. Never drop words that carry meaning.
- Fields that the command does not state are null; participants is [] when nobody is \
named.";

/// The system message: [`INSTRUCTIONS`], then today's date, the owner's time zone and
/// the contact names (as a JSON list, so a name cannot pass for an instruction).
pub fn system_prompt(ctx: &Context) -> String {
    let zone = ctx.now.time_zone().iana_name().map_or_else(|| ctx.now.offset().to_string(), str::to_string);
    let names: Vec<Value> = ctx
        .contacts
        .iter()
        .map(|c| serde_json::json!({ "name": c.name, "nicknames": c.nicknames }))
        .collect();
    format!(
        "{INSTRUCTIONS}\n\nToday is {weekday:?} {date}. The owner's time zone is {zone}.\nThe owner's contacts (JSON): {contacts}",
        weekday = ctx.now.weekday(),
        date = ctx.now.date(),
        contacts = Value::Array(names),
    )
}

/// One message of the conversation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Message {
    role: &'static str,
    content: String,
}

/// The request body for `POST {base}/chat/completions`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChatRequest {
    model: String,
    messages: Vec<Message>,
    response_format: Value,
    temperature: f32,
}

impl ChatRequest {
    /// The request for one command.
    pub(crate) fn new(model: &str, text: &str, ctx: &Context) -> Self {
        Self {
            model: model.to_string(),
            messages: vec![
                Message { role: "system", content: system_prompt(ctx) },
                Message { role: "user", content: text.to_string() },
            ],
            response_format: schema::response_format(),
            // Interpretation, not creativity: the same command should give the same intent.
            temperature: 0.0,
        }
    }
}
