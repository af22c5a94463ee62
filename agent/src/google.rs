//! The owner's Google Calendar connection: OAuth 2.0 with PKCE, the tokens sealed in the
//! vault, and a pull sync that brings Google's events into the agent's calendar, so
//! availability sees them and the agent stops offering those times.
//!
//! Connecting is two steps because the owner consents in a browser:
//! [`Agent::start_google`] returns the authorization URL and seals the PKCE verifier and
//! `state`, then [`Agent::finish_google`] takes the redirect's `code` and `state`, refuses a
//! `state` it did not issue, and exchanges the code for tokens. What is kept where is
//! [`crate::records::GoogleRecords`]'s business.

use std::time::Duration;

use agentnet_platform::calendar::google::{
    GOOGLE_API_BASE, GOOGLE_AUTH_URL, GOOGLE_REVOKE_URL, GOOGLE_TOKEN_URL, GoogleCalendar, OAuthConfig, Pkce, Secret, Tokens,
    authorization_url, exchange_code, new_state, revoke_token,
};
use agentnet_platform::calendar::{CalendarError, CalendarSource, EventCache, SyncReport, VaultEventCache};
use agentnet_platform::rt::{now, sleep};
use agentnet_platform::store::{Store, StoreError};
use agentnet_platform::vault::VaultError;
use futures_util::future::{Either, select};
use serde::{Deserialize, Serialize};
use std::pin::pin;

use crate::google_calendars::choices;
use crate::records::{Connecting, Credentials};
use crate::{Agent, AgentError};

/// Google's client waits between retries for real.
type Sleeper = agentnet_platform::calendar::google::RealSleep;

/// The account's main calendar, whatever its id.
pub(crate) const PRIMARY: &str = "primary";

/// How often the run loop pulls Google's changes.
pub const GOOGLE_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);
/// How long the run loop lets one sync take before giving up on it (a hung connection
/// must not stall the agent's answers to other agents).
const SYNC_DEADLINE: Duration = Duration::from_secs(90);

/// Where the OAuth and Calendar endpoints are: Google's, or a server speaking its protocol
/// (tests, a proxy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleEndpoints {
    /// Authorization endpoint (the consent page).
    pub auth_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Calendar API v3 base.
    pub api_base: String,
    /// Token revocation endpoint (connections made before it was kept use Google's).
    #[serde(default = "google_revoke_url")]
    pub revoke_url: String,
}

fn google_revoke_url() -> String {
    GOOGLE_REVOKE_URL.to_owned()
}

impl Default for GoogleEndpoints {
    /// Google's.
    fn default() -> Self {
        GoogleEndpoints {
            auth_url: GOOGLE_AUTH_URL.to_owned(),
            token_url: GOOGLE_TOKEN_URL.to_owned(),
            api_base: GOOGLE_API_BASE.to_owned(),
            revoke_url: GOOGLE_REVOKE_URL.to_owned(),
        }
    }
}

/// The Google client as the agent opens it.
pub(crate) type AgentGoogleCalendar<S> = GoogleCalendar<VaultEventCache<std::sync::Arc<S>>, Sleeper>;

/// What connecting needs: the OAuth client the owner registered with Google, and where the
/// browser comes back to.
#[derive(Debug, Clone)]
pub struct GoogleClient {
    /// The OAuth client id (`….apps.googleusercontent.com`).
    pub client_id: String,
    /// The client secret Google issues to desktop and web clients (it wants it in the
    /// token exchange even with PKCE); `None` when the client has none.
    pub client_secret: Option<Secret>,
    /// The redirect URI: the loopback listener's on the desktop, the app's own
    /// `/calendar` page on the web.
    pub redirect_uri: String,
    /// Google's, unless testing.
    pub endpoints: GoogleEndpoints,
}

/// A connection started: open `url` in a browser; the redirect carries `state` back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleAuthorization {
    /// The consent page.
    pub url: String,
    /// What the redirect must carry back.
    pub state: String,
}

/// The connection as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleStatus {
    /// The OAuth client id.
    pub client_id: String,
    /// The redirect URI the client was authorized with (refreshes send it again).
    pub redirect_uri: String,
    /// Where Google is.
    pub endpoints: GoogleEndpoints,
    /// The calendar that receives the bookings (`primary` until the owner picks another).
    pub calendar_id: String,
    /// Its name in Google (the account's address for a primary calendar), when known.
    pub calendar_name: Option<String>,
    /// The account's calendars and which count as busy; empty when the list could not
    /// be read (then `calendar_id` alone is synced).
    #[serde(default)]
    pub calendars: Vec<crate::GoogleCalendarChoice>,
    /// When the last sync succeeded (Unix milliseconds).
    pub last_sync_ms: Option<i64>,
    /// When the last sync was tried (Unix milliseconds).
    pub last_attempt_ms: Option<i64>,
    /// Why the last sync failed, in plain words; `None` after a success.
    pub last_error: Option<String>,
}

impl GoogleStatus {
    /// What to call the calendar: its name, else its id.
    pub fn calendar_label(&self) -> &str {
        self.calendar_name.as_deref().unwrap_or(&self.calendar_id)
    }
}

/// Why connecting or syncing Google Calendar failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GoogleError {
    /// The redirect carried a `state` this agent did not issue: a forged or stale redirect.
    #[error("the answer from Google does not belong to the connection started here; start connecting again")]
    StateMismatch,
    /// A redirect arrived and no connection was started.
    #[error("no Google Calendar connection was started on this device")]
    NotConnecting,
    /// Syncing while not connected.
    #[error("Google Calendar is not connected")]
    NotConnected,
    /// A calendar id that is not in the account's list.
    #[error("the Google account has no calendar {id:?}")]
    UnknownCalendar {
        /// The id asked for.
        id: String,
    },
    /// Bookings asked to go to a calendar the account may only read.
    #[error("'{name}' is read-only for this account; choose a calendar you can add events to")]
    NotWritable {
        /// Its name.
        name: String,
    },
    /// The OAuth client id is missing.
    #[error("enter the OAuth client id of your Google Cloud project")]
    MissingClientId,
    /// Google or the network failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The vault or the store failed.
    #[error(transparent)]
    Agent(#[from] AgentError),
}

impl From<VaultError> for GoogleError {
    fn from(error: VaultError) -> Self {
        GoogleError::Agent(error.into())
    }
}

impl From<StoreError> for GoogleError {
    fn from(error: StoreError) -> Self {
        GoogleError::Agent(error.into())
    }
}

fn oauth(client_id: &str, client_secret: Option<&str>, redirect_uri: &str, endpoints: &GoogleEndpoints) -> OAuthConfig {
    let mut config = OAuthConfig::google(client_id, redirect_uri);
    config.client_secret = client_secret.map(Secret::new);
    config.auth_url.clone_from(&endpoints.auth_url);
    config.token_url.clone_from(&endpoints.token_url);
    config
}

impl GoogleError {
    /// What went wrong as the owner reads it, with what to do about it.
    pub fn in_plain_words(&self) -> String {
        plain_words(self)
    }
}

fn plain_words(error: &GoogleError) -> String {
    match error {
        GoogleError::Calendar(CalendarError::Auth { reason }) => {
            format!("Google no longer accepts this connection ({reason}). Disconnect and connect again.")
        }
        GoogleError::Calendar(CalendarError::Network { .. }) => "Could not reach Google. Check the internet connection; the agent tries again in a few minutes.".to_owned(),
        GoogleError::Calendar(CalendarError::RetriesExhausted { .. }) => "Google is busy right now; the agent tries again in a few minutes.".to_owned(),
        GoogleError::Calendar(CalendarError::Http { status: 403 | 404, message, .. }) => {
            format!("Google refused to share this calendar: {message}")
        }
        other => other.to_string(),
    }
}

impl<S: Store + 'static> Agent<S> {
    /// Starts connecting Google Calendar: returns the consent page to open, and seals the
    /// PKCE verifier and `state` the redirect is checked against.
    pub async fn start_google(&self, client: GoogleClient) -> Result<GoogleAuthorization, GoogleError> {
        let client_id = client.client_id.trim();
        if client_id.is_empty() {
            return Err(GoogleError::MissingClientId);
        }
        let client_secret = client.client_secret.as_ref().map(Secret::expose).map(str::trim).filter(|s| !s.is_empty());
        let config = oauth(client_id, client_secret, &client.redirect_uri, &client.endpoints);
        let pkce = Pkce::new()?;
        let state = new_state()?;
        let url = authorization_url(&config, &pkce, &state)?;
        let connecting = Connecting {
            client_id: client_id.to_owned(),
            client_secret: client_secret.map(str::to_owned),
            redirect_uri: client.redirect_uri.clone(),
            auth_url: client.endpoints.auth_url.clone(),
            token_url: client.endpoints.token_url.clone(),
            api_base: client.endpoints.api_base.clone(),
            revoke_url: client.endpoints.revoke_url.clone(),
            state: state.clone(),
            verifier: pkce.verifier().to_owned(),
        };
        self.records.google.save_connecting(&connecting).await?;
        Ok(GoogleAuthorization { url, state })
    }

    /// Finishes connecting with the redirect's `code` and `state`: refuses a `state` this
    /// agent did not issue ([`GoogleError::StateMismatch`], the started connection stays
    /// open for the real redirect), exchanges the code and seals the tokens. A previous
    /// connection's copy of events is dropped; the next sync brings the new one.
    pub async fn finish_google(&self, code: &str, state: &str) -> Result<GoogleStatus, GoogleError> {
        let google = &self.records.google;
        let pending = google.connecting().await?.ok_or(GoogleError::NotConnecting)?;
        if pending.state.as_bytes() != state.as_bytes() {
            return Err(GoogleError::StateMismatch);
        }
        let endpoints = GoogleEndpoints {
            auth_url: pending.auth_url.clone(),
            token_url: pending.token_url.clone(),
            api_base: pending.api_base.clone(),
            revoke_url: if pending.revoke_url.is_empty() { GOOGLE_REVOKE_URL.to_owned() } else { pending.revoke_url.clone() },
        };
        let config = oauth(&pending.client_id, pending.client_secret.as_deref(), &pending.redirect_uri, &endpoints);
        let http = reqwest::Client::new();
        let tokens = exchange_code(&http, &config, code, &Pkce::from_verifier(pending.verifier.clone())).await?;
        let zone = self.records.preferences.get().time_zone();
        let calendar = GoogleCalendar::new(http, config, tokens, PRIMARY, google.events(), Sleeper::default(), zone)
            .with_api_base(endpoints.api_base.clone());
        // The owner may have left the calendar list unticked on Google's consent page,
        // which is no reason to fail: the primary calendar is then the only one.
        let calendars = calendar.calendar_list().await.map(choices).unwrap_or_default();
        let calendar_name = calendars.iter().find(|choice| choice.primary).map(|choice| choice.name.clone());
        google.save_credentials(&Credentials::new(pending.client_secret.clone(), &calendar.tokens())).await?;
        google.events().clear().await?;
        let status = GoogleStatus {
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            endpoints,
            calendar_id: PRIMARY.to_owned(),
            calendar_name,
            calendars,
            last_sync_ms: None,
            last_attempt_ms: None,
            last_error: None,
        };
        google.save_status(&status).await?;
        google.forget_connecting().await?;
        Ok(status)
    }

    /// The connection, if Google Calendar is connected.
    pub async fn google_status(&self) -> Result<Option<GoogleStatus>, GoogleError> {
        self.records.google.status().await
    }

    /// A client of the calendar `calendar_id`, keeping its copy in `cache`.
    fn google_client(&self, status: &GoogleStatus, credentials: &Credentials, tokens: Tokens, calendar_id: &str, cache: VaultEventCache<std::sync::Arc<S>>) -> AgentGoogleCalendar<S> {
        let config = oauth(&status.client_id, credentials.client_secret.as_deref(), &status.redirect_uri, &status.endpoints);
        let zone = self.records.preferences.get().time_zone();
        GoogleCalendar::new(reqwest::Client::new(), config, tokens, calendar_id, cache, Sleeper::default(), zone).with_api_base(status.endpoints.api_base.clone())
    }

    /// The calendar that receives the bookings, with the status and the sealed tokens it
    /// started from; `None` when not connected.
    pub(crate) async fn google_bookings_calendar(&self) -> Result<Option<(AgentGoogleCalendar<S>, GoogleStatus, Credentials)>, GoogleError> {
        let google = &self.records.google;
        let (Some(status), Some(credentials)) = (google.status().await?, google.credentials().await?) else { return Ok(None) };
        let calendar = self.google_client(&status, &credentials, credentials.tokens(), &status.calendar_id, google.events());
        Ok(Some((calendar, status, credentials)))
    }

    /// Seals `fresh` tokens if a client refreshed them, unless disconnected meanwhile.
    pub(crate) async fn keep_fresh_google_tokens(&self, fresh: &Tokens, started: &Credentials) -> Result<(), GoogleError> {
        let google = &self.records.google;
        if fresh.access_token.expose() != started.access_token && google.status().await?.is_some() {
            google.save_credentials(&Credentials::new(started.client_secret.clone(), fresh)).await?;
        }
        Ok(())
    }

    /// Pulls the busy calendars' changes into the agent's calendar (incrementally after
    /// the first time). The outcome is kept in the status for the owner; refreshed tokens
    /// are sealed.
    pub async fn sync_google(&self) -> Result<SyncReport, GoogleError> {
        let google = &self.records.google;
        let mut status = google.status().await?.ok_or(GoogleError::NotConnected)?;
        let credentials = google.credentials().await?.ok_or(GoogleError::NotConnected)?;
        let mut tokens = credentials.tokens();
        if status.calendars.is_empty() {
            // Connected before the list was kept, or without it: read it now if allowed.
            let lister = self.google_client(&status, &credentials, tokens.clone(), &status.calendar_id, google.events());
            if let Ok(list) = lister.calendar_list().await
                && !list.is_empty()
            {
                google.events().clear().await?;
                status.calendars = choices(list);
            }
            tokens = lister.tokens();
        }
        let mut report = SyncReport::default();
        let mut result = Ok(());
        for (id, cache) in self.google_busy_calendars(&status) {
            let calendar = self.google_client(&status, &credentials, tokens.clone(), &id, cache);
            match calendar.sync().await {
                Ok(one) => {
                    report.changed += one.changed;
                    report.removed += one.removed;
                    report.full_resync |= one.full_resync;
                }
                Err(error) => result = result.and(Err(GoogleError::from(error))),
            }
            tokens = calendar.tokens();
        }
        // Disconnected meanwhile: nothing to record, and the tokens must stay forgotten.
        if google.status().await?.is_none() {
            return result.map(|()| report);
        }
        self.keep_fresh_google_tokens(&tokens, &credentials).await?;
        let at = now().as_millisecond();
        status.last_attempt_ms = Some(at);
        match &result {
            Ok(()) => {
                status.last_sync_ms = Some(at);
                status.last_error = None;
            }
            Err(error) => status.last_error = Some(plain_words(error)),
        }
        google.save_status(&status).await?;
        result.map(|()| report)
    }

    /// Forgets the connection (the tokens, a connection being made, Google's events and
    /// what was written there) and revokes the grant at Google. Forgetting happens even
    /// when Google cannot be reached; the answer then says so, in plain words.
    pub async fn disconnect_google(&self) -> Result<Option<String>, GoogleError> {
        let google = &self.records.google;
        let revoked = match (google.status().await?, google.credentials().await?) {
            (Some(status), Some(credentials)) => {
                let token = Secret::new(credentials.refresh_token.clone().unwrap_or_else(|| credentials.access_token.clone()));
                revoke_token(&reqwest::Client::new(), &status.endpoints.revoke_url, &token).await.err()
            }
            _ => None,
        };
        for choice in google.status().await?.map(|status| status.calendars).unwrap_or_default() {
            google.calendar_events(&choice.id).clear().await?;
        }
        google.forget().await?;
        self.records.write_back.forget(crate::Remote::Google).await?;
        Ok(revoked.map(|error| format!("Disconnected here, but Google could not be told to revoke the access ({error}); remove agentnet at myaccount.google.com/permissions.")))
    }

    /// For the run loop: syncs when connected and the last try is [`GOOGLE_SYNC_EVERY`]
    /// old. A failure is kept in the status for the owner and never stops the loop.
    pub(crate) async fn sync_google_when_due(&self) {
        let Ok(Some(status)) = self.google_status().await else { return };
        if !crate::run::due(status.last_attempt_ms, GOOGLE_SYNC_EVERY) {
            return;
        }
        let outcome = match select(pin!(self.sync_google()), pin!(sleep(SYNC_DEADLINE))).await {
            Either::Left((outcome, _)) => outcome.err(),
            Either::Right(_) => Some(GoogleError::Calendar(CalendarError::Network { url: status.endpoints.api_base.clone(), message: "no answer in time".into() })),
        };
        if let Some(error) = outcome {
            self.record_google_failure(&error).await;
        }
    }

    /// Keeps a failure the sync could not record itself (a timeout, a store error).
    async fn record_google_failure(&self, error: &GoogleError) {
        if let Ok(Some(mut status)) = self.records.google.status().await {
            status.last_attempt_ms = Some(now().as_millisecond());
            status.last_error = Some(plain_words(error));
            // Best effort: the next sync records its own outcome.
            let _ = self.records.google.save_status(&status).await;
        }
    }
}
