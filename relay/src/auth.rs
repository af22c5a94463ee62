//! Challenge-response authentication: the agent signs the relay's nonce bound to the
//! relay origin it dialled (see `agentnet_core::wire::auth_message`).

use agentnet_core::wire::{AgentIdBytes, SignatureBytes, auth_message};
use agentnet_core::identity::AgentId;

/// A fresh 32-byte challenge from the OS random generator.
pub(crate) fn new_nonce() -> [u8; 32] {
    rand::random()
}

/// Whether `signature` is `agent_id`'s signature of the challenge for any of `origins`.
/// Strict verification (core's `AgentId::verify`): no malleable or small-order keys.
pub(crate) fn verify(origins: &[String], nonce: &[u8; 32], agent_id: &AgentIdBytes, signature: &SignatureBytes) -> bool {
    let Ok(id) = AgentId::from_bytes(*agent_id) else {
        return false;
    };
    origins.iter().any(|origin| id.verify(&auth_message(origin, nonce, agent_id), signature).is_ok())
}

/// The origins a client may have signed for: the configured public origins, or else
/// `ws://` and `wss://` with the request's Host.
pub(crate) fn candidate_origins(configured: &[String], host: Option<&str>) -> Vec<String> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    match host {
        Some(h) => {
            let h = h.to_lowercase();
            vec![format!("ws://{h}"), format!("wss://{h}")]
        }
        None => Vec::new(),
    }
}
