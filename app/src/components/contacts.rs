//! The Contacts screen.

use dioxus::prelude::*;

/// Invite people and verify their safety numbers.
#[component]
pub(crate) fn Contacts() -> Element {
    rsx! {
        h1 { "Contacts" }
        p { class: "blurb", "Invite people and verify their safety numbers." }
    }
}
