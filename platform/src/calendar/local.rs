//! The local calendar: the embedded default, kept in the device's store. What the agent
//! books lands here when no other calendar is connected.

use agentnet_core::schedule::{Interval, IntervalSet};
use jiff::tz::TimeZone;

use super::cache::{EventCache, MemoryCache};
use super::error::CalendarError;
use super::expand::expand;
use super::ics::parse_calendar;
use super::model::CalendarEvent;
use super::occurrence::Occurrence;
use super::source::{CalendarSource, SyncReport, busy_time};

/// A calendar that lives only on this device.
#[derive(Debug)]
pub struct LocalCalendar<C = MemoryCache> {
    cache: C,
    zone: TimeZone,
}

/// A fresh globally unique `UID` (RFC 5545 recommends a random part and a domain).
pub fn new_uid() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness the clock would do, but a failing OS source is worth surfacing
    // loudly in tests rather than minting colliding ids.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = jiff::Timestamp::now().as_nanosecond();
        bytes.copy_from_slice(&nanos.to_le_bytes());
    }
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{hex}@agentnet")
}

impl LocalCalendar<MemoryCache> {
    /// An empty local calendar in memory; floating and all-day events read in `zone`.
    pub fn in_memory(zone: TimeZone) -> Self {
        LocalCalendar { cache: MemoryCache::new(), zone }
    }
}

impl<C: EventCache> LocalCalendar<C> {
    /// A local calendar kept in `cache`; floating and all-day events read in `zone`.
    pub fn new(cache: C, zone: TimeZone) -> Self {
        LocalCalendar { cache, zone }
    }

    /// Imports every event of an ICS file, replacing records with the same ids. The file is
    /// read completely first: a malformed file imports nothing. Returns how many were stored.
    pub async fn import_ics(&self, text: &str) -> Result<usize, CalendarError> {
        let events = parse_calendar(text)?;
        let count = events.len();
        for event in events {
            self.cache.put(event).await?;
        }
        Ok(count)
    }

    /// Every stored record (for export).
    pub async fn records(&self) -> Result<Vec<CalendarEvent>, CalendarError> {
        self.cache.all().await
    }
}

impl<C: EventCache + super::maybe_send::MaybeSync> CalendarSource for LocalCalendar<C> {
    async fn list_events(&self, window: Interval) -> Result<Vec<Occurrence>, CalendarError> {
        Ok(expand(&self.cache.all().await?, window, &self.zone))
    }

    async fn free_busy(&self, window: Interval) -> Result<IntervalSet, CalendarError> {
        let occurrences = self.list_events(window).await?;
        Ok(busy_time(&occurrences, &self.zone).clipped(&window))
    }

    async fn create_event(&self, mut event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        if event.id.is_empty() {
            event.uid = new_uid();
            event.id = event.uid.clone();
        } else if self.cache.get(&event.id).await.is_ok() {
            return Err(CalendarError::InvalidEvent { reason: format!("an event with id {:?} already exists", event.id) });
        }
        self.cache.put(event.clone()).await?;
        Ok(event)
    }

    async fn update_event(&self, mut event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        let stored = self.cache.get(&event.id).await?;
        event.sequence = event.sequence.max(stored.sequence + 1);
        self.cache.put(event.clone()).await?;
        Ok(event)
    }

    async fn delete_event(&self, id: &str) -> Result<(), CalendarError> {
        self.cache.delete(id).await
    }

    async fn sync(&self) -> Result<SyncReport, CalendarError> {
        Ok(SyncReport::default())
    }
}
