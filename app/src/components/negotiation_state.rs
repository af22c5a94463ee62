//! A negotiation's state in words: who is waiting on whom, or how it ended.

use std::collections::HashMap;

use agentnet_core::protocol::TaskState;
use agentnet_agent::{Contact, Negotiation, Summary, Waiting};

/// Contact names by id, for showing peers.
pub(crate) fn names(contacts: &[Contact]) -> HashMap<String, String> {
    contacts.iter().map(|c| (c.id.clone(), c.name.clone())).collect()
}

/// "Bob", "Bob and Carol", "Ben, Carol and Dan", or a short id for someone no longer in the contacts.
pub(crate) fn peers(n: &Negotiation, names: &HashMap<String, String>) -> String {
    let list: Vec<String> = n.peers.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| id.chars().take(8).collect())).collect();
    agentnet_core::text::and_list(&list)
}

/// The state as a sentence (the runtime's summary line) and a CSS class.
pub(crate) fn describe(n: &Negotiation, summary: &Summary) -> (String, &'static str) {
    let class = match (&summary.waiting, n.state) {
        _ if n.booked.is_some() && n.state == TaskState::Completed => "booked",
        (Waiting::Owner, _) => "waiting-you",
        (_, TaskState::Failed | TaskState::Canceled | TaskState::Rejected) => "ended",
        (_, TaskState::Completed) => "done",
        (_, TaskState::InputRequired | TaskState::AuthRequired) => "waiting-you",
        _ => "waiting-them",
    };
    (summary.line.clone(), class)
}
