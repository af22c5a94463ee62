//! What the owner looks at and decides: negotiations, transcripts, approvals, the
//! calendar and its ICS import and export.

use agentnet_core::schedule::Interval;

use super::clock::now;
use super::effects::event_id;
use super::negotiation::{Input, Negotiation, Side};
use super::transcript::Entry;
use super::{Agent, AgentError, State};
use crate::calendar::ics::export_calendar;
use crate::calendar::{CalendarSource, OccurrenceTime};
use crate::store::{Collection, Query, Store};

impl<S: Store + 'static> Agent<S> {
    /// Every negotiation, newest first.
    pub async fn negotiations(&self) -> Result<Vec<Negotiation>, AgentError> {
        let state = self.state.lock().await;
        let mut all = self.negotiations_in(&state).await?;
        all.reverse();
        Ok(all)
    }

    pub(crate) async fn negotiations_in(&self, state: &State<S>) -> Result<Vec<Negotiation>, AgentError> {
        let mut out = Vec::new();
        for record in state.vault.list(Collection::Conversations, Query::all()).await? {
            out.push(record.decode()?);
        }
        Ok(out)
    }

    /// The negotiation whose id starts with `prefix` (at least 4 characters).
    pub async fn negotiation(&self, prefix: &str) -> Result<Negotiation, AgentError> {
        let prefix = prefix.trim().to_lowercase();
        let all = self.negotiations().await?;
        let found: Vec<_> = all.into_iter().filter(|n| prefix.len() >= 4 && n.id.starts_with(&prefix)).collect();
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one element")),
            0 => Err(AgentError::not_found("negotiation", prefix)),
            _ => Err(AgentError::Ambiguous { what: "negotiations", query: prefix, candidates: found.iter().map(|n| n.id[..8].to_owned()).collect::<Vec<_>>().join(", ") }),
        }
    }

    /// A negotiation's transcript, oldest first (`id` may be a prefix).
    pub async fn transcript(&self, id: &str) -> Result<Vec<Entry>, AgentError> {
        let n = self.negotiation(id).await?;
        let entries = self.entries(Query::all()).await?;
        Ok(entries.into_iter().filter(|e| e.negotiation.as_deref() == Some(n.id.as_str())).collect())
    }

    /// Every transcript line matching `query`, oldest first (refused messages included).
    pub async fn entries(&self, query: Query) -> Result<Vec<Entry>, AgentError> {
        let state = self.state.lock().await;
        let mut entries = Vec::new();
        for record in state.vault.list(Collection::Messages, query).await? {
            entries.push(record.decode::<Entry>()?);
        }
        entries.sort_by_key(|e| e.at_ms);
        Ok(entries)
    }

    /// Approves what the agent asked about in negotiation `id`.
    pub async fn approve(&self, id: &str) -> Result<Negotiation, AgentError> {
        self.decide(id, true).await
    }

    /// Declines what the agent asked about in negotiation `id`.
    pub async fn decline(&self, id: &str) -> Result<Negotiation, AgentError> {
        self.decide(id, false).await
    }

    async fn decide(&self, id: &str, yes: bool) -> Result<Negotiation, AgentError> {
        let found = self.negotiation(id).await?;
        let mut state = self.state.lock().await;
        let Some(mut n) = self.negotiation_by_id(&state, &found.id).await? else { return Err(AgentError::not_found("negotiation", id)) };
        if n.approval.is_none() {
            return Err(AgentError::NotAwaitingApproval { id: n.id });
        }
        let input = if yes { Input::Approved { now: now() } } else { Input::Declined { now: now() } };
        self.advance(&mut state, &mut n, input).await?;
        Ok(n)
    }

    /// Calls off a meeting this agent organised (booked or still being arranged).
    pub async fn cancel(&self, id: &str) -> Result<Negotiation, AgentError> {
        let found = self.negotiation(id).await?;
        let mut state = self.state.lock().await;
        let Some(mut n) = self.negotiation_by_id(&state, &found.id).await? else { return Err(AgentError::not_found("negotiation", id)) };
        let input = match n.side {
            Side::Organiser => Input::Cancel { now: now() },
            Side::Participant => Input::Declined { now: now() },
        };
        self.advance(&mut state, &mut n, input).await?;
        Ok(n)
    }

    /// Busy times in `window` with their titles: the calendar's events and booked meetings.
    pub async fn events(&self, window: Interval) -> Result<Vec<(Interval, String)>, AgentError> {
        let state = self.state.lock().await;
        let zone = state.settings.time_zone();
        let mut out = Vec::new();
        for occurrence in state.calendar.list_events(window).await? {
            let slot = match occurrence.time {
                OccurrenceTime::Timed(slot) => slot,
                OccurrenceTime::AllDay { first, last } => {
                    let midnight = |date: jiff::civil::Date| crate::calendar::EventTime::Date(date).instant(&zone);
                    let Ok(after) = last.tomorrow() else { continue };
                    match Interval::new(midnight(first), midnight(after)) {
                        Ok(slot) => slot,
                        Err(_) => continue,
                    }
                }
            };
            out.push((slot, occurrence.summary.clone()));
        }
        Ok(out)
    }

    /// Whether the meeting of negotiation `n` is in the calendar.
    pub async fn is_booked_in_calendar(&self, n: &Negotiation) -> Result<bool, AgentError> {
        let state = self.state.lock().await;
        let all = state.calendar.records().await?;
        Ok(all.iter().any(|e| e.id == event_id(n)))
    }

    /// Imports an ICS file into the local calendar; returns how many events it held.
    pub async fn import_ics(&self, text: &str) -> Result<usize, AgentError> {
        let state = self.state.lock().await;
        let count = state.calendar.import_ics(text).await?;
        drop(state);
        self.changed();
        Ok(count)
    }

    /// The local calendar as an ICS file.
    pub async fn export_ics(&self) -> Result<String, AgentError> {
        let state = self.state.lock().await;
        let events = state.calendar.records().await?;
        Ok(export_calendar(&events, now()))
    }

    /// Changes the owner's settings (preferences, name, default policy).
    pub async fn update_settings(&self, change: impl FnOnce(&mut super::Settings) -> Result<(), AgentError>) -> Result<super::Settings, AgentError> {
        let mut state = self.state.lock().await;
        let mut settings = state.settings.clone();
        change(&mut settings)?;
        if jiff::tz::TimeZone::get(&settings.zone).is_err() {
            return Err(AgentError::InvalidSetting { reason: format!("unknown time zone {:?}", settings.zone) });
        }
        Self::save_settings(&state.vault, &settings).await?;
        state.settings = settings.clone();
        drop(state);
        self.changed();
        Ok(settings)
    }
}
