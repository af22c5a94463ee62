//! How results and errors are shown: one line, announced to screen readers.

use dioxus::prelude::*;

/// An error, if there is one.
#[component]
pub(crate) fn ErrorNote(text: Option<String>) -> Element {
    rsx! {
        if let Some(text) = text {
            p { class: "error", role: "alert", "{text}" }
        }
    }
}

/// A confirmation, if there is one.
#[component]
pub(crate) fn DoneNote(text: Option<String>) -> Element {
    rsx! {
        if let Some(text) = text {
            p { class: "done", role: "status", "{text}" }
        }
    }
}
