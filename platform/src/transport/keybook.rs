//! [`KeyBook`]: where the sending connection finds a recipient's delivery key. The
//! outbox keeps no secret in clear, so after a restart each waiting message gets its
//! key here again (the agent answers from its sealed contacts).

use std::collections::HashMap;
use std::sync::Mutex;

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::wire::AgentIdBytes;

use crate::store::{MaybeSendSync, StoreError};

/// The delivery keys other agents gave us.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub trait KeyBook: MaybeSendSync {
    /// The key `recipient` gave us; `None` if it gave none (then nothing can be sent to it).
    async fn delivery_key(&self, recipient: &AgentIdBytes) -> Result<Option<DeliveryKey>, StoreError>;
}

/// A [`KeyBook`] in memory: for tests and tools.
#[derive(Debug, Default)]
pub struct MemoryKeyBook {
    keys: Mutex<HashMap<AgentIdBytes, DeliveryKey>>,
}

impl MemoryKeyBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers `key` for `recipient`.
    pub fn insert(&self, recipient: AgentIdBytes, key: DeliveryKey) {
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(recipient, key);
        }
    }
}

#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl KeyBook for MemoryKeyBook {
    async fn delivery_key(&self, recipient: &AgentIdBytes) -> Result<Option<DeliveryKey>, StoreError> {
        Ok(self.keys.lock().map_err(|_| super::memory_lock_poisoned())?.get(recipient).cloned())
    }
}
