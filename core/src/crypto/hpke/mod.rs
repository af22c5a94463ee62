//! HPKE (RFC 9180) in the one configuration agentnet uses: mode base, DHKEM(X25519,
//! HKDF-SHA256), HKDF-SHA256, and ChaCha20-Poly1305 or AES-256-GCM.
//!
//! Written here rather than called through the `hpke` crate for speed: that crate derives
//! public keys from secrets on every use (the ephemeral one twice per encapsulation, the
//! recipient's on every decapsulation), each a full base-point multiplication, and runs X25519
//! on the Montgomery ladder, which has no vector backend. Here the recipient's [`Keypair`]
//! keeps its public key, and X25519 uses the Edwards form of the peer's key (see
//! [`PublicKey`]). The output is the same bytes: the `hpke` crate stays the reference, and the
//! RFC 9180 vectors and the cross-implementation tests run against both.

mod context;
mod keys;
mod labeled;
mod x25519;

pub use context::{Aead, Context, TAG_LEN};
pub use keys::{Keypair, PublicKey};

use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// Length of an X25519 public key, and so of the encapsulated key.
pub const ENC_LEN: usize = 32;

/// Why an HPKE operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// X25519 gave the all-zero value: the peer's key is of low order (RFC 9180 §7.1.4).
    #[error("X25519 public key of low order")]
    LowOrderKey,
    /// The ciphertext did not authenticate.
    #[error("ciphertext did not authenticate")]
    Open,
    /// The context's sequence number is exhausted.
    #[error("message limit of the HPKE context reached")]
    MessageLimit,
    /// More exporter output asked than HKDF-SHA256 can give (255 × 32 bytes).
    #[error("exporter output too long")]
    ExportLength,
}

/// RFC 9180 `SetupBaseS`: encapsulates to `recipient` with a fresh ephemeral key and returns
/// the encapsulated key with the sender's context.
///
/// The ephemeral key is `DeriveKeyPair` of 32 bytes from `rng`, as the `hpke` crate does it,
/// so a given RNG yields the same envelope with either implementation.
pub fn setup_sender<R: CryptoRng + ?Sized>(
    aead: Aead,
    recipient: &PublicKey,
    info: &[u8],
    rng: &mut R,
) -> Result<([u8; ENC_LEN], Context), Error> {
    let mut ikm = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(ikm.as_mut());
    let ephemeral = keys::derive_secret(ikm.as_ref());
    let (enc, dh) = x25519::ephemeral(&ephemeral, recipient)?;
    let shared = labeled::shared_secret(&dh, &enc, recipient.as_bytes());
    Ok((enc, Context::base(aead, &shared, info)))
}

/// RFC 9180 `SetupBaseR`: decapsulates `enc` with the recipient's key pair.
pub fn setup_receiver(aead: Aead, enc: &[u8; ENC_LEN], recipient: &Keypair, info: &[u8]) -> Result<Context, Error> {
    let dh = x25519::diffie_hellman(recipient.secret_bytes(), &PublicKey::from_bytes(*enc))?;
    let shared = labeled::shared_secret(&dh, enc, recipient.public());
    Ok(Context::base(aead, &shared, info))
}
