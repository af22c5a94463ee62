//! [`Invites`]: the one-time tokens this agent issued and nobody used yet. Not shown to
//! the owner, so writing one announces nothing.

use agentnet_core::protocol::InviteToken;
use agentnet_platform::rt::now;
use agentnet_platform::store::{Collection, Record, Store};
use serde::{Deserialize, Serialize};

use agentnet_platform::store::Query;

use super::{AgentVault, SettingId, absent_is_none};
use crate::AgentError;

/// How long an invite can be accepted.
const INVITE_LIFETIME_MS: i64 = 7 * 24 * 3_600_000;

/// An invite this agent issued and nobody used yet.
#[derive(Serialize, Deserialize)]
struct Issued {
    expires_ms: i64,
}

/// The issued invites, in the settings collection.
pub(crate) struct Invites<S: Store + 'static> {
    vault: AgentVault<S>,
}

impl<S: Store + 'static> Invites<S> {
    pub(super) fn new(vault: AgentVault<S>) -> Self {
        Invites { vault }
    }

    /// Remembers `token` as issued now.
    pub(crate) async fn issue(&self, token: &InviteToken) -> Result<(), AgentError> {
        let issued = Issued { expires_ms: now().as_millisecond() + INVITE_LIFETIME_MS };
        self.vault.put(Collection::Settings, Record::json(SettingId::Invite(*token).id(), 0, &issued)?).await?;
        Ok(())
    }

    /// The invites still open, newest first: their delivery keys are published while they are.
    pub(crate) async fn open(&self) -> Result<Vec<InviteToken>, AgentError> {
        let now_ms = now().as_millisecond();
        let mut open = Vec::new();
        for record in self.vault.list(Collection::Settings, Query::all()).await? {
            let Some(token) = record.id.strip_prefix(SettingId::INVITE_PREFIX) else { continue };
            let Some(token) = hex::decode(token).ok().and_then(|t| <InviteToken>::try_from(t).ok()) else { continue };
            let expires_ms = record.decode::<Issued>()?.expires_ms;
            if expires_ms > now_ms {
                open.push((expires_ms, token));
            }
        }
        open.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(open.into_iter().map(|(_, token)| token).collect())
    }

    /// Uses up `token`; `false` if it is unknown, used or expired.
    pub(crate) async fn take(&self, token: &InviteToken) -> Result<bool, AgentError> {
        let id = SettingId::Invite(*token).id();
        let Some(record) = absent_is_none(self.vault.get(Collection::Settings, &id).await)? else { return Ok(false) };
        let issued: Issued = record.decode()?;
        self.vault.delete(Collection::Settings, &id).await?;
        Ok(issued.expires_ms > now().as_millisecond())
    }
}
