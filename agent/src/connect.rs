//! Connecting with people: issuing invites, accepting one, and changing a contact.

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::protocol::{Card, InviteToken, Payload};
use agentnet_core::schedule::SharedHours;
use agentnet_platform::rt::{now, random_id, rng};
use agentnet_platform::store::Store;

use crate::records::SecretName;
use crate::records::transcript::About;
use crate::{Agent, AgentError, Contact, Invite, Keys, Policy};

/// A change to a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactChange {
    /// A new name.
    Rename(String),
    /// Block or unblock.
    Block(bool),
    /// Mark the safety number as compared (or not).
    Verify(bool),
    /// How their requests are answered.
    Policy(Policy),
    /// How many free slots they may see per negotiation.
    Budget(u32),
    /// Whether our cards to them carry our coarse working day.
    ShareHours(bool),
}

impl<S: Store + 'static> Agent<S> {
    /// A new one-time invite for someone to connect to this agent. When connected, it
    /// makes sure the relay holds our prekeys (the invitee fetches them from there) and
    /// the delivery key the invite opens (the invitee's card travels with it).
    pub async fn invite(&self) -> Result<Invite, AgentError> {
        let settings = self.records.preferences.get();
        let token = random_id();
        {
            let keys = self.keys.lock().await;
            self.records.invites.issue(&token).await?;
            self.publish_delivery_keys(&keys).await?;
        }
        self.relay_synced(&settings.name).await?;
        Ok(Invite { agent_id: self.agent_id, relay: settings.relay, name: settings.name, token })
    }

    /// Accepts an invite (code or link): fetches the inviter's prekeys from the relay
    /// (before taking the command lock), checks they are the inviter's, adds the contact
    /// and sends our card back. `name` overrides the name the invite suggests.
    pub async fn accept(&self, code: &str, name: Option<&str>) -> Result<Contact, AgentError> {
        let invite = Invite::parse(code)?;
        if invite.agent_id == self.agent_id {
            return Err(AgentError::InvalidInvite { reason: "it is your own invite".into() });
        }
        let name = name.map(str::to_owned).unwrap_or_else(|| invite.name.clone());
        let invite_key = DeliveryKey::for_invite(&invite.token);
        let bundle = self.fetch_bundle(&name, *invite.agent_id.as_bytes(), &invite_key).await?;
        // Our card gives out our delivery key: the relay must hold it before the inviter
        // can answer (a Send with a key it does not hold yet is refused).
        self.relay_synced(&self.records.preferences.get().name).await?;
        let keys = self.keys.lock().await;
        let settings = self.records.preferences.get();
        let known = self.records.contacts.get(&hex::encode(invite.agent_id.as_bytes())).await?;
        let contact = Contact {
            id: hex::encode(invite.agent_id.as_bytes()),
            name: if name.trim().is_empty() { "Unnamed".into() } else { name },
            bundle,
            policy: settings.default_policy,
            disclosure_budget: settings.default_budget,
            verified: false,
            blocked: false,
            added_ms: now().as_millisecond(),
            // Theirs comes in their card (unless they are a contact already); until then
            // messages to them wait.
            delivery_key: known.as_ref().and_then(|c| c.delivery_key.clone()),
            invite_key: Some(invite_key.clone()),
            hours: known.as_ref().and_then(|c| c.hours.clone()),
            share_hours: known.as_ref().is_none_or(|c| c.share_hours),
        };
        let card = self.card(&keys, Some(invite.token), contact.share_hours);
        // Our card goes with the key the invite opens.
        let introduce = Contact { delivery_key: Some(invite_key), ..contact.clone() };
        self.send_payload(&keys, &introduce, &Payload::Card(card), random_id(), None).await?;
        // The card used the one-time prekey the relay handed us, if any.
        let mut contact = contact;
        contact.forget_one_time();
        self.records.contacts.save(&contact).await?;
        let line = format!("You accepted {}'s invite; your agent introduced itself.", contact.name);
        self.records.transcript.note(About::peer(&contact.id), line).await?;
        Ok(contact)
    }

    /// Changes a contact; returns it as saved. Blocking also rotates our delivery key,
    /// so the relay stops taking their messages (see [`Agent::rotate_delivery_key`]).
    pub async fn change_contact(&self, query: &str, change: ContactChange) -> Result<Contact, AgentError> {
        let mut keys = self.keys.lock().await;
        let mut contact = self.records.contacts.find(query).await?;
        let blocking = matches!(change, ContactChange::Block(true)) && !contact.blocked;
        let unblocking = matches!(change, ContactChange::Block(false)) && contact.blocked;
        let sharing_changed = matches!(change, ContactChange::ShareHours(on) if on != contact.share_hours);
        match change {
            ContactChange::Rename(name) if !name.trim().is_empty() && !name.chars().any(char::is_control) => contact.name = name.trim().into(),
            ContactChange::Rename(_) => return Err(AgentError::InvalidSetting { reason: "a name must be printable and not empty".into() }),
            ContactChange::Block(blocked) => contact.blocked = blocked,
            ContactChange::Verify(verified) => contact.verified = verified,
            ContactChange::Policy(policy) => contact.policy = policy,
            ContactChange::Budget(budget) => contact.disclosure_budget = budget.clamp(1, 100),
            ContactChange::ShareHours(on) => contact.share_hours = on,
        }
        self.records.contacts.save(&contact).await?;
        if blocking {
            self.rotate_delivery_key(&mut keys).await?;
        }
        if unblocking || (sharing_changed && !contact.blocked) {
            // Unblocked, they hold a key from before the block, which the relay no longer
            // takes; a fresh card also gives (or takes back) our working day.
            self.send_payload(&keys, &contact, &Payload::Card(self.card(&keys, None, contact.share_hours)), random_id(), None).await?;
        }
        Ok(contact)
    }

    /// Our card: our name, the invite it answers if any, our delivery key, our coarse
    /// working day if `share_hours`, and signed prekey (no one-time prekeys: those the
    /// relay hands to one sender each).
    pub(crate) fn card(&self, keys: &Keys, token: Option<InviteToken>, share_hours: bool) -> Card {
        let settings = self.records.preferences.get();
        let hours = if share_hours { SharedHours::of(&settings.preferences()) } else { None };
        let mut bundle = keys.ring.bundle(&keys.identity);
        bundle.retain_one_time(None);
        Card { name: settings.name, token, delivery_key: keys.delivery.clone(), hours, bundle: bundle.to_bytes() }
    }

    /// Sends our card again to every contact not blocked: after our delivery key or our
    /// working day changed.
    pub(crate) async fn send_cards(&self, keys: &Keys) -> Result<(), AgentError> {
        for contact in self.records.contacts.all().await?.into_iter().filter(|c| !c.blocked) {
            let card = self.card(keys, None, contact.share_hours);
            self.send_payload(keys, &contact, &Payload::Card(card), random_id(), None).await?;
        }
        Ok(())
    }

    /// Draws a new delivery key, gives it in a card to every contact not blocked, then
    /// tells the relay to take only it (and open invites'): whoever holds the old one, a
    /// blocked contact, can no longer put anything in our mailbox.
    pub(crate) async fn rotate_delivery_key(&self, keys: &mut Keys) -> Result<(), AgentError> {
        let key = DeliveryKey::generate(&mut rng());
        self.records.vault.put_secret(SecretName::DeliveryKey.name(), key.as_bytes()).await?;
        keys.delivery = key;
        self.send_cards(keys).await?;
        self.publish_delivery_keys(keys).await
    }
}
