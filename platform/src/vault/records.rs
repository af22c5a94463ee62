//! Sealed records: what the agent runtime reads and writes through the vault.

use agentnet_core::crypto::vault;

use super::{RESERVED_PREFIX, Vault, VaultError};
use crate::rt::rng;
use crate::store::{Collection, Query, Record, Search, Store};

impl<S: Store> Vault<S> {
    /// Seals `record.body` (bound to the collection and id), blinds its terms, and stores it.
    /// Contact and time stay readable by the store, for its indexes.
    pub async fn put(&self, collection: Collection, record: Record) -> Result<(), VaultError> {
        let sealed = self.seal(collection, record)?;
        Ok(self.store.put(collection, sealed).await?)
    }

    /// [`Vault::put`] for many records, in one transaction.
    pub async fn put_many(&self, collection: Collection, records: Vec<Record>) -> Result<(), VaultError> {
        let sealed = records.into_iter().map(|r| self.seal(collection, r)).collect::<Result<Vec<_>, _>>()?;
        Ok(self.store.put_many(collection, sealed).await?)
    }

    /// The record with this id, opened. Its `terms` are the blinded tokens, not the words.
    pub async fn get(&self, collection: Collection, id: &str) -> Result<Record, VaultError> {
        reserved(collection, id)?;
        let keys = self.keys()?;
        let record = self.store.get(collection, id).await?;
        open(keys.data(collection)?, collection, record)
    }

    /// Removes a record.
    pub async fn delete(&self, collection: Collection, id: &str) -> Result<(), VaultError> {
        reserved(collection, id)?;
        self.keys()?;
        Ok(self.store.delete(collection, id).await?)
    }

    /// Records matching `query`, opened.
    pub async fn list(&self, collection: Collection, query: Query) -> Result<Vec<Record>, VaultError> {
        let key = self.keys()?.data(collection)?;
        let records = self.store.list(collection, query).await?;
        records
            .into_iter()
            .filter(|r| !(collection == Collection::Profile && r.id.starts_with(RESERVED_PREFIX)))
            .map(|r| open(key, collection, r))
            .collect()
    }

    /// Records containing every word of `text` (whole words, any case), newest first.
    pub async fn search(&self, collection: Collection, text: &str, filter: Query) -> Result<Vec<Record>, VaultError> {
        let keys = self.keys()?;
        let mut search = Search::text(text).filter(filter);
        search.terms = keys.search(collection)?.blind_all(&search.terms);
        let key = keys.data(collection)?;
        let records = self.store.search(collection, search).await?;
        records.into_iter().map(|r| open(key, collection, r)).collect()
    }

    fn seal(&self, collection: Collection, mut record: Record) -> Result<Record, VaultError> {
        reserved(collection, &record.id)?;
        let keys = self.keys()?;
        record.body = vault::seal_record(keys.data(collection)?, collection.name(), record.id.as_bytes(), &record.body, &mut rng())
            .map_err(VaultError::Crypto)?;
        record.terms = keys.search(collection)?.blind_all(&record.terms);
        Ok(record)
    }
}

fn open(key: &vault::DataKey, collection: Collection, mut record: Record) -> Result<Record, VaultError> {
    record.body = vault::open_record(key, collection.name(), record.id.as_bytes(), &record.body)
        .map_err(|_| VaultError::Damaged { collection, id: record.id.clone() })?;
    Ok(record)
}

fn reserved(collection: Collection, id: &str) -> Result<(), VaultError> {
    if collection == Collection::Profile && id.starts_with(RESERVED_PREFIX) {
        return Err(VaultError::Reserved { id: id.to_owned() });
    }
    Ok(())
}
