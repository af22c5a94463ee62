//! The Welcome to agentnet screen.

use dioxus::prelude::*;

/// Create your agent or unlock the one on this device.
#[component]
pub(crate) fn Onboarding() -> Element {
    rsx! {
        h1 { "Welcome to agentnet" }
        p { class: "blurb", "Create your agent or unlock the one on this device." }
    }
}
