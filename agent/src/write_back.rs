//! Write-back: every meeting the agent books, moves or cancels is written into the remote
//! calendars the owner connected (Google, CalDAV), so the calendar the owner looks at is
//! the truth.
//!
//! The agent's calendar stays the record of what was agreed; each remote calendar gets a
//! copy, reconciled by the run loop against a ledger of what was written there: a
//! booking not written (or changed since) is written, a copy whose booking is gone is
//! removed. Nothing is queued that a crash could lose: the ledger and the calendar say
//! what is left to do. A failure is kept on its entry, in plain words for the Calendar
//! screen, and tried again after a growing pause; a booking is never silently missing.

use std::time::Duration;

use agentnet_platform::calendar::{CalendarError, CalendarEvent, WriteBack, is_agent_booking};
use agentnet_platform::rt::now;
use agentnet_platform::store::Store;
use serde::{Deserialize, Serialize};

use crate::records::write_back::Entry;
use crate::{Agent, AgentError};

/// The first pause after a failed write; doubled per failure in a row.
const FIRST_RETRY: Duration = Duration::from_secs(30);
/// The longest pause.
const LONGEST_RETRY: Duration = Duration::from_secs(30 * 60);

/// A remote calendar the agent writes its bookings into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Remote {
    /// Google Calendar.
    Google,
    /// A CalDAV calendar.
    CalDav,
}

/// What the owner sees of the copies in one remote calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBackStatus {
    /// Bookings whose copy is up to date.
    pub written: usize,
    /// Bookings not written yet (or changed since), not failed.
    pub pending: usize,
    /// Bookings whose last write failed: the meeting's title and why, in plain words.
    pub failing: Vec<(String, String)>,
}

/// What the copy of a booking says, to notice when the booking changes.
fn what(event: &CalendarEvent) -> String {
    let zone = jiff::tz::TimeZone::UTC;
    format!("{}|{}|{:?}|{}", event.start.instant(&zone), event.end.instant(&zone), event.status, event.summary)
}

/// The copy a remote calendar gets: the people named in the notes, not as attendees
/// (their addresses are agentnet ids, and a server that sends invitations must not try
/// them; each agent writes its own owner's calendar).
fn remote_copy(event: &CalendarEvent) -> CalendarEvent {
    let mut copy = event.clone();
    let names: Vec<String> = copy.attendees.drain(..).map(|person| person.name.unwrap_or(person.email)).collect();
    let with = if names.is_empty() { String::new() } else { format!("With {}. ", agentnet_core::text::and_list(&names)) };
    copy.description = Some(format!("{with}Booked by your agentnet agent."));
    copy
}

fn pause(failures: u32) -> Duration {
    FIRST_RETRY.saturating_mul(2u32.saturating_pow(failures.saturating_sub(1))).min(LONGEST_RETRY)
}

impl Entry {
    fn failed(&mut self, at_ms: i64, error: &CalendarError) {
        self.failures = self.failures.saturating_add(1);
        self.retry_at_ms = at_ms.saturating_add(i64::try_from(pause(self.failures).as_millis()).unwrap_or(i64::MAX));
        self.error = Some(error.to_string());
    }
}

impl<S: Store + 'static> Agent<S> {
    /// The agent's own bookings, as they stand.
    async fn bookings(&self) -> Result<Vec<CalendarEvent>, AgentError> {
        Ok(self.records.calendar.records().await?.into_iter().filter(|event| event.id == event.uid && is_agent_booking(&event.uid)).collect())
    }

    /// Brings `remote`'s copies in line with `bookings`, as far as `target` lets it.
    async fn reconcile(&self, remote: Remote, target: &impl WriteBack, bookings: &[CalendarEvent]) -> Result<(), AgentError> {
        let mut ledger = self.records.write_back.ledger(remote).await?;
        let before = ledger.clone();
        let at = now().as_millisecond();
        for booking in bookings {
            let what = what(booking);
            let entry = ledger.entries.entry(booking.id.clone()).or_default();
            let up_to_date = entry.written.is_some() && entry.what == what && entry.error.is_none();
            if up_to_date || entry.retry_at_ms > at {
                continue;
            }
            entry.title.clone_from(&booking.summary);
            match target.write(&remote_copy(booking), entry.written.as_ref()).await {
                Ok(written) => *entry = Entry { title: booking.summary.clone(), written: Some(written), what, ..Entry::default() },
                Err(error) => entry.failed(at, &error),
            }
        }
        let gone: Vec<String> = ledger.entries.keys().filter(|id| !bookings.iter().any(|booking| &booking.id == *id)).cloned().collect();
        for id in gone {
            let Some(entry) = ledger.entries.get_mut(&id) else { continue };
            let Some(written) = entry.written.clone() else {
                ledger.entries.remove(&id);
                continue;
            };
            if entry.retry_at_ms > at {
                continue;
            }
            match target.erase(&written).await {
                Ok(()) => {
                    ledger.entries.remove(&id);
                }
                Err(error) => entry.failed(at, &error),
            }
        }
        if ledger != before {
            self.records.write_back.save(remote, &ledger).await?;
        }
        Ok(())
    }

    /// For the run loop: writes the bookings into every connected remote calendar.
    /// Failures are kept in the ledgers for the owner and never stop the loop.
    pub(crate) async fn write_back_when_due(&self) -> Result<(), AgentError> {
        let google = self.google_bookings_calendar().await.ok().flatten();
        let caldav = self.caldav_calendar().await.ok().flatten();
        if google.is_none() && caldav.is_none() {
            return Ok(());
        }
        // Read once for every connected calendar.
        let bookings = self.bookings().await?;
        if let Some((google, _, credentials)) = google {
            self.reconcile(Remote::Google, &google, &bookings).await?;
            // Best effort: a refresh lost here is done again next time.
            let _ = self.keep_fresh_google_tokens(&google.tokens(), &credentials).await;
        }
        if let Some((caldav, _)) = caldav {
            self.reconcile(Remote::CalDav, &caldav, &bookings).await?;
        }
        Ok(())
    }

    /// What the owner sees of the copies in `remote`.
    pub async fn write_back_status(&self, remote: Remote) -> Result<WriteBackStatus, AgentError> {
        let bookings = self.bookings().await?;
        let ledger = self.records.write_back.ledger(remote).await?;
        let mut status = WriteBackStatus::default();
        for booking in &bookings {
            match ledger.entries.get(&booking.id) {
                Some(Entry { error: Some(_), .. }) => {}
                Some(entry) if entry.written.is_some() && entry.what == what(booking) => status.written += 1,
                _ => status.pending += 1,
            }
        }
        status.failing = ledger.entries.values().filter_map(|entry| Some((entry.title.clone(), entry.error.clone()?))).collect();
        Ok(status)
    }
}
