//! Contacts and invites, and the records behind them.

use agentnet_core::crypto::prekey::Bundle;
use agentnet_core::protocol::{Card, InviteToken, Payload};
use serde::{Deserialize, Serialize};

use super::clock::{now, unix_secs};
use super::negotiation::Negotiation;
use super::transcript::Direction;
use super::{Agent, AgentError, Contact, Invite, Policy, State, random_id};
use crate::store::{Collection, Query, Record, Store};

/// How long an invite can be accepted.
const INVITE_LIFETIME_MS: i64 = 7 * 24 * 3_600_000;

/// An invite this agent issued and nobody used yet.
#[derive(Serialize, Deserialize)]
struct Issued {
    expires_ms: i64,
}

fn invite_record_id(token: &InviteToken) -> String {
    format!("invite.{}", hex::encode(token))
}

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
}

impl<S: Store + 'static> Agent<S> {
    /// A new one-time invite for someone to connect to this agent. When connected, it
    /// first makes sure the relay holds our prekeys (the invitee fetches them from there).
    pub async fn invite(&self) -> Result<Invite, AgentError> {
        if self.client.is_some() {
            // The relay answers in order, so our own bundle coming back means it is stored.
            let name = self.state.lock().await.settings.name.clone();
            self.fetch_bundle(&name, *self.agent_id.as_bytes()).await?;
        }
        let state = self.state.lock().await;
        let token = random_id();
        let issued = Issued { expires_ms: now().as_millisecond() + INVITE_LIFETIME_MS };
        state.vault.put(Collection::Settings, Record::json(invite_record_id(&token), 0, &issued)?).await?;
        Ok(Invite { agent_id: self.agent_id, relay: state.settings.relay.clone(), name: state.settings.name.clone(), token })
    }

    /// Accepts an invite (code or link): fetches the inviter's prekeys from the relay,
    /// checks they are the inviter's, adds the contact and sends our card back. `name`
    /// overrides the name the invite suggests.
    pub async fn accept(&self, code: &str, name: Option<&str>) -> Result<Contact, AgentError> {
        let invite = Invite::parse(code)?;
        if invite.agent_id == self.agent_id {
            return Err(AgentError::InvalidInvite { reason: "it is your own invite".into() });
        }
        let name = name.map(str::to_owned).unwrap_or_else(|| invite.name.clone());
        let bundle = self.fetch_bundle(&name, *invite.agent_id.as_bytes()).await?;
        let mut state = self.state.lock().await;
        let mut contact = Contact {
            id: hex::encode(invite.agent_id.as_bytes()),
            name: if name.trim().is_empty() { "Unnamed".into() } else { name },
            bundle,
            policy: state.settings.default_policy,
            disclosure_budget: state.settings.default_budget,
            verified: false,
            blocked: false,
            added_ms: now().as_millisecond(),
        };
        let our_bundle = state.ring.bundle(&state.identity).to_bytes();
        let card = Card { name: state.settings.name.clone(), token: Some(invite.token), bundle: our_bundle };
        self.send_payload(&mut state, &mut contact, &Payload::Card(card), random_id()).await?;
        self.save_contact(&state, &contact).await?;
        let line = format!("You accepted {}'s invite; your agent introduced itself.", contact.name);
        self.note(&state, None, Some(contact.id.clone()), Direction::Note, line, None).await?;
        drop(state);
        self.changed();
        Ok(contact)
    }

    /// Every contact, by name.
    pub async fn contacts(&self) -> Result<Vec<Contact>, AgentError> {
        let state = self.state.lock().await;
        let mut contacts = Vec::new();
        for record in state.vault.list(Collection::Contacts, Query::all()).await? {
            contacts.push(record.decode::<Contact>()?);
        }
        contacts.sort_by_key(|c| c.name.to_lowercase());
        Ok(contacts)
    }

    /// The contact whose name or id (or id prefix) is `query`.
    pub async fn contact(&self, query: &str) -> Result<Contact, AgentError> {
        let contacts = self.contacts().await?;
        let q = query.trim().to_lowercase();
        let matches: Vec<&Contact> = contacts.iter().filter(|c| c.name.to_lowercase() == q || (q.len() >= 4 && c.id.starts_with(&q))).collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(AgentError::not_found("contact", query)),
            many => Err(AgentError::Ambiguous {
                what: "contacts",
                query: query.into(),
                candidates: many.iter().map(|c| format!("{} ({})", c.name, &c.id[..8])).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// Changes a contact; returns it as saved.
    pub async fn change_contact(&self, query: &str, change: ContactChange) -> Result<Contact, AgentError> {
        let mut contact = self.contact(query).await?;
        match change {
            ContactChange::Rename(name) if !name.trim().is_empty() && !name.chars().any(char::is_control) => contact.name = name.trim().into(),
            ContactChange::Rename(_) => return Err(AgentError::InvalidSetting { reason: "a name must be printable and not empty".into() }),
            ContactChange::Block(blocked) => contact.blocked = blocked,
            ContactChange::Verify(verified) => contact.verified = verified,
            ContactChange::Policy(policy) => contact.policy = policy,
            ContactChange::Budget(budget) => contact.disclosure_budget = budget.clamp(1, 100),
        }
        let state = self.state.lock().await;
        self.save_contact(&state, &contact).await?;
        drop(state);
        self.changed();
        Ok(contact)
    }

    /// The safety number to compare with a contact.
    pub fn safety_number(&self, contact: &Contact) -> String {
        contact.safety_number(&self.agent_id).unwrap_or_default()
    }

    pub(crate) async fn contact_by_id(&self, state: &State<S>, id: &str) -> Result<Option<Contact>, AgentError> {
        match state.vault.get(Collection::Contacts, id).await {
            Ok(record) => Ok(Some(record.decode()?)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn save_contact(&self, state: &State<S>, contact: &Contact) -> Result<(), AgentError> {
        Bundle::from_bytes(&contact.bundle).map_err(|e| AgentError::NoPrekeys { name: contact.name.clone(), reason: e.to_string() })?;
        let record = Record::json(contact.id.clone(), contact.added_ms, contact)?.with_text(&contact.name);
        state.vault.put(Collection::Contacts, record).await?;
        Ok(())
    }

    /// Uses up an invite token; `false` if it is unknown, used or expired.
    pub(crate) async fn take_invite(&self, state: &State<S>, token: &InviteToken) -> Result<bool, AgentError> {
        let id = invite_record_id(token);
        let issued: Issued = match state.vault.get(Collection::Settings, &id).await {
            Ok(record) => record.decode()?,
            Err(e) if e.is_not_found() => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        state.vault.delete(Collection::Settings, &id).await?;
        Ok(issued.expires_ms > now().as_millisecond())
    }

    pub(crate) async fn negotiation_by_id(&self, state: &State<S>, id: &str) -> Result<Option<Negotiation>, AgentError> {
        match state.vault.get(Collection::Conversations, id).await {
            Ok(record) => Ok(Some(record.decode()?)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn save_negotiation(&self, state: &mut State<S>, n: &Negotiation) -> Result<(), AgentError> {
        let mut record = Record::json(n.id.clone(), n.created_ms, n)?.with_text(&n.meeting.title);
        if let Some(peer) = n.peers.first() {
            record = record.with_contact(peer.clone());
        }
        state.vault.put(Collection::Conversations, record).await?;
        state.timers.note(n);
        Ok(())
    }

    /// Prekeys: rotates them when due and publishes the new bundle.
    pub(crate) async fn rotate_prekeys(&self, state: &mut State<S>) -> Result<(), AgentError> {
        if state.ring.rotate_if_due(unix_secs(now()), &mut super::rng()) {
            Self::save_ring(&state.vault, &state.ring).await?;
            if let Some(client) = &self.client {
                client.publish_prekeys(state.ring.bundle(&state.identity).to_bytes())?;
            }
        }
        Ok(())
    }
}
