//! [`VaultError`]: why a vault operation failed.

use agentnet_core::crypto::vault;

use crate::store::{Collection, StoreError};

/// Why a vault operation failed. A failed operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The passphrase does not open this vault.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The vault is locked: unlock it with the passphrase first.
    #[error("the vault is locked")]
    Locked,
    /// This profile has no vault yet.
    #[error("this profile has no vault yet")]
    Missing,
    /// This profile already has a vault.
    #[error("this profile already has a vault")]
    AlreadyExists,
    /// A sealed record does not open: damaged, or copied from another id or collection.
    #[error("record {id:?} in {collection} is damaged or not where it was sealed")]
    Damaged {
        /// Its collection.
        collection: Collection,
        /// Its id.
        id: String,
    },
    /// The stored key record is damaged or of an unknown format.
    #[error("the vault's key record is damaged: {reason}")]
    KeyRecord {
        /// What was wrong.
        reason: String,
    },
    /// The id is reserved for the vault's own records.
    #[error("record id {id:?} is reserved for the vault")]
    Reserved {
        /// The id given.
        id: String,
    },
    /// The key-derivation parameters were refused, or another primitive failed.
    #[error(transparent)]
    Crypto(vault::Error),
    /// The store failed; [`StoreError::NotFound`] passes through here.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl VaultError {
    /// Whether the record asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_not_found())
    }
}
