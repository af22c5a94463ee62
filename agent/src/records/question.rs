//! [`Questions`]: the question the agent asked its owner, kept (sealed) until the
//! owner's next line answers it; in the store rather than in memory so the answer may come
//! from another process (the command line) or after a restart.

use agentnet_platform::rt::now;
use agentnet_platform::store::{Collection, Record, Store};
use jiff::SignedDuration;

use super::{AgentVault, SettingId, absent_is_none};
use crate::AgentError;
use crate::clarify::Pending;

/// How long a question waits for its answer: a stray line tomorrow is not glued to it.
const LAPSES_AFTER: SignedDuration = SignedDuration::from_mins(30);

/// The pending question, in the settings collection.
pub(crate) struct Questions<S: Store + 'static> {
    vault: AgentVault<S>,
}

impl<S: Store + 'static> Questions<S> {
    pub(super) fn new(vault: AgentVault<S>) -> Self {
        Questions { vault }
    }

    /// The question waiting for an answer, unless it lapsed.
    pub(crate) async fn pending(&self) -> Result<Option<Pending>, AgentError> {
        let Some(record) = absent_is_none(self.vault.get(Collection::Settings, &SettingId::Question.id()).await)? else { return Ok(None) };
        let pending: Pending = record.decode()?;
        let fresh = now().as_millisecond() - pending.asked_ms < LAPSES_AFTER.as_millis() as i64;
        Ok(fresh.then_some(pending))
    }

    /// Keeps `pending` for the next line, or forgets the question with `None`.
    pub(crate) async fn set(&self, pending: Option<&Pending>) -> Result<(), AgentError> {
        let id = SettingId::Question.id();
        match pending {
            Some(p) => self.vault.put(Collection::Settings, Record::json(id, p.asked_ms, p)?).await?,
            None => {
                absent_is_none(self.vault.delete(Collection::Settings, &id).await)?;
            }
        }
        Ok(())
    }
}
