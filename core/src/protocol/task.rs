//! The A2A task lifecycle and message roles.

use serde::{Deserialize, Serialize};

/// Where a negotiation (A2A Task) stands, as its agent reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskState {
    /// Received, not yet worked on.
    Submitted,
    /// Slots are being exchanged.
    Working,
    /// Waiting for the owner's approval.
    InputRequired,
    /// Waiting for the owner to authenticate (e.g. unlock the vault).
    AuthRequired,
    /// Booked (or a cancellation carried out).
    Completed,
    /// Ended without a meeting: no common slot, or no answer.
    Failed,
    /// Called off by the organiser.
    Canceled,
    /// Declined by a participant.
    Rejected,
}

impl TaskState {
    /// Whether the task can no longer change.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskState::Completed | TaskState::Failed | TaskState::Canceled | TaskState::Rejected)
    }
}

/// Who speaks, in A2A terms: the agent that started the task is the `user` side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The organiser's agent.
    User,
    /// A participant's agent.
    Agent,
}
