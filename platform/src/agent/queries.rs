//! What the owner looks at and decides: negotiations, transcripts, approvals, the
//! calendar and its ICS import and export.

use agentnet_core::schedule::{Interval, PartOfDay};

use super::clock::now;
use super::effects::{event_id, when};
use super::organise::BATCH;
use super::negotiation::{Input, Negotiation, Side};
use super::transcript::{Direction, Entry};
use super::{Agent, AgentError, State, Summary};
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

    /// The owner's free slots to suggest instead of what negotiation `id` asks to approve:
    /// the agent's own candidates for the meeting, best first, still free now, apart from
    /// each other, without the ones it would already accept or offer. At most `limit`.
    pub async fn suggestions(&self, id: &str, limit: usize) -> Result<Vec<Interval>, AgentError> {
        let n = self.negotiation(id).await?;
        let state = self.state.lock().await;
        let mut free = self.free_instead(&state, &n).await?;
        free.truncate(limit);
        Ok(free)
    }

    /// Answers negotiation `id` with other times the owner picked (from
    /// [`Agent::suggestions`]) instead of approving: the agent counters with them.
    pub async fn suggest(&self, id: &str, slots: &[Interval]) -> Result<Negotiation, AgentError> {
        let found = self.negotiation(id).await?;
        let mut state = self.state.lock().await;
        let Some(mut n) = self.negotiation_by_id(&state, &found.id).await? else { return Err(AgentError::not_found("negotiation", id)) };
        let free = self.free_instead(&state, &n).await?;
        let zone = state.settings.time_zone();
        // The transcript must name exactly what the counter carries: repeated picks count
        // once (the first keeps its place), and one counter holds at most `BATCH` times.
        let slots: Vec<Interval> = slots.iter().enumerate().filter(|(i, s)| !slots[..*i].contains(s)).map(|(_, s)| *s).collect();
        if slots.is_empty() || slots.len() > BATCH {
            return Err(AgentError::InvalidSetting { reason: format!("pick between one and {BATCH} times to suggest") });
        }
        if let Some(slot) = slots.iter().find(|slot| !free.contains(slot)) {
            return Err(AgentError::SlotNotFree { slot: when(slot, &zone) });
        }
        let times = slots.iter().map(|s| when(s, &zone)).collect::<Vec<_>>().join(", ");
        let mut names = Vec::new();
        for peer in &n.peers {
            names.push(self.contact_by_id(&state, peer).await?.map_or_else(|| "their".to_owned(), |c| format!("{}'s", c.name)));
        }
        let line = format!("You suggested {times} instead; your agent offers {} to {} agent.", if slots.len() == 1 { "it" } else { "them" }, names.join(" and "));
        self.note(&state, Some(n.id.clone()), None, Direction::Note, line, None).await?;
        self.advance(&mut state, &mut n, Input::Countered { slots, now: now() }).await?;
        Ok(n)
    }

    /// Every slot the owner could suggest in `n` (see [`Agent::suggestions`]).
    async fn free_instead(&self, state: &State<S>, n: &Negotiation) -> Result<Vec<Interval>, AgentError> {
        let Some(approval) = n.approval.as_ref().filter(|_| n.side == Side::Participant) else {
            return Err(AgentError::NotAwaitingApproval { id: n.id.clone() });
        };
        let at = now();
        let candidates = n.journal.participant_candidates();
        let (Some(first), Some(last)) = (candidates.iter().map(Interval::start).min(), candidates.iter().map(Interval::end).max()) else {
            return Ok(Vec::new());
        };
        let Ok(window) = Interval::new(first.max(at), last) else { return Ok(Vec::new()) };
        // Free now: the calendar may have filled up since the proposal arrived.
        let (availability, _) = self.owner_slots(state, window, n.meeting.duration_minutes, None).await?;
        let mut out: Vec<Interval> = Vec::new();
        for slot in candidates {
            let taken = approval.slots.contains(slot) || out.iter().any(|chosen| chosen.overlaps(slot));
            if slot.start() > at && !taken && availability.can_host(slot) {
                out.push(*slot);
            }
        }
        let zone = state.settings.time_zone();
        out.sort_by_key(|slot| closeness(slot, &approval.slots, &zone));
        Ok(out)
    }

    /// Where negotiation `n` stands, who it waits on and what each contact was shown,
    /// with contacts by name and times in the owner's zone.
    pub async fn summary(&self, n: &Negotiation) -> Result<Summary, AgentError> {
        Ok(self.summaries(std::slice::from_ref(n)).await?.remove(0))
    }

    /// [`Agent::summary`] of each of `all`, reading the contacts and the zone once.
    pub async fn summaries(&self, all: &[Negotiation]) -> Result<Vec<Summary>, AgentError> {
        let contacts = self.contacts().await?;
        let zone = self.settings().await.time_zone();
        let name = |id: &str| contacts.iter().find(|c| c.id == id).map_or_else(|| id.chars().take(8).collect(), |c| c.name.clone());
        Ok(all.iter().map(|n| n.summary(&name, &zone)).collect())
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

/// How near `slot` is to what was asked: the organiser chose a window ("tomorrow
/// afternoon") and the proposed slots lie in it, so a time on the same day and in the same
/// part of the day is likeliest to be taken, then the same day, then the rest; within
/// each, the nearest to a proposed slot first.
fn closeness(slot: &Interval, proposed: &[Interval], zone: &jiff::tz::TimeZone) -> (u8, i64) {
    let local = |t: jiff::Timestamp| {
        let at = t.to_zoned_datetime(zone.clone());
        (at.date(), PartOfDay::of_minute(u16::try_from(at.hour()).unwrap_or(0) * 60 + u16::try_from(at.minute()).unwrap_or(0)))
    };
    let (day, part) = local(slot.start());
    let tier = proposed
        .iter()
        .map(|p| match local(p.start()) {
            (d, q) if d == day && q == part => 0,
            (d, _) if d == day => 1,
            _ => 2,
        })
        .min()
        .unwrap_or(2);
    let distance = proposed.iter().map(|p| (slot.start().as_second() - p.start().as_second()).abs()).min().unwrap_or(i64::MAX);
    (tier, distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(start: &str) -> Interval {
        let start: jiff::Timestamp = start.parse().unwrap();
        Interval::new(start, start + jiff::SignedDuration::from_mins(30)).unwrap()
    }

    #[test]
    fn other_times_on_the_asked_day_and_part_of_day_come_first_nearest_first() {
        let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        // Proposed: Tuesday 13:00 and 13:30 Berlin (afternoon).
        let proposed = [slot("2026-03-03T12:00Z"), slot("2026-03-03T12:30Z")];
        let mut others = vec![
            slot("2026-03-04T12:00Z"), // Wednesday afternoon
            slot("2026-03-03T10:30Z"), // Tuesday 11:30, morning: nearer, but not what was asked
            slot("2026-03-03T15:00Z"), // Tuesday 16:00, afternoon
            slot("2026-03-03T13:30Z"), // Tuesday 14:30, afternoon, nearest
        ];
        others.sort_by_key(|s| closeness(s, &proposed, &zone));
        assert_eq!(others, [slot("2026-03-03T13:30Z"), slot("2026-03-03T15:00Z"), slot("2026-03-03T10:30Z"), slot("2026-03-04T12:00Z")]);
    }
}
