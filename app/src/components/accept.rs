//! Accepting an invite: pasted, or opened from an invite link.

use dioxus::prelude::*;

use super::focus::focus_when_mounted;
use super::notice::{DoneNote, ErrorNote};
use crate::session::use_session;

/// "Accept an invite": the code or link, and what to call them.
#[component]
pub(crate) fn AcceptInvite(code: String) -> Element {
    let session = use_session();
    let from_link = !code.is_empty();
    let mut text = use_signal(|| code.clone());
    let mut name = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);

    let submit = move |event: FormEvent| async move {
        event.prevent_default();
        let Some(agent) = session.agent() else { return };
        if text.read().trim().is_empty() || busy() {
            return;
        }
        busy.set(true);
        error.set(None);
        done.set(None);
        let chosen = name.read().trim().to_owned();
        let result = agent.accept(&text.read(), (!chosen.is_empty()).then_some(chosen.as_str())).await;
        match result {
            Ok(contact) => {
                done.set(Some(format!("Connected to {}. Compare your safety number with them below.", contact.name)));
                text.set(String::new());
                name.set(String::new());
            }
            // The pasted invite stays in the box, to fix or retry.
            Err(e) => error.set(Some(format!("Could not accept this invite: {e}"))),
        }
        busy.set(false);
    };

    rsx! {
        form { class: "card stack", id: "accept-invite", onsubmit: submit, aria_labelledby: "accept-title",
            h2 { id: "accept-title", "Accept an invite" }
            if from_link {
                p { class: "hint", id: "invite-from-link", "You opened an invite link. Accept it to connect with the person who sent it." }
            }
            label { "Invite code or link"
                textarea { id: "accept-code", rows: "3", value: "{text}", oninput: move |e| text.set(e.value()) }
            }
            label { "Call them (optional)"
                input { id: "accept-name", value: "{name}", placeholder: "the name in the invite", oninput: move |e| name.set(e.value()) }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
            // Opened from a link, the invite is already in the box: Enter accepts it.
            button {
                r#type: "submit",
                id: "accept",
                disabled: busy(),
                onmounted: move |element| async move {
                    if from_link {
                        focus_when_mounted(element).await;
                    }
                },
                if busy() { "Connecting…" } else { "Accept" }
            }
        }
    }
}
