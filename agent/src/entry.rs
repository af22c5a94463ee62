//! The transcript: every message this agent sent or received, and every message it
//! refused, as one readable sentence each, kept (sealed) in the messages collection.

use agentnet_core::protocol::Message;
use serde::{Deserialize, Serialize};

/// Which way a transcript line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Our agent said it.
    Sent,
    /// The other agent said it.
    Received,
    /// Something arrived and was refused; nothing acted on it.
    Rejected,
    /// A note from our agent to its owner (a booking, a failure).
    Note,
}

/// One line of a transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The negotiation (task id hex), if the line belongs to one.
    pub negotiation: Option<String>,
    /// When, unix milliseconds.
    pub at_ms: i64,
    /// Which way.
    pub direction: Direction,
    /// The other agent's contact id (hex), if known.
    pub peer: Option<String>,
    /// The line, in English.
    pub sentence: String,
    /// The structured message, for the "show messages" view.
    pub message: Option<Message>,
}
