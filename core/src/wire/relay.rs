//! Frames the relay sends to a client.

use super::codec::{Reader, Writer};
use super::{
    AckStatus, AgentIdBytes, ErrorCode, HEADER_LEN, MAX_FRAME_LEN, MessageId, Version, WireError,
    open, truncate_str,
};

/// Longest error text the relay sends, in bytes.
pub const MAX_ERROR_TEXT: usize = 1024;

/// A frame from the relay to a client.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RelayToClient {
    /// 0x01: the relay's greeting, sent as soon as the WebSocket opens.
    ServerHello {
        /// Oldest wire version the relay speaks.
        min_version: u8,
        /// Newest wire version the relay speaks.
        max_version: u8,
        /// Largest frame the relay accepts, in bytes.
        max_frame_len: u32,
    },
    /// 0x02: the nonce the client must sign, fresh for this connection.
    Challenge {
        /// 32 random bytes, single use.
        nonce: [u8; 32],
    },
    /// 0x03: the connection is authenticated.
    Welcome {
        /// How many messages wait in the mailbox; they follow as Deliver frames.
        mailbox_len: u32,
    },
    /// 0x04: the relay has taken responsibility for a sent message.
    Ack {
        /// The message id of the Send.
        message_id: MessageId,
        /// Whether the recipient was online.
        status: AckStatus,
    },
    /// 0x05: an envelope for this agent. Acknowledge with DeliverAck.
    Deliver {
        /// The relay's id for this mailbox entry; the same on every redelivery.
        delivery_id: u128,
        /// The sender's message id, for de-duplication.
        message_id: MessageId,
        /// The ciphertext exactly as sent.
        envelope: Vec<u8>,
    },
    /// 0x06: answer to FetchPrekeys.
    Prekeys {
        /// The agent asked about.
        agent_id: AgentIdBytes,
        /// Its latest verified bundle, or `None` if it never published one.
        bundle: Option<Vec<u8>>,
    },
    /// 0x07: the published bundle was verified and stored.
    PrekeysStored,
    /// 0x08: an agent this client follows came online or went offline.
    PresenceStatus {
        /// The agent.
        agent_id: AgentIdBytes,
        /// Whether it holds at least one authenticated connection.
        online: bool,
    },
    /// 0x09: liveness probe; answer with Pong carrying the same nonce.
    Ping {
        /// Opaque, to be echoed back.
        nonce: u64,
    },
    /// 0x0a: answer to the client's Ping.
    Pong {
        /// The nonce of the Ping.
        nonce: u64,
    },
    /// 0x0b: something was refused.
    Error {
        /// What went wrong, machine-readable.
        code: ErrorCode,
        /// The message id of the Send this is about, if any.
        message_id: Option<MessageId>,
        /// A short English explanation, at most [`MAX_ERROR_TEXT`] bytes.
        message: String,
    },
}

const SERVER_HELLO: u8 = 0x01;
const CHALLENGE: u8 = 0x02;
const WELCOME: u8 = 0x03;
const ACK: u8 = 0x04;
const DELIVER: u8 = 0x05;
const PREKEYS: u8 = 0x06;
const PREKEYS_STORED: u8 = 0x07;
const PRESENCE_STATUS: u8 = 0x08;
const PING: u8 = 0x09;
const PONG: u8 = 0x0a;
const ERROR: u8 = 0x0b;

impl RelayToClient {
    /// The frame type byte of this variant.
    pub fn frame_type(&self) -> u8 {
        match self {
            RelayToClient::ServerHello { .. } => SERVER_HELLO,
            RelayToClient::Challenge { .. } => CHALLENGE,
            RelayToClient::Welcome { .. } => WELCOME,
            RelayToClient::Ack { .. } => ACK,
            RelayToClient::Deliver { .. } => DELIVER,
            RelayToClient::Prekeys { .. } => PREKEYS,
            RelayToClient::PrekeysStored => PREKEYS_STORED,
            RelayToClient::PresenceStatus { .. } => PRESENCE_STATUS,
            RelayToClient::Ping { .. } => PING,
            RelayToClient::Pong { .. } => PONG,
            RelayToClient::Error { .. } => ERROR,
        }
    }

    /// A short name for logs and metrics (never the content).
    pub fn name(&self) -> &'static str {
        match self {
            RelayToClient::ServerHello { .. } => "server_hello",
            RelayToClient::Challenge { .. } => "challenge",
            RelayToClient::Welcome { .. } => "welcome",
            RelayToClient::Ack { .. } => "ack",
            RelayToClient::Deliver { .. } => "deliver",
            RelayToClient::Prekeys { .. } => "prekeys",
            RelayToClient::PrekeysStored => "prekeys_stored",
            RelayToClient::PresenceStatus { .. } => "presence_status",
            RelayToClient::Ping { .. } => "ping",
            RelayToClient::Pong { .. } => "pong",
            RelayToClient::Error { .. } => "error",
        }
    }

    /// Builds an Error frame, truncating the text to [`MAX_ERROR_TEXT`].
    pub fn error(code: ErrorCode, message_id: Option<MessageId>, message: impl Into<String>) -> Self {
        let mut message = message.into();
        let keep = truncate_str(&message, MAX_ERROR_TEXT).len();
        message.truncate(keep);
        RelayToClient::Error { code, message_id, message }
    }

    /// The exact number of bytes [`Self::encode`] produces.
    pub fn encoded_len(&self) -> usize {
        HEADER_LEN
            + match self {
                RelayToClient::ServerHello { .. } => 1 + 1 + 4,
                RelayToClient::Challenge { .. } => 32,
                RelayToClient::Welcome { .. } => 4,
                RelayToClient::Ack { .. } => 16 + 1,
                RelayToClient::Deliver { envelope, .. } => 16 + 16 + 4 + envelope.len(),
                RelayToClient::Prekeys { bundle, .. } => {
                    32 + 1 + bundle.as_ref().map_or(0, |b| 4 + b.len())
                }
                RelayToClient::PrekeysStored => 0,
                RelayToClient::PresenceStatus { .. } => 32 + 1,
                RelayToClient::Ping { .. } | RelayToClient::Pong { .. } => 8,
                RelayToClient::Error { message_id, message, .. } => {
                    2 + 1 + message_id.map_or(0, |_| 16) + 2 + truncate_str(message, usize::from(u16::MAX)).len()
                }
            }
    }

    /// Encodes the frame into a new buffer.
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut buf);
        buf
    }

    /// Appends the encoded frame to `buf`.
    pub fn encode_into(&self, buf: &mut Vec<u8>) {
        let mut w = Writer { buf };
        w.u8(Version::CURRENT as u8);
        w.u8(self.frame_type());
        match self {
            RelayToClient::ServerHello { min_version, max_version, max_frame_len } => {
                w.u8(*min_version);
                w.u8(*max_version);
                w.u32(*max_frame_len);
            }
            RelayToClient::Challenge { nonce } => w.fixed(nonce),
            RelayToClient::Welcome { mailbox_len } => w.u32(*mailbox_len),
            RelayToClient::Ack { message_id, status } => {
                w.fixed(message_id);
                w.u8(*status as u8);
            }
            RelayToClient::Deliver { delivery_id, message_id, envelope } => {
                w.u128(*delivery_id);
                w.fixed(message_id);
                w.bytes32(envelope);
            }
            RelayToClient::Prekeys { agent_id, bundle } => {
                w.fixed(agent_id);
                match bundle {
                    None => w.u8(0),
                    Some(b) => {
                        w.u8(1);
                        w.bytes32(b);
                    }
                }
            }
            RelayToClient::PrekeysStored => {}
            RelayToClient::PresenceStatus { agent_id, online } => {
                w.fixed(agent_id);
                w.u8(u8::from(*online));
            }
            RelayToClient::Ping { nonce } | RelayToClient::Pong { nonce } => w.u64(*nonce),
            RelayToClient::Error { code, message_id, message } => {
                w.u16(code.to_u16());
                match message_id {
                    None => w.u8(0),
                    Some(id) => {
                        w.u8(1);
                        w.fixed(id);
                    }
                }
                w.bytes16(truncate_str(message, usize::from(u16::MAX)).as_bytes());
            }
        }
    }

    /// Decodes one frame, refusing frames above [`MAX_FRAME_LEN`].
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        Self::decode_with_limit(bytes, MAX_FRAME_LEN)
    }

    /// Decodes one frame, refusing frames above `max` bytes.
    pub fn decode_with_limit(bytes: &[u8], max: usize) -> Result<Self, WireError> {
        let (kind, mut r) = open(bytes, max)?;
        let frame = match kind {
            SERVER_HELLO => RelayToClient::ServerHello {
                min_version: r.u8()?,
                max_version: r.u8()?,
                max_frame_len: r.u32()?,
            },
            CHALLENGE => RelayToClient::Challenge { nonce: r.array()? },
            WELCOME => RelayToClient::Welcome { mailbox_len: r.u32()? },
            ACK => RelayToClient::Ack { message_id: r.array()?, status: AckStatus::from_u8(r.u8()?)? },
            DELIVER => RelayToClient::Deliver {
                delivery_id: r.u128()?,
                message_id: r.array()?,
                envelope: r.bytes32()?,
            },
            PREKEYS => {
                let agent_id = r.array()?;
                let bundle = if r.bool("has_bundle")? { Some(r.bytes32()?) } else { None };
                RelayToClient::Prekeys { agent_id, bundle }
            }
            PREKEYS_STORED => RelayToClient::PrekeysStored,
            PRESENCE_STATUS => RelayToClient::PresenceStatus { agent_id: r.array()?, online: r.bool("online")? },
            PING => RelayToClient::Ping { nonce: r.u64()? },
            PONG => RelayToClient::Pong { nonce: r.u64()? },
            ERROR => {
                let code = ErrorCode::from_u16(r.u16()?);
                let message_id = if r.bool("has_message_id")? { Some(r.array()?) } else { None };
                let text = r.bytes16()?;
                let message = String::from_utf8(text.to_vec())
                    .map_err(|_| WireError::InvalidValue { field: "message", value: 0 })?;
                RelayToClient::Error { code, message_id, message }
            }
            other => return Err(WireError::UnknownFrameType(other)),
        };
        finish(r)?;
        Ok(frame)
    }
}

fn finish(r: Reader<'_>) -> Result<(), WireError> {
    r.finish()
}
