//! The key ring: one data key and one search key per collection, and their stored form.
//!
//! Stored as one unsealed record (`profile/vault.keys`), JSON:
//! `{"version":1,"keys":{collection: hex(WrappedKey)},"search":{collection: hex(sealed key)}}`.
//! Data keys are wrapped under the passphrase's KEK (each wrapped key carries the Argon2id
//! parameters and salt); search keys are sealed under their collection's data key, so a
//! passphrase change rewrites only `keys` and no record at all.

use std::collections::BTreeMap;

use agentnet_core::crypto::vault::{self, DataKey, KdfParams, Kek, WrappedKey};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::blind::{SEARCH_KEY_LEN, SearchKey};
use super::VaultError;
use crate::store::{Collection, Record};

/// The id of the key record in [`Collection::Profile`].
pub(crate) const KEYS_ID: &str = "vault.keys";
/// The collection name bound into sealed search keys.
const SEARCH_KEYS: &str = "vault.search-key";
const FORMAT: u8 = 1;

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u8,
    keys: BTreeMap<String, String>,
    search: BTreeMap<String, String>,
}

/// The unlocked keys. Every key inside is wiped on drop.
pub(super) struct Keys {
    data: BTreeMap<Collection, DataKey>,
    search: BTreeMap<Collection, SearchKey>,
}

impl Keys {
    pub(super) fn data(&self, c: Collection) -> Result<&DataKey, VaultError> {
        self.data.get(&c).ok_or_else(|| missing(c))
    }

    pub(super) fn search(&self, c: Collection) -> Result<&SearchKey, VaultError> {
        self.search.get(&c).ok_or_else(|| missing(c))
    }
}

fn missing(c: Collection) -> VaultError {
    VaultError::KeyRecord { reason: format!("no key for {c}") }
}

fn damaged(reason: impl Into<String>) -> VaultError {
    VaultError::KeyRecord { reason: reason.into() }
}

/// Fresh keys for every collection, and the record that stores them.
pub(super) fn create<R: CryptoRng + ?Sized>(
    passphrase: &[u8],
    params: KdfParams,
    rng: &mut R,
) -> Result<(Keys, Record), VaultError> {
    let kek = Kek::new(passphrase, params, rng).map_err(VaultError::Crypto)?;
    let mut keys = Keys { data: BTreeMap::new(), search: BTreeMap::new() };
    let mut stored = Stored { version: FORMAT, keys: BTreeMap::new(), search: BTreeMap::new() };
    for c in Collection::ALL {
        let data = DataKey::generate(rng);
        let mut raw = Zeroizing::new([0u8; SEARCH_KEY_LEN]);
        rng.fill_bytes(raw.as_mut());
        let search = SearchKey::from_bytes(raw.as_ref()).ok_or_else(|| damaged("search key length"))?;
        let wrapped = kek.wrap(&data, c.name(), rng).map_err(VaultError::Crypto)?;
        let sealed = vault::seal_record(&data, SEARCH_KEYS, c.name().as_bytes(), search.as_bytes(), rng)
            .map_err(VaultError::Crypto)?;
        stored.keys.insert(c.name().to_owned(), hex::encode(wrapped.to_bytes()));
        stored.search.insert(c.name().to_owned(), hex::encode(sealed));
        keys.data.insert(c, data);
        keys.search.insert(c, search);
    }
    Ok((keys, to_record(&stored)?))
}

/// Unwraps every key with `passphrase`. Reads only: a wrong passphrase changes nothing.
pub(super) fn unlock(passphrase: &[u8], record: &Record) -> Result<Keys, VaultError> {
    let stored = from_record(record)?;
    let (keys, _) = unwrap_all(passphrase, &stored)?;
    Ok(keys)
}

/// The key record with every data key re-wrapped under a KEK from `new` (fresh salt, same
/// Argon2id parameters). The data keys themselves, hence every record, stay as they are.
pub(super) fn rewrap<R: CryptoRng + ?Sized>(
    old: &[u8],
    new: &[u8],
    record: &Record,
    rng: &mut R,
) -> Result<(Keys, Record), VaultError> {
    let mut stored = from_record(record)?;
    let (keys, params) = unwrap_all(old, &stored)?;
    let kek = Kek::new(new, params, rng).map_err(VaultError::Crypto)?;
    for (c, data) in &keys.data {
        let wrapped = kek.wrap(data, c.name(), rng).map_err(VaultError::Crypto)?;
        stored.keys.insert(c.name().to_owned(), hex::encode(wrapped.to_bytes()));
    }
    Ok((keys, to_record(&stored)?))
}

fn unwrap_all(passphrase: &[u8], stored: &Stored) -> Result<(Keys, KdfParams), VaultError> {
    let mut keys = Keys { data: BTreeMap::new(), search: BTreeMap::new() };
    let mut kek: Option<Kek> = None;
    for c in Collection::ALL {
        let hex_key = stored.keys.get(c.name()).ok_or_else(|| missing(c))?;
        let bytes = hex::decode(hex_key).map_err(|e| damaged(format!("{c}: {e}")))?;
        let wrapped = WrappedKey::from_bytes(&bytes).map_err(|e| damaged(format!("{c}: {e}")))?;
        // All keys share one KEK (one Argon2id run); derive again only if a salt differs.
        let reuse = kek.as_ref().is_some_and(|k| *k.salt() == wrapped.salt() && k.params() == wrapped.params());
        if !reuse {
            kek = Some(Kek::derive(passphrase, wrapped.params(), wrapped.salt()).map_err(VaultError::Crypto)?);
        }
        let kek_ref = kek.as_ref().ok_or_else(|| damaged("no KEK"))?;
        let data = kek_ref.unwrap(&wrapped, c.name()).map_err(|e| match e {
            vault::Error::Unwrap => VaultError::WrongPassphrase,
            other => VaultError::Crypto(other),
        })?;
        let sealed = hex::decode(stored.search.get(c.name()).ok_or_else(|| missing(c))?)
            .map_err(|e| damaged(format!("{c} search key: {e}")))?;
        let raw = Zeroizing::new(
            vault::open_record(&data, SEARCH_KEYS, c.name().as_bytes(), &sealed)
                .map_err(|_| damaged(format!("{c} search key does not open")))?,
        );
        let search = SearchKey::from_bytes(&raw).ok_or_else(|| damaged("search key length"))?;
        keys.data.insert(c, data);
        keys.search.insert(c, search);
    }
    let params = kek.map(|k| k.params()).ok_or_else(|| damaged("no keys"))?;
    Ok((keys, params))
}

fn to_record(stored: &Stored) -> Result<Record, VaultError> {
    Ok(Record::json(KEYS_ID, 0, stored)?)
}

fn from_record(record: &Record) -> Result<Stored, VaultError> {
    let stored: Stored = serde_json::from_slice(&record.body).map_err(|e| damaged(e.to_string()))?;
    if stored.version != FORMAT {
        return Err(damaged(format!("format version {} is not supported", stored.version)));
    }
    Ok(stored)
}
