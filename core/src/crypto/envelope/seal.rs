//! Sealing: the sender's side.

use std::borrow::Cow;

use rand_core::CryptoRng;

use super::{HEADER_LEN, Header, INFO, INNER_FIXED_LEN, MessageId, Suite, TAG_LEN, signature_input};
use crate::crypto::hpke::{self, PublicKey};
use crate::crypto::prekey::{self, Bundle, VerifiedBundle};
use crate::identity::{AgentId, Keypair};

/// A sealed envelope, ready for the relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    bytes: Vec<u8>,
    header: Header,
}

impl Envelope {
    /// The wire bytes: header then ciphertext.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// The wire bytes, borrowed.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The cleartext header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Who can open it.
    pub fn recipient(&self) -> AgentId {
        self.header.recipient
    }
}

impl From<Envelope> for Vec<u8> {
    fn from(e: Envelope) -> Self {
        e.bytes
    }
}

/// Choices for [`seal_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The AEAD.
    pub suite: Suite,
    /// Seal to the bundle's first one-time prekey if it has one (better forward secrecy: the
    /// recipient deletes it after opening). Only for a bundle the relay handed to this sender
    /// alone, and only for one envelope: a second envelope to the same one-time key fails.
    pub one_time: bool,
}

/// Why an envelope could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The recipient's bundle did not verify at the message timestamp.
    #[error("recipient bundle refused: {0}")]
    Bundle(#[from] prekey::Error),
    /// HPKE refused the recipient's key (a low-order X25519 point).
    #[error("recipient prekey is unusable")]
    Encapsulation,
    /// The content is too large for the AEAD.
    #[error("content too large to seal")]
    TooLarge,
}

/// What an envelope can be sealed to: a [`Bundle`] (its signatures are verified on every
/// seal) or a [`VerifiedBundle`] (verified once, when it was made; cheaper per message).
/// Either way the bundle's lifetime is checked at the message timestamp.
pub trait Recipient: sealed::Sealed {
    /// Checks the bundle for a message stamped `timestamp` and hands it over.
    fn checked(&self, timestamp: u64) -> Result<&Bundle, prekey::Error>;
}

impl Recipient for Bundle {
    fn checked(&self, timestamp: u64) -> Result<&Bundle, prekey::Error> {
        self.verify(timestamp)?;
        Ok(self)
    }
}

impl Recipient for VerifiedBundle {
    fn checked(&self, timestamp: u64) -> Result<&Bundle, prekey::Error> {
        self.check_time(timestamp)?;
        Ok(self.bundle())
    }
}

mod sealed {
    use super::{Bundle, Cow, PublicKey, VerifiedBundle};

    /// Also where the signed prekey comes from, ready for X25519: private, so callers can't
    /// pair a bundle with some other key.
    pub trait Sealed {
        fn signed_prekey(&self) -> Cow<'_, PublicKey>;
    }

    impl Sealed for Bundle {
        fn signed_prekey(&self) -> Cow<'_, PublicKey> {
            Cow::Owned(PublicKey::from_bytes(*self.public()))
        }
    }

    impl Sealed for VerifiedBundle {
        fn signed_prekey(&self) -> Cow<'_, PublicKey> {
            Cow::Borrowed(VerifiedBundle::signed_prekey(self))
        }
    }
}

/// Seals `content` from `sender` to the agent that published `recipient`, with the default
/// [`Options`] (ChaCha20-Poly1305, signed prekey).
///
/// The bundle is checked at `timestamp` (see [`Recipient`]), so an expired or forged bundle is refused here
/// rather than producing an envelope nobody can open.
pub fn seal<R: CryptoRng + ?Sized>(
    sender: &Keypair,
    recipient: &(impl Recipient + ?Sized),
    message_id: MessageId,
    timestamp: u64,
    content: &[u8],
    rng: &mut R,
) -> Result<Envelope, SealError> {
    seal_with(Options::default(), sender, recipient, message_id, timestamp, content, rng)
}

/// [`seal`] with explicit [`Options`].
pub fn seal_with<R: CryptoRng + ?Sized>(
    options: Options,
    sender: &Keypair,
    recipient: &(impl Recipient + ?Sized),
    message_id: MessageId,
    timestamp: u64,
    content: &[u8],
    rng: &mut R,
) -> Result<Envelope, SealError> {
    let bundle = recipient.checked(timestamp)?;
    let (prekey_id, public) = match bundle.one_time().first() {
        Some(k) if options.one_time => (k.id, Cow::Owned(PublicKey::from_bytes(k.public))),
        _ => (bundle.prekey_id(), recipient.signed_prekey()),
    };
    let aead = match options.suite {
        Suite::ChaCha20Poly1305 => hpke::Aead::ChaCha20Poly1305,
        Suite::Aes256Gcm => hpke::Aead::Aes256Gcm,
    };
    let (enc, mut ctx) = hpke::setup_sender(aead, &public, INFO, rng).map_err(|_| SealError::Encapsulation)?;
    let header = Header { suite: options.suite, recipient: bundle.agent_id(), prekey_id, enc };
    let header_bytes = header.to_bytes();

    let sender_id = sender.agent_id();
    let signature = sender.sign(&signature_input(&header_bytes, sender_id.as_bytes(), &message_id, timestamp, content));
    // Header, then the inner message, encrypted in place, then the tag: one buffer, no copies.
    let mut bytes = Vec::with_capacity(HEADER_LEN + INNER_FIXED_LEN + content.len() + TAG_LEN);
    for part in [&header_bytes[..], sender_id.as_bytes(), &message_id.0, &timestamp.to_be_bytes(), &signature, content] {
        bytes.extend_from_slice(part);
    }
    let tag = ctx.seal_in_place(&header_bytes, &mut bytes[HEADER_LEN..]).map_err(|_| SealError::TooLarge)?;
    bytes.extend_from_slice(&tag);
    Ok(Envelope { bytes, header })
}
