//! Who an agent is: an Ed25519 identity key.
//!
//! An agent's [`AgentId`] *is* its Ed25519 public key, so nothing has to vouch for the binding
//! between a name and a key. People compare ids through the short [`Fingerprint`] or, for a
//! pair of agents, the [`SafetyNumber`] read out loud or scanned from a QR code.

mod agent_id;
mod base32;
mod fingerprint;
mod keypair;
mod safety;

pub use agent_id::AgentId;
pub use fingerprint::Fingerprint;
pub use keypair::Keypair;
pub use safety::SafetyNumber;

/// Length in bytes of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// Why an identity value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text has the wrong number of base32 characters.
    #[error("agent id must be {expected} base32 characters, got {got}")]
    Length {
        /// How many were expected.
        expected: usize,
        /// How many were found.
        got: usize,
    },
    /// The last character has padding bits set, so the text is not the canonical form.
    #[error("agent id text is not in canonical form")]
    NonCanonical,
    /// The text contains something that is not base32.
    #[error("character {ch:?} at byte {at} is not base32")]
    BadChar {
        /// The offending character.
        ch: char,
        /// Its byte offset in the text.
        at: usize,
    },
    /// The bytes are not a usable Ed25519 public key.
    #[error("not a valid Ed25519 public key")]
    InvalidKey,
    /// A signature did not verify under this agent's key.
    #[error("signature does not verify for agent {agent}")]
    BadSignature {
        /// The agent whose key was used.
        agent: AgentId,
    },
}
