//! [`Outgoing`]: one sealed message on its way to the relay.

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::wire::{AgentIdBytes, ClientToRelay, MessageId};

/// A sealed envelope for a recipient, under the id its sender chose. The delivery key
/// it travels with is not part of it: the outbox keeps no secret in clear, and the key
/// is looked up again after a restart ([`super::KeyBook`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The recipient's agent id.
    pub recipient: AgentIdBytes,
    /// The sender's message id: acks and de-duplication go by it.
    pub message_id: MessageId,
    /// The ciphertext.
    pub envelope: Vec<u8>,
}

impl Outgoing {
    /// The Send frame that carries it with the recipient's delivery key.
    pub fn frame(&self, key: &DeliveryKey) -> ClientToRelay {
        ClientToRelay::Send {
            recipient: self.recipient,
            delivery_key: key.clone(),
            message_id: self.message_id,
            envelope: self.envelope.clone(),
        }
    }
}

// The envelope is ciphertext, but its bytes say nothing useful in a log either.
impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("recipient", &hex::encode(&self.recipient[..4]))
            .field("message_id", &hex::encode(self.message_id))
            .field("envelope_len", &self.envelope.len())
            .finish()
    }
}
