//! Connecting Google Calendar: the owner's OAuth client id, the consent page in a browser,
//! and then the connection with Sync now and Disconnect. On the desktop the redirect comes
//! to a loopback listener; on the web it comes back to this page's route
//! (`/calendar?code=..&state=..`), which finishes the connection.

use std::rc::Rc;

use agentnet_agent::{AgentError, GoogleClient, GoogleEndpoints, GoogleError, GoogleStatus, Remote};
use agentnet_platform::calendar::google::Secret;
use agentnet_platform::device::{OAuthRedirect, open_in_browser};
use dioxus::prelude::*;

use super::notice::{DoneNote, ErrorNote};
use super::google_calendars::GoogleCalendarPicker;
use super::write_back::WriteBackLine;
use crate::Route;
use crate::session::{AppAgent, use_live, use_session};

/// The app's page Google sends the browser back to on the web.
const LANDING: &str = "/calendar";

/// Finishes a connection and pulls the calendar once; the sentence to show.
async fn finish(agent: Rc<AppAgent>, code: String, state: String) -> Result<String, String> {
    let status = agent.finish_google(&code, &state).await.map_err(|e| e.in_plain_words())?;
    let label = status.calendar_label().to_owned();
    match agent.sync_google().await {
        Ok(report) => Ok(format!("Connected to {label}; {} events brought in.", report.changed)),
        Err(e) => Err(format!("Connected to {label}, but the first sync failed: {}", e.in_plain_words())),
    }
}

/// The Google Calendar card. `code` and `state` are the redirect's, on the web (empty
/// otherwise).
#[component]
pub(crate) fn GooglePanel(code: String, state: String) -> Element {
    let session = use_session();
    let mut client_id = use_signal(String::new);
    let mut client_secret = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);
    let mut consent = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let status = use_live(|agent| async move {
        let zone = agent.settings().await.time_zone();
        let status = agent.google_status().await.map_err(|e| match e {
            GoogleError::Agent(e) => e,
            other => AgentError::InvalidSetting { reason: other.to_string() },
        })?;
        Ok(status.map(|s| (s, zone)))
    });

    // The web's redirect: finish once the agent is unlocked, then drop the query so a
    // reload does not try the used code again.
    let mut handled = use_signal(|| false);
    let redirect = (code.clone(), state.clone());
    use_effect(move || {
        let (code, state) = redirect.clone();
        let Some(agent) = session.agent() else { return };
        if code.is_empty() || *handled.peek() {
            return;
        }
        handled.set(true);
        spawn(async move {
            busy.set(true);
            match finish(agent, code, state).await {
                Ok(line) => done.set(Some(line)),
                Err(line) => error.set(Some(line)),
            }
            busy.set(false);
            navigator().replace(Route::Calendar { code: String::new(), state: String::new() });
        });
    });

    let connect = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        busy.set(true);
        let outcome = async {
            let redirect = OAuthRedirect::prepare(LANDING).await.map_err(|e| e.to_string())?;
            let secret = client_secret.peek().trim().to_owned();
            let client = GoogleClient {
                client_id: client_id.peek().trim().to_owned(),
                client_secret: (!secret.is_empty()).then(|| Secret::new(secret)),
                redirect_uri: redirect.redirect_uri(),
                endpoints: GoogleEndpoints::default(),
            };
            let authorization = agent.start_google(client).await.map_err(|e| e.in_plain_words())?;
            consent.set(Some(authorization.url.clone()));
            if let Err(e) = open_in_browser(&authorization.url) {
                error.set(Some(format!("Could not open the browser ({e}). Use the link below.")));
            }
            // Connect stays usable while waiting: a closed tab must not strand the owner.
            busy.set(false);
            match redirect.code(&authorization.state).await.map_err(|e| e.to_string())? {
                Some(code) => finish(agent, code, authorization.state).await.map(Some),
                None => Ok(None),
            }
        };
        match outcome.await {
            Ok(Some(line)) => {
                consent.set(None);
                error.set(None);
                done.set(Some(line));
            }
            // The web: the new tab comes back to this page and finishes there.
            Ok(None) => {}
            Err(line) => error.set(Some(line)),
        }
        busy.set(false);
    };
    let sync = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        busy.set(true);
        match agent.sync_google().await {
            Ok(report) => done.set(Some(format!("Synced: {} changed, {} removed.", report.changed, report.removed))),
            Err(e) => error.set(Some(e.in_plain_words())),
        }
        busy.set(false);
    };
    let disconnect = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        match agent.disconnect_google().await {
            Ok(None) => done.set(Some("Disconnected. Google's events are gone from this device, the tokens are forgotten and Google revoked them.".into())),
            Ok(Some(warning)) => done.set(Some(warning)),
            Err(e) => error.set(Some(e.in_plain_words())),
        }
        consent.set(None);
    };

    let connected: Option<(GoogleStatus, jiff::tz::TimeZone)> = match &*status.read() {
        Some(Ok(found)) => found.clone(),
        _ => None,
    };
    rsx! {
        section { class: "card stack google", aria_labelledby: "google-title",
            h2 { id: "google-title", "Google Calendar" }
            if let Some((status, zone)) = connected {
                p { id: "google-connected", "Connected to {status.calendar_label()}." }
                p { class: "hint", id: "google-last-sync",
                    match status.last_sync_ms {
                        Some(at) => rsx! { "Last synced {crate::when::clock(at, &zone)}. Your agent syncs every 5 minutes." },
                        None => rsx! { "Not synced yet." },
                    }
                }
                ErrorNote { text: status.last_error.clone() }
                WriteBackLine { remote: Remote::Google, id: "google-bookings" }
                GoogleCalendarPicker { status: status.clone() }
                div { class: "actions",
                    button { id: "google-sync", disabled: busy(), onclick: sync, "Sync now" }
                    button { class: "quiet", id: "google-disconnect", disabled: busy(), onclick: disconnect, "Disconnect" }
                }
            } else {
                p { class: "hint",
                    "Google lets only registered apps in: create an OAuth client (Desktop app, or Web application with this page as its redirect) in your Google Cloud project and paste its id here."
                }
                label { "OAuth client id"
                    input { id: "google-client-id", r#type: "text", autocomplete: "off", spellcheck: "false",
                        placeholder: "1234-abc.apps.googleusercontent.com",
                        value: "{client_id}", oninput: move |e| client_id.set(e.value()) }
                }
                label { "Client secret (if Google gave you one)"
                    input { id: "google-client-secret", r#type: "password", autocomplete: "off",
                        value: "{client_secret}", oninput: move |e| client_secret.set(e.value()) }
                }
                div { class: "actions",
                    button { id: "google-connect", disabled: busy() || client_id().trim().is_empty(), onclick: connect, "Connect Google Calendar" }
                }
                if let Some(url) = consent() {
                    p { class: "hint", id: "google-waiting",
                        "Waiting for you to allow access in the browser. "
                        a { id: "google-consent-link", href: "{url}", target: "_blank", rel: "noopener", "Open Google's consent page" }
                    }
                }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
        }
    }
}
