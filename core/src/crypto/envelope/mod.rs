//! The envelope: one agent-to-agent message, sealed to the recipient's prekey with HPKE
//! (RFC 9180) and signed by the sender's identity inside the ciphertext ("sealed sender").
//!
//! Outside, only the [`Header`] shows: version, suite, recipient, prekey id and the HPKE
//! encapsulated key. The relay routes on the recipient and learns nothing else. Inside:
//!
//! ```text
//! offset size
//!      0   32  sender agent id
//!     32   16  message id
//!     48    8  timestamp (unix seconds, big-endian)
//!     56   64  Ed25519 signature by the sender over
//!              SIGNATURE_DOMAIN || header || sender || message id || timestamp || content
//!    120    *  content
//! ```
//!
//! HPKE: mode base, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, and the AEAD named by the suite
//! byte; `info` = [`INFO`], `aad` = the 70 header bytes. The signature covers the header, so
//! the message is bound to this recipient, prekey and encapsulation: it can't be re-sealed to
//! someone else or re-sent as new (the [`SeenIds`](crate::crypto::replay::SeenIds) catch
//! exact replays, the timestamp window old ones).

mod header;
mod message_id;
mod open;
mod seal;

pub use header::{HEADER_LEN, Header, Suite, VERSION};
pub use message_id::MessageId;
pub use open::{OpenError, Opened, open};
pub use seal::{Envelope, Options, Recipient, SealError, seal, seal_with};

/// The HPKE `info` string: fixed, so keys derived for envelopes can't collide with any other
/// use of the same prekey.
pub const INFO: &[u8] = b"agentnet/v1/envelope";

/// Prefix of the sender's signature input.
pub const SIGNATURE_DOMAIN: &[u8] = b"agentnet/v1/envelope-signature";

/// How far in the future an envelope's timestamp may be (clock skew between devices).
pub const MAX_FUTURE_SKEW: u64 = 5 * 60;

/// Bytes of the plaintext before the content: sender, message id, timestamp, signature.
pub const INNER_FIXED_LEN: usize = 32 + 16 + 8 + 64;

/// AEAD tag length (both suites).
pub const TAG_LEN: usize = 16;

/// The smallest possible envelope: header, inner fixed part, tag.
pub const MIN_LEN: usize = HEADER_LEN + INNER_FIXED_LEN + TAG_LEN;

fn signature_input(header: &[u8], sender: &[u8; 32], id: &MessageId, timestamp: u64, content: &[u8]) -> Vec<u8> {
    [SIGNATURE_DOMAIN, header, sender, &id.0, &timestamp.to_be_bytes(), content].concat()
}
