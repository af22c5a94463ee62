//! [`AgentError`]: everything the agent runtime can refuse or fail at, typed.

use agentnet_platform::calendar::CalendarError;
use agentnet_platform::store::StoreError;
use agentnet_platform::transport::{SendError, StartError};
use agentnet_platform::vault::VaultError;

/// Why an agent operation failed. What the owner typed is never lost on an error: commands
/// change nothing until they succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// The encrypted store refused (wrong passphrase, locked, damaged record).
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The store itself failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The calendar failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The relay client could not start (bad relay URL).
    #[error(transparent)]
    Start(#[from] StartError),
    /// The relay client stopped or refused a message.
    #[error(transparent)]
    Send(#[from] SendError),
    /// A message could not be sealed to the contact's prekeys.
    #[error(transparent)]
    Seal(#[from] agentnet_core::crypto::envelope::SealError),
    /// An invite code or link that does not parse.
    #[error("invalid invite: {reason}")]
    InvalidInvite {
        /// What is wrong with it.
        reason: String,
    },
    /// The relay has no usable prekey bundle for the agent.
    #[error("{name}'s agent has no valid prekeys on the relay: {reason}")]
    NoPrekeys {
        /// Who.
        name: String,
        /// Why none could be used.
        reason: String,
    },
    /// The operation needs the relay and this agent runs offline.
    #[error("this needs a connection to the relay")]
    Offline,
    /// No contact, negotiation or event with this name or id.
    #[error("no {what} matches {query:?}")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// What was asked.
        query: String,
    },
    /// Several match; say which.
    #[error("{query:?} matches several {what}: {candidates}")]
    Ambiguous {
        /// What was looked for.
        what: &'static str,
        /// What was asked.
        query: String,
        /// The ones it could be.
        candidates: String,
    },
    /// A time the owner approved that the agent did not ask about.
    #[error("{slot} is not one of the times your agent asked you about")]
    NotAsked {
        /// The time, as the owner reads it.
        slot: String,
    },
    /// Only a booked meeting this owner arranged can be moved by them.
    #[error("negotiation {id} is not a booked meeting you arranged, so it cannot be moved")]
    NotMovable {
        /// The negotiation.
        id: String,
    },
    /// The negotiation is not waiting for the owner.
    #[error("negotiation {id} is not waiting for your approval")]
    NotAwaitingApproval {
        /// The negotiation.
        id: String,
    },
    /// A time the owner picked that is not one of their free times for the meeting.
    #[error("{slot} is not one of your free times for this meeting")]
    SlotNotFree {
        /// The time, as the owner reads it.
        slot: String,
    },
    /// The profile could not be exported.
    #[error(transparent)]
    Backup(#[from] agentnet_platform::store::backup::BackupError),
    /// A language-model choice that cannot be used.
    #[error(transparent)]
    LanguageModel(#[from] crate::LanguageModelError),
    /// A setting that cannot be applied.
    #[error("invalid setting: {reason}")]
    InvalidSetting {
        /// What is wrong.
        reason: String,
    },
}

impl AgentError {
    pub(crate) fn not_found(what: &'static str, query: impl Into<String>) -> Self {
        AgentError::NotFound { what, query: query.into() }
    }
}
