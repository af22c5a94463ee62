//! [`Fingerprint`]: a short, typeable name for an agent id.

use std::fmt;

use sha2::{Digest, Sha256};

use super::{AgentId, base32};

/// Domain separation so a fingerprint can never be confused with another hash of the key.
const DOMAIN: &[u8] = b"agentnet/v1/fingerprint";

/// 160 bits of SHA-256 over the agent id, shown as four groups of eight base32 characters,
/// e.g. `q3kx7mwa-...`. Enough to recognise a contact; use the [`super::SafetyNumber`] to
/// verify one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Fingerprint([u8; 20]);

impl Fingerprint {
    pub(super) fn of(id: &AgentId) -> Self {
        let digest = Sha256::new().chain_update(DOMAIN).chain_update(id.as_bytes()).finalize();
        let mut out = [0u8; 20];
        out.copy_from_slice(&digest[..20]);
        Self(out)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = base32::encode(&self.0);
        for (i, group) in text.as_bytes().chunks(8).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}
