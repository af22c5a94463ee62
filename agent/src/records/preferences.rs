//! [`Preferences`]: the owner's settings (name, zone, relay, scheduling preferences,
//! defaults for new contacts) and their language-model choice, sealed in the vault; the
//! settings are also kept in memory, since nearly every command reads them.

use std::sync::Mutex;

use agentnet_platform::store::{Collection, Record, Store};

use super::{AgentVault, Changes, SecretName, SettingId, absent_is_none};
use crate::{AgentError, LanguageModel, Settings};

/// The owner's settings and choices.
pub(crate) struct Preferences<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
    /// As last saved; never held across an await.
    current: Mutex<Settings>,
}

impl<S: Store + 'static> Preferences<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes, settings: Settings) -> Self {
        Preferences { vault, changes, current: Mutex::new(settings) }
    }

    /// The settings as last saved.
    pub(crate) fn get(&self) -> Settings {
        self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Checks and saves `settings`.
    pub(crate) async fn save(&self, settings: Settings) -> Result<(), AgentError> {
        if jiff::tz::TimeZone::get(&settings.zone).is_err() {
            return Err(AgentError::InvalidSetting { reason: format!("unknown time zone {:?}", settings.zone) });
        }
        self.vault.put(Collection::Settings, Record::json(SettingId::Owner.id(), 0, &settings)?).await?;
        *self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = settings;
        self.changes.announce();
        Ok(())
    }

    /// The owner's language-model choice; `None` when they never chose.
    pub(crate) async fn language_model(&self) -> Result<Option<LanguageModel>, AgentError> {
        load_language_model(&self.vault).await
    }

    /// Saves the owner's language-model choice.
    pub(crate) async fn save_language_model(&self, choice: &LanguageModel) -> Result<(), AgentError> {
        self.vault.put_secret(SecretName::LanguageModel.name(), &choice.to_bytes()?).await?;
        self.changes.announce();
        Ok(())
    }
}

/// The settings saved in `vault` (before the records exist: opening reads them first).
pub(crate) async fn load_settings<S: Store>(vault: &agentnet_platform::vault::Vault<std::sync::Arc<S>>) -> Result<Settings, AgentError> {
    Ok(vault.get(Collection::Settings, &SettingId::Owner.id()).await?.decode()?)
}

/// The language-model choice saved in `vault`.
pub(crate) async fn load_language_model<S: Store>(vault: &agentnet_platform::vault::Vault<std::sync::Arc<S>>) -> Result<Option<LanguageModel>, AgentError> {
    match absent_is_none(vault.secret(SecretName::LanguageModel.name()).await)? {
        Some(bytes) => Ok(Some(LanguageModel::from_bytes(&bytes)?)),
        None => Ok(None),
    }
}
