//! [`Keypair`]: the secret half of an identity.

use ed25519_dalek::{Signer, SigningKey};
use rand_core::CryptoRng;
use zeroize::{Zeroizing, ZeroizeOnDrop};

use super::{AgentId, SIGNATURE_LEN};

/// An agent's Ed25519 identity keypair.
///
/// The secret is wiped from memory on drop and has no `Debug`, so it can't end up in a log.
pub struct Keypair {
    signing: SigningKey,
    id: AgentId,
}

// SigningKey zeroizes itself on drop; AgentId is public.
impl ZeroizeOnDrop for Keypair {}

impl Keypair {
    /// Creates a fresh identity from the caller's cryptographic RNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        Self::from_secret_bytes(&seed)
    }

    /// Restores an identity from its 32-byte secret seed (RFC 8032 private key).
    pub fn from_secret_bytes(seed: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(seed);
        let public = signing.verifying_key().to_bytes();
        // A key derived by clamping is never of small order, so this can't fail.
        let id = AgentId::from_bytes(public).unwrap_or_else(|_| unreachable!("derived keys are valid"));
        Self { signing, id }
    }

    /// The 32-byte secret seed, for storing in the vault. Wiped when the return value drops.
    pub fn to_secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    /// This agent's public identity.
    pub fn agent_id(&self) -> AgentId {
        self.id
    }

    /// Signs `message` (Ed25519, deterministic).
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.signing.sign(message).to_bytes()
    }
}
