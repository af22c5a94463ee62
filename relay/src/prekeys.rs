//! Checks on a published prekey bundle before the relay stores it: it must decode,
//! name the publishing agent, carry valid signatures and be within its validity.

use agentnet_core::crypto::prekey::Bundle;
use agentnet_core::wire::AgentIdBytes;

/// Whether `bundle` may be stored for `agent` at `now` (unix seconds); why not otherwise.
pub(crate) fn check(agent: &AgentIdBytes, bundle: &[u8], max_len: usize, now: u64) -> Result<(), &'static str> {
    if bundle.len() > max_len {
        return Err("prekey bundle too large");
    }
    let parsed = Bundle::from_bytes(bundle).map_err(|_| "prekey bundle is malformed")?;
    if parsed.agent_id().as_bytes() != agent {
        return Err("prekey bundle belongs to another agent");
    }
    parsed.verify(now).map_err(|_| "prekey bundle does not verify")?;
    Ok(())
}
