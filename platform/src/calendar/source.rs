//! The one trait every calendar source implements.

use core::future::Future;

use agentnet_core::schedule::{Interval, IntervalSet};

use super::error::CalendarError;
use super::maybe_send::MaybeSend;
use super::model::CalendarEvent;
use super::occurrence::Occurrence;

/// What an incremental sync changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Records added or changed.
    pub changed: usize,
    /// Records removed.
    pub removed: usize,
    /// Whether the source had to start over (Google's 410 Gone on an old sync token).
    pub full_resync: bool,
}

/// A calendar: the local one, an ICS subscription, Google Calendar (Microsoft Graph later).
///
/// Futures are `Send` on native targets and need not be in the browser. Reads serve the
/// source's local copy (brought up to date by [`sync`](CalendarSource::sync)), so the
/// owner's availability can be computed offline and nothing is sent to compute it.
pub trait CalendarSource {
    /// The occurrences overlapping `window`, recurring events expanded, earliest first.
    fn list_events(&self, window: Interval) -> impl Future<Output = Result<Vec<Occurrence>, CalendarError>> + MaybeSend;

    /// The busy time in `window`: opaque, not cancelled occurrences (tentative included).
    fn free_busy(&self, window: Interval) -> impl Future<Output = Result<IntervalSet, CalendarError>> + MaybeSend;

    /// Adds `event`; returns it as stored (with the id the source gave it).
    fn create_event(&self, event: CalendarEvent) -> impl Future<Output = Result<CalendarEvent, CalendarError>> + MaybeSend;

    /// Replaces the stored record with `event.id`; [`CalendarError::NotFound`] if there is none.
    fn update_event(&self, event: CalendarEvent) -> impl Future<Output = Result<CalendarEvent, CalendarError>> + MaybeSend;

    /// Removes the record `id`; [`CalendarError::NotFound`] if there is none.
    fn delete_event(&self, id: &str) -> impl Future<Output = Result<(), CalendarError>> + MaybeSend;

    /// Brings the local copy up to date with the remote calendar (a no-op for the local one).
    fn sync(&self) -> impl Future<Output = Result<SyncReport, CalendarError>> + MaybeSend;
}

/// Busy time from occurrences, all-day events as whole days in `zone`.
pub(crate) fn busy_time(occurrences: &[Occurrence], zone: &jiff::tz::TimeZone) -> IntervalSet {
    let intervals = occurrences.iter().filter(|occurrence| occurrence.is_busy()).filter_map(|occurrence| match occurrence.time {
        super::OccurrenceTime::Timed(interval) => Some(interval),
        super::OccurrenceTime::AllDay { first, last } => {
            let start = super::model::EventTime::Date(first).instant(zone);
            let end = super::model::EventTime::Date(last.tomorrow().ok()?).instant(zone);
            Interval::new(start, end).ok()
        }
    });
    IntervalSet::from_intervals(intervals)
}
