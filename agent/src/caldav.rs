//! The owner's CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale, mailbox.org):
//! connected with a server URL, a user and an app password; its events pulled into the
//! agent's calendar so availability sees them; the agent's bookings written back
//! ([`crate::write_back`]). What is kept where is [`crate::records::CalDavRecords`]'s
//! business.

use std::pin::pin;
use std::time::Duration;

use agentnet_platform::calendar::caldav::{CalDavCalendar, CalDavCollection, CalDavLogin, discover_calendars};
use agentnet_platform::calendar::google::Secret;
use agentnet_platform::calendar::{CalendarError, CalendarSource, SyncReport, VaultEventCache};
use agentnet_platform::rt::{now, sleep};
use agentnet_platform::store::Store;
use futures_util::future::{Either, select};
use serde::{Deserialize, Serialize};

use crate::{Agent, AgentError};

/// How often the run loop pulls the calendar's changes.
pub const CALDAV_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);
/// How long one sync may take before the run loop gives up on it.
const SYNC_DEADLINE: Duration = Duration::from_secs(90);

/// What connecting needs.
#[derive(Debug, Clone)]
pub struct CalDavAccount {
    /// The server's address as the provider gives it (`https://cloud.example.com/remote.php/dav`).
    pub server: String,
    /// The user name.
    pub user: String,
    /// An app password made for agentnet; sealed in the vault, never shown.
    pub password: Secret,
    /// Which calendar (its name or URL); needed when the account has more than one.
    pub calendar: Option<String>,
}

/// The connection as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalDavStatus {
    /// The server address typed.
    pub server: String,
    /// The user name.
    pub user: String,
    /// The calendar read, and written to.
    pub calendar_url: String,
    /// Its name.
    pub calendar_name: String,
    /// When the last sync succeeded (Unix milliseconds).
    pub last_sync_ms: Option<i64>,
    /// When the last sync was tried (Unix milliseconds).
    pub last_attempt_ms: Option<i64>,
    /// Why the last sync failed, in plain words; `None` after a success.
    pub last_error: Option<String>,
}

/// Why connecting or syncing the CalDAV calendar failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalDavError {
    /// Syncing while not connected.
    #[error("no CalDAV calendar is connected")]
    NotConnected,
    /// The account has no calendar that takes events.
    #[error("the account at {server} has no calendar for events")]
    NoCalendars {
        /// The server address.
        server: String,
    },
    /// The account has several calendars and none was named.
    #[error("which calendar should the agent use? The account has {}", agentnet_core::text::and_list(names))]
    ChooseCalendar {
        /// Their names.
        names: Vec<String>,
    },
    /// The calendar named is not in the account.
    #[error("the account has no calendar {name:?}; it has {}", agentnet_core::text::and_list(names))]
    UnknownCalendar {
        /// The name asked for.
        name: String,
        /// The names there are.
        names: Vec<String>,
    },
    /// The server or the network failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The vault or the store failed.
    #[error(transparent)]
    Agent(#[from] AgentError),
}

impl CalDavError {
    /// What went wrong as the owner reads it, with what to do about it.
    pub fn in_plain_words(&self) -> String {
        match self {
            CalDavError::Calendar(CalendarError::Auth { .. }) => "The server refused the user name or app password. Check them, or make a new app password.".to_owned(),
            CalDavError::Calendar(CalendarError::Network { url, .. }) if cfg!(all(target_family = "wasm", target_os = "unknown")) => format!(
                "Could not reach {url} from the browser. Either it is offline, or it does not let web apps call it (CORS): use the desktop app or the CLI for this server."
            ),
            CalDavError::Calendar(CalendarError::Network { url, .. }) => format!("Could not reach {url}. Check the address and the connection; the agent tries again in a few minutes."),
            CalDavError::Calendar(CalendarError::RetriesExhausted { .. }) => "The calendar server is busy right now; the agent tries again in a few minutes.".to_owned(),
            other => other.to_string(),
        }
    }
}

fn choose(found: Vec<CalDavCollection>, wanted: Option<&str>, server: &str) -> Result<CalDavCollection, CalDavError> {
    let names: Vec<String> = found.iter().map(|calendar| calendar.name.clone()).collect();
    if let Some(wanted) = wanted.map(str::trim).filter(|name| !name.is_empty()) {
        return found
            .into_iter()
            .find(|calendar| calendar.name.eq_ignore_ascii_case(wanted) || calendar.url.trim_end_matches('/') == wanted.trim_end_matches('/'))
            .ok_or(CalDavError::UnknownCalendar { name: wanted.to_owned(), names });
    }
    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (Some(only), None) => Ok(only),
        (None, _) => Err(CalDavError::NoCalendars { server: server.to_owned() }),
        (Some(_), Some(_)) => Err(CalDavError::ChooseCalendar { names }),
    }
}

impl<S: Store + 'static> Agent<S> {
    /// Connects the CalDAV calendar of `account`: finds its calendars, takes the one named
    /// (or the only one), seals the password and pulls the events in. A previous
    /// connection is replaced.
    pub async fn connect_caldav(&self, account: CalDavAccount) -> Result<CalDavStatus, CalDavError> {
        let login = CalDavLogin { user: account.user.trim().to_owned(), password: account.password.clone() };
        let found = discover_calendars(reqwest::Client::new(), login, &account.server).await?;
        let calendar = choose(found, account.calendar.as_deref(), &account.server)?;
        let caldav = &self.records.caldav;
        caldav.forget().await?;
        self.records.write_back.forget(crate::Remote::CalDav).await?;
        caldav.save_password(&account.password).await?;
        let status = CalDavStatus {
            server: account.server.trim().to_owned(),
            user: account.user.trim().to_owned(),
            calendar_url: calendar.url,
            calendar_name: calendar.name,
            last_sync_ms: None,
            last_attempt_ms: None,
            last_error: None,
        };
        caldav.save_status(&status).await?;
        // A failed first sync is kept in the status and tried again by the run loop.
        let _ = self.sync_caldav().await;
        Ok(caldav.status().await?.unwrap_or(status))
    }

    /// The connection, if a CalDAV calendar is connected.
    pub async fn caldav_status(&self) -> Result<Option<CalDavStatus>, CalDavError> {
        Ok(self.records.caldav.status().await?)
    }

    /// The connected calendar as a client, with its status.
    pub(crate) async fn caldav_calendar(&self) -> Result<Option<(CalDavCalendar<VaultEventCache<std::sync::Arc<S>>>, CalDavStatus)>, CalDavError> {
        let caldav = &self.records.caldav;
        let (Some(status), Some(password)) = (caldav.status().await?, caldav.password().await?) else { return Ok(None) };
        let login = CalDavLogin { user: status.user.clone(), password };
        let zone = self.records.preferences.get().time_zone();
        let calendar = CalDavCalendar::new(reqwest::Client::new(), login, &status.calendar_url, caldav.events(), zone)?;
        Ok(Some((calendar, status)))
    }

    /// Pulls the calendar's changes into the agent's calendar; the outcome is kept in the
    /// status for the owner.
    pub async fn sync_caldav(&self) -> Result<SyncReport, CalDavError> {
        let (calendar, _) = self.caldav_calendar().await?.ok_or(CalDavError::NotConnected)?;
        let result = calendar.sync().await.map_err(CalDavError::from);
        // Saving the outcome also tells the screens the calendar changed.
        self.record_caldav_outcome(result.as_ref().err()).await;
        result
    }

    /// Forgets the connection: the password, the calendar's events and what was written.
    /// The bookings already written stay on the server: they are real meetings.
    pub async fn disconnect_caldav(&self) -> Result<(), CalDavError> {
        self.records.caldav.forget().await?;
        self.records.write_back.forget(crate::Remote::CalDav).await?;
        Ok(())
    }

    async fn record_caldav_outcome(&self, error: Option<&CalDavError>) {
        let Ok(Some(mut status)) = self.records.caldav.status().await else { return };
        let at = now().as_millisecond();
        status.last_attempt_ms = Some(at);
        match error {
            None => {
                status.last_sync_ms = Some(at);
                status.last_error = None;
            }
            Some(error) => status.last_error = Some(error.in_plain_words()),
        }
        // Best effort: the next sync records its own outcome.
        let _ = self.records.caldav.save_status(&status).await;
    }

    /// For the run loop: syncs when connected and the last try is [`CALDAV_SYNC_EVERY`]
    /// old. A failure is kept in the status for the owner and never stops the loop.
    pub(crate) async fn sync_caldav_when_due(&self) {
        let Ok(Some(status)) = self.caldav_status().await else { return };
        if !crate::run::due(status.last_attempt_ms, CALDAV_SYNC_EVERY) {
            return;
        }
        if let Either::Right(_) = select(pin!(self.sync_caldav()), pin!(sleep(SYNC_DEADLINE))).await {
            let error = CalDavError::Calendar(CalendarError::Network { url: status.calendar_url.clone(), message: "no answer in time".into() });
            self.record_caldav_outcome(Some(&error)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendars(names: &[&str]) -> Vec<CalDavCollection> {
        names.iter().map(|name| CalDavCollection { url: format!("https://dav.example/{name}/"), name: (*name).to_owned() }).collect()
    }

    #[test]
    fn the_calendar_is_chosen_by_name_or_url_never_guessed_among_several() {
        assert_eq!(choose(calendars(&["Work"]), None, "s").unwrap().name, "Work");
        assert_eq!(choose(calendars(&["Work", "Home"]), Some("home"), "s").unwrap().name, "Home");
        assert_eq!(choose(calendars(&["Work", "Home"]), Some("https://dav.example/Work"), "s").unwrap().name, "Work");
        assert!(matches!(choose(calendars(&["Work", "Home"]), None, "s"), Err(CalDavError::ChooseCalendar { names }) if names == ["Work", "Home"]));
        assert!(matches!(choose(calendars(&["Work"]), Some("Gym"), "s"), Err(CalDavError::UnknownCalendar { .. })));
        assert!(matches!(choose(Vec::new(), None, "s"), Err(CalDavError::NoCalendars { .. })));
    }
}
