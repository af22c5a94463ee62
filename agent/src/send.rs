//! Sending: a message is sealed to the contact's prekeys and handed to the durable outbox,
//! which the relay client delivers whenever it is (or gets) online, with the delivery key
//! the contact gave us. When the stored prekeys expired, or the contact's card (with its
//! delivery key) has not arrived yet, the message is held ([`crate::records::Held`]) and
//! the command goes on; [`Agent::deliver_held`] sends it once it can, after the command
//! released its lock.

use std::collections::{HashMap, HashSet};
use std::pin::pin;
use std::time::Duration;

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::crypto::envelope::{MessageId as EnvelopeId, Options, seal_with};
use agentnet_core::crypto::prekey::{Bundle, VerifiedBundle};
use agentnet_core::protocol::{Message, Payload};
use agentnet_core::transcript::{Reader, sentence};
use agentnet_platform::rt::{now, rng, sleep, unix_secs};
use agentnet_platform::store::Store;
use agentnet_platform::transport::{Outbox, Outgoing};
use futures_util::future::{Either, select};

use crate::negotiation::Peer;
use crate::records::HeldMessage;
use crate::records::transcript::About;
use crate::{Agent, AgentError, Contact, Direction, Keys, Negotiation};

/// How long a fetch waits for the relay to hand over a contact's prekeys.
const FETCH_WAIT: Duration = Duration::from_secs(5);

impl<S: Store + 'static> Agent<S> {
    /// Writes the transcript line for `message` and sends it to `to`.
    pub(crate) async fn send_task(&self, keys: &Keys, n: &Negotiation, to: Peer, message: Message) -> Result<(), AgentError> {
        let transcript = &self.records.transcript;
        let Some(contact) = self.records.contacts.get(&hex::encode(to)).await? else {
            return transcript.note(About::negotiation(&n.id), "A message to a removed contact was dropped.".into()).await;
        };
        let settings = self.records.preferences.get();
        let zone = settings.time_zone();
        let line = sentence(&message, &Reader { sender: &settings.name, zone: &zone, meeting: Some(&n.meeting) });
        let id = message.message_id;
        transcript.write(&id.to_string(), About::negotiation(&n.id).with_peer(&contact.id), Direction::Sent, line, Some(message.clone())).await?;
        if let Err(e) = self.send_payload(keys, &contact, &Payload::Task(message), id.0, Some(&n.id)).await {
            // The machine resends on its timer; the owner sees why this one did not go.
            let line = format!("Could not send to {}'s agent yet: {e}.", contact.name);
            transcript.note(About::negotiation(&n.id).with_peer(&contact.id), line).await?;
        }
        Ok(())
    }

    /// Seals `payload` to `contact`'s stored prekeys and puts it in the outbox; holds it
    /// for [`Agent::deliver_held`] when they expired or the contact gave no delivery key yet.
    pub(crate) async fn send_payload(&self, keys: &Keys, contact: &Contact, payload: &Payload, id: [u8; 16], negotiation: Option<&str>) -> Result<(), AgentError> {
        let bytes = payload.to_bytes();
        match (contact.verified_bundle(unix_secs(now())), &contact.delivery_key) {
            (Some(bundle), Some(key)) => self.seal_to(keys, contact, &bundle, key, id, &bytes).await,
            _ => {
                let held = HeldMessage { id, contact: contact.id.clone(), negotiation: negotiation.map(str::to_owned), payload: bytes };
                self.records.held.hold(&held).await
            }
        }
    }

    /// Sends what commands held for fresh prekeys: fetches each recipient's bundle from
    /// the relay with no lock held, then seals and enqueues under the lock. A message
    /// whose keys cannot be had is dropped with a transcript line saying why (a
    /// negotiation's machine sends again on its timer).
    pub(crate) async fn deliver_held(&self) -> Result<(), AgentError> {
        let held = self.records.held.all().await?;
        if held.is_empty() {
            return Ok(());
        }
        let mut bundles: HashMap<String, Result<Vec<u8>, String>> = HashMap::new();
        // A contact whose card has not come yet gave no delivery key: theirs wait for it.
        let mut keyless = HashSet::new();
        for message in &held {
            if bundles.contains_key(&message.contact) || keyless.contains(&message.contact) {
                continue;
            }
            let fetched = match self.records.contacts.get(&message.contact).await? {
                Some(contact) => match &contact.delivery_key {
                    Some(key) => self.fetch_bundle(&contact.name, contact.agent_bytes(), key).await.map_err(|e| e.to_string()),
                    None => {
                        keyless.insert(message.contact.clone());
                        continue;
                    }
                },
                None => Err("they are no longer a contact".to_owned()),
            };
            bundles.insert(message.contact.clone(), fetched);
        }
        let keys = self.keys.lock().await;
        for message in held.into_iter().filter(|m| !keyless.contains(&m.contact)) {
            let about = About { negotiation: message.negotiation.clone(), peer: Some(message.contact.clone()) };
            let contact = self.records.contacts.get(&message.contact).await?;
            let fetched = bundles.get(&message.contact).cloned().unwrap_or_else(|| Err("no keys".to_owned()));
            match (contact, fetched) {
                (Some(mut contact), Ok(bundle)) => {
                    // The relay's copy is taken only if it is theirs and not older than ours.
                    let fetched = Bundle::from_bytes(&bundle).ok().filter(|b| Some(b.agent_id()) == contact.agent_id());
                    if let Some(fetched) = fetched
                        && contact.advance_bundle(&fetched) == Ok(true)
                    {
                        self.records.contacts.save(&contact).await?;
                    }
                    let Some(verified) = contact.verified_bundle(unix_secs(now())) else {
                        let line = format!("Could not send to {}'s agent yet: their prekeys do not verify.", contact.name);
                        self.records.transcript.note(about, line).await?;
                        self.records.held.release(&message).await?;
                        continue;
                    };
                    let Some(key) = &contact.delivery_key else { continue };
                    self.seal_to(&keys, &contact, &verified, key, message.id, &message.payload).await?;
                    // The relay's one-time prekey served this envelope; the next goes without.
                    if let Some(Ok(fetched)) = bundles.get_mut(&message.contact) {
                        *fetched = crate::contact::without_one_time(fetched);
                    }
                }
                (contact, Err(reason)) => {
                    let who = contact.map_or_else(|| "a former contact".to_owned(), |c| c.name);
                    self.records.transcript.note(about, format!("Could not send to {who}'s agent yet: {reason}.")).await?;
                }
                (None, Ok(_)) => {}
            }
            self.records.held.release(&message).await?;
        }
        Ok(())
    }

    /// Seals `content` to `bundle` and enqueues it with the contact's delivery key. A
    /// one-time prekey in the bundle (the relay hands one to one sender) is used for this
    /// envelope only, then dropped from the stored contact: the recipient deletes its secret
    /// after opening, so this message stays secret even if their device is seized later.
    async fn seal_to(&self, keys: &Keys, contact: &Contact, bundle: &VerifiedBundle, key: &DeliveryKey, id: [u8; 16], content: &[u8]) -> Result<(), AgentError> {
        let options = Options { one_time: true, ..Options::default() };
        let envelope = seal_with(options, &keys.identity, bundle, EnvelopeId(id), unix_secs(now()), content, &mut rng())?;
        if !bundle.bundle().one_time().is_empty()
            && let Some(mut stored) = self.records.contacts.get(&contact.id).await?
        {
            stored.forget_one_time();
            self.records.contacts.save(&stored).await?;
        }
        self.enqueue(Outgoing { recipient: contact.agent_bytes(), message_id: id, envelope: envelope.into() }, key).await
    }

    /// Hands a sealed message and its recipient's delivery key to the relay client, or
    /// the message to the outbox for the next connected start when this agent runs
    /// offline (the key is looked up again then).
    async fn enqueue(&self, message: Outgoing, key: &DeliveryKey) -> Result<(), AgentError> {
        match &self.client {
            Some(client) => client.enqueue(message, key.clone()).await?,
            None => self.outbox.record(&message).await?,
        }
        Ok(())
    }

    /// Waits (a bounded while) until the relay has handled what we published: our
    /// prekeys and delivery keys. `name` is the owner's, for the error.
    pub(crate) async fn relay_synced(&self, name: &str) -> Result<(), AgentError> {
        let Some(client) = &self.client else { return Ok(()) };
        match select(pin!(client.sync()), pin!(sleep(FETCH_WAIT))).await {
            Either::Left((answer, _)) => Ok(answer?),
            Either::Right(_) => Err(AgentError::NoPrekeys { name: name.to_owned(), reason: "the relay did not answer in time".into() }),
        }
    }

    /// An agent's current prekey bundle from the relay, asked with a delivery key it gave
    /// us, checked to be its own and valid. Waits on the network: never call it holding
    /// the command lock.
    pub(crate) async fn fetch_bundle(&self, name: &str, agent: Peer, key: &DeliveryKey) -> Result<Vec<u8>, AgentError> {
        let client = self.client.as_ref().ok_or(AgentError::Offline)?;
        let no = |reason: &str| AgentError::NoPrekeys { name: name.to_owned(), reason: reason.into() };
        let fetch = pin!(client.fetch_prekeys(agent, key.clone()));
        let bytes = match select(fetch, pin!(sleep(FETCH_WAIT))).await {
            Either::Left((answer, _)) => answer?.ok_or_else(|| no("none published for us"))?,
            Either::Right(_) => return Err(no("the relay did not answer in time")),
        };
        let bundle = Bundle::from_bytes(&bytes).map_err(|e| no(&e.to_string()))?;
        if *bundle.agent_id().as_bytes() != agent {
            return Err(no("the relay returned someone else's keys"));
        }
        bundle.verify(unix_secs(now())).map_err(|e| no(&e.to_string()))?;
        Ok(bytes)
    }

    /// Messages sealed and not yet acknowledged by the relay.
    pub async fn unsent(&self) -> Result<usize, AgentError> {
        Ok(self.outbox.pending().await?.len())
    }
}
