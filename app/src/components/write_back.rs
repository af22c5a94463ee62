//! One line on a connected calendar's card: how many of the agent's bookings are written
//! there, how many wait, and which failed and why. A booking is never silently missing.

use agentnet_agent::Remote;
use dioxus::prelude::*;

use crate::session::use_live;

/// What was written to `remote`; `id` names the line for tests and screen readers.
#[component]
pub(crate) fn WriteBackLine(remote: Remote, id: String) -> Element {
    let status = use_live(move |agent| async move { agent.write_back_status(remote).await });
    let Some(Ok(status)) = &*status.read() else { return rsx! {} };
    let failing = status.failing.clone();
    rsx! {
        p { class: "hint", id: "{id}",
            "Receives your bookings: {status.written} written"
            if status.pending > 0 { ", {status.pending} on the way" }
            "."
        }
        for (title, why) in failing {
            p { class: "error", role: "alert", "'{title}' is not in this calendar yet: {why}. Your agent tries again." }
        }
    }
}
