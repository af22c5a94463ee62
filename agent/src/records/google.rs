//! [`GoogleRecords`]: what the Google Calendar connection keeps, and where:
//! - the tokens and the client secret: a vault secret, zeroized after use;
//! - the verifier and state of a connection in progress: a vault secret (not memory: on
//!   the web the redirect reloads the app);
//! - the client id, the calendar, the endpoints, when it last synced and why it last
//!   failed: a sealed settings record ([`GoogleStatus`]), which the owner sees;
//! - Google's events: the events collection under `google/` ids, a copy of its own that
//!   a full resync may clear without touching the local calendar.

use agentnet_platform::calendar::google::{Secret, Tokens};
use agentnet_platform::calendar::{EventCache, VaultEventCache};
use agentnet_platform::store::{Collection, Record, Store};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{AgentVault, Changes, SecretName, SettingId, absent_is_none};
use crate::{AgentError, GoogleError, GoogleStatus};

/// Ids of Google's events in the events collection start with this.
const PREFIX: &str = "google/";

/// The secrets, as sealed: never printed, wiped when dropped.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Credentials {
    pub(crate) client_secret: Option<String>,
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
    pub(crate) expires_at_ms: i64,
}

impl Credentials {
    /// The client's tokens.
    pub(crate) fn tokens(&self) -> Tokens {
        Tokens {
            access_token: Secret::new(self.access_token.clone()),
            refresh_token: self.refresh_token.clone().map(Secret::new),
            expires_at: Timestamp::from_millisecond(self.expires_at_ms).unwrap_or(Timestamp::UNIX_EPOCH),
        }
    }

    /// What to seal for `tokens`.
    pub(crate) fn new(client_secret: Option<String>, tokens: &Tokens) -> Credentials {
        Credentials {
            client_secret,
            access_token: tokens.access_token.expose().to_owned(),
            refresh_token: tokens.refresh_token.as_ref().map(|token| token.expose().to_owned()),
            expires_at_ms: tokens.expires_at.as_millisecond(),
        }
    }
}

/// A connection being made, until the redirect comes back.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Connecting {
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
    pub(crate) redirect_uri: String,
    pub(crate) auth_url: String,
    pub(crate) token_url: String,
    pub(crate) api_base: String,
    #[serde(default)]
    pub(crate) revoke_url: String,
    pub(crate) state: String,
    pub(crate) verifier: String,
}

/// The connection's records.
pub(crate) struct GoogleRecords<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
}

fn damaged(error: serde_json::Error) -> GoogleError {
    GoogleError::Agent(AgentError::InvalidSetting { reason: format!("the stored Google connection is damaged: {error}") })
}

impl<S: Store + 'static> GoogleRecords<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes) -> Self {
        GoogleRecords { vault, changes }
    }

    /// The connection as the owner sees it, if connected.
    pub(crate) async fn status(&self) -> Result<Option<GoogleStatus>, GoogleError> {
        Ok(absent_is_none(self.vault.get(Collection::Settings, &SettingId::Google.id()).await)?.map(|record| record.decode()).transpose().map_err(AgentError::from)?)
    }

    /// Saves the connection as the owner sees it.
    pub(crate) async fn save_status(&self, status: &GoogleStatus) -> Result<(), GoogleError> {
        self.vault.put(Collection::Settings, Record::json(SettingId::Google.id(), 0, status).map_err(AgentError::from)?).await?;
        self.changes.announce();
        Ok(())
    }

    /// The sealed tokens.
    pub(crate) async fn credentials(&self) -> Result<Option<Credentials>, GoogleError> {
        self.sealed(SecretName::GoogleTokens).await
    }

    /// Seals the tokens.
    pub(crate) async fn save_credentials(&self, credentials: &Credentials) -> Result<(), GoogleError> {
        self.put_sealed(SecretName::GoogleTokens, credentials).await
    }

    /// The connection being made.
    pub(crate) async fn connecting(&self) -> Result<Option<Connecting>, GoogleError> {
        self.sealed(SecretName::GooglePending).await
    }

    /// Seals a connection being made.
    pub(crate) async fn save_connecting(&self, connecting: &Connecting) -> Result<(), GoogleError> {
        self.put_sealed(SecretName::GooglePending, connecting).await
    }

    /// Forgets the connection being made.
    pub(crate) async fn forget_connecting(&self) -> Result<(), GoogleError> {
        Ok(self.vault.delete_secret(SecretName::GooglePending.name()).await?)
    }

    /// Forgets everything: tokens, a connection being made, the status and Google's events.
    pub(crate) async fn forget(&self) -> Result<(), GoogleError> {
        self.vault.delete_secret(SecretName::GoogleTokens.name()).await?;
        self.vault.delete_secret(SecretName::GooglePending.name()).await?;
        absent_is_none(self.vault.delete(Collection::Settings, &SettingId::Google.id()).await)?;
        self.events().clear().await?;
        self.changes.announce();
        Ok(())
    }

    /// The copy of Google's events inside the events collection: every calendar's
    /// (clearing it clears them all), and the one calendar synced before the calendar
    /// list was kept.
    pub(crate) fn events(&self) -> VaultEventCache<std::sync::Arc<S>> {
        VaultEventCache::scoped(self.vault.clone(), PREFIX, SettingId::GOOGLE_SYNC_TOKEN)
    }

    /// The copy of one calendar's events, with its own sync token.
    pub(crate) fn calendar_events(&self, calendar_id: &str) -> VaultEventCache<std::sync::Arc<S>> {
        let key = hex::encode(calendar_id.as_bytes());
        VaultEventCache::scoped(self.vault.clone(), format!("{PREFIX}{key}/"), format!("{}.{key}", SettingId::GOOGLE_SYNC_TOKEN))
    }

    async fn put_sealed(&self, name: SecretName, value: &impl Serialize) -> Result<(), GoogleError> {
        let bytes = Zeroizing::new(serde_json::to_vec(value).map_err(damaged)?);
        Ok(self.vault.put_secret(name.name(), &bytes).await?)
    }

    async fn sealed<T: serde::de::DeserializeOwned>(&self, name: SecretName) -> Result<Option<T>, GoogleError> {
        match absent_is_none(self.vault.secret(name.name()).await)? {
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(damaged),
            None => Ok(None),
        }
    }
}
