//! Frames the client sends to the relay.

use super::codec::{Writer, bytes16_len};
use super::{AgentIdBytes, HEADER_LEN, MAX_FRAME_LEN, MessageId, SignatureBytes, Version, WireError, open};
use crate::crypto::delivery_key::{DeliveryKey, Hash};

/// A frame from a client (an agent) to the relay.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientToRelay {
    /// 0x01: opens the handshake. Answered with a Challenge.
    Hello {
        /// The agent's Ed25519 public key.
        agent_id: AgentIdBytes,
        /// An OIDC / Firebase ID token (a JWT), for deployments that require an account.
        id_token: Option<Vec<u8>>,
    },
    /// 0x02: proves the key: a signature over [`super::auth_message`]. Answered with Welcome.
    Auth {
        /// Ed25519 signature by `agent_id` of Hello.
        signature: SignatureBytes,
    },
    /// 0x03: a sealed envelope for another agent, on a connection that never logs in
    /// (sealed sender). Answered with Ack, or Error SendRefused unless the key is one the
    /// recipient gave out.
    Send {
        /// The agent the envelope is for.
        recipient: AgentIdBytes,
        /// A delivery key the recipient gave the sender (in its card or invite).
        delivery_key: DeliveryKey,
        /// Chosen by the sender, echoed in the Ack and the recipient's Deliver.
        message_id: MessageId,
        /// The ciphertext; the relay never looks inside.
        envelope: Vec<u8>,
    },
    /// 0x04: the client has stored a delivered message; the relay deletes it.
    DeliverAck {
        /// The delivery id of the Deliver frame.
        delivery_id: u128,
    },
    /// 0x05: publishes the agent's signed prekey bundle (public keys only).
    PublishPrekeys {
        /// The bundle, in the crypto module's byte format.
        bundle: Vec<u8>,
    },
    /// 0x06: asks for another agent's prekey bundle, with a delivery key it gave out.
    /// Answered with Prekeys (no bundle unless the key is one the agent published).
    FetchPrekeys {
        /// The agent whose bundle is wanted.
        agent_id: AgentIdBytes,
        /// A delivery key that agent gave the asker (in its card or invite).
        delivery_key: DeliveryKey,
    },
    /// 0x07: the complete list of agents allowed to see this agent's presence
    /// (replaces the previous list; empty hides it from everyone).
    PresenceAllow {
        /// The allowed agents.
        agent_ids: Vec<AgentIdBytes>,
    },
    /// 0x08: the complete list of agents whose presence this client wants to follow.
    /// Only agents that allowed it produce PresenceStatus frames.
    PresenceSubscribe {
        /// The agents to follow.
        agent_ids: Vec<AgentIdBytes>,
    },
    /// 0x09: liveness probe; answered with Pong carrying the same nonce.
    Ping {
        /// Opaque, echoed back.
        nonce: u64,
    },
    /// 0x0a: answer to the relay's Ping.
    Pong {
        /// The nonce of the Ping.
        nonce: u64,
    },
    /// 0x0b: the complete set of delivery-key hashes Sends to this agent may carry
    /// (replaces the previous set; empty refuses every Send).
    DeliveryKeys {
        /// `SHA-256("agentnet/v1/delivery-key" || key)` of each key.
        hashes: Vec<Hash>,
    },
}

const HELLO: u8 = 0x01;
const AUTH: u8 = 0x02;
const SEND: u8 = 0x03;
const DELIVER_ACK: u8 = 0x04;
const PUBLISH_PREKEYS: u8 = 0x05;
const FETCH_PREKEYS: u8 = 0x06;
const PRESENCE_ALLOW: u8 = 0x07;
const PRESENCE_SUBSCRIBE: u8 = 0x08;
const PING: u8 = 0x09;
const PONG: u8 = 0x0a;
const DELIVERY_KEYS: u8 = 0x0b;

fn list_len(ids: &[AgentIdBytes]) -> usize {
    2 + 32 * ids.len().min(usize::from(u16::MAX))
}

fn put_list(w: &mut Writer<'_>, ids: &[AgentIdBytes]) {
    let ids = &ids[..ids.len().min(usize::from(u16::MAX))];
    w.u16(ids.len() as u16);
    for id in ids {
        w.fixed(id);
    }
}

impl ClientToRelay {
    /// The frame type byte of this variant.
    pub fn frame_type(&self) -> u8 {
        match self {
            ClientToRelay::Hello { .. } => HELLO,
            ClientToRelay::Auth { .. } => AUTH,
            ClientToRelay::Send { .. } => SEND,
            ClientToRelay::DeliverAck { .. } => DELIVER_ACK,
            ClientToRelay::PublishPrekeys { .. } => PUBLISH_PREKEYS,
            ClientToRelay::FetchPrekeys { .. } => FETCH_PREKEYS,
            ClientToRelay::PresenceAllow { .. } => PRESENCE_ALLOW,
            ClientToRelay::PresenceSubscribe { .. } => PRESENCE_SUBSCRIBE,
            ClientToRelay::Ping { .. } => PING,
            ClientToRelay::Pong { .. } => PONG,
            ClientToRelay::DeliveryKeys { .. } => DELIVERY_KEYS,
        }
    }

    /// A short name for logs and metrics (never the content).
    pub fn name(&self) -> &'static str {
        match self {
            ClientToRelay::Hello { .. } => "hello",
            ClientToRelay::Auth { .. } => "auth",
            ClientToRelay::Send { .. } => "send",
            ClientToRelay::DeliverAck { .. } => "deliver_ack",
            ClientToRelay::PublishPrekeys { .. } => "publish_prekeys",
            ClientToRelay::FetchPrekeys { .. } => "fetch_prekeys",
            ClientToRelay::PresenceAllow { .. } => "presence_allow",
            ClientToRelay::PresenceSubscribe { .. } => "presence_subscribe",
            ClientToRelay::Ping { .. } => "ping",
            ClientToRelay::Pong { .. } => "pong",
            ClientToRelay::DeliveryKeys { .. } => "delivery_keys",
        }
    }

    /// The exact number of bytes [`Self::encode`] produces.
    pub fn encoded_len(&self) -> usize {
        HEADER_LEN
            + match self {
                ClientToRelay::Hello { id_token, .. } => {
                    32 + 1 + id_token.as_deref().map_or(0, bytes16_len)
                }
                ClientToRelay::Auth { .. } => 64,
                ClientToRelay::Send { envelope, .. } => 32 + 32 + 16 + 4 + envelope.len(),
                ClientToRelay::DeliverAck { .. } => 16,
                ClientToRelay::PublishPrekeys { bundle } => 4 + bundle.len(),
                ClientToRelay::FetchPrekeys { .. } => 32 + 32,
                ClientToRelay::PresenceAllow { agent_ids }
                | ClientToRelay::PresenceSubscribe { agent_ids } => list_len(agent_ids),
                ClientToRelay::DeliveryKeys { hashes } => list_len(hashes),
                ClientToRelay::Ping { .. } | ClientToRelay::Pong { .. } => 8,
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
            ClientToRelay::Hello { agent_id, id_token } => {
                w.fixed(agent_id);
                match id_token {
                    None => w.u8(0),
                    Some(token) => {
                        w.u8(1);
                        w.bytes16(token);
                    }
                }
            }
            ClientToRelay::Auth { signature } => w.fixed(signature),
            ClientToRelay::Send { recipient, delivery_key, message_id, envelope } => {
                w.fixed(recipient);
                w.fixed(delivery_key.as_bytes());
                w.fixed(message_id);
                w.bytes32(envelope);
            }
            ClientToRelay::DeliverAck { delivery_id } => w.u128(*delivery_id),
            ClientToRelay::PublishPrekeys { bundle } => w.bytes32(bundle),
            ClientToRelay::FetchPrekeys { agent_id, delivery_key } => {
                w.fixed(agent_id);
                w.fixed(delivery_key.as_bytes());
            }
            ClientToRelay::PresenceAllow { agent_ids }
            | ClientToRelay::PresenceSubscribe { agent_ids } => put_list(&mut w, agent_ids),
            ClientToRelay::DeliveryKeys { hashes } => put_list(&mut w, hashes),
            ClientToRelay::Ping { nonce } | ClientToRelay::Pong { nonce } => w.u64(*nonce),
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
            HELLO => {
                let agent_id = r.array()?;
                let id_token = if r.bool("has_id_token")? { Some(r.bytes16()?.to_vec()) } else { None };
                ClientToRelay::Hello { agent_id, id_token }
            }
            AUTH => ClientToRelay::Auth { signature: r.array()? },
            SEND => ClientToRelay::Send {
                recipient: r.array()?,
                delivery_key: DeliveryKey::from_bytes(r.array()?),
                message_id: r.array()?,
                envelope: r.bytes32()?,
            },
            DELIVER_ACK => ClientToRelay::DeliverAck { delivery_id: r.u128()? },
            PUBLISH_PREKEYS => ClientToRelay::PublishPrekeys { bundle: r.bytes32()? },
            FETCH_PREKEYS => ClientToRelay::FetchPrekeys { agent_id: r.array()?, delivery_key: DeliveryKey::from_bytes(r.array()?) },
            PRESENCE_ALLOW => ClientToRelay::PresenceAllow { agent_ids: r.list()? },
            PRESENCE_SUBSCRIBE => ClientToRelay::PresenceSubscribe { agent_ids: r.list()? },
            PING => ClientToRelay::Ping { nonce: r.u64()? },
            PONG => ClientToRelay::Pong { nonce: r.u64()? },
            DELIVERY_KEYS => ClientToRelay::DeliveryKeys { hashes: r.list()? },
            other => return Err(WireError::UnknownFrameType(other)),
        };
        r.finish()?;
        Ok(frame)
    }
}

