//! [`Secret`]: one X25519 prekey secret with its public key and lifetime.

use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::Id;
use crate::crypto::hpke::Keypair;

/// An X25519 prekey secret. Wiped on drop; deliberately not `Debug` or `Clone`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    id: Id,
    keypair: Keypair,
    created: u64,
    expires: u64,
    /// When it stopped being the current signed prekey; `None` while current or one-time.
    retired: Option<u64>,
}

impl Secret {
    pub(super) fn generate<R: CryptoRng + ?Sized>(id: Id, created: u64, expires: u64, rng: &mut R) -> Self {
        let mut ikm = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(ikm.as_mut());
        Self { id, keypair: Keypair::derive(ikm.as_ref()), created, expires, retired: None }
    }

    /// The prekey id.
    pub fn id(&self) -> Id {
        self.id
    }

    /// The X25519 public key.
    pub fn public(&self) -> &[u8; 32] {
        self.keypair.public()
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

    /// A secret exactly as it was stored ([`super::Ring::to_bytes`]); `None` if the
    /// stored public key is not the secret's.
    pub(super) fn from_parts(id: Id, secret: &[u8; 32], public: [u8; 32], created: u64, expires: u64, retired: Option<u64>) -> Option<Self> {
        let keypair = Keypair::from_secret_bytes(secret);
        (*keypair.public() == public).then_some(Self { id, keypair, created, expires, retired })
    }

    pub(crate) fn secret_bytes(&self) -> &[u8; 32] {
        self.keypair.secret_bytes()
    }

    pub(crate) fn keypair(&self) -> &Keypair {
        &self.keypair
    }
}
