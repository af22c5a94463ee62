//! The Approvals screen.

use dioxus::prelude::*;

/// What your agent wants to accept or propose for you.
#[component]
pub(crate) fn Approvals() -> Element {
    rsx! {
        h1 { "Approvals" }
        p { class: "blurb", "What your agent wants to accept or propose for you." }
    }
}
