//! [`Calendar`]: the owner's calendar as the agent keeps it (the local calendar in the
//! vault, a connected Google Calendar's copy beside it); bookings, removals and imports
//! go through here and are announced.

use agentnet_core::schedule::Interval;
use agentnet_platform::calendar::{CalendarError, CalendarEvent, CalendarSource, LocalCalendar, Occurrence, VaultEventCache};
use agentnet_platform::store::Store;
use jiff::tz::TimeZone;

use super::{AgentVault, Changes};
use crate::AgentError;

/// The events collection, read as one calendar.
pub(crate) struct Calendar<S: Store + 'static> {
    local: LocalCalendar<VaultEventCache<std::sync::Arc<S>>>,
    changes: Changes,
}

impl<S: Store + 'static> Calendar<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes, zone: TimeZone) -> Self {
        Calendar { local: LocalCalendar::new(VaultEventCache::new(vault), zone), changes }
    }

    /// Every occurrence in `window`, Google's copy included.
    pub(crate) async fn occurrences(&self, window: Interval) -> Result<Vec<Occurrence>, AgentError> {
        Ok(self.local.list_events(window).await?)
    }

    /// Every stored event, as written.
    pub(crate) async fn records(&self) -> Result<Vec<CalendarEvent>, AgentError> {
        Ok(self.local.records().await?)
    }

    /// Writes `event`, replacing an earlier one with its id (a repeated booking).
    pub(crate) async fn book(&self, event: CalendarEvent) -> Result<(), AgentError> {
        match self.local.create_event(event.clone()).await {
            Ok(_) => {}
            Err(CalendarError::InvalidEvent { .. }) => {
                self.local.update_event(event).await?;
            }
            Err(e) => return Err(e.into()),
        }
        self.changes.announce();
        Ok(())
    }

    /// Removes the event `id` if it is there.
    pub(crate) async fn remove(&self, id: &str) -> Result<(), AgentError> {
        match self.local.delete_event(id).await {
            Ok(()) | Err(CalendarError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        self.changes.announce();
        Ok(())
    }

    /// Imports an ICS file; returns how many events it held.
    pub(crate) async fn import_ics(&self, text: &str) -> Result<usize, AgentError> {
        let count = self.local.import_ics(text).await?;
        self.changes.announce();
        Ok(count)
    }
}
