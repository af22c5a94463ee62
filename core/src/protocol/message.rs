//! The A2A message envelope of one scheduling act.

use serde::{Deserialize, Serialize};

use super::{Act, ContextId, MessageId, Role, TaskId, TaskState};

/// The protocol version this crate writes. Version history:
/// - 1: propose, counter, accept, decline, confirm, cancel, reschedule.
pub const PROTOCOL_VERSION: u16 = 1;

/// A typed message part. Only structured data is allowed: A2A's `text` and `file` parts
/// are deliberately not part of this vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Part {
    /// A scheduling act.
    Data {
        /// The act.
        data: Act,
    },
}

/// One agent-to-agent message (A2A `Message`, with the task status it reports).
///
/// Sender and recipient are not here: the envelope (signed, sealed) carries them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Message {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub version: u16,
    /// Unique per message.
    pub message_id: MessageId,
    /// The negotiation.
    pub task_id: TaskId,
    /// The conversation the negotiation belongs to.
    pub context_id: ContextId,
    /// Organiser (`user`) or participant (`agent`).
    pub role: Role,
    /// The sender's view of the task after sending.
    pub status: TaskState,
    /// The message this one answers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_message_id: Option<MessageId>,
    /// Exactly one data part in version 1.
    pub parts: Vec<Part>,
}

impl Message {
    /// A version-1 message carrying `act`.
    pub fn new(message_id: MessageId, task_id: TaskId, context_id: ContextId, role: Role, status: TaskState, act: Act) -> Self {
        Message {
            version: PROTOCOL_VERSION,
            message_id,
            task_id,
            context_id,
            role,
            status,
            reference_message_id: None,
            parts: vec![Part::Data { data: act }],
        }
    }

    /// The same message marked as answering `to`.
    pub fn replying_to(mut self, to: MessageId) -> Self {
        self.reference_message_id = Some(to);
        self
    }

    /// The act of the first data part.
    pub fn act(&self) -> Option<&Act> {
        self.parts.iter().map(|Part::Data { data }| data).next()
    }

    /// JSON bytes for the envelope.
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising these plain data types cannot fail; an empty vector would be refused
        // by every receiver anyway.
        serde_json::to_vec(self).unwrap_or_default()
    }
}
