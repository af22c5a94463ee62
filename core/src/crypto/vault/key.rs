//! Data keys and their wrapped (encrypted) form.
//!
//! ```text
//! WrappedKey, 89 bytes:
//! offset size
//!      0    1  version = 1
//!      1    4  Argon2id m (KiB), big-endian
//!      5    4  Argon2id t
//!      9    4  Argon2id p
//!     13   16  salt
//!     29   12  AES-GCM nonce
//!     41   48  AES-256-GCM(KEK, nonce, data key, aad) = 32-byte key || 16-byte tag
//! aad = WRAP_DOMAIN || bytes[0..29] || u32 len(label) || label
//! ```

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::Aes256Gcm;
use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{Error, Kek, KdfParams, SALT_LEN, VERSION, push_field};

const WRAP_DOMAIN: &[u8] = b"agentnet/v1/vault/wrapped-key";

/// Length of [`WrappedKey::to_bytes`].
pub const WRAPPED_LEN: usize = 89;

/// A random AES-256-GCM key for one collection's records. Wiped on drop, never printed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// A fresh random key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self(key)
    }

    pub(super) fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.0.into())
    }
}

/// A data key encrypted under a [`Kek`], with the KDF parameters and salt needed to derive
/// that KEK again from the passphrase.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WrappedKey([u8; WRAPPED_LEN]);

impl WrappedKey {
    /// The stored form.
    pub fn to_bytes(&self) -> [u8; WRAPPED_LEN] {
        self.0
    }

    /// Reads the stored form (structure only; [`Kek::unwrap`] authenticates it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; WRAPPED_LEN] = bytes
            .try_into()
            .map_err(|_| Error::Length { what: "wrapped key", len: bytes.len(), expected: WRAPPED_LEN })?;
        if bytes[0] != VERSION {
            return Err(Error::UnsupportedVersion(bytes[0]));
        }
        Ok(Self(bytes))
    }

    /// The Argon2id parameters of the KEK that wrapped it.
    pub fn params(&self) -> KdfParams {
        let u = |i: usize| u32::from_be_bytes([self.0[i], self.0[i + 1], self.0[i + 2], self.0[i + 3]]);
        KdfParams { m_kib: u(1), t: u(5), p: u(9) }
    }

    /// The salt of the KEK that wrapped it.
    pub fn salt(&self) -> [u8; SALT_LEN] {
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&self.0[13..29]);
        salt
    }
}

impl Kek {
    /// Encrypts `key` for storage. `label` (e.g. the collection name) is bound to it: the
    /// wrapped key only unwraps under the same label, so keys can't be swapped between
    /// collections.
    pub fn wrap<R: CryptoRng + ?Sized>(&self, key: &DataKey, label: &str, rng: &mut R) -> Result<WrappedKey, Error> {
        let mut out = [0u8; WRAPPED_LEN];
        out[0] = VERSION;
        let p = self.params();
        out[1..5].copy_from_slice(&p.m_kib.to_be_bytes());
        out[5..9].copy_from_slice(&p.t.to_be_bytes());
        out[9..13].copy_from_slice(&p.p.to_be_bytes());
        out[13..29].copy_from_slice(self.salt());
        rng.fill_bytes(&mut out[29..41]);
        let aad = wrap_aad(&out, label)?;
        let nonce: [u8; 12] = out[29..41].try_into().map_err(|_| Error::Unwrap)?;
        let ct = Aes256Gcm::new(&(*self.key()).into())
            .encrypt(&nonce.into(), Payload { msg: &key.0, aad: &aad })
            .map_err(|_| Error::Unwrap)?;
        out[41..].copy_from_slice(&ct);
        Ok(WrappedKey(out))
    }

    /// Decrypts a wrapped key. Fails with the coarse [`Error::Unwrap`] for a wrong
    /// passphrase, another label or any damage.
    pub fn unwrap(&self, wrapped: &WrappedKey, label: &str) -> Result<DataKey, Error> {
        let w = &wrapped.0;
        let aad = wrap_aad(w, label)?;
        let nonce: [u8; 12] = w[29..41].try_into().map_err(|_| Error::Unwrap)?;
        let plain = Zeroizing::new(
            Aes256Gcm::new(&(*self.key()).into())
                .decrypt(&nonce.into(), Payload { msg: &w[41..], aad: &aad })
                .map_err(|_| Error::Unwrap)?,
        );
        let mut key = [0u8; 32];
        key.copy_from_slice(plain.get(..32).ok_or(Error::Unwrap)?);
        Ok(DataKey(key))
    }
}

/// Derives the KEK from `passphrase` with the parameters stored in `wrapped`, and unwraps.
pub fn unlock(passphrase: &[u8], wrapped: &WrappedKey, label: &str) -> Result<DataKey, Error> {
    Kek::derive(passphrase, wrapped.params(), wrapped.salt())?.unwrap(wrapped, label)
}

fn wrap_aad(wrapped: &[u8; WRAPPED_LEN], label: &str) -> Result<Vec<u8>, Error> {
    let mut aad = [WRAP_DOMAIN, &wrapped[..29]].concat();
    push_field(&mut aad, "label", label.as_bytes())?;
    Ok(aad)
}
