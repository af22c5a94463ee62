//! Agent <-> agent messages, carried inside sealed envelopes.
//!
//! The data model follows Google's A2A: a negotiation is a Task (`TaskId`, `ContextId`,
//! [`TaskState`]), and each step is a [`Message`] with one typed `data` [`Part`] holding
//! an [`Act`] from the closed scheduling vocabulary. The flow: the organiser sends
//! `propose`; each participant answers `accept` (a ranked subset), `counter` (its own
//! slots) or `decline`; the organiser sends `confirm` (echoed back once booked), or later
//! `reschedule` / `cancel` (echoed back). Receivers run [`Message::from_json`], which
//! validates, before anything else sees a message.

mod act;
mod ids;
mod message;
mod payload;
mod task;
mod validate;

pub use act::{Act, DeclineReason, Meeting, VOCABULARY};
pub use ids::{ContextId, MessageId, TaskId};
pub use message::{Message, PROTOCOL_VERSION, Part};
pub use payload::{Card, InviteToken, MAX_CARD_BUNDLE, MAX_CARD_NAME, Payload};
pub use task::{Role, TaskState};
pub use validate::{Limits, ProtocolError};
