//! Receiving: the inbox the relay client writes to, and what the agent does with each
//! envelope in it. Every refusal becomes a transcript line saying why; nothing refused is
//! acted on or answered.

use std::sync::Arc;

use agentnet_core::crypto::envelope::{OpenError, open};
use agentnet_core::crypto::prekey::Bundle;
use agentnet_core::protocol::{Act, Card, Limits, Message, Payload};
use agentnet_core::transcript::{Reader, sentence};
use agentnet_core::wire::MessageId as WireId;
use tokio::sync::Notify;

use super::clock::{now, unix_secs};
use super::negotiation::Input;
use super::transcript::Direction;
use super::{Agent, AgentError, Contact, State};
use crate::store::{Collection, Query, Record, Store, StoreError};
use crate::transport::InboundSink;

/// Most messages one contact may send in an hour; more is refused as over budget.
pub(crate) const MAX_MESSAGES_PER_HOUR: usize = 120;

/// The relay client's sink: keeps each envelope in the inbox and wakes the agent.
pub(crate) struct InboxSink<S: ?Sized> {
    store: Arc<S>,
    wake: Arc<Notify>,
}

impl<S: ?Sized> InboxSink<S> {
    pub(crate) fn new(store: Arc<S>, wake: Arc<Notify>) -> Self {
        InboxSink { store, wake }
    }
}

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl<S: Store + ?Sized> InboundSink for InboxSink<S> {
    async fn store(&self, message_id: WireId, envelope: Vec<u8>) -> Result<(), StoreError> {
        let record = Record::new(hex::encode(message_id), now().as_millisecond(), envelope);
        self.store.put(Collection::Inbox, record).await?;
        self.wake.notify_one();
        Ok(())
    }
}

/// Why a received message was refused, for the transcript.
struct Refusal {
    peer: Option<Contact>,
    reason: String,
}

impl<S: Store + 'static> Agent<S> {
    /// Opens and acts on every envelope waiting in the inbox, oldest first; returns how
    /// many were handled. Each leaves the inbox only after it was acted on.
    pub async fn process_inbox(&self) -> Result<usize, AgentError> {
        let waiting = self.store.list(Collection::Inbox, Query::all()).await?;
        for record in &waiting {
            let mut state = self.state.lock().await;
            if let Err(refusal) = self.receive(&mut state, &record.body).await? {
                let who = refusal.peer.as_ref().map_or("an unknown agent".to_owned(), |c| format!("{}'s agent", c.name));
                let line = format!("Refused a message from {who}: {}.", refusal.reason);
                let peer = refusal.peer.as_ref().map(|c| c.id.clone());
                self.note(&state, None, peer, Direction::Rejected, line, None).await?;
            }
            drop(state);
            self.store.delete(Collection::Inbox, &record.id).await?;
        }
        if !waiting.is_empty() {
            self.changed();
        }
        Ok(waiting.len())
    }

    /// One envelope: `Ok(Err(refusal))` when it was refused, `Err` when the store failed
    /// (the envelope stays in the inbox).
    async fn receive(&self, state: &mut State<S>, envelope: &[u8]) -> Result<Result<(), Refusal>, AgentError> {
        let at = now();
        let opened = match open(&mut state.ring, envelope, unix_secs(at), &mut state.replay) {
            Ok(opened) => opened,
            Err(e) => {
                // A replay's sender is proven (its signature checked out); other failures
                // name nobody reliably.
                let peer = match &e {
                    OpenError::Replay { sender, .. } => self.contact_by_id(state, &hex::encode(sender.as_bytes())).await?,
                    _ => None,
                };
                return Ok(Err(Refusal { peer, reason: e.to_string() }));
            }
        };
        let sender = hex::encode(opened.sender.as_bytes());
        let contact = self.contact_by_id(state, &sender).await?;
        if contact.as_ref().is_some_and(|c| c.blocked) {
            return Ok(Ok(()));
        }
        let payload = match Payload::from_bytes(&opened.plaintext, &Limits::default()) {
            Ok(payload) => payload,
            Err(e) => return Ok(Err(Refusal { peer: contact, reason: e.to_string() })),
        };
        match (payload, contact) {
            (Payload::Card(card), contact) => self.receive_card(state, sender, card, contact).await,
            (Payload::Task(_), None) => Ok(Err(Refusal { peer: None, reason: "it is not one of your contacts".into() })),
            (Payload::Task(message), Some(contact)) => self.receive_task(state, contact, message).await,
        }
    }

    async fn receive_card(&self, state: &mut State<S>, sender: String, card: Card, known: Option<Contact>) -> Result<Result<(), Refusal>, AgentError> {
        let at = now();
        let refuse = |peer: Option<Contact>, reason: &str| Ok(Err(Refusal { peer, reason: reason.into() }));
        let bundle = match Bundle::from_bytes(&card.bundle) {
            Ok(bundle) if hex::encode(bundle.agent_id().as_bytes()) == sender && bundle.verify(unix_secs(at)).is_ok() => bundle,
            _ => return refuse(known, "its card carries prekeys that are not its own or not valid"),
        };
        match (known, card.token) {
            (Some(mut contact), _) => {
                contact.bundle = bundle.to_bytes();
                self.save_contact(state, &contact).await?;
                Ok(Ok(()))
            }
            (None, Some(token)) => {
                if !self.take_invite(state, &token).await? {
                    return refuse(None, "it answers an invite that is unknown, used or expired");
                }
                let contact = Contact {
                    id: sender,
                    name: card.name.clone(),
                    bundle: bundle.to_bytes(),
                    policy: state.settings.default_policy,
                    disclosure_budget: state.settings.default_budget,
                    verified: false,
                    blocked: false,
                    added_ms: at.as_millisecond(),
                };
                self.save_contact(state, &contact).await?;
                let line = format!("{}'s agent accepted your invite and is now a contact.", card.name);
                self.note(state, None, Some(contact.id.clone()), Direction::Note, line, None).await?;
                Ok(Ok(()))
            }
            (None, None) => refuse(None, "it introduced itself without an invite"),
        }
    }

    async fn receive_task(&self, state: &mut State<S>, contact: Contact, message: Message) -> Result<Result<(), Refusal>, AgentError> {
        let refuse = |contact: Contact, reason: String| Ok(Err(Refusal { peer: Some(contact), reason }));
        let message_key = message.message_id.to_string();
        if state.vault.store().contains(Collection::Messages, &message_key).await? {
            return refuse(contact, format!("message {message_key} was received before (a replay)"));
        }
        let hour_ago = now().as_millisecond() - 3_600_000;
        let recent = Query::all().contact(contact.id.clone()).between(hour_ago, i64::MAX).limit(MAX_MESSAGES_PER_HOUR as u32 + 1);
        if state.vault.store().list(Collection::Messages, recent).await?.len() > MAX_MESSAGES_PER_HOUR {
            return refuse(contact, format!("it sent more than {MAX_MESSAGES_PER_HOUR} messages in an hour (over budget)"));
        }
        let task = message.task_id.to_string();
        let mut negotiation = match self.negotiation_by_id(state, &task).await? {
            Some(n) if n.peers.contains(&contact.id) => n,
            Some(_) => return refuse(contact, "it is not part of that negotiation".into()),
            None => match message.act() {
                Some(Act::Propose { meeting, slots }) => self.join(state, &contact, &message, meeting, slots).await?,
                _ => return refuse(contact, format!("its {} is about a negotiation this agent does not know", message.act().map_or("message", Act::name))),
            },
        };
        let zone = state.settings.time_zone();
        let reader = Reader { sender: &contact.name, zone: &zone, meeting: Some(&negotiation.meeting) };
        let line = sentence(&message, &reader);
        let id = message_key;
        self.line(state, &id, Some(task), Some(contact.id.clone()), Direction::Received, line, Some(message.clone())).await?;
        let from = contact.agent_bytes();
        self.advance(state, &mut negotiation, Input::Received { from, message, now: now() }).await?;
        Ok(Ok(()))
    }
}
