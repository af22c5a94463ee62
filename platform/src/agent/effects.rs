//! Carrying out what the negotiation machines ask for: sealing and sending, booking,
//! asking the owner, arming timers, and writing each step into the transcript.

use std::time::Duration;

use agentnet_core::crypto::envelope::{MessageId as EnvelopeId, seal};
use agentnet_core::crypto::prekey::Bundle;
use agentnet_core::protocol::{Message, MessageId, Payload, TaskState};
use agentnet_core::schedule::Interval;
use agentnet_core::schedule::negotiation::{Effect, Failure};
use agentnet_core::transcript::{Reader, sentence};
use futures_util::future::{Either, select};
use std::pin::pin;

use super::clock::{now, sleep, unix_secs};
use super::negotiation::{Input, Negotiation, PendingApproval, Peer};
use super::transcript::{Direction, Entry};
use super::{Agent, AgentError, Contact, State, random_id, rng};
use crate::calendar::{CalendarEvent, CalendarSource, Person};
use crate::store::{Collection, Record, Store};
use crate::transport::{Outbox, Outgoing};

/// How long a send waits for the relay to hand over a contact's fresh prekeys.
const FETCH_WAIT: Duration = Duration::from_secs(5);

impl<S: Store + 'static> Agent<S> {
    /// Feeds one input to a negotiation's machine, performs its effects and saves it.
    pub(crate) async fn advance(&self, state: &mut State<S>, n: &mut Negotiation, input: Input) -> Result<(), AgentError> {
        let (machine, effects) = n.journal.step(input, &mut || MessageId(random_id()));
        for effect in effects {
            self.perform(state, n, effect).await?;
        }
        n.state = machine.state();
        n.booked = machine.booked();
        if n.state != TaskState::InputRequired {
            // Answered (approved, declined, countered) or ended while asking.
            n.approval = None;
        }
        self.save_negotiation(state, n).await?;
        self.changed();
        Ok(())
    }

    async fn perform(&self, state: &mut State<S>, n: &mut Negotiation, effect: Effect<Peer>) -> Result<(), AgentError> {
        match effect {
            Effect::Send { to, message } => self.send_task(state, n, to, message).await,
            Effect::Book { slot } => self.book(state, n, slot).await,
            Effect::Unbook { .. } => {
                match state.calendar.delete_event(&event_id(n)).await {
                    Ok(()) | Err(crate::calendar::CalendarError::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
                let line = format!("Removed '{}' from your calendar.", n.meeting.title);
                self.note(state, Some(n.id.clone()), None, Direction::Note, line, None).await
            }
            Effect::AskOwner { approval } => {
                let zone = state.settings.time_zone();
                let times = approval.slots.iter().map(|s| when(s, &zone)).collect::<Vec<_>>().join(", ");
                let who = self.contact_name(state, &approval.organiser).await?;
                let line = format!("{who}'s agent asks to meet for '{}'; waiting for your approval of {times}.", n.meeting.title);
                n.approval = Some(PendingApproval { slots: approval.slots });
                self.note(state, Some(n.id.clone()), None, Direction::Note, line, None).await
            }
            Effect::SetTimer { at } => {
                n.timer = Some(n.timer.filter(|t| *t > now() && *t < at).unwrap_or(at));
                Ok(())
            }
            Effect::Failed { failure } => {
                let line = match failure {
                    Failure::NoCommonSlot => "No time suits everyone within the window and the disclosure budgets.".to_owned(),
                    Failure::Declined { by } => format!("{}'s agent declined.", self.contact_name(state, &by).await?),
                    Failure::Unanswered { peers } => {
                        let mut names = Vec::new();
                        for peer in &peers {
                            names.push(self.contact_name(state, peer).await?);
                        }
                        format!("No answer from {}'s agent despite retries.", names.join(", "))
                    }
                };
                n.outcome = Some(line.clone());
                self.note(state, Some(n.id.clone()), None, Direction::Note, line, None).await
            }
        }
    }

    async fn send_task(&self, state: &mut State<S>, n: &Negotiation, to: Peer, message: Message) -> Result<(), AgentError> {
        let Some(mut contact) = self.contact_by_id(state, &hex::encode(to)).await? else {
            return self.note(state, Some(n.id.clone()), None, Direction::Note, "A message to a removed contact was dropped.".into(), None).await;
        };
        let zone = state.settings.time_zone();
        let line = sentence(&message, &Reader { sender: &state.settings.name, zone: &zone, meeting: Some(&n.meeting) });
        let id = message.message_id;
        self.line(state, &id.to_string(), Some(n.id.clone()), Some(contact.id.clone()), Direction::Sent, line, Some(message.clone())).await?;
        if let Err(e) = self.send_payload(state, &mut contact, &Payload::Task(message), id.0).await {
            // The machine resends on its timer; the owner sees why this one did not go.
            let line = format!("Could not send to {}'s agent yet: {e}.", contact.name);
            self.note(state, Some(n.id.clone()), Some(contact.id.clone()), Direction::Note, line, None).await?;
        }
        Ok(())
    }

    /// Seals `payload` to `contact` (fetching fresh prekeys from the relay if the stored
    /// ones expired) and puts it in the outbox.
    pub(crate) async fn send_payload(&self, state: &mut State<S>, contact: &mut Contact, payload: &Payload, id: [u8; 16]) -> Result<(), AgentError> {
        let at = unix_secs(now());
        let bundle = match contact.verified_bundle(at) {
            Some(bundle) => bundle,
            None => {
                contact.bundle = self.fetch_bundle(&contact.name, contact.agent_bytes()).await?;
                self.save_contact(state, contact).await?;
                contact.verified_bundle(at).ok_or_else(|| AgentError::NoPrekeys { name: contact.name.clone(), reason: "they do not verify".into() })?
            }
        };
        let envelope = seal(&state.identity, &bundle, EnvelopeId(id), at, &payload.to_bytes(), &mut rng())?;
        self.enqueue(Outgoing { recipient: contact.agent_bytes(), message_id: id, envelope: envelope.into() }).await
    }

    /// Hands a sealed message to the relay client, or to the outbox for the next
    /// connected start when this agent runs offline.
    async fn enqueue(&self, message: Outgoing) -> Result<(), AgentError> {
        match &self.client {
            Some(client) => client.enqueue(message.recipient, message.message_id, message.envelope).await?,
            None => self.outbox.record(&message).await?,
        }
        Ok(())
    }

    /// An agent's current prekey bundle from the relay, checked to be its own and valid.
    pub(crate) async fn fetch_bundle(&self, name: &str, agent: Peer) -> Result<Vec<u8>, AgentError> {
        let client = self.client.as_ref().ok_or(AgentError::Offline)?;
        let no = |reason: &str| AgentError::NoPrekeys { name: name.to_owned(), reason: reason.into() };
        let fetch = pin!(client.fetch_prekeys(agent));
        let bytes = match select(fetch, pin!(sleep(FETCH_WAIT))).await {
            Either::Left((answer, _)) => answer?.ok_or_else(|| no("none published"))?,
            Either::Right(_) => return Err(no("the relay did not answer in time")),
        };
        let bundle = Bundle::from_bytes(&bytes).map_err(|e| no(&e.to_string()))?;
        if *bundle.agent_id().as_bytes() != agent {
            return Err(no("the relay returned someone else's keys"));
        }
        bundle.verify(unix_secs(now())).map_err(|e| no(&e.to_string()))?;
        Ok(bytes)
    }

    async fn book(&self, state: &mut State<S>, n: &Negotiation, slot: Interval) -> Result<(), AgentError> {
        let mut event = CalendarEvent::timed(event_id(n), n.meeting.title.clone(), slot.start(), slot.end());
        for peer in &n.peers {
            let name = match self.contact_by_id(state, peer).await? {
                Some(c) => c.name,
                None => continue,
            };
            event.attendees.push(Person::named(name, format!("{}@agentnet", &peer[..16])));
        }
        // A replayed or repeated booking replaces the earlier one.
        match state.calendar.create_event(event.clone()).await {
            Ok(_) => {}
            Err(crate::calendar::CalendarError::InvalidEvent { .. }) => {
                state.calendar.update_event(event).await?;
            }
            Err(e) => return Err(e.into()),
        }
        let zone = state.settings.time_zone();
        let line = format!("Booked '{}' for {} in your calendar.", n.meeting.title, when(&slot, &zone));
        self.note(state, Some(n.id.clone()), None, Direction::Note, line, None).await
    }

    /// Writes a transcript line with a fresh id.
    pub(crate) async fn note(&self, state: &State<S>, negotiation: Option<String>, peer: Option<String>, direction: Direction, sentence: String, message: Option<Message>) -> Result<(), AgentError> {
        let id = format!("note.{}", hex::encode(random_id()));
        self.line(state, &id, negotiation, peer, direction, sentence, message).await
    }

    /// Writes a transcript line under `id`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn line(&self, state: &State<S>, id: &str, negotiation: Option<String>, peer: Option<String>, direction: Direction, sentence: String, message: Option<Message>) -> Result<(), AgentError> {
        let at_ms = now().as_millisecond();
        let entry = Entry { negotiation, at_ms, direction, peer: peer.clone(), sentence, message };
        let mut record = Record::json(id, at_ms, &entry)?.with_text(&entry.sentence);
        if let Some(peer) = peer {
            record = record.with_contact(peer);
        }
        state.vault.put(Collection::Messages, record).await?;
        Ok(())
    }

    async fn contact_name(&self, state: &State<S>, peer: &Peer) -> Result<String, AgentError> {
        Ok(self.contact_by_id(state, &hex::encode(peer)).await?.map_or_else(|| "an unknown".to_owned(), |c| c.name))
    }
}

/// The calendar event id of a negotiation's meeting.
pub(crate) fn event_id(n: &Negotiation) -> String {
    format!("{}@agentnet", n.id)
}

/// A slot as people read it: "Tue 1 Dec 14:00-14:30 (Europe/Berlin)".
pub fn when(slot: &Interval, zone: &jiff::tz::TimeZone) -> String {
    let start = slot.start().to_zoned_datetime(zone.clone());
    let end = slot.end().to_zoned_datetime(zone.clone());
    format!("{}-{} ({})", start.strftime("%a %-d %b %H:%M"), end.strftime("%H:%M"), zone.iana_name().unwrap_or("UTC"))
}
