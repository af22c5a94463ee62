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

/// The origins a relay listening on `local` answers to when none are configured: the
/// loopback names for a wildcard or loopback address, else the address itself. Never
/// the request's Host: a relay in the middle would set that to whatever it forwards.
pub(crate) fn derived_origins(local: std::net::SocketAddr) -> Vec<String> {
    let port = local.port();
    let ip = local.ip();
    let mut hosts = Vec::new();
    if ip.is_unspecified() || ip.is_loopback() {
        hosts.extend([format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")]);
    }
    if !ip.is_unspecified() && !hosts.contains(&local.to_string()) {
        hosts.push(local.to_string());
    }
    hosts.into_iter().map(|h| format!("ws://{h}")).collect()
}
