//! What a command asks of the agent, and what comes back. The same [`Request`] runs
//! in-process or, when `agentnet run` holds the profile, inside that process (sent over
//! its control socket), so both paths behave identically.

use std::time::Duration;

use agentnet_agent::{Agent, AgentError, ContactChange, Direction, Negotiation, Policy};
use agentnet_platform::store::Store;
use agentnet_core::schedule::Interval;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::exit;

/// One command for the agent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub(crate) enum Request {
    Invite,
    Accept { code: String, name: Option<String> },
    Contacts,
    Contact { query: String, changes: Vec<Change> },
    Ask { text: String, wait_secs: Option<u64> },
    Approve {
        id: String,
        #[serde(default)]
        at: Vec<String>,
    },
    Decline { id: String },
    Suggest { id: String, at: Vec<String> },
    Cancel { id: String },
    Negotiations,
    Transcript { id: Option<String> },
    Events { days: u32 },
    CalendarImport { ics: String },
    CalendarExport,
    CalendarConnectCalDav { url: String, user: String, password: crate::calendars::Password, calendar: Option<String> },
    CalendarSources,
    CalendarSync,
    CalendarDisconnect,
    Prefs { changes: Vec<PrefChange> },
}

/// A change to one contact, as given on the command line.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Change {
    Rename(String),
    Block(bool),
    Verify(bool),
    Policy(String),
    Budget(u32),
    ShareHours(String),
}

/// A change to the owner's settings, as given on the command line.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PrefChange {
    Name(String),
    Zone(String),
    Hours { start: u16, end: u16 },
    Buffer(u32),
    Notice(u32),
    Duration(u32),
    Policy(String),
    Budget(u32),
}

/// The answer: words for people, JSON for scripts, and the exit code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Reply {
    pub(crate) human: String,
    pub(crate) json: Value,
    pub(crate) code: i32,
}

impl Reply {
    fn ok(human: impl Into<String>, json: Value) -> Reply {
        Reply { human: human.into(), json, code: exit::OK }
    }

    pub(crate) fn error(error: &AgentError) -> Reply {
        Reply { human: format!("error: {error}"), json: json!({ "error": error.to_string() }), code: exit::for_error(error) }
    }
}

impl Request {
    /// Whether the command talks to other agents (so a one-shot run must connect and
    /// stay until what it sent reached the relay).
    pub(crate) fn needs_relay(&self) -> bool {
        matches!(self, Request::Invite | Request::Accept { .. } | Request::Ask { .. } | Request::Approve { .. } | Request::Decline { .. } | Request::Cancel { .. })
            || matches!(self, Request::Suggest { at, .. } if !at.is_empty())
    }
}

/// Carries out `request` on `agent`.
pub(crate) async fn handle<S: Store + 'static>(agent: &Agent<S>, request: Request) -> Reply {
    match carry_out(agent, request).await {
        Ok(reply) => reply,
        Err(error) => Reply::error(&error),
    }
}

async fn carry_out<S: Store + 'static>(agent: &Agent<S>, request: Request) -> Result<Reply, AgentError> {
    let zone = agent.settings().await.time_zone();
    let when = |slot: &Interval| agentnet_agent::when(slot, &zone);
    Ok(match request {
        Request::Invite => {
            let invite = agent.invite().await?;
            Reply::ok(format!("Invite code (single use, 7 days):\n{}\nLink:\n{}", invite.code(), invite.link()), json!({ "code": invite.code(), "link": invite.link() }))
        }
        Request::Accept { code, name } => {
            let contact = agent.accept(&code, name.as_deref()).await?;
            let safety = agent.safety_number(&contact);
            Reply::ok(
                format!("Connected to {}. Compare this safety number with them: {safety}", contact.name),
                json!({ "contact": contact.id, "name": contact.name, "safety_number": safety }),
            )
        }
        Request::Contacts => {
            let contacts = agent.contacts().await?;
            let human = contacts
                .iter()
                .map(|c| {
                    let flags = [(c.verified, "verified"), (c.blocked, "blocked")].iter().filter(|f| f.0).map(|f| f.1).collect::<Vec<_>>().join(", ");
                    format!("{}  {}  policy={} budget={} {}\n    safety number {}", &c.id[..8], c.name, c.policy.name(), c.disclosure_budget, flags, agent.safety_number(c))
                })
                .collect::<Vec<_>>()
                .join("\n");
            let list: Vec<Value> = contacts.iter().map(|c| contact_json(agent, c)).collect();
            Reply::ok(if human.is_empty() { "No contacts yet.".into() } else { human }, Value::Array(list))
        }
        Request::Contact { query, changes } => {
            let mut contact = agent.contact(&query).await?;
            for change in changes {
                let change = match change {
                    Change::Rename(name) => ContactChange::Rename(name),
                    Change::Block(on) => ContactChange::Block(on),
                    Change::Verify(on) => ContactChange::Verify(on),
                    Change::Policy(p) => ContactChange::Policy(Policy::parse(&p).ok_or_else(|| AgentError::InvalidSetting { reason: format!("policy must be auto, ask or never, not {p:?}") })?),
                    Change::Budget(n) => ContactChange::Budget(n),
                    Change::ShareHours(on) => ContactChange::ShareHours(match on.as_str() {
                        "on" => true,
                        "off" => false,
                        _ => return Err(AgentError::InvalidSetting { reason: format!("--share-hours must be on or off, not {on:?}") }.into()),
                    }),
                };
                contact = agent.change_contact(&contact.id, change).await?;
            }
            Reply::ok(format!("{} ({}), policy {}, budget {}", contact.name, &contact.id[..8], contact.policy.name(), contact.disclosure_budget), contact_json(agent, &contact))
        }
        Request::Ask { text, wait_secs } => {
            let answer = agent.ask(&text).await?;
            let mut human = match &answer.understood {
                Some(line) => format!("Understood: {line}\n{}", answer.text),
                None => answer.text.clone(),
            };
            let mut settled = Value::Null;
            if let (Some(id), Some(secs)) = (&answer.negotiation, wait_secs) {
                let n = wait_for(agent, id, Duration::from_secs(secs)).await?;
                human.push('\n');
                human.push_str(&status_line(&n, &when));
                settled = negotiation_json(&n);
            }
            Reply::ok(human, json!({ "answer": answer, "negotiation": settled }))
        }
        Request::Approve { id, at } if !at.is_empty() => {
            let minutes = agent.negotiation(&id).await?.meeting.duration_minutes;
            let slots = at.iter().map(|text| slot_at(text, &zone, minutes)).collect::<Result<Vec<_>, _>>()?;
            let n = agent.approve_only(&id, &slots).await?;
            Reply::ok(format!("Approved {} of the times. {}", slots.len(), status_line(&n, &when)), negotiation_json(&n))
        }
        Request::Approve { id, .. } => {
            let n = agent.approve(&id).await?;
            Reply::ok(format!("Approved. {}", status_line(&n, &when)), negotiation_json(&n))
        }
        Request::Decline { id } => {
            let n = agent.decline(&id).await?;
            Reply::ok(format!("Declined. {}", status_line(&n, &when)), negotiation_json(&n))
        }
        Request::Suggest { id, at } if at.is_empty() => {
            let free = agent.suggestions(&id, SUGGESTIONS).await?;
            let human = free.iter().map(&when).collect::<Vec<_>>().join("\n");
            let list: Vec<Value> = free.iter().map(slot_json).collect();
            Reply::ok(if human.is_empty() { "No other free times for this meeting.".into() } else { human }, Value::Array(list))
        }
        Request::Suggest { id, at } => {
            let minutes = agent.negotiation(&id).await?.meeting.duration_minutes;
            let slots = at.iter().map(|text| slot_at(text, &zone, minutes)).collect::<Result<Vec<_>, _>>()?;
            let n = agent.suggest(&id, &slots).await?;
            Reply::ok(format!("Suggested. {}", status_line(&n, &when)), negotiation_json(&n))
        }
        Request::Cancel { id } => {
            let n = agent.cancel(&id).await?;
            Reply::ok(format!("Cancelling. {}", status_line(&n, &when)), negotiation_json(&n))
        }
        Request::Negotiations => {
            let all = agent.negotiations().await?;
            let summaries = agent.summaries(&all).await?;
            let human = all.iter().map(|n| status_line(n, &when)).collect::<Vec<_>>().join("\n");
            let list = all
                .iter()
                .zip(&summaries)
                .map(|(n, summary)| {
                    let mut value = negotiation_json(n);
                    // The owner's free times each contact was shown.
                    value["shown"] = json!(summary.disclosed.iter().map(|d| json!({ "peer": d.peer, "slots": d.slots.iter().map(slot_json).collect::<Vec<_>>() })).collect::<Vec<_>>());
                    value
                })
                .collect();
            Reply::ok(if human.is_empty() { "No negotiations yet.".into() } else { human }, Value::Array(list))
        }
        Request::Transcript { id } => {
            let entries = match id {
                Some(id) => agent.transcript(&id).await?,
                None => agent.entries(agentnet_platform::store::Query::all()).await?,
            };
            let human = entries
                .iter()
                .map(|e| {
                    let at = Timestamp::from_millisecond(e.at_ms).map(|t| t.to_zoned_datetime(zone.clone()).strftime("%H:%M:%S").to_string()).unwrap_or_default();
                    let mark = match e.direction {
                        Direction::Sent => "->",
                        Direction::Received => "<-",
                        Direction::Rejected => "!!",
                        Direction::Note => "..",
                    };
                    format!("{at} {mark} {}", e.sentence)
                })
                .collect::<Vec<_>>()
                .join("\n");
            Reply::ok(human, serde_json::to_value(&entries).unwrap_or_default())
        }
        Request::Events { days } => {
            let now = agentnet_platform::rt::now();
            let window = Interval::new(now - SignedDuration::from_hours(24), now + SignedDuration::from_hours(24 * i64::from(days.max(1))))
                .map_err(|_| AgentError::InvalidSetting { reason: "empty window".into() })?;
            let events = agent.events(window).await?;
            let human = events.iter().map(|(slot, title)| format!("{}  {title}", when(slot))).collect::<Vec<_>>().join("\n");
            let list: Vec<Value> = events
                .iter()
                .map(|(slot, title)| {
                    let mut event = slot_json(slot);
                    event["title"] = json!(title);
                    event
                })
                .collect();
            Reply::ok(if human.is_empty() { "Nothing in your calendar.".into() } else { human }, Value::Array(list))
        }
        Request::CalendarImport { ics } => {
            let count = agent.import_ics(&ics).await?;
            Reply::ok(format!("Imported {count} events."), json!({ "imported": count }))
        }
        Request::CalendarExport => {
            let ics = agent.export_ics().await?;
            Reply::ok(ics.clone(), json!({ "ics": ics }))
        }
        Request::CalendarConnectCalDav { url, user, password, calendar } => crate::calendars::connect(agent, url, user, password, calendar).await,
        Request::CalendarSources => crate::calendars::sources(agent).await?,
        Request::CalendarSync => crate::calendars::sync(agent).await,
        Request::CalendarDisconnect => crate::calendars::disconnect(agent).await,
        Request::Prefs { changes } => {
            let settings = if changes.is_empty() {
                agent.settings().await
            } else {
                agent.update_settings(|s| apply_prefs(s, changes)).await?
            };
            let human = format!(
                "name {}\nzone {}\nrelay {}\nworking hours {}\nbuffer {} min, notice {} min, default length {} min\nnew contacts: policy {}, budget {}",
                settings.name,
                settings.zone,
                settings.relay,
                settings.prefs.working_hours.iter().map(|r| r.describe()).collect::<Vec<_>>().join(", "),
                settings.prefs.buffer_minutes,
                settings.prefs.min_notice_minutes,
                settings.prefs.default_duration_minutes,
                settings.default_policy.name(),
                settings.default_budget
            );
            Reply::ok(human, serde_json::to_value(&settings).unwrap_or_default())
        }
    })
}

fn apply_prefs(settings: &mut agentnet_agent::Settings, changes: Vec<PrefChange>) -> Result<(), AgentError> {
    let invalid = |reason: String| AgentError::InvalidSetting { reason };
    for change in changes {
        match change {
            PrefChange::Name(name) => settings.name = name,
            PrefChange::Zone(zone) => settings.zone = zone,
            PrefChange::Hours { start, end } => {
                if start >= end || end > 24 * 60 {
                    return Err(invalid("working hours must start before they end".into()));
                }
                settings.prefs.working_hours = (0..5).map(|weekday| agentnet_agent::DayRange { weekday, start, end }).collect();
            }
            PrefChange::Buffer(m) => settings.prefs.buffer_minutes = m,
            PrefChange::Notice(m) => settings.prefs.min_notice_minutes = m,
            PrefChange::Duration(m) => settings.prefs.default_duration_minutes = m.clamp(5, 480),
            PrefChange::Policy(p) => settings.default_policy = Policy::parse(&p).ok_or_else(|| invalid(format!("policy must be auto, ask or never, not {p:?}")))?,
            PrefChange::Budget(n) => settings.default_budget = n.clamp(1, 100),
        }
    }
    Ok(())
}

/// How many free times `suggest` lists.
const SUGGESTIONS: usize = 5;

/// A meeting of `minutes` starting at `text`: RFC 3339, or a civil time in `zone`.
fn slot_at(text: &str, zone: &jiff::tz::TimeZone, minutes: u32) -> Result<Interval, AgentError> {
    let invalid = || AgentError::InvalidSetting { reason: format!("--at {text:?} must look like 2026-03-03T15:00 or 2026-03-03T15:00:00+01:00") };
    let start = match text.parse::<Timestamp>() {
        Ok(start) => start,
        Err(_) => text.parse::<jiff::civil::DateTime>().ok().and_then(|civil| zone.to_timestamp(civil).ok()).ok_or_else(invalid)?,
    };
    Interval::new(start, start + SignedDuration::from_mins(i64::from(minutes))).map_err(|_| invalid())
}

/// Waits until negotiation `id` is settled or waits for an owner, at most `limit`.
async fn wait_for<S: Store + 'static>(agent: &Agent<S>, id: &str, limit: Duration) -> Result<Negotiation, AgentError> {
    let mut changes = agent.changes();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let n = agent.negotiation(id).await?;
        if n.is_settled() || n.approval.is_some() || tokio::time::Instant::now() >= deadline {
            return Ok(n);
        }
        let _ = tokio::time::timeout_at(deadline, changes.changed()).await;
    }
}

fn status_line(n: &Negotiation, when: &dyn Fn(&Interval) -> String) -> String {
    let state = match (&n.booked, &n.approval, &n.outcome) {
        (Some(slot), _, _) if n.state == agentnet_core::protocol::TaskState::Completed => format!("booked {}", when(slot)),
        (_, Some(_), _) => "waiting for your approval".into(),
        (_, _, Some(outcome)) => outcome.clone(),
        _ => format!("{:?}", n.state).to_lowercase(),
    };
    format!("{}  '{}' ({} min, {:?}): {state}", &n.id[..8], n.meeting.title, n.meeting.duration_minutes, n.side)
}

/// A slot as JSON: `{"start": …, "end": …}` in RFC 3339.
fn slot_json(slot: &Interval) -> Value {
    json!({ "start": slot.start().to_string(), "end": slot.end().to_string() })
}

fn negotiation_json(n: &Negotiation) -> Value {
    json!({
        "id": n.id,
        "side": n.side,
        "title": n.meeting.title,
        "duration_minutes": n.meeting.duration_minutes,
        "state": n.state,
        "booked": n.booked.as_ref().map(slot_json),
        "awaiting_approval": n.approval.is_some(),
        "approval": n.approval.as_ref().map(|a| a.slots.iter().map(slot_json).collect::<Vec<_>>()),
        "outcome": n.outcome,
        "peers": n.peers,
    })
}

fn contact_json<S: Store + 'static>(agent: &Agent<S>, c: &agentnet_agent::Contact) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "policy": c.policy,
        "disclosure_budget": c.disclosure_budget,
        "share_hours": c.share_hours,
        "their_hours": c.hours.as_ref().map(|h| h.zone().iana_name().unwrap_or("UTC").to_owned()),
        "verified": c.verified,
        "blocked": c.blocked,
        "safety_number": agent.safety_number(c),
    })
}
