//! Opening: the recipient's side.

use super::{HEADER_LEN, Header, INFO, INNER_FIXED_LEN, MAX_FUTURE_SKEW, MessageId, Suite, signature_input};
use crate::crypto::hpke;
use crate::crypto::prekey::{self, Ring};
use crate::crypto::replay::SeenIds;
use crate::identity::AgentId;

/// An opened, authenticated envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The sender, proven by its signature.
    pub sender: AgentId,
    /// The sender's message id.
    pub message_id: MessageId,
    /// When the sender sealed it (unix seconds, the sender's clock).
    pub timestamp: u64,
    /// The content.
    pub plaintext: Vec<u8>,
}

/// Why an envelope was refused.
///
/// Header problems, recipient and prekey problems, signature, timing and replay each have
/// their own variant. Everything about the ciphertext itself is one coarse
/// [`OpenError::Decrypt`] on purpose: an attacker probing with modified envelopes must not
/// learn which step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// Shorter than the smallest possible envelope.
    #[error("envelope is {len} bytes, the minimum is {min}")]
    Truncated {
        /// Bytes given.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// An envelope version this code does not know.
    #[error("envelope version {0} is not supported")]
    UnsupportedVersion(u8),
    /// A suite byte this code does not know.
    #[error("envelope suite {0:#04x} is not supported")]
    UnknownSuite(u8),
    /// The recipient field is not a valid agent id.
    #[error("envelope recipient is not a valid agent id")]
    InvalidRecipient,
    /// Sealed to another agent.
    #[error("envelope is for {got}, not for {expected}")]
    WrongRecipient {
        /// Us.
        expected: AgentId,
        /// The recipient it names.
        got: AgentId,
    },
    /// Sealed to a prekey this agent never had or already deleted (e.g. a used one-time key).
    #[error("prekey {id} is unknown")]
    UnknownPrekey {
        /// The prekey id in the header.
        id: prekey::Id,
    },
    /// Sealed to a prekey retired for longer than the grace period: its secret is gone.
    #[error("prekey {id} expired at {until} (grace period over)")]
    PrekeyExpired {
        /// The prekey id in the header.
        id: prekey::Id,
        /// End of its grace period.
        until: u64,
    },
    /// The ciphertext did not decrypt (tampered, truncated, or not for this key).
    #[error("envelope could not be decrypted")]
    Decrypt,
    /// The sender's signature is invalid: forged, or moved from another envelope.
    #[error("signature of claimed sender {claimed} does not verify")]
    BadSignature {
        /// The sender the envelope claims.
        claimed: AgentId,
    },
    /// Stamped too far in the future.
    #[error("envelope stamped {timestamp} is in the future (now {now})")]
    FromFuture {
        /// Its timestamp.
        timestamp: u64,
        /// Ours.
        now: u64,
    },
    /// Older than the envelope age limit (the prekey grace period).
    #[error("envelope stamped {timestamp} is older than {max_age} s (now {now})")]
    TooOld {
        /// Its timestamp.
        timestamp: u64,
        /// Ours.
        now: u64,
        /// The limit.
        max_age: u64,
    },
    /// Already opened (or too old to tell, see [`SeenIds`]).
    #[error("message {message_id} from {sender} was already received")]
    Replay {
        /// The sender.
        sender: AgentId,
        /// The message id.
        message_id: MessageId,
    },
}

/// Opens an envelope sealed to one of `ring`'s prekeys.
///
/// Checks, in order: header, recipient, prekey (incl. grace period), decryption, sender
/// signature, timestamp window (`now` ± [`MAX_FUTURE_SKEW`] / [`prekey::Policy::grace`]),
/// replay. Only a fully valid envelope is recorded in `seen` and consumes a one-time prekey.
pub fn open(ring: &mut Ring, envelope: &[u8], now: u64, seen: &mut SeenIds) -> Result<Opened, OpenError> {
    let header = Header::parse(envelope)?;
    if header.recipient != ring.agent_id() {
        return Err(OpenError::WrongRecipient { expected: ring.agent_id(), got: header.recipient });
    }
    let id = header.prekey_id;
    let secret = ring.lookup(id, now).map_err(|e| match e {
        prekey::ring::Lookup::Unknown => OpenError::UnknownPrekey { id },
        prekey::ring::Lookup::Expired { until } => OpenError::PrekeyExpired { id, until },
    })?;
    let (head, ciphertext) = envelope.split_at(HEADER_LEN);
    let aead = match header.suite {
        Suite::ChaCha20Poly1305 => hpke::Aead::ChaCha20Poly1305,
        Suite::Aes256Gcm => hpke::Aead::Aes256Gcm,
    };
    let inner = hpke::setup_receiver(aead, &header.enc, secret.keypair(), INFO)
        .and_then(|mut ctx| ctx.open(head, ciphertext))
        .map_err(|_| OpenError::Decrypt)?;
    if inner.len() < INNER_FIXED_LEN {
        return Err(OpenError::Decrypt);
    }
    let (fixed, content) = inner.split_at(INNER_FIXED_LEN);
    let sender_bytes: [u8; 32] = prekey::bundle::array(&fixed[..32]);
    let message_id = MessageId(prekey::bundle::array(&fixed[32..48]));
    let timestamp = prekey::bundle::be_u64(&fixed[48..56]);
    let signature: [u8; 64] = prekey::bundle::array(&fixed[56..120]);
    // A sender id that is not a valid key can't have signed anything.
    let (sender, key) = AgentId::with_key(sender_bytes).map_err(|_| OpenError::Decrypt)?;
    // Same check as `AgentId::verify`, without decompressing the key a second time.
    key.verify_strict(
        &signature_input(head, &sender_bytes, &message_id, timestamp, content),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .map_err(|_| OpenError::BadSignature { claimed: sender })?;

    if timestamp > now.saturating_add(MAX_FUTURE_SKEW) {
        return Err(OpenError::FromFuture { timestamp, now });
    }
    let max_age = ring.policy().grace;
    if now.saturating_sub(timestamp) > max_age {
        return Err(OpenError::TooOld { timestamp, now, max_age });
    }
    seen.prune(now.saturating_sub(max_age));
    if !seen.is_fresh(&sender, &message_id, timestamp) {
        return Err(OpenError::Replay { sender, message_id });
    }
    seen.insert(sender, message_id, timestamp);
    ring.consume_one_time(id);
    Ok(Opened { sender, message_id, timestamp, plaintext: content.to_vec() })
}
