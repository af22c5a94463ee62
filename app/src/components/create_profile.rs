//! Creating a profile: a name, a passphrase (with its strength), the relay and the zone.

use agentnet_agent::NewProfile;
use agentnet_platform::device;
use dioxus::prelude::*;
use zeroize::Zeroizing;

use super::focus::focus_when_mounted;
use super::notice::ErrorNote;
use super::strength::{Strength, StrengthMeter};
use crate::session::use_session;

/// The onboarding form. The passphrase only lives in the fields while typed: it
/// unlocks the new vault and is never stored.
#[component]
pub(crate) fn CreateProfile() -> Element {
    let session = use_session();
    let mut name = use_signal(String::new);
    let mut passphrase = use_signal(String::new);
    let mut confirm = use_signal(String::new);
    let mut relay = use_signal(device::default_relay);
    let mut zone = use_signal(device::time_zone);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| async move {
        event.prevent_default();
        if busy() {
            return;
        }
        let problem = if name.read().trim().is_empty() {
            Some("Say what your contacts should call you.")
        } else if !Strength::of(&passphrase.read()).acceptable() {
            Some("Choose a stronger passphrase: it is the only thing protecting your agent on this device.")
        } else if *passphrase.read() != *confirm.read() {
            Some("The two passphrases differ.")
        } else {
            None
        };
        if let Some(problem) = problem {
            error.set(Some(problem.to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        let profile = NewProfile { name: name.read().trim().to_owned(), zone: zone.read().trim().to_owned(), relay: relay.read().trim().to_owned() };
        // A copy for the vault; the fields keep theirs until it worked, so a failure
        // (relay URL, time zone) loses nothing typed.
        let secret = Zeroizing::new(passphrase.read().clone());
        match session.create(profile, secret).await {
            Ok(()) => {
                passphrase.set(String::new());
                confirm.set(String::new());
            }
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    };

    // The name and passphrase fields are not bound to `value`: the page owns what is
    // typed and reports it on each input. Writing the signal back into the field (as a
    // controlled input does) can overwrite keys typed while the webview applies the
    // previous edit, which loses characters of a quickly typed passphrase.
    rsx! {
        h1 { "Welcome to agentnet" }
        p { class: "blurb", "Create your agent. It lives on this device, encrypted with your passphrase; nobody else, not even the relay, can read it." }
        form { class: "card stack", id: "create-profile", onsubmit: submit,
            label { "Your name"
                input { id: "name", autocomplete: "name", onmounted: focus_when_mounted, oninput: move |e| name.set(e.value()) }
            }
            label { "Passphrase"
                input { id: "passphrase", r#type: "password", autocomplete: "new-password", oninput: move |e| passphrase.set(e.value()) }
            }
            StrengthMeter { passphrase: passphrase() }
            label { "Passphrase again"
                input { id: "confirm", r#type: "password", autocomplete: "new-password", oninput: move |e| confirm.set(e.value()) }
            }
            details {
                summary { "Relay and time zone" }
                label { "Relay"
                    input { id: "relay", value: "{relay}", oninput: move |e| relay.set(e.value()) }
                }
                label { "Time zone"
                    input { id: "zone", value: "{zone}", oninput: move |e| zone.set(e.value()) }
                }
            }
            ErrorNote { text: error() }
            button { r#type: "submit", disabled: busy(), if busy() { "Creating your agent…" } else { "Create my agent" } }
            p { class: "hint", "There is no way to recover a forgotten passphrase." }
        }
    }
}
