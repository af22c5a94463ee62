//! X25519 key pairs and public keys, in the forms HPKE needs them.

use curve25519_dalek::{EdwardsPoint, MontgomeryPoint};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::labeled;

/// An X25519 key pair: the secret scalar (clamped, RFC 9180 `SerializePrivateKey`) and its
/// public key, kept together so the public key is computed once rather than on every use.
///
/// Wiped on drop; deliberately not `Debug` or `Clone`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Keypair {
    secret: [u8; 32],
    public: [u8; 32],
}

impl Keypair {
    /// RFC 9180 `DeriveKeyPair(ikm)` for DHKEM(X25519, HKDF-SHA256).
    pub fn derive(ikm: &[u8]) -> Self {
        Self::from_secret_bytes(&derive_secret(ikm))
    }

    /// The key pair of a stored secret (clamped here if it is not).
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Self {
        let secret = curve25519_dalek::scalar::clamp_integer(*secret);
        let public = MontgomeryPoint::mul_base_clamped(secret).to_bytes();
        Self { secret, public }
    }

    /// The public key.
    pub fn public(&self) -> &[u8; 32] {
        &self.public
    }

    /// The clamped secret scalar, for storage.
    pub fn secret_bytes(&self) -> &[u8; 32] {
        &self.secret
    }
}

/// `DeriveKeyPair`'s secret half: `LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32)`,
/// clamped.
pub(super) fn derive_secret(ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut secret = labeled::derive_secret(ikm);
    *secret = curve25519_dalek::scalar::clamp_integer(*secret);
    secret
}

/// A peer's X25519 public key, prepared for Diffie-Hellman.
///
/// X25519 on the Montgomery ladder runs on scalar field arithmetic only; the same product on
/// the birationally equivalent Edwards curve uses curve25519-dalek's vector backends
/// (AVX2, AVX-512 IFMA, detected at run time), about twice as fast on such CPUs. Preparing
/// costs a field inversion and a square root, so a key used many times (a verified bundle's
/// signed prekey) is prepared once. A key that is not on the curve but on its twist has no
/// Edwards form; X25519 is still defined for it and falls back to the ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
    edwards: Option<EdwardsPoint>,
}

impl PublicKey {
    /// Prepares the key with these bytes (any 32 bytes are an X25519 public key).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        // Either sign works: X25519 only outputs the u-coordinate, the same for P and -P.
        Self { bytes, edwards: MontgomeryPoint(bytes).to_edwards(0) }
    }

    /// The key's bytes, as given.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    pub(super) fn edwards(&self) -> Option<&EdwardsPoint> {
        self.edwards.as_ref()
    }
}
