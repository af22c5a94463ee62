//! The relay connection badge in the header.

use dioxus::prelude::*;

use crate::session::{Phase, use_session};

/// "online", "connecting…", "relay unreachable…" or "locked".
#[component]
pub(crate) fn ConnectionBadge() -> Element {
    let session = use_session();
    let link = (session.link)();
    let ready = (session.phase)() == Phase::Ready;
    rsx! {
        span { class: link.class(), id: "connection", role: "status", title: "Relay connection",
            span { class: "dot", aria_hidden: "true" }
            if ready { "{link.label()}" } else { "locked" }
        }
    }
}
