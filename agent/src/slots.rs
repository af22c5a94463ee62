//! The owner's free time: what their preferences and every event in the calendar (a
//! connected Google Calendar's included, as of its last sync) leave free, ranked.

use agentnet_core::schedule::{Attendee, Availability, Interval, PartOfDay, SlotScorer};
use agentnet_platform::calendar::schedule_events;
use agentnet_platform::rt::now;
use agentnet_platform::store::Store;
use jiff::SignedDuration;

use crate::{Agent, AgentError};

/// The most candidate slots a machine ranks (two weeks of half hours is ~300).
const MAX_CANDIDATES: usize = 400;

impl<S: Store + 'static> Agent<S> {
    /// The owner's free time in `window` for a meeting of `minutes`, and the slots they'd
    /// offer, best first (only in `part` of the day if one is asked for). Reads only.
    pub(crate) async fn owner_slots(&self, window: Interval, minutes: u32, part: Option<PartOfDay>) -> Result<(Availability, Vec<Interval>), AgentError> {
        let at = now();
        let settings = self.records.preferences.get();
        let duration = SignedDuration::from_mins(i64::from(minutes));
        let mut prefs = settings.preferences();
        if let Some(part) = part {
            prefs.preferred_parts = vec![part];
        }
        let day = SignedDuration::from_hours(24);
        let around = Interval::new(window.start() - day, window.end() + day).unwrap_or(window);
        let events = schedule_events(&self.records.calendar.occurrences(around).await?);
        let availability = Availability::compute(&prefs, &events, window, at, duration);
        let mut slots = availability.slots(SignedDuration::from_mins(30));
        if let Some(part) = part {
            let zone = settings.time_zone();
            slots.retain(|slot| {
                let start = zone.to_datetime(slot.start());
                let end_minute = {
                    let end = zone.to_datetime(slot.end());
                    if end.date() > start.date() { 24 * 60 } else { i32::from(end.hour()) * 60 + i32::from(end.minute()) }
                };
                let start_minute = i32::from(start.hour()) * 60 + i32::from(start.minute());
                PartOfDay::of_minute(start_minute as u16) == part && PartOfDay::of_minute((end_minute - 1).max(0) as u16) == part
            });
        }
        let attendees = vec![Attendee { zone: prefs.home_zone.clone(), past_burden: 0.0 }];
        let mut ranked = SlotScorer::new(&prefs, &availability, at, attendees).ranked(slots);
        ranked.truncate(MAX_CANDIDATES);
        Ok((availability, ranked))
    }
}
