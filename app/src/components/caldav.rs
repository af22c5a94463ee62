//! Connecting a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale, mailbox.org): the
//! server's address, the user and an app password; then the connection with its last
//! sync, its errors, what was written there, Sync now and Disconnect. An account with
//! several calendars gets a choice, never a guess.

use agentnet_agent::{AgentError, CalDavAccount, CalDavError, CalDavStatus, Remote};
use agentnet_platform::calendar::google::Secret;
use dioxus::prelude::*;

use super::notice::{DoneNote, ErrorNote};
use super::write_back::WriteBackLine;
use crate::session::{use_live, use_session};

/// The CalDAV card.
#[component]
pub(crate) fn CalDavPanel() -> Element {
    let session = use_session();
    let mut server = use_signal(String::new);
    let mut user = use_signal(String::new);
    let mut password = use_signal(String::new);
    let mut calendar = use_signal(String::new);
    let mut choices = use_signal(Vec::<String>::new);
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let status = use_live(|agent| async move {
        let zone = agent.settings().await.time_zone();
        let status = agent.caldav_status().await.map_err(|e| match e {
            CalDavError::Agent(e) => e,
            other => AgentError::InvalidSetting { reason: other.to_string() },
        })?;
        Ok(status.map(|s| (s, zone)))
    });

    let connect = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        busy.set(true);
        let chosen = calendar.peek().trim().to_owned();
        let account = CalDavAccount {
            server: server.peek().trim().to_owned(),
            user: user.peek().trim().to_owned(),
            password: Secret::new(password.peek().clone()),
            calendar: (!chosen.is_empty()).then_some(chosen),
        };
        match agent.connect_caldav(account).await {
            Ok(status) => {
                password.set(String::new());
                choices.set(Vec::new());
                match status.last_error {
                    None => done.set(Some(format!("Connected '{}'. Its events count as busy, and meetings your agent books go there.", status.calendar_name))),
                    Some(e) => error.set(Some(format!("Connected '{}', but the first sync failed: {e}", status.calendar_name))),
                }
            }
            Err(CalDavError::ChooseCalendar { names }) => {
                calendar.set(names.first().cloned().unwrap_or_default());
                choices.set(names);
                error.set(Some("The account has several calendars: choose the one your agent reads and books into.".into()));
            }
            Err(e) => error.set(Some(e.in_plain_words())),
        }
        busy.set(false);
    };
    let sync = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        busy.set(true);
        match agent.sync_caldav().await {
            Ok(report) => done.set(Some(format!("Synced: {} changed, {} removed.", report.changed, report.removed))),
            Err(e) => error.set(Some(e.in_plain_words())),
        }
        busy.set(false);
    };
    let disconnect = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        match agent.disconnect_caldav().await {
            Ok(()) => done.set(Some("Disconnected. Its events are gone from this device, and so is the password; meetings already written there stay.".into())),
            Err(e) => error.set(Some(e.in_plain_words())),
        }
    };

    let connected: Option<(CalDavStatus, jiff::tz::TimeZone)> = match &*status.read() {
        Some(Ok(found)) => found.clone(),
        _ => None,
    };
    rsx! {
        section { class: "card stack caldav", aria_labelledby: "caldav-title",
            h2 { id: "caldav-title", "CalDAV calendar" }
            if let Some((status, zone)) = connected {
                p { id: "caldav-connected", "Connected to '{status.calendar_name}' as {status.user}." }
                p { class: "hint", id: "caldav-url", "{status.calendar_url}" }
                p { class: "hint", id: "caldav-last-sync",
                    match status.last_sync_ms {
                        Some(at) => rsx! { "Last synced {crate::when::clock(at, &zone)}. Your agent syncs every 5 minutes." },
                        None => rsx! { "Not synced yet." },
                    }
                }
                ErrorNote { text: status.last_error.clone() }
                WriteBackLine { remote: Remote::CalDav, id: "caldav-bookings" }
                div { class: "actions",
                    button { id: "caldav-sync", disabled: busy(), onclick: sync, "Sync now" }
                    button { class: "quiet", id: "caldav-disconnect", disabled: busy(), onclick: disconnect, "Disconnect" }
                }
            } else {
                p { class: "hint",
                    "Nextcloud, Fastmail, iCloud, mailbox.org and other CalDAV servers: make an app password for agentnet in your account's security settings. In the browser the server must allow web apps to call it (CORS); the desktop app works with any server."
                }
                label { "Server address"
                    input { id: "caldav-server", r#type: "url", autocomplete: "url", spellcheck: "false",
                        placeholder: "https://cloud.example.com/remote.php/dav",
                        value: "{server}", oninput: move |e| server.set(e.value()) }
                }
                label { "User name"
                    input { id: "caldav-user", r#type: "text", autocomplete: "username", spellcheck: "false",
                        value: "{user}", oninput: move |e| user.set(e.value()) }
                }
                label { "App password"
                    input { id: "caldav-password", r#type: "password", autocomplete: "off",
                        value: "{password}", oninput: move |e| password.set(e.value()) }
                }
                if !choices().is_empty() {
                    label { "Calendar"
                        select { id: "caldav-calendar", value: "{calendar}", onchange: move |e| calendar.set(e.value()),
                            for name in choices() {
                                option { value: "{name}", "{name}" }
                            }
                        }
                    }
                }
                div { class: "actions",
                    button { id: "caldav-connect",
                        disabled: busy() || server().trim().is_empty() || user().trim().is_empty() || password().is_empty(),
                        onclick: connect, "Connect calendar" }
                }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
        }
    }
}
