//! The vault: encryption at rest on top of any [`Store`].
//!
//! passphrase --Argon2id--> KEK --wraps--> one data key per collection --seals--> records.
//! Every payload written through the vault is sealed with AES-256-GCM bound to its
//! collection and record id (`agentnet_core::crypto::vault`), so a record copied to another
//! id or collection no longer opens. Search terms are stored blinded ([`blind`](self)):
//! the transcript stays searchable without its words being on disk. Ids, contact ids and
//! times stay in clear: they are what the store indexes.
//!
//! The wrapped keys live in one record of [`Collection::Profile`]; a passphrase change
//! re-wraps them and touches no other record. In the browser everything the vault writes
//! goes to IndexedDB as sealed bytes; nothing goes to localStorage.

mod blind;
mod error;
mod keyring;
mod records;
mod secrets;

use agentnet_core::crypto::vault::KdfParams;

pub use error::VaultError;

use crate::rt::rng;
use crate::store::{Collection, Store};
pub(crate) use keyring::KEYS_ID;
use keyring::Keys;

/// Ids in [`Collection::Profile`] that start with this belong to the vault itself.
pub const RESERVED_PREFIX: &str = "vault.";

/// A store whose records are sealed under the owner's passphrase. Locked or unlocked; while
/// locked only [`Vault::unlock`] and [`Vault::change_passphrase`] work.
pub struct Vault<S> {
    store: S,
    keys: Option<Keys>,
}

impl<S> std::fmt::Debug for Vault<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("unlocked", &self.keys.is_some()).finish_non_exhaustive()
    }
}

impl<S: Store> Vault<S> {
    /// Creates the vault of a new profile, with fresh keys, and returns it unlocked.
    /// `params` are the Argon2id costs ([`KdfParams::default`] in production).
    pub async fn create(store: S, passphrase: &[u8], params: KdfParams) -> Result<Self, VaultError> {
        if Self::exists(&store).await? {
            return Err(VaultError::AlreadyExists);
        }
        let (keys, record) = keyring::create(passphrase, params, &mut rng())?;
        store.put(Collection::Profile, record).await?;
        Ok(Self { store, keys: Some(keys) })
    }

    /// Whether the profile in `store` has a vault.
    pub async fn exists(store: &S) -> Result<bool, VaultError> {
        Ok(store.contains(Collection::Profile, KEYS_ID).await?)
    }

    /// The vault of an existing profile, locked.
    pub async fn open(store: S) -> Result<Self, VaultError> {
        if !Self::exists(&store).await? {
            return Err(VaultError::Missing);
        }
        Ok(Self { store, keys: None })
    }

    /// Unlocks with the passphrase. A wrong one answers [`VaultError::WrongPassphrase`] and
    /// leaves the vault as it was.
    pub async fn unlock(&mut self, passphrase: &[u8]) -> Result<(), VaultError> {
        let record = self.store.get(Collection::Profile, KEYS_ID).await?;
        self.keys = Some(keyring::unlock(passphrase, &record)?);
        Ok(())
    }

    /// Forgets the keys (they are wiped).
    pub fn lock(&mut self) {
        self.keys = None;
    }

    /// Whether the keys are in memory.
    pub fn is_unlocked(&self) -> bool {
        self.keys.is_some()
    }

    /// Replaces the passphrase: the data keys are re-wrapped under the new one, in one
    /// write; no record is re-encrypted. A wrong `old` changes nothing. The vault stays
    /// locked or unlocked as it was.
    pub async fn change_passphrase(&mut self, old: &[u8], new: &[u8]) -> Result<(), VaultError> {
        let record = self.store.get(Collection::Profile, KEYS_ID).await?;
        let (keys, record) = keyring::rewrap(old, new, &record, &mut rng())?;
        self.store.put(Collection::Profile, record).await?;
        if self.keys.is_some() {
            self.keys = Some(keys);
        }
        Ok(())
    }

    /// The store underneath, for records that need no sealing.
    pub fn store(&self) -> &S {
        &self.store
    }

    fn keys(&self) -> Result<&Keys, VaultError> {
        self.keys.as_ref().ok_or(VaultError::Locked)
    }
}
