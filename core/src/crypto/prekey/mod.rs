//! Signed prekeys: the X25519 keys that envelopes are sealed to.
//!
//! Each agent publishes a [`Bundle`] (public data, signed by its identity key) through the
//! relay and keeps the matching secrets in a [`Ring`]. The signed prekey rotates every
//! [`Policy::rotate_every`] (7 days by default); a retired secret stays usable for
//! [`Policy::grace`] (7 days) so messages sealed before the rotation can still be opened, then
//! it is wiped. Optional one-time prekeys are deleted after the first envelope they open.

pub(crate) mod bundle;
pub(crate) mod ring;
mod secret;
mod stored;

pub use bundle::{Bundle, OneTime, VERSION, VerifiedBundle};
pub use ring::{Policy, Ring};
pub use secret::Secret;

use crate::identity::AgentId;

/// A prekey's number, unique within one agent's ring (signed and one-time keys share it).
pub type Id = u32;

/// How far in the future a bundle's creation time may lie (clock skew between devices).
pub const MAX_CLOCK_SKEW: u64 = 5 * 60;

/// The longest validity a bundle may claim: a stolen prekey must not stay trusted forever.
pub const MAX_LIFETIME: u64 = 30 * 24 * 60 * 60;

/// How many one-time prekeys a bundle may carry.
pub const MAX_ONE_TIME: usize = 100;

/// Why a bundle was refused, or a prekey could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes end before the structure does.
    #[error("bundle is {len} bytes, needs at least {need}")]
    Truncated {
        /// Bytes given.
        len: usize,
        /// Bytes needed.
        need: usize,
    },
    /// Bytes are left after the structure.
    #[error("{extra} unexpected bytes after the bundle")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// A format version this code does not know.
    #[error("bundle version {0} is not supported")]
    UnsupportedVersion(u8),
    /// The agent id field is not a valid Ed25519 key.
    #[error("bundle names an invalid agent id")]
    InvalidAgentId,
    /// More one-time prekeys than [`MAX_ONE_TIME`].
    #[error("bundle carries {count} one-time prekeys, limit {max}")]
    TooManyOneTime {
        /// How many.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A stored prekey secret does not match its stored public key (damaged storage).
    #[error("stored prekey {id} does not match its public key")]
    StoredKeyMismatch {
        /// The prekey.
        id: Id,
    },
    /// Two prekeys in the bundle share an id.
    #[error("prekey id {0} appears twice in the bundle")]
    DuplicateId(Id),
    /// The identity signature over the signed prekey or a one-time prekey is wrong.
    #[error("prekey {id} of agent {agent} has a bad signature")]
    BadSignature {
        /// The agent named by the bundle.
        agent: AgentId,
        /// The prekey whose signature failed.
        id: Id,
    },
    /// The signed prekey's validity ended.
    #[error("prekey expired at {expires}, now is {now}")]
    Expired {
        /// End of validity (unix seconds).
        expires: u64,
        /// The time checked against.
        now: u64,
    },
    /// The bundle claims to be created in the future.
    #[error("prekey created at {created} is in the future (now {now})")]
    NotYetValid {
        /// Creation time (unix seconds).
        created: u64,
        /// The time checked against.
        now: u64,
    },
    /// Validity is empty or longer than [`MAX_LIFETIME`].
    #[error("prekey validity {created}..{expires} is empty or longer than allowed")]
    BadLifetime {
        /// Creation time.
        created: u64,
        /// Expiry time.
        expires: u64,
    },
}
