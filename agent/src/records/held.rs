//! [`Held`]: messages a command could not seal because the recipient's prekeys had
//! expired. They are kept (sealed at rest) until the command is committed; then the keys
//! are fetched with no lock held, and each is sealed and handed to the outbox. A crash in
//! between leaves them here for the next start.

use std::sync::atomic::{AtomicBool, Ordering};

use agentnet_platform::store::{Collection, Query, Record, Store};
use serde::{Deserialize, Serialize};

use super::{AgentVault, SettingId};
use crate::AgentError;

/// One message waiting for its recipient's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeldMessage {
    /// The envelope (and wire) id it will be sent under.
    pub(crate) id: [u8; 16],
    /// The recipient's contact id (hex).
    pub(crate) contact: String,
    /// The negotiation it belongs to, for the transcript if it cannot go.
    pub(crate) negotiation: Option<String>,
    /// The payload's bytes, as they will be sealed.
    pub(crate) payload: Vec<u8>,
}

/// The held messages, in the settings collection.
pub(crate) struct Held<S: Store + 'static> {
    vault: AgentVault<S>,
    /// Whether anything may be held: true at start (a crash may have left some), so the
    /// run loop's wakes read the settings collection only when there is reason to.
    maybe_some: AtomicBool,
}

impl<S: Store + 'static> Held<S> {
    pub(super) fn new(vault: AgentVault<S>) -> Self {
        Held { vault, maybe_some: AtomicBool::new(true) }
    }

    /// Keeps `message` until its recipient's keys are in.
    pub(crate) async fn hold(&self, message: &HeldMessage) -> Result<(), AgentError> {
        self.vault.put(Collection::Settings, Record::json(SettingId::Held(message.id).id(), 0, message)?).await?;
        self.maybe_some.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Every held message.
    pub(crate) async fn all(&self) -> Result<Vec<HeldMessage>, AgentError> {
        if !self.maybe_some.swap(false, Ordering::SeqCst) {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for record in self.vault.list(Collection::Settings, Query::all()).await? {
            if record.id.starts_with(SettingId::HELD_PREFIX) {
                out.push(record.decode()?);
            }
        }
        if !out.is_empty() {
            // Whoever takes them releases them, or they are read again next time.
            self.maybe_some.store(true, Ordering::SeqCst);
        }
        Ok(out)
    }

    /// Forgets `message` (sent or given up).
    pub(crate) async fn release(&self, message: &HeldMessage) -> Result<(), AgentError> {
        super::absent_is_none(self.vault.delete(Collection::Settings, &SettingId::Held(message.id).id()).await)?;
        Ok(())
    }
}
