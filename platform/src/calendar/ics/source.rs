//! An ICS file or subscription as a (read-only) calendar source.

use std::sync::Mutex;

use agentnet_core::schedule::{Interval, IntervalSet};
use jiff::tz::TimeZone;

use super::parse_calendar;
use crate::calendar::error::CalendarError;
use crate::calendar::expand::expand;
use crate::calendar::model::CalendarEvent;
use crate::calendar::occurrence::Occurrence;
use crate::calendar::source::{CalendarSource, SyncReport, busy_time};

/// The events of one ICS file; [`sync`](CalendarSource::sync) re-fetches a subscription.
#[derive(Debug)]
pub struct IcsCalendar {
    name: String,
    url: Option<String>,
    client: reqwest::Client,
    zone: TimeZone,
    events: Mutex<Vec<CalendarEvent>>,
}

impl IcsCalendar {
    /// The events of `text`, named `name`; floating and all-day events read in `zone`.
    pub fn from_text(name: impl Into<String>, text: &str, zone: TimeZone) -> Result<IcsCalendar, CalendarError> {
        let events = parse_calendar(text)?;
        Ok(IcsCalendar { name: name.into(), url: None, client: reqwest::Client::new(), zone, events: Mutex::new(events) })
    }

    /// A subscription to `url` (`https://` or `webcal://`), empty until the first sync.
    pub fn subscription(name: impl Into<String>, url: impl Into<String>, client: reqwest::Client, zone: TimeZone) -> IcsCalendar {
        IcsCalendar { name: name.into(), url: Some(url.into()), client, zone, events: Mutex::new(Vec::new()) }
    }

    /// The parsed records.
    pub fn records(&self) -> Vec<CalendarEvent> {
        self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn read_only(&self) -> CalendarError {
        CalendarError::ReadOnly { name: self.name.clone() }
    }
}

impl CalendarSource for IcsCalendar {
    async fn list_events(&self, window: Interval) -> Result<Vec<Occurrence>, CalendarError> {
        Ok(expand(&self.records(), window, &self.zone))
    }

    async fn free_busy(&self, window: Interval) -> Result<IntervalSet, CalendarError> {
        Ok(busy_time(&self.list_events(window).await?, &self.zone).clipped(&window))
    }

    async fn create_event(&self, _event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        Err(self.read_only())
    }

    async fn update_event(&self, _event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        Err(self.read_only())
    }

    async fn delete_event(&self, _id: &str) -> Result<(), CalendarError> {
        Err(self.read_only())
    }

    /// Fetches the subscription again and replaces every event (ICS has no deltas); a file
    /// that fails to parse leaves the previous events in place.
    async fn sync(&self) -> Result<SyncReport, CalendarError> {
        let Some(url) = &self.url else { return Ok(SyncReport::default()) };
        let text = super::fetch::fetch_ics(&self.client, url).await?;
        let events = parse_calendar(&text)?;
        let mut stored = self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let report = SyncReport { changed: events.len(), removed: stored.len(), full_resync: true };
        *stored = events;
        Ok(report)
    }
}
