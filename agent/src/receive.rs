//! Receiving: the inbox the relay client writes to, and what the agent does with each
//! envelope in it. Every refusal becomes a transcript line saying why; nothing refused is
//! acted on or answered.

use std::sync::Arc;

use agentnet_core::crypto::envelope::{OpenError, open};
use agentnet_core::crypto::prekey::{Bundle, Ring};
use agentnet_core::protocol::{Act, Card, Limits, Message, Payload};
use agentnet_core::transcript::{Reader, sentence};
use agentnet_core::wire::MessageId as WireId;
use agentnet_platform::rt::{now, random_id, unix_secs};
use agentnet_platform::store::{Collection, Query, Record, Store, StoreError};
use agentnet_platform::transport::InboundSink;
use tokio::sync::Notify;

use crate::negotiation::Input;
use crate::records::SecretName;
use crate::records::transcript::About;
use crate::{Agent, AgentError, Contact, Direction, Keys};

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

impl Refusal {
    fn by(peer: Option<Contact>, reason: impl Into<String>) -> Result<Result<(), Refusal>, AgentError> {
        Ok(Err(Refusal { peer, reason: reason.into() }))
    }
}

impl<S: Store + 'static> Agent<S> {
    /// Opens and acts on every envelope waiting in the inbox, oldest first; returns how
    /// many were handled. Each leaves the inbox only after it was acted on; each takes the
    /// command lock for itself, so the owner's commands interleave with a long inbox.
    pub async fn process_inbox(&self) -> Result<usize, AgentError> {
        let waiting = self.store.list(Collection::Inbox, Query::all()).await?;
        for record in &waiting {
            let mut keys = self.keys.lock().await;
            // Opening records the envelope as seen and may use up a one-time prekey: if
            // acting on it fails, both go back, so the next pass opens it again.
            let (replay, ring) = (keys.replay.clone(), keys.ring.to_bytes());
            let one_time = keys.ring.one_time_count();
            if let Err(e) = self.act_on(&mut keys, &record.body).await {
                keys.replay = replay;
                if let Ok(ring) = Ring::from_bytes(&ring) {
                    keys.ring = ring;
                }
                return Err(e);
            }
            // Saved after acting and before the envelope leaves the inbox: a crash in
            // between makes it run again (handlers are idempotent), never pass twice. The
            // ring first: a used one-time secret must not outlive a crash on disk.
            if keys.ring.one_time_count() != one_time {
                self.keep_prekeys(&mut keys).await?;
            }
            self.records.vault.put_secret(SecretName::ReplayWindow.name(), &keys.replay.to_bytes()).await?;
            drop(keys);
            self.store.delete(Collection::Inbox, &record.id).await?;
        }
        self.deliver_held().await?;
        Ok(waiting.len())
    }

    /// One envelope acted on, or its refusal written to the transcript.
    async fn act_on(&self, keys: &mut Keys, envelope: &[u8]) -> Result<(), AgentError> {
        if let Err(refusal) = self.receive(keys, envelope).await? {
            let who = refusal.peer.as_ref().map_or("an unknown agent".to_owned(), |c| format!("{}'s agent", c.name));
            let about = About { negotiation: None, peer: refusal.peer.as_ref().map(|c| c.id.clone()) };
            self.records.transcript.refused(about, format!("Refused a message from {who}: {}.", refusal.reason)).await?;
        }
        Ok(())
    }

    /// One envelope: `Ok(Err(refusal))` when it was refused, `Err` when the store failed
    /// (the envelope stays in the inbox).
    async fn receive(&self, keys: &mut Keys, envelope: &[u8]) -> Result<Result<(), Refusal>, AgentError> {
        let at = now();
        let opened = match open(&mut keys.ring, envelope, unix_secs(at), &mut keys.replay) {
            Ok(opened) => opened,
            Err(e) => {
                // A replay's sender is proven (its signature checked out); other failures
                // name nobody reliably.
                let peer = match &e {
                    OpenError::Replay { sender, .. } => self.records.contacts.get(&hex::encode(sender.as_bytes())).await?,
                    _ => None,
                };
                return Refusal::by(peer, e.to_string());
            }
        };
        let sender = hex::encode(opened.sender.as_bytes());
        let contact = self.records.contacts.get(&sender).await?;
        if contact.as_ref().is_some_and(|c| c.blocked) {
            return Ok(Ok(()));
        }
        let payload = match Payload::from_bytes(&opened.plaintext, &Limits::default()) {
            Ok(payload) => payload,
            Err(e) => return Refusal::by(contact, e.to_string()),
        };
        match (payload, contact) {
            (Payload::Card(card), contact) => self.receive_card(keys, sender, card, contact).await,
            (Payload::Task(_), None) => Refusal::by(None, "it is not one of your contacts"),
            (Payload::Task(message), Some(contact)) => self.receive_task(keys, contact, message).await,
        }
    }

    async fn receive_card(&self, keys: &Keys, sender: String, card: Card, known: Option<Contact>) -> Result<Result<(), Refusal>, AgentError> {
        let at = now();
        let bundle = match Bundle::from_bytes(&card.bundle) {
            Ok(bundle) if hex::encode(bundle.agent_id().as_bytes()) == sender && bundle.verify(unix_secs(at)).is_ok() => bundle,
            _ => return Refusal::by(known, "its card carries prekeys that are not its own or not valid"),
        };
        match (known, card.token) {
            (Some(mut contact), _) => match contact.advance_bundle(&bundle) {
                Ok(changed) => {
                    let new_key = contact.delivery_key.as_ref() != Some(&card.delivery_key);
                    // Each card says all they share now: hours left out are taken back.
                    let new_hours = contact.hours != card.hours;
                    if changed || new_key || new_hours || contact.invite_key.is_some() {
                        contact.delivery_key = Some(card.delivery_key);
                        contact.hours = card.hours;
                        contact.invite_key = None;
                        self.records.contacts.save(&contact).await?;
                    }
                    Ok(Ok(()))
                }
                Err(()) => Refusal::by(Some(contact), "its card carries older prekeys than the ones it gave before"),
            },
            (None, Some(token)) => {
                if !self.records.invites.take(&token).await? {
                    return Refusal::by(None, "it answers an invite that is unknown, used or expired");
                }
                let settings = self.records.preferences.get();
                let contact = Contact {
                    id: sender,
                    name: card.name.clone(),
                    bundle: bundle.to_bytes(),
                    policy: settings.default_policy,
                    disclosure_budget: settings.default_budget,
                    verified: false,
                    blocked: false,
                    added_ms: at.as_millisecond(),
                    delivery_key: Some(card.delivery_key),
                    invite_key: None,
                    hours: card.hours.clone(),
                    share_hours: true,
                };
                self.records.contacts.save(&contact).await?;
                // The invite is used: the relay stops taking its key. Our card answers
                // with the key the new contact sends with from now on.
                self.publish_delivery_keys(keys).await?;
                self.send_payload(keys, &contact, &Payload::Card(self.card(keys, None, contact.share_hours)), random_id(), None).await?;
                let line = format!("{}'s agent accepted your invite and is now a contact.", card.name);
                self.records.transcript.note(About::peer(&contact.id), line).await?;
                Ok(Ok(()))
            }
            (None, None) => Refusal::by(None, "it introduced itself without an invite"),
        }
    }

    async fn receive_task(&self, keys: &Keys, contact: Contact, message: Message) -> Result<Result<(), Refusal>, AgentError> {
        let transcript = &self.records.transcript;
        let message_key = message.message_id.to_string();
        if transcript.contains(&message_key).await? {
            return Refusal::by(Some(contact), format!("message {message_key} was received before (a replay)"));
        }
        let hour_ago = now().as_millisecond() - 3_600_000;
        if transcript.count_from(&contact.id, hour_ago, MAX_MESSAGES_PER_HOUR as u32 + 1).await? > MAX_MESSAGES_PER_HOUR {
            return Refusal::by(Some(contact), format!("it sent more than {MAX_MESSAGES_PER_HOUR} messages in an hour (over budget)"));
        }
        let task = message.task_id.to_string();
        let mut negotiation = match self.records.negotiations.get(&task).await? {
            Some(n) if n.peers.contains(&contact.id) => n,
            Some(_) => return Refusal::by(Some(contact), "it is not part of that negotiation"),
            None => match message.act() {
                Some(Act::Propose { meeting, slots }) => self.join(&contact, &message, meeting, slots).await?,
                _ => {
                    let what = message.act().map_or("message", Act::name);
                    return Refusal::by(Some(contact), format!("its {what} is about a negotiation this agent does not know"));
                }
            },
        };
        let zone = self.records.preferences.get().time_zone();
        let reader = Reader { sender: &contact.name, zone: &zone, meeting: Some(&negotiation.meeting) };
        let line = sentence(&message, &reader);
        transcript.write(&message_key, About::negotiation(&task).with_peer(&contact.id), Direction::Received, line, Some(message.clone())).await?;
        if let Some(act) = message.act() {
            self.refresh_for_move(keys, &mut negotiation, act).await?;
        }
        let from = contact.agent_bytes();
        self.advance(keys, &mut negotiation, Input::Received { from, message, now: now() }).await?;
        Ok(Ok(()))
    }
}
