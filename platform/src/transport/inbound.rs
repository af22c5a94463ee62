//! The receiving side: [`InboundSink`] takes each new message, [`SeenIds`] remembers
//! which message ids were taken, so a redelivery is acknowledged without a second copy.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use agentnet_core::wire::MessageId;

use crate::store::{Collection, MaybeSendSync, Record, Store, StoreError};

/// Where inbound envelopes go (the agent runtime: open, then keep in the transcript).
/// The relay is told a message arrived only after [`InboundSink::store`] returned `Ok`.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub trait InboundSink: MaybeSendSync {
    /// Keeps one message durably. An error leaves it unacknowledged: the relay delivers
    /// it again on the next connection.
    async fn store(&self, message_id: MessageId, envelope: Vec<u8>) -> Result<(), StoreError>;
}

/// The ids of the messages already stored.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub trait SeenIds: MaybeSendSync {
    /// Whether `id` was stored before.
    async fn contains(&self, id: &MessageId) -> Result<bool, StoreError>;
    /// Remembers `id`.
    async fn insert(&self, id: &MessageId) -> Result<(), StoreError>;
}

/// [`SeenIds`] in memory.
#[derive(Debug, Default)]
pub struct MemorySeen {
    ids: Mutex<HashSet<MessageId>>,
}

impl MemorySeen {
    /// Nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl SeenIds for MemorySeen {
    async fn contains(&self, id: &MessageId) -> Result<bool, StoreError> {
        Ok(self.ids.lock().map_err(|_| super::memory_lock_poisoned())?.contains(id))
    }

    async fn insert(&self, id: &MessageId) -> Result<(), StoreError> {
        self.ids.lock().map_err(|_| super::memory_lock_poisoned())?.insert(*id);
        Ok(())
    }
}

/// [`SeenIds`] in the store's [`Collection::Seen`]: one empty record per id (hex).
#[derive(Debug)]
pub struct StoreSeen<S: ?Sized> {
    store: Arc<S>,
}

impl<S: Store + ?Sized> StoreSeen<S> {
    /// The seen ids kept in `store`.
    pub fn new(store: Arc<S>) -> Self {
        Self { store }
    }
}

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl<S: Store + ?Sized> SeenIds for StoreSeen<S> {
    async fn contains(&self, id: &MessageId) -> Result<bool, StoreError> {
        self.store.contains(Collection::Seen, &hex::encode(id)).await
    }

    async fn insert(&self, id: &MessageId) -> Result<(), StoreError> {
        self.store.put(Collection::Seen, Record::new(hex::encode(id), 0, Vec::new())).await
    }
}

/// Hands a delivery to the sink unless its id was seen; returns whether it was new.
/// Stored first, remembered second: a crash between the two makes the sink see the
/// message again (so sinks should keep by message id), never lose it.
pub(crate) async fn accept(
    sink: &dyn InboundSink,
    seen: &dyn SeenIds,
    message_id: MessageId,
    envelope: Vec<u8>,
) -> Result<bool, StoreError> {
    if seen.contains(&message_id).await? {
        return Ok(false);
    }
    sink.store(message_id, envelope).await?;
    seen.insert(&message_id).await?;
    Ok(true)
}
