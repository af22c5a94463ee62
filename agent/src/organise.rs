//! Starting negotiations: as the organiser from the owner's request, and as a participant
//! when a contact's proposal arrives. Both sides compute their availability from the
//! owner's calendar and preferences on this device; only chosen slots ever leave it.

use agentnet_core::protocol::{ContextId, Meeting, Message, TaskId, TaskState};
use agentnet_core::schedule::negotiation::{Invitee, OrganiserSetup, ParticipantSetup, RetryPolicy};
use agentnet_core::schedule::{Availability, Interval};
use agentnet_platform::rt::{now, random_id};
use agentnet_platform::store::Store;
use jiff::SignedDuration;

use crate::negotiation::{Input, Journal};
use crate::slots::Within;
use crate::{Agent, AgentError, Contact, Keys, Negotiation, Outcome, Side};

/// Slots per proposal and per counter: enough to find a match quickly, few enough to
/// disclose little.
pub(crate) const BATCH: usize = 3;
/// How long a participant waits for the organiser to settle.
const PATIENCE: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Wait before resending an unanswered message (doubling up to 8×).
const FIRST_RETRY: SignedDuration = SignedDuration::from_mins(2);

/// The title sent for a meeting the owner did not name.
pub(crate) const UNTITLED: &str = "Meeting";

/// What the owner asked for.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The people to meet.
    pub(crate) with: Vec<Contact>,
    /// The owner's title, if they gave one.
    pub(crate) title: Option<String>,
    /// How long.
    pub(crate) minutes: u32,
    /// Where the meeting may be.
    pub(crate) within: Within,
}

impl<S: Store + 'static> Agent<S> {
    /// Starts arranging the meeting the owner asked for; `None` when they have no free
    /// time for it. Without a title from the owner, the invitees are sent the neutral
    /// [`UNTITLED`] and each side names the meeting after the other people in it: how the
    /// owner calls their contacts stays on this device.
    pub(crate) async fn organise(&self, keys: &Keys, request: Request) -> Result<Option<(Negotiation, Outcome)>, AgentError> {
        let Request { with, title, minutes, within } = request;
        let (availability, candidates) = self.owner_slots(&within, minutes).await?;
        if candidates.is_empty() {
            return Ok(None);
        }
        // The machine checks every counter against this free time, so it holds only what
        // the owner asked for: a counter outside their words is never booked.
        let availability = Availability::from_free(availability.free().intersection(&within.allowed), SignedDuration::from_mins(i64::from(minutes)));
        let sent = Meeting { title: title.clone().unwrap_or_else(|| UNTITLED.to_owned()), duration_minutes: minutes };
        let names = agentnet_core::text::and_list(&with.iter().map(|c| c.name.as_str()).collect::<Vec<_>>());
        let meeting = Meeting { title: title.unwrap_or_else(|| format!("Meeting with {names}")), duration_minutes: minutes };
        let setup = OrganiserSetup {
            task_id: TaskId(random_id()),
            context_id: ContextId(random_id()),
            meeting: sent,
            invitees: with
                .iter()
                .map(|c| Invitee { peer: c.agent_bytes(), disclosure_budget: c.disclosure_budget, hours: c.hours.clone() })
                .collect(),
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
        let outcome = self.advance(keys, &mut n, Input::Start { now: now() }).await?;
        Ok(Some((n, outcome)))
    }

    /// A contact proposed a meeting: a participant negotiation answering them within the
    /// owner's availability around the proposed times.
    pub(crate) async fn join(&self, organiser: &Contact, message: &Message, meeting: &Meeting, proposed: &[Interval]) -> Result<Negotiation, AgentError> {
        let at = now();
        let window = answer_window(proposed).ok_or_else(|| AgentError::InvalidSetting { reason: "empty window".into() })?;
        let (availability, candidates) = self.owner_slots(&Within::anywhere(window), meeting.duration_minutes).await?;
        let setup = ParticipantSetup {
            organiser: organiser.agent_bytes(),
            contact: organiser.settings(),
            counter_size: BATCH,
            patience: PATIENCE,
            organiser_hours: organiser.hours.clone(),
        };
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
}

/// Where a participant looks for times to answer `proposed` with: from now to two weeks
/// after the last time proposed.
pub(crate) fn answer_window(proposed: &[Interval]) -> Option<Interval> {
    let at = now();
    let latest = proposed.iter().map(Interval::end).max().unwrap_or(at).max(at);
    Interval::new(at, latest + SignedDuration::from_hours(14 * 24)).ok()
}
