//! The Calendar screen.

use dioxus::prelude::*;

/// Your week, with the meetings your agent booked.
#[component]
pub(crate) fn Calendar() -> Element {
    rsx! {
        h1 { "Calendar" }
        p { class: "blurb", "Your week, with the meetings your agent booked." }
    }
}
