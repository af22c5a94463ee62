//! [`WriteBackRecords`]: for each remote calendar, the [`Ledger`] of the agent's bookings
//! written there (a sealed settings record per calendar).

use std::collections::BTreeMap;

use agentnet_platform::calendar::Written;
use agentnet_platform::store::{Collection, Record, Store};
use serde::{Deserialize, Serialize};

use super::{AgentVault, Changes, SettingId, absent_is_none};
use crate::{AgentError, Remote};

/// One booking's copy in a remote calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The meeting's title, for the owner.
    pub(crate) title: String,
    /// Where the copy is, once written.
    pub(crate) written: Option<Written>,
    /// What the copy says (times and title), to see when the booking changed.
    pub(crate) what: String,
    /// Failed tries in a row.
    pub(crate) failures: u32,
    /// Not tried again before this (Unix milliseconds).
    pub(crate) retry_at_ms: i64,
    /// Why the last try failed, in plain words; `None` after a success.
    pub(crate) error: Option<String>,
}

/// Every booking's copy in one remote calendar, by the booking's event id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Ledger {
    pub(crate) entries: BTreeMap<String, Entry>,
}

/// The ledgers.
pub(crate) struct WriteBackRecords<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
}

impl<S: Store + 'static> WriteBackRecords<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes) -> Self {
        WriteBackRecords { vault, changes }
    }

    /// The ledger of `remote` (empty before anything was written there).
    pub(crate) async fn ledger(&self, remote: Remote) -> Result<Ledger, AgentError> {
        let record = absent_is_none(self.vault.get(Collection::Settings, &SettingId::WriteBack(remote).id()).await)?;
        Ok(record.map(|record| record.decode()).transpose()?.unwrap_or_default())
    }

    /// Saves the ledger of `remote`; the owner sees what it says.
    pub(crate) async fn save(&self, remote: Remote, ledger: &Ledger) -> Result<(), AgentError> {
        self.vault.put(Collection::Settings, Record::json(SettingId::WriteBack(remote).id(), 0, ledger)?).await?;
        self.changes.announce();
        Ok(())
    }

    /// Forgets the ledger of `remote` (when it is disconnected).
    pub(crate) async fn forget(&self, remote: Remote) -> Result<(), AgentError> {
        absent_is_none(self.vault.delete(Collection::Settings, &SettingId::WriteBack(remote).id()).await)?;
        self.changes.announce();
        Ok(())
    }
}
