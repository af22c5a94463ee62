//! `agentnet calendar connect caldav|sources|sync|disconnect`: the remote calendars the
//! agent reads busy time from and writes its bookings into.

use agentnet_agent::{Agent, CalDavAccount, CalDavError, Remote, WriteBackStatus};
use agentnet_platform::calendar::google::Secret;
use agentnet_platform::store::Store;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::exit;
use crate::request::Reply;

/// An app password on its way to the agent: never printed, wiped when dropped.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Password(String);

impl Password {
    pub(crate) fn new(text: String) -> Password {
        Password(text)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

fn failed(error: &CalDavError) -> Reply {
    let code = match error {
        CalDavError::NotConnected | CalDavError::UnknownCalendar { .. } => exit::NOT_FOUND,
        CalDavError::ChooseCalendar { .. } | CalDavError::NoCalendars { .. } => exit::INVALID,
        CalDavError::Agent(error) => exit::for_error(error),
        _ => exit::FAILED,
    };
    let mut reply = Reply { human: format!("error: {}", error.in_plain_words()), json: json!({ "error": error.in_plain_words() }), code };
    if let CalDavError::ChooseCalendar { names } = error {
        reply.human.push_str("\nName one with --calendar.");
        reply.json["calendars"] = json!(names);
    }
    reply
}

/// Connects the CalDAV calendar at `server`.
pub(crate) async fn connect<S: Store + 'static>(agent: &Agent<S>, server: String, user: String, password: Password, calendar: Option<String>) -> Reply {
    let account = CalDavAccount { server, user, password: Secret::new(password.0.clone()), calendar };
    match agent.connect_caldav(account).await {
        Ok(status) => {
            let synced = match &status.last_error {
                None => "its events are in your calendar now".to_owned(),
                Some(error) => format!("the first sync failed: {error}"),
            };
            Reply {
                human: format!("Connected '{}' ({}); {synced}. Meetings your agent books go there too.", status.calendar_name, status.calendar_url),
                json: json!({ "calendar": status.calendar_name, "url": status.calendar_url, "last_error": status.last_error }),
                code: exit::OK,
            }
        }
        Err(error) => failed(&error),
    }
}

/// Pulls the CalDAV calendar's changes now.
pub(crate) async fn sync<S: Store + 'static>(agent: &Agent<S>) -> Reply {
    match agent.sync_caldav().await {
        Ok(report) => Reply {
            human: format!("Synced: {} changed, {} removed.", report.changed, report.removed),
            json: json!({ "changed": report.changed, "removed": report.removed, "full_resync": report.full_resync }),
            code: exit::OK,
        },
        Err(error) => failed(&error),
    }
}

/// Forgets the CalDAV calendar.
pub(crate) async fn disconnect<S: Store + 'static>(agent: &Agent<S>) -> Reply {
    match agent.disconnect_caldav().await {
        Ok(()) => Reply { human: "Disconnected. Its events are gone from this device, and so is the password.".into(), json: json!({ "disconnected": true }), code: exit::OK },
        Err(error) => failed(&error),
    }
}

fn written_line(status: &WriteBackStatus) -> String {
    let mut line = format!("receives bookings: {} written, {} waiting", status.written, status.pending);
    for (title, error) in &status.failing {
        line.push_str(&format!("; '{title}' not written yet: {error}"));
    }
    line
}

fn written_json(status: &WriteBackStatus) -> Value {
    let failing: Vec<Value> = status.failing.iter().map(|(title, error)| json!({ "title": title, "error": error })).collect();
    json!({ "written": status.written, "pending": status.pending, "failing": failing })
}

/// Every calendar the agent reads: the local one, and each connected one with its last
/// sync, its error and what was written there.
pub(crate) async fn sources<S: Store + 'static>(agent: &Agent<S>) -> Result<Reply, agentnet_agent::AgentError> {
    let zone = agent.settings().await.time_zone();
    let at = |ms: Option<i64>| {
        ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()).map_or_else(|| "never".to_owned(), |t| t.to_zoned_datetime(zone.clone()).strftime("%a %-d %b %H:%M").to_string())
    };
    let mut lines = vec!["local   agentnet's own calendar (imports and bookings)".to_owned()];
    let mut list = vec![json!({ "kind": "local" })];
    if let Ok(Some(status)) = agent.caldav_status().await {
        let written = agent.write_back_status(Remote::CalDav).await?;
        let error = status.last_error.as_ref().map(|e| format!("; last error: {e}")).unwrap_or_default();
        lines.push(format!("caldav  '{}' {} as {}; last sync {}{error}; {}", status.calendar_name, status.calendar_url, status.user, at(status.last_sync_ms), written_line(&written)));
        list.push(json!({
            "kind": "caldav", "calendar": status.calendar_name, "url": status.calendar_url, "user": status.user,
            "last_sync_ms": status.last_sync_ms, "last_error": status.last_error, "receives_bookings": true, "bookings": written_json(&written),
        }));
    }
    if let Ok(Some(status)) = agent.google_status().await {
        let written = agent.write_back_status(Remote::Google).await?;
        let error = status.last_error.as_ref().map(|e| format!("; last error: {e}")).unwrap_or_default();
        lines.push(format!("google  '{}'; last sync {}{error}; {}", status.calendar_label(), at(status.last_sync_ms), written_line(&written)));
        list.push(json!({
            "kind": "google", "calendar": status.calendar_label(), "last_sync_ms": status.last_sync_ms, "last_error": status.last_error,
            "receives_bookings": true, "bookings": written_json(&written),
        }));
    }
    Ok(Reply { human: lines.join("\n"), json: Value::Array(list), code: exit::OK })
}
