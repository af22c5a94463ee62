//! [`Secret`]: one X25519 prekey secret with its public key and lifetime.

use hpke::{Kem, Serializable};
use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::Id;
use crate::crypto::hpke_suite::KemImpl;

/// An X25519 prekey secret. Wiped on drop; deliberately not `Debug` or `Clone`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    id: Id,
    secret: [u8; 32],
    public: [u8; 32],
    created: u64,
    expires: u64,
    /// When it stopped being the current signed prekey; `None` while current or one-time.
    retired: Option<u64>,
}

impl Secret {
    pub(super) fn generate<R: CryptoRng + ?Sized>(id: Id, created: u64, expires: u64, rng: &mut R) -> Self {
        let mut ikm = [0u8; 32];
        rng.fill_bytes(&mut ikm);
        let (sk, pk) = KemImpl::derive_keypair(&ikm);
        ikm.zeroize();
        let mut secret = [0u8; 32];
        secret.copy_from_slice(&sk.to_bytes());
        let mut public = [0u8; 32];
        public.copy_from_slice(&pk.to_bytes());
        Self { id, secret, public, created, expires, retired: None }
    }

    /// The prekey id.
    pub fn id(&self) -> Id {
        self.id
    }

    /// The X25519 public key.
    pub fn public(&self) -> &[u8; 32] {
        &self.public
    }

    /// Creation time, unix seconds.
    pub fn created(&self) -> u64 {
        self.created
    }

    /// End of the advertised validity, unix seconds (0 for one-time prekeys: no expiry).
    pub fn expires(&self) -> u64 {
        self.expires
    }

    /// When this key was retired, if it has been.
    pub fn retired(&self) -> Option<u64> {
        self.retired
    }

    pub(super) fn retire(&mut self, now: u64) {
        self.retired = Some(now);
    }

    /// A secret exactly as it was stored ([`super::Ring::to_bytes`]).
    pub(super) fn from_parts(id: Id, secret: [u8; 32], public: [u8; 32], created: u64, expires: u64, retired: Option<u64>) -> Self {
        Self { id, secret, public, created, expires, retired }
    }

    pub(crate) fn secret_bytes(&self) -> &[u8; 32] {
        &self.secret
    }
}
