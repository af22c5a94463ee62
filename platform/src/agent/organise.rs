//! Starting negotiations: as the organiser from the owner's request, and as a participant
//! when a contact's proposal arrives. Both sides compute their availability from the
//! owner's calendar and preferences on this device; only chosen slots ever leave it.

use agentnet_core::protocol::{ContextId, Meeting, Message, TaskId, TaskState};
use agentnet_core::schedule::negotiation::{Invitee, OrganiserSetup, ParticipantSetup, RetryPolicy};
use agentnet_core::schedule::{Attendee, Availability, Interval, PartOfDay, SlotScorer};
use jiff::{SignedDuration, Timestamp};

use super::clock::now;
use super::negotiation::{Input, Journal, Negotiation, Side};
use super::{Agent, AgentError, Contact, State, random_id};
use crate::calendar::{CalendarSource, schedule_events};
use crate::store::Store;

/// Slots per proposal and per counter: enough to find a match quickly, few enough to
/// disclose little.
pub(crate) const BATCH: usize = 3;
/// The most candidate slots a machine ranks (two weeks of half hours is ~300).
const MAX_CANDIDATES: usize = 400;
/// How long a participant waits for the organiser to settle.
const PATIENCE: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Wait before resending an unanswered message (doubling up to 8×).
const FIRST_RETRY: SignedDuration = SignedDuration::from_mins(2);

/// The title sent for a meeting the owner did not name.
pub(crate) const UNTITLED: &str = "Meeting";

impl<S: Store + 'static> Agent<S> {
    /// The owner's free time in `window` for a meeting of `minutes`, and the slots they'd
    /// offer, best first (only in `part` of the day if one is asked for).
    pub(crate) async fn owner_slots(&self, state: &State<S>, window: Interval, minutes: u32, part: Option<PartOfDay>) -> Result<(Availability, Vec<Interval>), AgentError> {
        let at = now();
        let duration = SignedDuration::from_mins(i64::from(minutes));
        let mut prefs = state.settings.preferences();
        if let Some(part) = part {
            prefs.preferred_parts = vec![part];
        }
        let day = SignedDuration::from_hours(24);
        let around = Interval::new(window.start() - day, window.end() + day).unwrap_or(window);
        let events = schedule_events(&state.calendar.list_events(around).await?);
        let availability = Availability::compute(&prefs, &events, window, at, duration);
        let mut slots = availability.slots(SignedDuration::from_mins(30));
        if let Some(part) = part {
            let zone = state.settings.time_zone();
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

    /// The times the agent would offer for a meeting of `minutes` in `window`, best first:
    /// what the owner's preferences and every event in the calendar (a connected Google
    /// Calendar's included, as of its last sync) leave free.
    pub async fn offered_slots(&self, window: Interval, minutes: u32) -> Result<Vec<Interval>, AgentError> {
        let state = self.state.lock().await;
        Ok(self.owner_slots(&state, window, minutes, None).await?.1)
    }

    /// Starts arranging a meeting with `with`; returns the negotiation (already proposing).
    /// Without a `title` from the owner, the invitees are sent the neutral
    /// [`UNTITLED`] and each side names the meeting after the other people in it: how the
    /// owner calls their contacts stays on this device.
    pub(crate) async fn organise(&self, state: &mut State<S>, with: &[Contact], title: Option<String>, minutes: u32, window: Interval, part: Option<PartOfDay>) -> Result<Option<Negotiation>, AgentError> {
        let (availability, candidates) = self.owner_slots(state, window, minutes, part).await?;
        if candidates.is_empty() {
            return Ok(None);
        }
        let sent = Meeting { title: title.clone().unwrap_or_else(|| UNTITLED.to_owned()), duration_minutes: minutes };
        let names = with.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(" and ");
        let meeting = Meeting { title: title.unwrap_or_else(|| format!("Meeting with {names}")), duration_minutes: minutes };
        let setup = OrganiserSetup {
            task_id: TaskId(random_id()),
            context_id: ContextId(random_id()),
            meeting: sent,
            invitees: with.iter().map(|c| Invitee { peer: c.agent_bytes(), disclosure_budget: c.disclosure_budget }).collect(),
            batch_size: BATCH,
            retry: RetryPolicy { first_wait: FIRST_RETRY, max_resends: 8 },
        };
        let mut n = Negotiation {
            id: setup.task_id.to_string(),
            side: Side::Organiser,
            peers: with.iter().map(|c| c.id.clone()).collect(),
            meeting,
            created_ms: now().as_millisecond(),
            state: TaskState::Submitted,
            booked: None,
            outcome: None,
            approval: None,
            timer: None,
            journal: Journal::organiser(&setup, &availability, candidates),
        };
        self.advance(state, &mut n, Input::Start { now: now() }).await?;
        Ok(Some(n))
    }

    /// A contact proposed a meeting: a participant negotiation answering them within the
    /// owner's availability around the proposed times.
    pub(crate) async fn join(&self, state: &mut State<S>, organiser: &Contact, message: &Message, meeting: &Meeting, proposed: &[Interval]) -> Result<Negotiation, AgentError> {
        let at = now();
        let latest = proposed.iter().map(Interval::end).max().unwrap_or(at);
        let end = latest.max(at) + SignedDuration::from_hours(14 * 24);
        let window = Interval::new(at, end).map_err(|_| AgentError::InvalidSetting { reason: "empty window".into() })?;
        let (availability, candidates) = self.owner_slots(state, window, meeting.duration_minutes, None).await?;
        let setup = ParticipantSetup { organiser: organiser.agent_bytes(), contact: organiser.settings(), counter_size: BATCH, patience: PATIENCE };
        // An untitled meeting is, in this owner's calendar, a meeting with the organiser.
        let title = if meeting.title == UNTITLED { format!("Meeting with {}", organiser.name) } else { meeting.title.clone() };
        Ok(Negotiation {
            id: message.task_id.to_string(),
            side: Side::Participant,
            peers: vec![organiser.id.clone()],
            meeting: Meeting { title, duration_minutes: meeting.duration_minutes },
            created_ms: at.as_millisecond(),
            state: TaskState::Submitted,
            booked: None,
            outcome: None,
            approval: None,
            timer: None,
            journal: Journal::participant(&setup, &availability, candidates, meeting.duration_minutes),
        })
    }

    /// Feeds due timers; returns when the next one is due.
    pub async fn tick(&self) -> Result<Option<Timestamp>, AgentError> {
        let mut state = self.state.lock().await;
        self.rotate_prekeys(&mut state).await?;
        let at = now();
        if !state.timers.is_loaded() {
            let all = self.negotiations_in(&state).await?;
            state.timers.load(&all);
        }
        for id in state.timers.due_at(at) {
            let Some(mut n) = self.negotiation_by_id(&state, &id).await? else {
                state.timers.forget(&id);
                continue;
            };
            if !n.is_settled() && n.timer.is_some_and(|due| due <= at) {
                n.timer = None;
                // Saving the negotiation updates the index (re-armed or done).
                self.advance(&mut state, &mut n, Input::Tick { now: at }).await?;
            } else {
                state.timers.note(&n);
            }
        }
        Ok(state.timers.next())
    }
}
