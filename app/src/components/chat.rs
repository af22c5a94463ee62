//! Chat with your agent: a command box and the agent's answers.

use dioxus::prelude::*;

/// One line of the conversation between the owner and their agent.
#[derive(Clone, PartialEq)]
struct Line {
    from_owner: bool,
    text: String,
}

/// The command box and the conversation so far.
#[component]
pub(crate) fn Chat() -> Element {
    let mut draft = use_signal(String::new);
    let mut lines = use_signal(Vec::<Line>::new);

    let mut send = move || {
        let text = draft.read().trim().to_owned();
        if text.is_empty() {
            return;
        }
        lines.write().push(Line { from_owner: true, text: text.clone() });
        // Until the agent runtime lands, the agent acknowledges what it heard.
        lines.write().push(Line { from_owner: false, text: format!("I heard: {text}") });
        draft.set(String::new());
    };

    rsx! {
        h1 { "Chat with your agent" }
        ol { class: "chat-log", aria_live: "polite",
            for (i, line) in lines.read().iter().enumerate() {
                li { key: "{i}", class: if line.from_owner { "owner" } else { "agent" }, "{line.text}" }
            }
        }
        form {
            class: "command",
            onsubmit: move |event| {
                event.prevent_default();
                send();
            },
            input {
                id: "command",
                aria_label: "Command",
                placeholder: "find 30 minutes with Bob next week, afternoons",
                value: "{draft}",
                oninput: move |event| draft.set(event.value()),
            }
            button { r#type: "submit", "Send" }
        }
    }
}
