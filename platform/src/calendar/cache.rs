//! Where a source keeps its copy of the events: a small trait the encrypted store will
//! implement, and an in-memory implementation for tests and until the store lands.
//!
//! Deliberately minimal (put/get/delete by id, list, sync token) so the store can back it
//! with one collection and one setting.

use core::future::Future;
use std::collections::BTreeMap;
use std::sync::Mutex;

use super::error::CalendarError;
use super::maybe_send::MaybeSend;
use super::model::CalendarEvent;

/// A source's event records and its sync token.
pub trait EventCache {
    /// Stores `event` under `event.id`, replacing any record with that id.
    fn put(&self, event: CalendarEvent) -> impl Future<Output = Result<(), CalendarError>> + MaybeSend;
    /// The record `id`; [`CalendarError::NotFound`] if there is none.
    fn get(&self, id: &str) -> impl Future<Output = Result<CalendarEvent, CalendarError>> + MaybeSend;
    /// Removes the record `id`; [`CalendarError::NotFound`] if there is none.
    fn delete(&self, id: &str) -> impl Future<Output = Result<(), CalendarError>> + MaybeSend;
    /// Every record.
    fn all(&self) -> impl Future<Output = Result<Vec<CalendarEvent>, CalendarError>> + MaybeSend;
    /// Removes every record and the sync token (before a full resync).
    fn clear(&self) -> impl Future<Output = Result<(), CalendarError>> + MaybeSend;
    /// The token of the last completed sync, if any.
    fn sync_token(&self) -> impl Future<Output = Result<Option<String>, CalendarError>> + MaybeSend;
    /// Remembers the token of a completed sync.
    fn set_sync_token(&self, token: Option<String>) -> impl Future<Output = Result<(), CalendarError>> + MaybeSend;
}

#[derive(Debug, Default)]
struct Contents {
    events: BTreeMap<String, CalendarEvent>,
    sync_token: Option<String>,
}

/// An [`EventCache`] in memory (lost when dropped).
#[derive(Debug, Default)]
pub struct MemoryCache {
    // A std mutex: it is never held across an await.
    contents: Mutex<Contents>,
}

impl MemoryCache {
    /// An empty cache.
    pub fn new() -> MemoryCache {
        MemoryCache::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Contents) -> T) -> T {
        let mut guard = self.contents.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

impl EventCache for MemoryCache {
    async fn put(&self, event: CalendarEvent) -> Result<(), CalendarError> {
        self.with(|contents| contents.events.insert(event.id.clone(), event));
        Ok(())
    }

    async fn get(&self, id: &str) -> Result<CalendarEvent, CalendarError> {
        self.with(|contents| contents.events.get(id).cloned()).ok_or_else(|| CalendarError::NotFound { id: id.to_owned() })
    }

    async fn delete(&self, id: &str) -> Result<(), CalendarError> {
        self.with(|contents| contents.events.remove(id)).map(drop).ok_or_else(|| CalendarError::NotFound { id: id.to_owned() })
    }

    async fn all(&self) -> Result<Vec<CalendarEvent>, CalendarError> {
        Ok(self.with(|contents| contents.events.values().cloned().collect()))
    }

    async fn clear(&self) -> Result<(), CalendarError> {
        self.with(|contents| *contents = Contents::default());
        Ok(())
    }

    async fn sync_token(&self) -> Result<Option<String>, CalendarError> {
        Ok(self.with(|contents| contents.sync_token.clone()))
    }

    async fn set_sync_token(&self, token: Option<String>) -> Result<(), CalendarError> {
        self.with(|contents| contents.sync_token = token);
        Ok(())
    }
}
