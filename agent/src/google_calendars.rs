//! Which of the owner's Google calendars count as busy and which one receives the
//! agent's bookings: the account's calendar list (`calendarList`), kept in the
//! connection's status with the owner's choice, and each busy calendar's copy synced on
//! its own (`google/<hex id>/` in the events collection).

use agentnet_platform::calendar::google::CalendarListEntry;
use agentnet_platform::calendar::{EventCache, VaultEventCache, WriteBack};
use agentnet_platform::store::Store;
use serde::{Deserialize, Serialize};

use crate::{Agent, GoogleError, GoogleStatus, Remote};

/// One calendar of the account, with the owner's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleCalendarChoice {
    /// Google's id (the account's address for the primary calendar).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether it is the account's main calendar.
    pub primary: bool,
    /// Whether the account may add events to it (owner or writer).
    pub writable: bool,
    /// Whether its events count as busy time.
    pub busy: bool,
}

/// The account's calendars; at first only the primary one counts as busy.
pub(crate) fn choices(list: Vec<CalendarListEntry>) -> Vec<GoogleCalendarChoice> {
    list.into_iter()
        .map(|entry| GoogleCalendarChoice {
            name: if entry.summary.is_empty() { entry.id.clone() } else { entry.summary.clone() },
            writable: matches!(entry.access_role.as_str(), "owner" | "writer"),
            busy: entry.primary,
            primary: entry.primary,
            id: entry.id,
        })
        .collect()
}

impl GoogleStatus {
    /// Whether `choice` is the calendar the bookings go to.
    pub fn receives_bookings(&self, choice: &GoogleCalendarChoice) -> bool {
        choice.id == self.calendar_id || (self.calendar_id == crate::google::PRIMARY && choice.primary)
    }
}

impl<S: Store + 'static> Agent<S> {
    /// The calendars to sync, each with its copy. A connection made before the calendar
    /// list was kept (or whose consent left the list out) syncs its one calendar as before.
    pub(crate) fn google_busy_calendars(&self, status: &GoogleStatus) -> Vec<(String, VaultEventCache<std::sync::Arc<S>>)> {
        let google = &self.records.google;
        if status.calendars.is_empty() {
            return vec![(status.calendar_id.clone(), google.events())];
        }
        status.calendars.iter().filter(|choice| choice.busy).map(|choice| (choice.id.clone(), google.calendar_events(&choice.id))).collect()
    }

    /// Sets which calendars count as busy (`busy`, by id) and which receives the
    /// bookings (`bookings`, by id; it must be writable). Calendars no longer busy drop
    /// their copy; when the bookings move to another calendar, the copies written to the
    /// old one are removed there and written to the new one by the run loop.
    pub async fn choose_google_calendars(&self, busy: &[String], bookings: &str) -> Result<GoogleStatus, GoogleError> {
        let google = &self.records.google;
        let mut status = google.status().await?.ok_or(GoogleError::NotConnected)?;
        let known = |id: &str| status.calendars.iter().find(|choice| choice.id == id).cloned();
        for id in busy {
            known(id).ok_or_else(|| GoogleError::UnknownCalendar { id: id.clone() })?;
        }
        let target = known(bookings).ok_or_else(|| GoogleError::UnknownCalendar { id: bookings.to_owned() })?;
        if !target.writable {
            return Err(GoogleError::NotWritable { name: target.name });
        }
        if !status.receives_bookings(&target) {
            // Best effort: a copy that cannot be removed now stays in the old calendar,
            // which the owner can delete there; the new calendar gets every booking.
            if let Ok(Some((old, _, _))) = self.google_bookings_calendar().await {
                for entry in self.records.write_back.ledger(Remote::Google).await?.entries.values() {
                    if let Some(written) = &entry.written {
                        let _ = old.erase(written).await;
                    }
                }
            }
            self.records.write_back.forget(Remote::Google).await?;
            status.calendar_id = target.id.clone();
            status.calendar_name = Some(target.name.clone());
        }
        for choice in &mut status.calendars {
            let now_busy = busy.contains(&choice.id);
            if choice.busy && !now_busy {
                google.calendar_events(&choice.id).clear().await?;
            }
            choice.busy = now_busy;
        }
        // Due now: the run loop brings in the calendars just chosen.
        status.last_attempt_ms = None;
        google.save_status(&status).await?;
        Ok(status)
    }
}
