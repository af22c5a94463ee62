//! Sealing: the sender's side.

use hpke::aead::{Aead, AesGcm256, ChaCha20Poly1305};
use hpke::{Deserializable, Kem, OpModeS, Serializable};
use rand_core::CryptoRng;

use super::{Header, INFO, MessageId, Suite, signature_input};
use crate::crypto::hpke_suite::{KdfImpl, KemImpl};
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
    pub trait Sealed {}
    impl Sealed for super::Bundle {}
    impl Sealed for super::VerifiedBundle {}
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
    let recipient = recipient.checked(timestamp)?;
    let (prekey_id, public) = match recipient.one_time().first() {
        Some(k) if options.one_time => (k.id, k.public),
        _ => (recipient.prekey_id(), *recipient.public()),
    };
    let input = Input { sender, recipient: recipient.agent_id(), prekey_id, public, message_id, timestamp, content };
    match options.suite {
        Suite::ChaCha20Poly1305 => seal_suite::<ChaCha20Poly1305, R>(Suite::ChaCha20Poly1305, input, rng),
        Suite::Aes256Gcm => seal_suite::<AesGcm256, R>(Suite::Aes256Gcm, input, rng),
    }
}

struct Input<'a> {
    sender: &'a Keypair,
    recipient: AgentId,
    prekey_id: prekey::Id,
    public: [u8; 32],
    message_id: MessageId,
    timestamp: u64,
    content: &'a [u8],
}

fn seal_suite<A: Aead, R: CryptoRng + ?Sized>(suite: Suite, input: Input<'_>, rng: &mut R) -> Result<Envelope, SealError> {
    let public = <KemImpl as Kem>::PublicKey::from_bytes(&input.public).map_err(|_| SealError::Encapsulation)?;
    let mut rng = Unsized(rng);
    let (enc, mut ctx) = hpke::setup_sender_with_rng::<A, KdfImpl, KemImpl>(&OpModeS::Base, &public, INFO, &mut rng)
        .map_err(|_| SealError::Encapsulation)?;
    let mut enc_bytes = [0u8; 32];
    enc_bytes.copy_from_slice(&enc.to_bytes());
    let header = Header { suite, recipient: input.recipient, prekey_id: input.prekey_id, enc: enc_bytes };
    let header_bytes = header.to_bytes();

    let sender = input.sender.agent_id();
    let signature = input.sender.sign(&signature_input(
        &header_bytes,
        sender.as_bytes(),
        &input.message_id,
        input.timestamp,
        input.content,
    ));
    let inner = [
        sender.as_bytes().as_slice(),
        &input.message_id.0,
        &input.timestamp.to_be_bytes(),
        &signature,
        input.content,
    ]
    .concat();
    // The only failure is the per-context message limit; this context seals once.
    let ciphertext = ctx.seal(&inner, &header_bytes).map_err(|_| SealError::Encapsulation)?;
    let bytes = [header_bytes.as_slice(), &ciphertext].concat();
    Ok(Envelope { bytes, header })
}

/// hpke wants a sized RNG; ours may be `dyn`.
struct Unsized<'a, R: ?Sized>(&'a mut R);

impl<R: CryptoRng + ?Sized> rand_core::TryRng for Unsized<'_, R> {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0.next_u32())
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}

impl<R: CryptoRng + ?Sized> rand_core::TryCryptoRng for Unsized<'_, R> {}
