//! Vault primitives: encryption at rest under the owner's passphrase.
//!
//! passphrase --Argon2id--> [`Kek`] (key-encryption key) --AES-256-GCM--> [`WrappedKey`]s,
//! one random [`DataKey`] per collection --AES-256-GCM--> records. Changing the passphrase
//! re-wraps the data keys only. The Argon2 parameters and salt travel with each wrapped key,
//! so they can be raised later without breaking old vaults. The store that holds the bytes
//! lives in `agentnet-platform`.

mod kdf;
mod key;
mod record;

pub use kdf::{Kek, KdfParams, SALT_LEN, argon2id};
pub use key::{DataKey, WRAPPED_LEN, WrappedKey, unlock};
pub use record::{RECORD_OVERHEAD, open_record, seal_record};

/// The vault format version (wrapped keys and records).
pub const VERSION: u8 = 1;

/// Why a vault operation failed. Decryption failures are coarse on purpose.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Argon2 refused the parameters.
    #[error("Argon2id parameters refused: {reason}")]
    Params {
        /// Argon2's explanation.
        reason: String,
    },
    /// The passphrase is wrong, or the wrapped key is damaged or has another label.
    #[error("wrong passphrase or damaged key")]
    Unwrap,
    /// The record is damaged, or belongs to another key, collection or record id.
    #[error("record could not be decrypted")]
    Record,
    /// A stored value has the wrong length.
    #[error("{what} is {len} bytes, expected {expected}")]
    Length {
        /// What was read.
        what: &'static str,
        /// Bytes given.
        len: usize,
        /// Bytes expected (a minimum for records).
        expected: usize,
    },
    /// A format version this code does not know.
    #[error("vault format version {0} is not supported")]
    UnsupportedVersion(u8),
    /// A label, collection name or record id longer than 2^32 - 1 bytes.
    #[error("{what} is too long ({len} bytes)")]
    TooLong {
        /// Which input.
        what: &'static str,
        /// Its length.
        len: usize,
    },
}

/// Appends `u32 length || bytes`, so that concatenated fields can't be re-split differently.
fn push_field(out: &mut Vec<u8>, what: &'static str, bytes: &[u8]) -> Result<(), Error> {
    let len = u32::try_from(bytes.len()).map_err(|_| Error::TooLong { what, len: bytes.len() })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}
