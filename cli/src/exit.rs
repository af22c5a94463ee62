//! Exit codes, for scripts. Also listed in `agentnet --help`.

use agentnet_agent::AgentError;
use agentnet_platform::vault::VaultError;

/// It worked.
pub(crate) const OK: i32 = 0;
/// Anything else went wrong (the message says what).
pub(crate) const FAILED: i32 = 1;
// 2 is clap's: the command line itself is wrong.
/// Wrong passphrase, or no profile in the directory.
pub(crate) const LOCKED: i32 = 3;
/// No contact, negotiation or event matches.
pub(crate) const NOT_FOUND: i32 = 4;
/// The relay could not be reached, or a contact's keys could not be fetched.
pub(crate) const OFFLINE: i32 = 5;
/// Bad input: an invite, a setting, an ICS file.
pub(crate) const INVALID: i32 = 6;

/// The help text's table.
pub(crate) const TABLE: &str = "Exit codes: 0 ok, 1 failed, 2 bad command line, 3 wrong passphrase or no profile, 4 not found, 5 relay unreachable, 6 invalid input.";

/// The code for an agent error.
pub(crate) fn for_error(error: &AgentError) -> i32 {
    match error {
        AgentError::Vault(VaultError::WrongPassphrase | VaultError::Missing) => LOCKED,
        AgentError::NotFound { .. } | AgentError::Ambiguous { .. } | AgentError::NotAwaitingApproval { .. } => NOT_FOUND,
        AgentError::Offline | AgentError::NoPrekeys { .. } | AgentError::Send(_) => OFFLINE,
        AgentError::InvalidInvite { .. } | AgentError::InvalidSetting { .. } | AgentError::SlotNotFree { .. } | AgentError::Calendar(_) | AgentError::Start(_) => INVALID,
        _ => FAILED,
    }
}
