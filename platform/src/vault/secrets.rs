//! The identity key and other secrets (the prekey ring), sealed in the profile collection.

use agentnet_core::crypto::vault;
use agentnet_core::identity::Keypair;
use zeroize::Zeroizing;

use super::{RESERVED_PREFIX, Vault, VaultError};
use crate::rt::rng;
use crate::store::{Collection, Record, Store};

const IDENTITY: &str = "identity";

impl<S: Store> Vault<S> {
    /// Stores the identity key, sealed.
    pub async fn put_identity(&self, identity: &Keypair) -> Result<(), VaultError> {
        self.put_secret(IDENTITY, identity.to_secret_bytes().as_ref()).await
    }

    /// The identity key.
    pub async fn identity(&self) -> Result<Keypair, VaultError> {
        let bytes = self.secret(IDENTITY).await?;
        let seed: &[u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Damaged { collection: Collection::Profile, id: id(IDENTITY) })?;
        Ok(Keypair::from_secret_bytes(seed))
    }

    /// Stores a named secret (e.g. the serialised prekey ring), sealed under the profile's
    /// data key. The plaintext is never written anywhere.
    pub async fn put_secret(&self, name: &str, secret: &[u8]) -> Result<(), VaultError> {
        let id = id(name);
        let key = self.keys()?.data(Collection::Profile)?;
        let sealed = vault::seal_record(key, Collection::Profile.name(), id.as_bytes(), secret, &mut rng())
            .map_err(VaultError::Crypto)?;
        Ok(self.store.put(Collection::Profile, Record::new(id, 0, sealed)).await?)
    }

    /// A named secret, wiped when dropped.
    pub async fn secret(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let id = id(name);
        let key = self.keys()?.data(Collection::Profile)?;
        let record = self.store.get(Collection::Profile, &id).await?;
        vault::open_record(key, Collection::Profile.name(), id.as_bytes(), &record.body)
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Damaged { collection: Collection::Profile, id })
    }

    /// Forgets a named secret; forgetting one that is not there is not an error.
    pub async fn delete_secret(&self, name: &str) -> Result<(), VaultError> {
        self.keys()?;
        match self.store.delete(Collection::Profile, &id(name)).await {
            Err(e) if e.is_not_found() => Ok(()),
            other => Ok(other?),
        }
    }
}

fn id(name: &str) -> String {
    format!("{RESERVED_PREFIX}secret.{name}")
}
