//! The Settings screen.

use dioxus::prelude::*;

/// Working hours, policies, language model and relay.
#[component]
pub(crate) fn Settings() -> Element {
    rsx! {
        h1 { "Settings" }
        p { class: "blurb", "Working hours, policies, language model and relay." }
    }
}
