//! Importing a profile exported on another device, from the welcome screen.

use dioxus::prelude::*;

use super::notice::ErrorNote;
use crate::session::use_session;

/// A file input for an `.agentnet` file; after it, the passphrase prompt.
#[component]
pub(crate) fn ImportProfile() -> Element {
    let session = use_session();
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);

    let import = move |event: FormEvent| async move {
        let Some(file) = event.files().into_iter().next() else { return };
        if busy() {
            return;
        }
        busy.set(true);
        error.set(None);
        let name = file.name();
        let result = match file.read_bytes().await {
            Ok(bytes) => session.import(bytes.to_vec()).await,
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = result {
            error.set(Some(format!("Could not import {name}: {e}")));
        }
        busy.set(false);
    };

    rsx! {
        section { class: "card stack", id: "import-profile", aria_labelledby: "import-title",
            h2 { id: "import-title", "Import a profile" }
            p { class: "hint", "Moving from another device? Choose the .agentnet file you exported there; then unlock it with its passphrase." }
            label { "Profile file (.agentnet)"
                input { id: "import-file", r#type: "file", accept: ".agentnet,application/octet-stream", disabled: busy(), onchange: import }
            }
            if busy() { p { class: "hint", role: "status", "Importing…" } }
            ErrorNote { text: error() }
        }
    }
}
