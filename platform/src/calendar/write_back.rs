//! [`WriteBack`]: how the agent's bookings reach a remote calendar the owner looks at.
//!
//! The agent's own calendar stays the record of what was agreed; a remote calendar gets
//! a copy of each booking, changed or removed with it. [`Written`] is what the agent keeps
//! to find its copy again, and the remote calendar's sync leaves the agent's own events
//! out of its busy time ([`is_agent_booking`]): they are already in the agent's calendar,
//! and a stale copy must not block the time a booking just moved away from.

use core::future::Future;

use serde::{Deserialize, Serialize};

use super::error::CalendarError;
use super::maybe_send::MaybeSend;
use super::model::CalendarEvent;

/// The `UID` of every event the agent books ends with this.
pub const AGENT_UID_SUFFIX: &str = "@agentnet";

/// Whether an event with this `UID` was booked by an agentnet agent.
pub fn is_agent_booking(uid: &str) -> bool {
    uid.ends_with(AGENT_UID_SUFFIX)
}

/// Where a remote calendar keeps a copy the agent wrote, and which version it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    /// The remote calendar's name for it: a CalDAV resource path, a Google event id.
    pub remote_id: String,
    /// Its version as written (a CalDAV or Google etag), when the server said.
    pub version: Option<String>,
}

/// A remote calendar the agent writes its bookings into.
pub trait WriteBack {
    /// Writes `event`: creates it, or replaces the copy written before (`previous`).
    /// A copy changed on the server meanwhile is overwritten: the booking is what the
    /// agents agreed, and the owner changes it through the agent.
    fn write(&self, event: &CalendarEvent, previous: Option<&Written>) -> impl Future<Output = Result<Written, CalendarError>> + MaybeSend;

    /// Removes a copy written before; a copy already gone is no error.
    fn erase(&self, written: &Written) -> impl Future<Output = Result<(), CalendarError>> + MaybeSend;
}
