//! The client <-> relay frames: one enum per direction, binary, versioned.
//!
//! # Flow
//!
//! 1. The client opens a WebSocket to the relay's `/ws`. The relay speaks first with
//!    [`RelayToClient::ServerHello`]: the wire versions it speaks and its frame size
//!    limit. (Speaking first lets a client that shares no version give up at once.)
//! 2. The client sends [`ClientToRelay::Hello`] with its agent id (its Ed25519 public
//!    key) and, where the deployment asks for one, an OIDC / Firebase ID token.
//! 3. The relay answers [`RelayToClient::Challenge`]: 32 fresh random bytes, valid for
//!    this connection only.
//! 4. The client sends [`ClientToRelay::Auth`]: an Ed25519 signature over
//!    [`auth_message`]`(origin, nonce, agent_id)`. The origin is the relay URL the
//!    *client* dialled, so a signature obtained by a malicious relay cannot be replayed
//!    to another one, and the domain separator keeps it from meaning anything else.
//! 5. The relay answers [`RelayToClient::Welcome`] (with the number of messages waiting
//!    in the mailbox), then delivers every waiting message in order with
//!    [`RelayToClient::Deliver`]. The client answers each with
//!    [`ClientToRelay::DeliverAck`]; only then does the relay delete it.
//! 6. The logged-in connection receives: it publishes the agent's prekeys
//!    ([`ClientToRelay::PublishPrekeys`]) and the hashes of the delivery keys it gave out
//!    ([`ClientToRelay::DeliveryKeys`]), and may opt in to presence
//!    ([`ClientToRelay::PresenceAllow`], [`ClientToRelay::PresenceSubscribe`]).
//! 7. Sending goes on a second connection that never says Hello (sealed sender): after
//!    ServerHello the client sends [`ClientToRelay::Send`] with the recipient's delivery
//!    key and [`ClientToRelay::FetchPrekeys`]. The relay answers [`RelayToClient::Ack`]
//!    ([`AckStatus::Stored`], the same whether the recipient is online or not) or
//!    `Error SendRefused` when the key is not one the recipient published (the same
//!    answer for an unknown recipient). A stored message stays until the recipient
//!    acknowledges it. The relay refuses Send on a logged-in connection and Hello on a
//!    connection that sent. Either side may [`ClientToRelay::Ping`].
//!
//! Any violation is answered with [`RelayToClient::Error`] carrying an [`ErrorCode`];
//! where the connection cannot continue the relay then closes it with a [`close`] code.
//!
//! # Layout
//!
//! Every frame is one WebSocket binary message: `version: u8`, `frame type: u8`, then
//! the fields in order. Integers are big-endian; byte strings carry a `u32` length
//! (envelopes, prekey bundles) or a `u16` length (tokens, error text); lists carry a
//! `u16` count. `docs/protocol.md` ("Wire frames") is the normative byte-level description.

mod client;
mod codec;
mod relay;

pub use client::ClientToRelay;
pub use relay::{MAX_ERROR_TEXT, RelayToClient};
use crate::text::truncate as truncate_str;

/// The versions of the wire protocol. Every frame starts with one of these bytes.
///
/// Changes:
/// - `V1` (1): first version. Frames: client `Hello` 0x01, `Auth` 0x02, `Send` 0x03,
///   `DeliverAck` 0x04, `PublishPrekeys` 0x05, `FetchPrekeys` 0x06, `PresenceAllow`
///   0x07, `PresenceSubscribe` 0x08, `Ping` 0x09, `Pong` 0x0a; relay `ServerHello` 0x01,
///   `Challenge` 0x02, `Welcome` 0x03, `Ack` 0x04, `Deliver` 0x05, `Prekeys` 0x06,
///   `PrekeysStored` 0x07, `PresenceStatus` 0x08, `Ping` 0x09, `Pong` 0x0a, `Error` 0x0b.
/// - `V2` (2): sealed sender. `Send` carries the recipient's delivery key after the
///   recipient and goes on a connection that never logs in; so does `FetchPrekeys`, which
///   carries one too (a stranger gets no bundle); new client frame `DeliveryKeys` 0x0b; `Ack` always has status 0 (stored), online or not; a refused
///   Send is answered `Error SendRefused` (16). V1 is no longer spoken.
///
/// Frame type bytes are never reused: a retired frame keeps its number forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
#[repr(u8)]
pub enum Version {
    /// The first version of the wire (no longer spoken).
    V1 = 1,
    /// Sealed sender.
    V2 = 2,
}

impl Version {
    /// The version this crate writes.
    pub const CURRENT: Version = Version::V2;

    /// The version with this number, if this crate speaks it.
    pub fn from_u8(v: u8) -> Option<Version> {
        match v {
            2 => Some(Version::V2),
            _ => None,
        }
    }
}

/// Default upper bound on the length of one frame (1 MiB), applied by [`ClientToRelay::decode`]
/// and [`RelayToClient::decode`]. Relays usually configure a lower one and announce it
/// in [`RelayToClient::ServerHello`].
pub const MAX_FRAME_LEN: usize = 1 << 20;

/// Bytes of every frame before its fields: version and frame type.
pub const HEADER_LEN: usize = 2;

/// An agent id on the wire: the 32-byte Ed25519 public key.
pub type AgentIdBytes = [u8; 32];

/// A message id chosen by the sender: 16 random bytes, used for acks and de-duplication.
pub type MessageId = [u8; 16];

/// An Ed25519 signature.
pub type SignatureBytes = [u8; 64];

/// The domain separator that starts every signed relay challenge.
pub const AUTH_CONTEXT: &[u8] = b"agentnet relay auth v1\0";

/// The exact bytes an agent signs to answer a [`RelayToClient::Challenge`]:
/// `AUTH_CONTEXT || u16 origin length || origin || nonce || agent id`.
///
/// `origin` is the relay origin the client connected to, as `scheme://host[:port]`
/// (`wss://relay.example.org`), lower-case, without a path.
pub fn auth_message(origin: &str, nonce: &[u8; 32], agent_id: &AgentIdBytes) -> Vec<u8> {
    let origin = origin.as_bytes();
    let origin = &origin[..origin.len().min(usize::from(u16::MAX))];
    let mut out = Vec::with_capacity(AUTH_CONTEXT.len() + 2 + origin.len() + 64);
    out.extend_from_slice(AUTH_CONTEXT);
    out.extend_from_slice(&(origin.len() as u16).to_be_bytes());
    out.extend_from_slice(origin);
    out.extend_from_slice(nonce);
    out.extend_from_slice(agent_id);
    out
}

/// What went wrong decoding a frame. Each variant carries what it found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The frame had no bytes at all.
    #[error("empty frame")]
    Empty,
    /// The frame is longer than the limit.
    #[error("frame is {len} bytes, limit {max}")]
    FrameTooLarge {
        /// Length of the frame.
        len: usize,
        /// The limit it exceeded.
        max: usize,
    },
    /// The version byte names a version this side does not speak.
    #[error("unsupported wire version {0}")]
    UnsupportedVersion(u8),
    /// The frame type byte is not a frame of this direction.
    #[error("unknown frame type {0:#04x}")]
    UnknownFrameType(u8),
    /// The frame ended before its fields did.
    #[error("frame truncated")]
    Truncated,
    /// Bytes were left after the last field.
    #[error("{extra} bytes after the last field")]
    TrailingBytes {
        /// How many bytes were left over.
        extra: usize,
    },
    /// A field holds a value outside its domain.
    #[error("field {field} has invalid value {value}")]
    InvalidValue {
        /// The field's name.
        field: &'static str,
        /// The value found (widened).
        value: u32,
    },
}

/// What the relay did with a Send. One value since V2: the answer must not tell a
/// sender whether the recipient is online.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u8)]
pub enum AckStatus {
    /// Stored in the recipient's mailbox until the recipient acknowledges it.
    Stored = 0,
}

impl AckStatus {
    fn from_u8(v: u8) -> Result<Self, WireError> {
        match v {
            0 => Ok(AckStatus::Stored),
            value => Err(WireError::InvalidValue { field: "status", value: u32::from(value) }),
        }
    }
}

/// Why the relay refused something, in [`RelayToClient::Error`]. Codes are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The frame could not be decoded (garbage, truncated, unknown type). Closes 1002.
    Malformed,
    /// The frame exceeds the relay's frame limit. Closes 1009.
    FrameTooLarge,
    /// The frame's version is not spoken by this relay. Closes 1002.
    UnsupportedVersion,
    /// The frame needs an authenticated connection; send Hello and Auth first.
    NotAuthenticated,
    /// The challenge signature did not verify for the claimed agent id. Closes 4001.
    AuthFailed,
    /// The ID token was missing, expired or not signed by the configured issuer. Closes 4001.
    TokenRejected,
    /// The frame is valid but not expected now (a second Hello, Auth before Hello ...).
    UnexpectedFrame,
    /// Too many frames or bytes per second; slow down. Repeated flooding closes 1008.
    RateLimited,
    /// The recipient has never connected to this relay. (V1 only: since V2 an unknown
    /// recipient gets [`ErrorCode::SendRefused`], like a wrong key.)
    UnknownRecipient,
    /// The recipient's mailbox is full (count or bytes); retry later.
    MailboxFull,
    /// The prekey bundle did not verify or is not for the sending agent.
    InvalidPrekeys,
    /// The agent already has the maximum number of connections. Closes 4005.
    TooManyConnections,
    /// A list or field exceeded a relay limit other than the frame size.
    LimitExceeded,
    /// The relay is draining for shutdown; reconnect elsewhere. Closes 1001.
    ShuttingDown,
    /// Something failed inside the relay; the message is generic on purpose.
    Internal,
    /// The Send's delivery key is not one the recipient published, or the recipient is
    /// unknown: the same answer for both, so it tells a stranger nothing.
    SendRefused,
    /// The relay holds as much waiting mail as it may (its memory budget, or Redis at its
    /// `maxmemory`); nothing stored was dropped. Retry later.
    QuotaExceeded,
    /// A code this crate does not know (from a newer relay).
    Other(u16),
}

impl ErrorCode {
    /// The code's number on the wire.
    pub fn to_u16(self) -> u16 {
        match self {
            ErrorCode::Malformed => 1,
            ErrorCode::FrameTooLarge => 2,
            ErrorCode::UnsupportedVersion => 3,
            ErrorCode::NotAuthenticated => 4,
            ErrorCode::AuthFailed => 5,
            ErrorCode::TokenRejected => 6,
            ErrorCode::UnexpectedFrame => 7,
            ErrorCode::RateLimited => 8,
            ErrorCode::UnknownRecipient => 9,
            ErrorCode::MailboxFull => 10,
            ErrorCode::InvalidPrekeys => 11,
            ErrorCode::TooManyConnections => 12,
            ErrorCode::LimitExceeded => 13,
            ErrorCode::ShuttingDown => 14,
            ErrorCode::Internal => 15,
            ErrorCode::SendRefused => 16,
            ErrorCode::QuotaExceeded => 17,
            ErrorCode::Other(n) => n,
        }
    }

    /// The code with this number; unknown numbers become [`ErrorCode::Other`].
    pub fn from_u16(n: u16) -> ErrorCode {
        match n {
            1 => ErrorCode::Malformed,
            2 => ErrorCode::FrameTooLarge,
            3 => ErrorCode::UnsupportedVersion,
            4 => ErrorCode::NotAuthenticated,
            5 => ErrorCode::AuthFailed,
            6 => ErrorCode::TokenRejected,
            7 => ErrorCode::UnexpectedFrame,
            8 => ErrorCode::RateLimited,
            9 => ErrorCode::UnknownRecipient,
            10 => ErrorCode::MailboxFull,
            11 => ErrorCode::InvalidPrekeys,
            12 => ErrorCode::TooManyConnections,
            13 => ErrorCode::LimitExceeded,
            14 => ErrorCode::ShuttingDown,
            15 => ErrorCode::Internal,
            16 => ErrorCode::SendRefused,
            17 => ErrorCode::QuotaExceeded,
            n => ErrorCode::Other(n),
        }
    }
}

impl From<&WireError> for ErrorCode {
    fn from(e: &WireError) -> Self {
        match e {
            WireError::FrameTooLarge { .. } => ErrorCode::FrameTooLarge,
            WireError::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            _ => ErrorCode::Malformed,
        }
    }
}

/// WebSocket close codes the relay uses (RFC 6455 section 7.4 plus 4000-4999 private use).
pub mod close {
    /// The relay is shutting down or draining; reconnect (with backoff) elsewhere.
    pub const GOING_AWAY: u16 = 1001;
    /// Undecodable frames or a text message.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// A text message that is not valid UTF-8.
    pub const INVALID_PAYLOAD: u16 = 1007;
    /// Repeated rate-limit violations, a disallowed origin.
    pub const POLICY_VIOLATION: u16 = 1008;
    /// A frame above the relay's limit.
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// An internal failure of the relay.
    pub const INTERNAL_ERROR: u16 = 1011;
    /// Authentication failed (bad signature or token) or did not finish in time.
    pub const AUTH_FAILED: u16 = 4001;
    /// No frame (not even a Pong) within the idle timeout.
    pub const IDLE_TIMEOUT: u16 = 4002;
    /// The client did not read its frames fast enough; its send queue overflowed.
    pub const SLOW_CONSUMER: u16 = 4004;
    /// The agent already holds the maximum number of connections.
    pub const TOO_MANY_CONNECTIONS: u16 = 4005;
}

/// Splits the header off a frame after the length and version checks every frame gets.
fn open(bytes: &[u8], max: usize) -> Result<(u8, codec::Reader<'_>), WireError> {
    if bytes.len() > max {
        return Err(WireError::FrameTooLarge { len: bytes.len(), max });
    }
    let [version, rest @ ..] = bytes else {
        return Err(WireError::Empty);
    };
    if Version::from_u8(*version).is_none() {
        return Err(WireError::UnsupportedVersion(*version));
    }
    let [kind, rest @ ..] = rest else {
        return Err(WireError::Truncated);
    };
    Ok((*kind, codec::Reader { rest }))
}


#[cfg(test)]
mod tests;
