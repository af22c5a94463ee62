//! Unlocking the profile on this device.

use dioxus::prelude::*;
use zeroize::Zeroizing;

use super::focus::focus_when_mounted;
use super::notice::ErrorNote;
use crate::session::use_session;

/// The passphrase prompt.
#[component]
pub(crate) fn Unlock() -> Element {
    let session = use_session();
    let mut passphrase = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| async move {
        event.prevent_default();
        if busy() || passphrase.read().is_empty() {
            return;
        }
        error.set(None);
        busy.set(true);
        let secret = Zeroizing::new(passphrase.read().clone());
        match session.unlock(secret).await {
            Ok(()) => passphrase.set(String::new()),
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    };

    rsx! {
        h1 { "Unlock your agent" }
        p { class: "blurb", "Your agent is on this device, encrypted. Your passphrase opens it." }
        form { class: "card stack", id: "unlock", onsubmit: submit,
            label { "Passphrase"
                input { id: "passphrase", r#type: "password", autocomplete: "current-password", onmounted: focus_when_mounted, oninput: move |e| passphrase.set(e.value()) }
            }
            ErrorNote { text: error() }
            button { r#type: "submit", disabled: busy(), if busy() { "Unlocking…" } else { "Unlock" } }
        }
    }
}
