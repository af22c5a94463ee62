//! The RFC 9180 key schedule (mode base) and the encryption context it yields.

use aes_gcm::Aes256Gcm;
use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{Error, labeled};

/// The AEAD, by its RFC 9180 id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Aead {
    /// AES-256-GCM.
    Aes256Gcm = 0x0002,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305 = 0x0003,
}

/// Tag length of both AEADs.
pub const TAG_LEN: usize = 16;

const NONCE_LEN: usize = 12;

/// An HPKE encryption context: the sender seals with it, the recipient opens, message by
/// message (each uses the next nonce), and both can export secrets.
///
/// Wiped on drop; not `Debug` or `Clone` (a cloned context would reuse nonces).
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Context {
    #[zeroize(skip)]
    aead: Aead,
    key: [u8; 32],
    base_nonce: [u8; NONCE_LEN],
    exporter_secret: [u8; 32],
    seq: u64,
}

impl Context {
    /// `KeyScheduleS/R` for mode base (no PSK).
    pub(super) fn base(aead: Aead, shared_secret: &[u8; 32], info: &[u8]) -> Self {
        let suite = suite_id(aead);
        let (psk_id_hash, _) = labeled::extract(&suite, b"", b"psk_id_hash", b"");
        let (info_hash, _) = labeled::extract(&suite, b"", b"info_hash", info);
        let mut context = [0u8; 65];
        // context[0] = mode_base = 0.
        context[1..33].copy_from_slice(psk_id_hash.as_ref());
        context[33..].copy_from_slice(info_hash.as_ref());
        let (_, secret) = labeled::extract(&suite, shared_secret, b"secret", b"");
        let mut out = Self { aead, key: [0; 32], base_nonce: [0; NONCE_LEN], exporter_secret: [0; 32], seq: 0 };
        labeled::fixed(&secret, &suite, b"key", &context, &mut out.key);
        labeled::fixed(&secret, &suite, b"base_nonce", &context, &mut out.base_nonce);
        labeled::fixed(&secret, &suite, b"exp", &context, &mut out.exporter_secret);
        out
    }

    /// Encrypts `buffer` in place with the next nonce and returns the tag (which follows the
    /// ciphertext on the wire).
    pub fn seal_in_place(&mut self, aad: &[u8], buffer: &mut [u8]) -> Result<[u8; TAG_LEN], Error> {
        let nonce = self.next_nonce()?;
        let tag = match self.aead {
            Aead::ChaCha20Poly1305 => ChaCha20Poly1305::new((&self.key).into())
                .encrypt_inout_detached(&nonce.into(), aad, buffer.into())
                .map(Into::into),
            Aead::Aes256Gcm => Aes256Gcm::new((&self.key).into())
                .encrypt_inout_detached(&nonce.into(), aad, buffer.into())
                .map(Into::into),
        };
        // Only a plaintext beyond the AEAD's limit (2^38 bytes) fails.
        tag.map_err(|_| Error::MessageLimit)
    }

    /// `Seal(aad, pt)`: ciphertext followed by the tag.
    pub fn seal(&mut self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(plaintext.len() + TAG_LEN);
        out.extend_from_slice(plaintext);
        let tag = self.seal_in_place(aad, &mut out)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// `Open(aad, ct)`: the plaintext, if `ciphertext` (with its tag) authenticates.
    pub fn open(&mut self, aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, Error> {
        let split = ciphertext.len().checked_sub(TAG_LEN).ok_or(Error::Open)?;
        let (body, tag) = ciphertext.split_at(split);
        let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| Error::Open)?;
        let nonce = self.next_nonce()?;
        let mut out = body.to_vec();
        let opened = match self.aead {
            Aead::ChaCha20Poly1305 => ChaCha20Poly1305::new((&self.key).into()).decrypt_inout_detached(
                &nonce.into(),
                aad,
                out.as_mut_slice().into(),
                &tag.into(),
            ),
            Aead::Aes256Gcm => Aes256Gcm::new((&self.key).into()).decrypt_inout_detached(
                &nonce.into(),
                aad,
                out.as_mut_slice().into(),
                &tag.into(),
            ),
        };
        opened.map_err(|_| Error::Open)?;
        Ok(out)
    }

    /// `Export(exporter_context, L)` into `out` (L = `out.len()`, at most 255 × 32).
    pub fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), Error> {
        let prk = Hkdf::<Sha256>::from_prk(&self.exporter_secret).map_err(|_| Error::ExportLength)?;
        labeled::expand(&prk, &suite_id(self.aead), b"sec", exporter_context, out)
    }

    /// `ComputeNonce(seq)` and `IncrementSeq()`.
    fn next_nonce(&mut self) -> Result<[u8; NONCE_LEN], Error> {
        let mut nonce = self.base_nonce;
        for (n, s) in nonce[NONCE_LEN - 8..].iter_mut().zip(self.seq.to_be_bytes()) {
            *n ^= s;
        }
        self.seq = self.seq.checked_add(1).ok_or(Error::MessageLimit)?;
        Ok(nonce)
    }
}

/// The HPKE `suite_id`: "HPKE" || kem_id || kdf_id || aead_id.
fn suite_id(aead: Aead) -> [u8; 10] {
    let [hi, lo] = (aead as u16).to_be_bytes();
    [b'H', b'P', b'K', b'E', 0x00, 0x20, 0x00, 0x01, hi, lo]
}
