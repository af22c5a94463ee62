//! [`CalDavRecords`]: what the CalDAV connection keeps, and where:
//! - the app password: a vault secret, zeroized after use;
//! - the server, the user, the calendar, when it last synced and why it last failed: a
//!   sealed settings record ([`CalDavStatus`]), which the owner sees;
//! - the calendar's events: the events collection under `caldav/` ids, with the sync
//!   state beside them, a copy a full resync may clear without touching the rest.

use agentnet_platform::calendar::google::Secret;
use agentnet_platform::calendar::{EventCache, VaultEventCache};
use agentnet_platform::store::{Collection, Record, Store};
use zeroize::Zeroizing;

use super::{AgentVault, Changes, SecretName, SettingId, absent_is_none};
use crate::{AgentError, CalDavStatus};

/// Ids of the CalDAV calendar's events in the events collection start with this.
const PREFIX: &str = "caldav/";

/// The connection's records.
pub(crate) struct CalDavRecords<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
}

impl<S: Store + 'static> CalDavRecords<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes) -> Self {
        CalDavRecords { vault, changes }
    }

    /// The connection as the owner sees it, if connected.
    pub(crate) async fn status(&self) -> Result<Option<CalDavStatus>, AgentError> {
        Ok(absent_is_none(self.vault.get(Collection::Settings, &SettingId::CalDav.id()).await)?.map(|record| record.decode()).transpose()?)
    }

    /// Saves the connection as the owner sees it.
    pub(crate) async fn save_status(&self, status: &CalDavStatus) -> Result<(), AgentError> {
        self.vault.put(Collection::Settings, Record::json(SettingId::CalDav.id(), 0, status)?).await?;
        self.changes.announce();
        Ok(())
    }

    /// The sealed app password.
    pub(crate) async fn password(&self) -> Result<Option<Secret>, AgentError> {
        let Some(bytes) = absent_is_none(self.vault.secret(SecretName::CalDavPassword.name()).await)? else { return Ok(None) };
        let text = std::str::from_utf8(&bytes).map_err(|_| AgentError::InvalidSetting { reason: "the stored CalDAV password is damaged".into() })?;
        Ok(Some(Secret::new(text)))
    }

    /// Seals the app password.
    pub(crate) async fn save_password(&self, password: &Secret) -> Result<(), AgentError> {
        let bytes = Zeroizing::new(password.expose().as_bytes().to_vec());
        Ok(self.vault.put_secret(SecretName::CalDavPassword.name(), &bytes).await?)
    }

    /// Forgets everything: the password, the status and the calendar's events.
    pub(crate) async fn forget(&self) -> Result<(), AgentError> {
        self.vault.delete_secret(SecretName::CalDavPassword.name()).await?;
        absent_is_none(self.vault.delete(Collection::Settings, &SettingId::CalDav.id()).await)?;
        self.events().clear().await?;
        self.changes.announce();
        Ok(())
    }

    /// The copy of the calendar's events inside the events collection.
    pub(crate) fn events(&self) -> VaultEventCache<std::sync::Arc<S>> {
        VaultEventCache::scoped(self.vault.clone(), PREFIX, SettingId::CALDAV_SYNC_STATE)
    }
}
