//! [`Outbox`]: where a message waits from the moment it is sent until the relay
//! acknowledges it, so neither a dropped connection nor a restart of the app loses it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use agentnet_core::wire::MessageId;
use serde::{Deserialize, Serialize};

use super::outgoing::Outgoing;
use crate::store::{Collection, MaybeSendSync, Query, Record, Store, StoreError};

/// Durable storage of the messages sent and not yet acknowledged.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub trait Outbox: MaybeSendSync {
    /// Keeps `message` until [`Outbox::remove`]; replaces one with the same id.
    async fn record(&self, message: &Outgoing) -> Result<(), StoreError>;
    /// Forgets the message (acknowledged or refused for good). Unknown ids are fine.
    async fn remove(&self, message_id: &MessageId) -> Result<(), StoreError>;
    /// Every message kept, oldest first.
    async fn pending(&self) -> Result<Vec<Outgoing>, StoreError>;
}

/// An [`Outbox`] in memory: for tests, and agents that keep nothing on disk.
#[derive(Debug, Default)]
pub struct MemoryOutbox {
    inner: Mutex<(u64, BTreeMap<u64, Outgoing>)>,
}

impl MemoryOutbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl Outbox for MemoryOutbox {
    async fn record(&self, message: &Outgoing) -> Result<(), StoreError> {
        let mut guard = self.inner.lock().map_err(|_| super::memory_lock_poisoned())?;
        let (next, map) = &mut *guard;
        map.retain(|_, m| m.message_id != message.message_id);
        map.insert(*next, message.clone());
        *next += 1;
        Ok(())
    }

    async fn remove(&self, message_id: &MessageId) -> Result<(), StoreError> {
        let mut guard = self.inner.lock().map_err(|_| super::memory_lock_poisoned())?;
        guard.1.retain(|_, m| &m.message_id != message_id);
        Ok(())
    }

    async fn pending(&self) -> Result<Vec<Outgoing>, StoreError> {
        Ok(self.inner.lock().map_err(|_| super::memory_lock_poisoned())?.1.values().cloned().collect())
    }
}

/// An [`Outbox`] over the store's [`Collection::Outbox`]: record id = hex message id.
#[derive(Debug)]
pub struct StoreOutbox<S: ?Sized> {
    store: Arc<S>,
}

impl<S: Store + ?Sized> StoreOutbox<S> {
    /// The outbox kept in `store`.
    pub fn new(store: Arc<S>) -> Self {
        Self { store }
    }
}

/// The stored form of an [`Outgoing`].
#[derive(Serialize, Deserialize)]
struct Stored {
    recipient: String,
    envelope: String,
}

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl<S: Store + ?Sized> Outbox for StoreOutbox<S> {
    async fn record(&self, message: &Outgoing) -> Result<(), StoreError> {
        let body = Stored { recipient: hex::encode(message.recipient), envelope: hex::encode(&message.envelope) };
        // The store has no clock of its own and core none at all; submission order within
        // one run is kept by the client, so records need no time.
        let record = Record::json(hex::encode(message.message_id), 0, &body)?.with_contact(body.recipient.clone());
        self.store.put(Collection::Outbox, record).await
    }

    async fn remove(&self, message_id: &MessageId) -> Result<(), StoreError> {
        match self.store.delete(Collection::Outbox, &hex::encode(message_id)).await {
            Err(e) if !e.is_not_found() => Err(e),
            _ => Ok(()),
        }
    }

    async fn pending(&self) -> Result<Vec<Outgoing>, StoreError> {
        let records = self.store.list(Collection::Outbox, Query::all()).await?;
        records.iter().map(decode).collect()
    }
}

fn decode(record: &Record) -> Result<Outgoing, StoreError> {
    let corrupt = |reason: &str| StoreError::Corrupt { collection: Collection::Outbox.to_string(), reason: reason.into() };
    let stored: Stored = record.decode()?;
    let message_id = hex::decode(&record.id).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| corrupt("message id"))?;
    let recipient = hex::decode(&stored.recipient).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| corrupt("recipient"))?;
    let envelope = hex::decode(&stored.envelope).map_err(|_| corrupt("envelope"))?;
    Ok(Outgoing { recipient, message_id, envelope })
}
