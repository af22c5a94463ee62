//! [`GoogleCalendar`]: one Google calendar as a [`CalendarSource`].

use std::sync::Mutex;

use agentnet_core::schedule::{Interval, IntervalSet};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use super::api;
use super::convert::{BOOKING_KEY, Change, from_google, to_google};
use super::oauth::{OAuthConfig, Tokens, refresh_tokens};
use super::retry::{RetryPolicy, Sleep};
use super::secret::Secret;
use crate::calendar::cache::EventCache;
use crate::calendar::error::CalendarError;
use crate::calendar::expand::expand;
use crate::calendar::maybe_send::MaybeSync;
use crate::calendar::model::CalendarEvent;
use crate::calendar::occurrence::Occurrence;
use crate::calendar::source::{CalendarSource, SyncReport};
use crate::calendar::write_back::{WriteBack, Written};

/// Where Google's Calendar API lives.
pub const GOOGLE_API_BASE: &str = "https://www.googleapis.com/calendar/v3";

/// A Google calendar, synced into an [`EventCache`].
#[derive(Debug)]
pub struct GoogleCalendar<C, S> {
    http: reqwest::Client,
    oauth: OAuthConfig,
    tokens: Mutex<Tokens>,
    api_base: String,
    calendar_id: String,
    cache: C,
    sleep: S,
    retry: RetryPolicy,
    zone: TimeZone,
}

fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.to_string()
}

impl<C: EventCache, S: Sleep> GoogleCalendar<C, S> {
    /// The calendar `calendar_id` (`primary` for the owner's main one) of the account that
    /// granted `tokens`; floating and all-day events read in `zone`.
    pub fn new(http: reqwest::Client, oauth: OAuthConfig, tokens: Tokens, calendar_id: impl Into<String>, cache: C, sleep: S, zone: TimeZone) -> Self {
        GoogleCalendar {
            http,
            oauth,
            tokens: Mutex::new(tokens),
            api_base: GOOGLE_API_BASE.to_owned(),
            calendar_id: calendar_id.into(),
            cache,
            sleep,
            retry: RetryPolicy::default(),
            zone,
        }
    }

    /// Talks to another server than Google's (tests, proxies).
    pub fn with_api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into().trim_end_matches('/').to_owned();
        self
    }

    /// Retries differently.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The current tokens, to keep in the vault after a refresh.
    pub fn tokens(&self) -> Tokens {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, CalendarError> {
        let mut url = Url::parse(&format!("{}/", self.api_base))
            .map_err(|error| CalendarError::InvalidEvent { reason: format!("bad API base {:?}: {error}", self.api_base) })?;
        url.path_segments_mut()
            .map_err(|_| CalendarError::InvalidEvent { reason: format!("bad API base {:?}", self.api_base) })?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    async fn access_token(&self, force_refresh: bool) -> Result<Secret, CalendarError> {
        let current = self.tokens();
        if !force_refresh && !current.expired(Timestamp::now()) {
            return Ok(current.access_token.clone());
        }
        let refresh = current.refresh_token.clone().ok_or_else(|| CalendarError::Auth {
            reason: "the access token expired and there is no refresh token: connect the calendar again".into(),
        })?;
        let fresh = refresh_tokens(&self.http, &self.oauth, &refresh).await?;
        let access = fresh.access_token.clone();
        *self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        Ok(access)
    }

    /// Sends a request with the bearer token: refreshes once on 401, backs off on 429,
    /// 403 `rateLimitExceeded` and 5xx. Returns the body of a 2xx answer.
    async fn call(&self, method: Method, url: Url, body: Option<serde_json::Value>) -> Result<String, CalendarError> {
        let shown = without_query(&url);
        let mut refreshed = false;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let token = self.access_token(false).await?;
            let mut request = self.http.request(method.clone(), url.clone()).bearer_auth(token.expose());
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|error| CalendarError::Network { url: shown.clone(), message: error.to_string() })?;
            let status = response.status();
            let text = response.text().await.map_err(|error| CalendarError::Network { url: shown.clone(), message: error.to_string() })?;
            if status.is_success() {
                return Ok(text);
            }
            let error = serde_json::from_str::<api::ErrorBody>(&text).ok();
            let rate_limited = error.as_ref().is_some_and(|body| {
                body.error.errors.iter().any(|item| item.reason == "rateLimitExceeded" || item.reason == "userRateLimitExceeded")
            });
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                attempts -= 1;
                self.access_token(true).await?;
                continue;
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() || (status == StatusCode::FORBIDDEN && rate_limited);
            if retryable {
                if attempts >= self.retry.max_attempts {
                    return Err(CalendarError::RetriesExhausted { url: shown, attempts, status: status.as_u16() });
                }
                self.sleep.sleep(self.retry.delay(attempts - 1)).await;
                continue;
            }
            let message = error.map(|body| body.error.message).unwrap_or_else(|| text.chars().take(200).collect());
            return Err(CalendarError::Http { status: status.as_u16(), url: shown, message });
        }
    }

    async fn call_json<T: DeserializeOwned>(&self, method: Method, url: Url, body: Option<serde_json::Value>) -> Result<T, CalendarError> {
        let shown = without_query(&url);
        let text = self.call(method, url, body).await?;
        serde_json::from_str(&text).map_err(|error| CalendarError::InvalidResponse { url: shown, reason: error.to_string() })
    }

    /// The calendars of the account (`calendarList.list`, all pages).
    pub async fn calendar_list(&self) -> Result<Vec<api::CalendarListEntry>, CalendarError> {
        let mut entries = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut query = vec![("maxResults", "250")];
            if let Some(token) = &page_token {
                query.push(("pageToken", token));
            }
            let url = self.url(&["users", "me", "calendarList"], &query)?;
            let page: api::CalendarListPage = self.call_json(Method::GET, url, None).await?;
            entries.extend(page.items);
            match page.next_page_token {
                Some(token) => page_token = Some(token),
                None => return Ok(entries),
            }
        }
    }

    /// One pass of `events.list` over every page: incremental from `sync_token`, or full.
    async fn sync_from(&self, sync_token: Option<&str>) -> Result<SyncReport, CalendarError> {
        let mut changes = Vec::new();
        let mut page_token: Option<String> = None;
        let next_sync_token = loop {
            let mut query = vec![("maxResults", "250")];
            if let Some(token) = sync_token {
                query.push(("syncToken", token));
            }
            if let Some(token) = &page_token {
                query.push(("pageToken", token));
            }
            let url = self.url(&["calendars", &self.calendar_id, "events"], &query)?;
            let shown = without_query(&url);
            let page: api::EventsPage = self.call_json(Method::GET, url, None).await?;
            for item in page.items {
                changes.push(from_google(item, &self.zone).map_err(|reason| CalendarError::InvalidResponse { url: shown.clone(), reason })?);
            }
            match (page.next_page_token, page.next_sync_token) {
                (Some(token), _) => page_token = Some(token),
                (None, token) => break token,
            }
        };
        // Applied only once every page has arrived, so a failure half-way changes nothing.
        let mut report = SyncReport::default();
        for change in changes {
            match change {
                Change::Upsert(event) => {
                    self.cache.put(*event).await?;
                    report.changed += 1;
                }
                Change::Remove(id) => match self.cache.delete(&id).await {
                    Ok(()) => report.removed += 1,
                    Err(CalendarError::NotFound { .. }) => {}
                    Err(error) => return Err(error),
                },
            }
        }
        self.cache.set_sync_token(next_sync_token).await?;
        Ok(report)
    }

    fn event_url(&self, id: Option<&str>, query: &[(&str, &str)]) -> Result<Url, CalendarError> {
        match id {
            Some(id) => self.url(&["calendars", &self.calendar_id, "events", id], query),
            None => self.url(&["calendars", &self.calendar_id, "events"], query),
        }
    }

    async fn store(&self, url: Url, answer: api::Event) -> Result<CalendarEvent, CalendarError> {
        let shown = without_query(&url);
        match from_google(answer, &self.zone).map_err(|reason| CalendarError::InvalidResponse { url: shown.clone(), reason })? {
            Change::Upsert(event) => {
                self.cache.put((*event).clone()).await?;
                Ok(*event)
            }
            Change::Remove(id) => Err(CalendarError::InvalidResponse { url: shown, reason: format!("event {id} came back cancelled") }),
        }
    }
}

fn not_found(error: CalendarError, id: &str) -> CalendarError {
    match error {
        CalendarError::Http { status: 404 | 410, .. } => CalendarError::NotFound { id: id.to_owned() },
        other => other,
    }
}

impl<C: EventCache + MaybeSync, S: Sleep + MaybeSync> CalendarSource for GoogleCalendar<C, S> {
    /// From the synced copy: call [`sync`](CalendarSource::sync) first to be current.
    async fn list_events(&self, window: Interval) -> Result<Vec<Occurrence>, CalendarError> {
        Ok(expand(&self.cache.all().await?, window, &self.zone))
    }

    /// Asks Google (`freeBusy.query`), which also knows about events not synced yet.
    async fn free_busy(&self, window: Interval) -> Result<IntervalSet, CalendarError> {
        let url = self.url(&["freeBusy"], &[])?;
        let shown = without_query(&url);
        let request = api::FreeBusyRequest {
            time_min: window.start().to_string(),
            time_max: window.end().to_string(),
            items: vec![api::FreeBusyItem { id: self.calendar_id.clone() }],
        };
        let body = serde_json::to_value(&request).map_err(|error| CalendarError::InvalidEvent { reason: error.to_string() })?;
        let answer: api::FreeBusyResponse = self.call_json(Method::POST, url, Some(body)).await?;
        let invalid = |reason: String| CalendarError::InvalidResponse { url: shown.clone(), reason };
        let calendar = answer.calendars.get(&self.calendar_id).ok_or_else(|| invalid(format!("no entry for {}", self.calendar_id)))?;
        if let Some(error) = calendar.errors.first() {
            return Err(invalid(format!("free/busy error {}", error.reason)));
        }
        let mut busy = Vec::new();
        for period in &calendar.busy {
            let start: Timestamp = period.start.parse().map_err(|error| invalid(format!("busy start {:?}: {error}", period.start)))?;
            let end: Timestamp = period.end.parse().map_err(|error| invalid(format!("busy end {:?}: {error}", period.end)))?;
            busy.extend(Interval::new(start, end).ok());
        }
        Ok(IntervalSet::from_intervals(busy).clipped(&window))
    }

    /// `events.insert` with `sendUpdates=all`, so Google mails the attendees.
    async fn create_event(&self, event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        let url = self.event_url(None, &[("sendUpdates", "all")])?;
        let body = serde_json::to_value(to_google(&event, &self.zone)).map_err(|error| CalendarError::InvalidEvent { reason: error.to_string() })?;
        let answer: api::Event = self.call_json(Method::POST, url.clone(), Some(body)).await?;
        self.store(url, answer).await
    }

    async fn update_event(&self, event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        let url = self.event_url(Some(&event.id), &[("sendUpdates", "all")])?;
        let body = serde_json::to_value(to_google(&event, &self.zone)).map_err(|error| CalendarError::InvalidEvent { reason: error.to_string() })?;
        let answer: api::Event = self.call_json(Method::PUT, url.clone(), Some(body)).await.map_err(|error| not_found(error, &event.id))?;
        self.store(url, answer).await
    }

    async fn delete_event(&self, id: &str) -> Result<(), CalendarError> {
        let url = self.event_url(Some(id), &[("sendUpdates", "all")])?;
        self.call(Method::DELETE, url, None).await.map_err(|error| not_found(error, id))?;
        match self.cache.delete(id).await {
            Ok(()) | Err(CalendarError::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Incremental with the stored sync token; on 410 Gone (token expired) the copy is
    /// cleared and synced in full.
    async fn sync(&self) -> Result<SyncReport, CalendarError> {
        let token = self.cache.sync_token().await?;
        match self.sync_from(token.as_deref()).await {
            Err(CalendarError::Http { status: 410, .. }) if token.is_some() => {
                self.cache.clear().await?;
                let mut report = self.sync_from(None).await?;
                report.full_resync = true;
                Ok(report)
            }
            other => other,
        }
    }
}

/// The Google event id of the agent's booking with `uid`: its bytes in hex, which Google
/// accepts as an id (base32hex letters, 5 to 1024 of them) and which is the same on
/// every retry.
fn booking_id(uid: &str) -> String {
    hex::encode(uid.as_bytes())
}

impl<C: EventCache + MaybeSync, S: Sleep + MaybeSync> GoogleCalendar<C, S> {
    async fn send_booking(&self, method: Method, id: Option<&str>, body: &serde_json::Value) -> Result<api::Event, CalendarError> {
        let url = self.event_url(id, &[("sendUpdates", "none")])?;
        self.call_json(method, url, Some(body.clone())).await
    }
}

impl<C: EventCache + MaybeSync, S: Sleep + MaybeSync> WriteBack for GoogleCalendar<C, S> {
    async fn write(&self, event: &CalendarEvent, previous: Option<&Written>) -> Result<Written, CalendarError> {
        let id = previous.map_or_else(|| booking_id(&event.uid), |written| written.remote_id.clone());
        let mut resource = to_google(event, &self.zone);
        resource.id.clone_from(&id);
        resource.extended_properties = Some(api::ExtendedProperties { private: [(BOOKING_KEY.to_owned(), event.uid.clone())].into() });
        let body = serde_json::to_value(resource).map_err(|error| CalendarError::InvalidEvent { reason: error.to_string() })?;
        let answer = match previous {
            Some(_) => match self.send_booking(Method::PATCH, Some(&id), &body).await {
                // Removed at Google meanwhile: put it back.
                Err(CalendarError::Http { status: 404 | 410, .. }) => self.send_booking(Method::POST, None, &body).await,
                other => other,
            },
            None => match self.send_booking(Method::POST, None, &body).await {
                // Inserted before (the answer was lost): change that copy.
                Err(CalendarError::Http { status: 409, .. }) => self.send_booking(Method::PATCH, Some(&id), &body).await,
                other => other,
            },
        }?;
        Ok(Written { remote_id: id, version: answer.etag })
    }

    async fn erase(&self, written: &Written) -> Result<(), CalendarError> {
        let url = self.event_url(Some(&written.remote_id), &[("sendUpdates", "none")])?;
        match self.call(Method::DELETE, url, None).await {
            Ok(_) | Err(CalendarError::Http { status: 404 | 410, .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
