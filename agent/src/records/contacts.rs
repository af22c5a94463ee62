//! [`Contacts`]: the people this agent talks to, sealed in the contacts collection.

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::crypto::prekey::Bundle;
use agentnet_platform::store::StoreError;
use agentnet_platform::transport::KeyBook;
use agentnet_core::nlu::{self, NameMatch};
use agentnet_platform::store::{Collection, Query, Record, Store};

use super::{AgentVault, Changes, absent_is_none};
use crate::{AgentError, Contact};

/// The contacts' delivery keys, for the relay client: a read-only view of the same
/// sealed records.
pub(crate) struct ContactKeys<S: Store + 'static>(pub(crate) AgentVault<S>);

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl<S: Store + 'static> KeyBook for ContactKeys<S> {
    async fn delivery_key(&self, recipient: &[u8; 32]) -> Result<Option<DeliveryKey>, StoreError> {
        let failed = |e: String| StoreError::Backend { backend: "vault", message: e };
        let record = absent_is_none(self.0.get(Collection::Contacts, &hex::encode(recipient)).await).map_err(|e| failed(e.to_string()))?;
        let contact = record.map(|r| r.decode::<Contact>()).transpose().map_err(|e| failed(e.to_string()))?;
        Ok(contact.and_then(|c| c.delivery_key.or(c.invite_key)))
    }
}

/// The contacts collection.
pub(crate) struct Contacts<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
}

impl<S: Store + 'static> Contacts<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes) -> Self {
        Contacts { vault, changes }
    }

    /// Every contact, by name.
    pub(crate) async fn all(&self) -> Result<Vec<Contact>, AgentError> {
        let mut contacts = Vec::new();
        for record in self.vault.list(Collection::Contacts, Query::all()).await? {
            contacts.push(record.decode::<Contact>()?);
        }
        contacts.sort_by_key(|c| c.name.to_lowercase());
        Ok(contacts)
    }

    /// The contact with agent id `id` (hex), if there is one.
    pub(crate) async fn get(&self, id: &str) -> Result<Option<Contact>, AgentError> {
        Ok(absent_is_none(self.vault.get(Collection::Contacts, id).await)?.map(|record| record.decode()).transpose()?)
    }

    /// What the owner calls the agent `peer`, or "an unknown" for one that is gone.
    pub(crate) async fn name(&self, peer: &[u8; 32]) -> Result<String, AgentError> {
        Ok(self.get(&hex::encode(peer)).await?.map_or_else(|| "an unknown".to_owned(), |c| c.name))
    }

    /// The contact `query` names: an agent id (or a prefix of at least 4 of its hex
    /// digits), else a name as core's one name matcher reads it (full name, first or last
    /// name, accents ignored). Several candidates are [`AgentError::Ambiguous`], never a pick.
    pub(crate) async fn find(&self, query: &str) -> Result<Contact, AgentError> {
        let contacts = self.all().await?;
        let q = query.trim().to_lowercase();
        let by_id: Vec<&Contact> = contacts.iter().filter(|c| q.len() >= 4 && c.id.starts_with(&q)).collect();
        let candidates: Vec<&Contact> = match by_id.as_slice() {
            [] => {
                let names: Vec<nlu::Contact> = contacts.iter().map(|c| nlu::Contact { id: c.id.clone(), name: c.name.clone(), nicknames: Vec::new() }).collect();
                let ids: Vec<String> = match nlu::match_contact(query, &names) {
                    NameMatch::One(p) => vec![p.id],
                    NameMatch::Several(all) => all.into_iter().map(|p| p.id).collect(),
                    NameMatch::Nobody => Vec::new(),
                };
                contacts.iter().filter(|c| ids.contains(&c.id)).collect()
            }
            _ => by_id,
        };
        match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(AgentError::not_found("contact", query)),
            many => Err(AgentError::Ambiguous {
                what: "contacts",
                query: query.into(),
                candidates: many.iter().map(|c| format!("{} ({})", c.name, &c.id[..8])).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// Saves `contact`, whose bundle must at least parse.
    pub(crate) async fn save(&self, contact: &Contact) -> Result<(), AgentError> {
        Bundle::from_bytes(&contact.bundle).map_err(|e| AgentError::NoPrekeys { name: contact.name.clone(), reason: e.to_string() })?;
        let record = Record::json(contact.id.clone(), contact.added_ms, contact)?.with_text(&contact.name);
        self.vault.put(Collection::Contacts, record).await?;
        self.changes.announce();
        Ok(())
    }
}
