//! The agent's records, each kind a type that owns its records over the vault and
//! announces its own changes: whoever writes through them cannot forget to tell the
//! screens. Reads go straight to the vault (they need no lock: the store serialises
//! its own access), so a screen answers while a command runs.

mod caldav;
mod calendar;
mod changes;
mod contacts;
mod google;
mod held;
mod invites;
mod keys;
mod negotiations;
pub(crate) mod preferences;
mod question;
pub(crate) mod timers;
pub(crate) mod transcript;
pub(crate) mod write_back;

use std::sync::Arc;

use agentnet_platform::store::Store;
use agentnet_platform::vault::Vault;

pub(crate) use caldav::CalDavRecords;
pub(crate) use calendar::Calendar;
pub(crate) use changes::Changes;
pub(crate) use contacts::{ContactKeys, Contacts};
pub(crate) use google::{Connecting, Credentials, GoogleRecords};
pub(crate) use held::{Held, HeldMessage};
pub(crate) use invites::Invites;
pub(crate) use keys::{SecretName, SettingId};
pub(crate) use negotiations::Negotiations;
pub(crate) use preferences::Preferences;
pub(crate) use question::Questions;
pub(crate) use transcript::Transcript;
pub(crate) use write_back::WriteBackRecords;

use crate::Settings;

/// The vault every record type shares.
pub(crate) type AgentVault<S> = Arc<Vault<Arc<S>>>;

/// Every kind of record the agent keeps.
pub(crate) struct Records<S: Store + 'static> {
    pub(crate) vault: AgentVault<S>,
    pub(crate) changes: Changes,
    pub(crate) contacts: Contacts<S>,
    pub(crate) invites: Invites<S>,
    pub(crate) negotiations: Negotiations<S>,
    pub(crate) transcript: Transcript<S>,
    pub(crate) preferences: Preferences<S>,
    pub(crate) questions: Questions<S>,
    pub(crate) calendar: Calendar<S>,
    pub(crate) google: GoogleRecords<S>,
    pub(crate) caldav: CalDavRecords<S>,
    pub(crate) write_back: WriteBackRecords<S>,
    pub(crate) held: Held<S>,
}

impl<S: Store + 'static> Records<S> {
    /// The records in `vault`, with the owner's `settings` as last saved.
    pub(crate) fn new(vault: AgentVault<S>, settings: Settings) -> Self {
        let changes = Changes::default();
        let zone = settings.time_zone();
        Records {
            contacts: Contacts::new(vault.clone(), changes.clone()),
            invites: Invites::new(vault.clone()),
            negotiations: Negotiations::new(vault.clone(), changes.clone()),
            transcript: Transcript::new(vault.clone(), changes.clone()),
            preferences: Preferences::new(vault.clone(), changes.clone(), settings),
            questions: Questions::new(vault.clone()),
            calendar: Calendar::new(vault.clone(), changes.clone(), zone),
            google: GoogleRecords::new(vault.clone(), changes.clone()),
            caldav: CalDavRecords::new(vault.clone(), changes.clone()),
            write_back: WriteBackRecords::new(vault.clone(), changes.clone()),
            held: Held::new(vault.clone()),
            vault,
            changes,
        }
    }
}

/// `Ok(None)` for a record that is not there, the error otherwise.
pub(crate) fn absent_is_none<T>(result: Result<T, agentnet_platform::vault::VaultError>) -> Result<Option<T>, agentnet_platform::vault::VaultError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
