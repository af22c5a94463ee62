//! A negotiation's state in words: who is waiting on whom, or how it ended.

use std::collections::HashMap;

use agentnet_core::protocol::TaskState;
use agentnet_platform::agent::{Contact, Negotiation, Side};
use jiff::tz::TimeZone;

use crate::when;

/// Contact names by id, for showing peers.
pub(crate) fn names(contacts: &[Contact]) -> HashMap<String, String> {
    contacts.iter().map(|c| (c.id.clone(), c.name.clone())).collect()
}

/// "Bob", "Bob and Carol", or a short id for someone no longer in the contacts.
pub(crate) fn peers(n: &Negotiation, names: &HashMap<String, String>) -> String {
    let list: Vec<String> = n.peers.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| id.chars().take(8).collect())).collect();
    list.join(" and ")
}

/// The state as a sentence and a CSS class.
pub(crate) fn describe(n: &Negotiation, who: &str, zone: &TimeZone) -> (String, &'static str) {
    if let Some(slot) = &n.booked {
        return (format!("Booked: {}", when::slot(slot, zone)), "booked");
    }
    if n.approval.is_some() {
        return ("Waiting for your approval".into(), "waiting-you");
    }
    let outcome = n.outcome.clone().unwrap_or_default();
    match n.state {
        TaskState::Completed => ("Done".into(), "done"),
        TaskState::Failed => (format!("Failed. {outcome}"), "ended"),
        TaskState::Canceled => (format!("Cancelled. {outcome}"), "ended"),
        TaskState::Rejected => (format!("Declined. {outcome}"), "ended"),
        TaskState::InputRequired | TaskState::AuthRequired => ("Waiting for you".into(), "waiting-you"),
        _ => match n.side {
            Side::Organiser => (format!("Waiting for {who}'s agent"), "waiting-them"),
            Side::Participant => (format!("Waiting for {who}'s agent to confirm"), "waiting-them"),
        },
    }
}
