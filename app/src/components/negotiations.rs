//! The Negotiations screen.

use dioxus::prelude::*;

/// Every exchange between agents, as a readable transcript.
#[component]
pub(crate) fn Negotiations() -> Element {
    rsx! {
        h1 { "Negotiations" }
        p { class: "blurb", "Every exchange between agents, as a readable transcript." }
    }
}
