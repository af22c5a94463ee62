//! [`VaultEventCache`]: the local calendar's events, sealed in the store. Each event is
//! kept as a one-event ICS file, so the stored form is the standard one and the existing
//! parser and writer do the work.
//!
//! A remote calendar's copy (Google's) lives in the same collection under an id prefix of
//! its own ([`VaultEventCache::scoped`]), so availability and the week view read every
//! event in one pass, while a full resync of the remote copy clears only its records.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::Timestamp;

use crate::calendar::ics::{export_calendar, parse_calendar};
use crate::calendar::{CalendarError, CalendarEvent, EventCache};
use crate::store::{Collection, Query, Record, Store};
use crate::vault::Vault;

const SYNC_TOKEN: &str = "calendar.sync_token";

/// An [`EventCache`] in the vault's events collection.
pub struct VaultEventCache<S> {
    vault: Arc<Vault<S>>,
    prefix: Cow<'static, str>,
    token_key: Cow<'static, str>,
}

impl<S> VaultEventCache<S> {
    /// The events kept in `vault` (all of them, a remote calendar's copy included).
    pub fn new(vault: Arc<Vault<S>>) -> Self {
        VaultEventCache { vault, prefix: Cow::Borrowed(""), token_key: Cow::Borrowed(SYNC_TOKEN) }
    }

    /// Only the records whose ids start with `prefix` (which the ids it hands out do not
    /// carry), with its own sync token under `token_key`.
    pub fn scoped(vault: Arc<Vault<S>>, prefix: impl Into<Cow<'static, str>>, token_key: impl Into<Cow<'static, str>>) -> Self {
        VaultEventCache { vault, prefix: prefix.into(), token_key: token_key.into() }
    }

    fn key(&self, id: &str) -> String {
        format!("{}{id}", self.prefix)
    }
}

impl<S> std::fmt::Debug for VaultEventCache<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultEventCache").finish_non_exhaustive()
    }
}

fn cache_error(error: impl std::fmt::Display) -> CalendarError {
    CalendarError::Cache(error.to_string())
}

fn decode(record: &Record) -> Result<CalendarEvent, CalendarError> {
    let text = std::str::from_utf8(&record.body).map_err(cache_error)?;
    let mut event = parse_calendar(text)?.into_iter().next().ok_or_else(|| cache_error("empty event record"))?;
    event.id.clone_from(&record.id);
    Ok(event)
}

impl<S: Store> EventCache for VaultEventCache<S> {
    async fn put(&self, event: CalendarEvent) -> Result<(), CalendarError> {
        let zone = jiff::tz::TimeZone::UTC;
        let time = event.start.instant(&zone).as_millisecond();
        let text = export_calendar(std::slice::from_ref(&event), Timestamp::now());
        let record = Record::new(self.key(&event.id), time, text.into_bytes()).with_text(&event.summary);
        self.vault.put(Collection::Events, record).await.map_err(cache_error)
    }

    async fn get(&self, id: &str) -> Result<CalendarEvent, CalendarError> {
        match self.vault.get(Collection::Events, &self.key(id)).await {
            Ok(record) => decode(&record).map(|mut event| {
                event.id = id.to_owned();
                event
            }),
            Err(e) if e.is_not_found() => Err(CalendarError::NotFound { id: id.to_owned() }),
            Err(e) => Err(cache_error(e)),
        }
    }

    async fn delete(&self, id: &str) -> Result<(), CalendarError> {
        match self.vault.delete(Collection::Events, &self.key(id)).await {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Err(CalendarError::NotFound { id: id.to_owned() }),
            Err(e) => Err(cache_error(e)),
        }
    }

    async fn all(&self) -> Result<Vec<CalendarEvent>, CalendarError> {
        let records = self.vault.list(Collection::Events, Query::all()).await.map_err(cache_error)?;
        let mut events = Vec::new();
        for record in records.iter().filter(|record| record.id.starts_with(&*self.prefix)) {
            let mut event = decode(record)?;
            event.id = record.id[self.prefix.len()..].to_owned();
            events.push(event);
        }
        Ok(events)
    }

    async fn clear(&self) -> Result<(), CalendarError> {
        for event in self.all().await? {
            self.delete(&event.id).await?;
        }
        self.set_sync_token(None).await
    }

    async fn sync_token(&self) -> Result<Option<String>, CalendarError> {
        match self.vault.get(Collection::Settings, &self.token_key).await {
            Ok(record) => Ok(Some(String::from_utf8_lossy(&record.body).into_owned())),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(cache_error(e)),
        }
    }

    async fn set_sync_token(&self, token: Option<String>) -> Result<(), CalendarError> {
        let result = match token {
            Some(token) => self.vault.put(Collection::Settings, Record::new(self.token_key.as_ref(), 0, token.into_bytes())).await,
            None => match self.vault.delete(Collection::Settings, &self.token_key).await {
                Err(e) if e.is_not_found() => Ok(()),
                other => other,
            },
        };
        result.map_err(cache_error)
    }
}
