//! Advancing a negotiation: one input to its machine, and what the machine asks for
//! carried out — messages sealed for the outbox (or held for fresh keys), the meeting
//! booked or removed, the owner asked, every step written into the transcript. Runs
//! under the command lock and waits on nothing but the store.

use agentnet_core::protocol::{Message, MessageId};
use agentnet_core::schedule::Interval;
use agentnet_core::schedule::negotiation::{Effect, Failure};
use agentnet_platform::calendar::{CalendarEvent, Person};
use agentnet_platform::rt::random_id;
use agentnet_platform::store::Store;

use crate::negotiation::{Input, Peer};
use crate::records::transcript::About;
use crate::{Agent, AgentError, Keys, Negotiation, when};

/// What one step of a negotiation did, so callers tell the owner without reading it back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The messages it sent, each with its recipient's contact id (hex).
    pub sent: Vec<(String, Message)>,
    /// The slot it booked.
    pub booked: Option<Interval>,
}

impl Outcome {
    /// Every slot the sent messages offered, in order, each once.
    pub fn offered(&self) -> Vec<Interval> {
        let mut slots: Vec<Interval> = Vec::new();
        for slot in self.sent.iter().filter_map(|(_, m)| m.act()).flat_map(|act| act.offered_slots().iter().copied()) {
            if !slots.contains(&slot) {
                slots.push(slot);
            }
        }
        slots
    }
}

impl<S: Store + 'static> Agent<S> {
    /// Feeds one input to `n`'s machine, carries out its effects and saves it.
    pub(crate) async fn advance(&self, keys: &Keys, n: &mut Negotiation, input: Input) -> Result<Outcome, AgentError> {
        let effects = n.step(input, &mut || MessageId(random_id()));
        let mut outcome = Outcome::default();
        for effect in effects {
            self.perform(keys, n, effect, &mut outcome).await?;
        }
        self.records.negotiations.save(n).await?;
        Ok(outcome)
    }

    async fn perform(&self, keys: &Keys, n: &mut Negotiation, effect: Effect<Peer>, outcome: &mut Outcome) -> Result<(), AgentError> {
        let transcript = &self.records.transcript;
        match effect {
            Effect::Send { to, message } => {
                self.send_task(keys, n, to, message.clone()).await?;
                outcome.sent.push((hex::encode(to), message));
                Ok(())
            }
            Effect::Book { slot } => {
                self.book(n, slot).await?;
                outcome.booked = Some(slot);
                Ok(())
            }
            Effect::Unbook { .. } => {
                self.records.calendar.remove(&event_id(n)).await?;
                transcript.note(About::negotiation(&n.id), format!("Removed '{}' from your calendar.", n.meeting.title)).await
            }
            Effect::AskOwner { approval } => {
                // `Negotiation::step` already keeps the approval; the owner is told here.
                let zone = self.records.preferences.get().time_zone();
                let times = approval.slots.iter().map(|s| when(s, &zone)).collect::<Vec<_>>().join(", ");
                let who = self.records.contacts.name(&approval.organiser).await?;
                let line = format!("{who}'s agent asks to meet for '{}'; waiting for your approval of {times}.", n.meeting.title);
                transcript.note(About::negotiation(&n.id), line).await
            }
            // Kept by `Negotiation::step`; the run loop reads it from the saved record.
            Effect::SetTimer { .. } => Ok(()),
            Effect::Failed { failure } => {
                let zone = self.records.preferences.get().time_zone();
                let stays = n.booked.map(|slot| format!(" '{}' stays at {}.", n.meeting.title, when(&slot, &zone)));
                let line = match failure {
                    // A move that found no new time: the meeting is where it was.
                    Failure::NoCommonSlot if stays.is_some() => format!("No new time in the window suits everyone;{}", stays.clone().unwrap_or_default()),
                    Failure::NoCommonSlot => "No time in the window suits everyone.".to_owned(),
                    Failure::BudgetSpent { peers } => {
                        let mut shown = Vec::new();
                        for (peer, count) in &peers {
                            shown.push(format!("{} {count}", self.records.contacts.name(peer).await?));
                        }
                        let stays = stays.clone().unwrap_or_default();
                        format!(
                            "Your agent has shown {} of your free times, all it may show, and none suits everyone yet.{stays} To show more, raise their disclosure budget in Contacts and ask again.",
                            agentnet_core::text::and_list(&shown)
                        )
                    }
                    Failure::Declined { by } => format!("{}'s agent declined.", self.records.contacts.name(&by).await?),
                    Failure::Unanswered { peers } => {
                        let mut names = Vec::new();
                        for peer in &peers {
                            names.push(self.records.contacts.name(peer).await?);
                        }
                        format!("No answer from {}'s agent despite retries.", names.join(", "))
                    }
                };
                n.outcome = Some(line.clone());
                transcript.note(About::negotiation(&n.id), line).await
            }
        }
    }

    async fn book(&self, n: &Negotiation, slot: Interval) -> Result<(), AgentError> {
        let mut event = CalendarEvent::timed(event_id(n), n.meeting.title.clone(), slot.start(), slot.end());
        for peer in &n.peers {
            if let Some(contact) = self.records.contacts.get(peer).await? {
                event.attendees.push(Person::named(contact.name, format!("{}@agentnet", &peer[..16])));
            }
        }
        self.records.calendar.book(event).await?;
        let zone = self.records.preferences.get().time_zone();
        let line = format!("Booked '{}' for {} in your calendar.", n.meeting.title, when(&slot, &zone));
        self.records.transcript.note(About::negotiation(&n.id), line).await
    }
}

/// The calendar event id of a negotiation's meeting.
pub(crate) fn event_id(n: &Negotiation) -> String {
    format!("{}{}", n.id, agentnet_platform::calendar::AGENT_UID_SUFFIX)
}
