//! Checks on a published prekey bundle before the relay stores it.
//!
//! Until `agentnet_core::crypto::prekey` lands, the relay can only check the size; the
//! signature check and "the bundle belongs to the publishing agent" come with it.

use agentnet_core::wire::AgentIdBytes;

/// Whether `bundle` may be stored for `agent`; the reason otherwise.
pub(crate) fn check(_agent: &AgentIdBytes, bundle: &[u8], max_len: usize) -> Result<(), &'static str> {
    if bundle.is_empty() {
        return Err("empty prekey bundle");
    }
    if bundle.len() > max_len {
        return Err("prekey bundle too large");
    }
    Ok(())
}
