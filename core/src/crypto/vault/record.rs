//! Records encrypted under a collection's data key.
//!
//! ```text
//! offset size
//!      0    1  version = 1
//!      1   12  AES-GCM nonce (random)
//!     13    *  AES-256-GCM(data key, nonce, plaintext, aad) || 16-byte tag
//! aad = RECORD_DOMAIN || version || u32 len(collection) || collection
//!                                || u32 len(record id) || record id
//! ```
//!
//! Random 96-bit nonces are safe for up to 2^32 records per data key (NIST SP 800-38D);
//! a collection nearing that gets a new data key.

use aes_gcm::aead::{Aead, Payload};
use rand_core::CryptoRng;

use super::{DataKey, Error, VERSION, push_field};

const RECORD_DOMAIN: &[u8] = b"agentnet/v1/vault/record";

/// Bytes a sealed record adds to its plaintext: version, nonce, tag.
pub const RECORD_OVERHEAD: usize = 1 + 12 + 16;

/// Encrypts a record. `collection` and `record_id` are authenticated, so a record copied to
/// another id or collection no longer opens.
pub fn seal_record<R: CryptoRng + ?Sized>(
    key: &DataKey,
    collection: &str,
    record_id: &[u8],
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, Error> {
    let mut nonce = [0u8; 12];
    rng.fill_bytes(&mut nonce);
    let aad = aad(collection, record_id)?;
    let ct = key
        .cipher()
        .encrypt(&nonce.into(), Payload { msg: plaintext, aad: &aad })
        .map_err(|_| Error::Record)?;
    Ok([&[VERSION][..], &nonce, &ct].concat())
}

/// Decrypts a record sealed by [`seal_record`] under the same key, collection and id.
pub fn open_record(key: &DataKey, collection: &str, record_id: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
    if sealed.len() < RECORD_OVERHEAD {
        return Err(Error::Length { what: "record", len: sealed.len(), expected: RECORD_OVERHEAD });
    }
    if sealed[0] != VERSION {
        return Err(Error::UnsupportedVersion(sealed[0]));
    }
    let nonce: [u8; 12] = sealed[1..13].try_into().map_err(|_| Error::Record)?;
    let aad = aad(collection, record_id)?;
    key.cipher()
        .decrypt(&nonce.into(), Payload { msg: &sealed[13..], aad: &aad })
        .map_err(|_| Error::Record)
}

fn aad(collection: &str, record_id: &[u8]) -> Result<Vec<u8>, Error> {
    let mut aad = [RECORD_DOMAIN, &[VERSION]].concat();
    push_field(&mut aad, "collection", collection.as_bytes())?;
    push_field(&mut aad, "record id", record_id)?;
    Ok(aad)
}
