//! Chat with your agent: a command box (Enter sends, arrows recall earlier commands) and
//! the agent's answers, with the negotiations it is running underneath.

use dioxus::prelude::*;

use super::focus::focus_when_mounted;
use super::progress::Progress;
use crate::Route;
use crate::session::{ChatLine, Speaker, use_session};

/// The command box and the conversation so far.
#[component]
pub(crate) fn Chat() -> Element {
    let session = use_session();
    let mut chat = session.chat;
    let mut draft = use_signal(String::new);
    // Which earlier command the arrows are showing (None: the draft being typed).
    let mut recall = use_signal(|| None::<usize>);
    let mut busy = use_signal(|| false);

    // The command box is not bound to `value`: rewriting it from the signal on every key
    // can overwrite keys typed while the webview applies the previous edit. The box is
    // only written when the app changes its text (cleared, recalled, restored).
    let mut show = move |text: String| {
        let script = format!("document.getElementById('command').value = {};", serde_json::Value::String(text.clone()));
        draft.set(text);
        document::eval(&script);
    };

    let history = move || -> Vec<String> { chat.read().iter().filter(|l| l.from == Speaker::Owner).map(|l| l.text.clone()).collect() };

    let send = move || async move {
        let text = draft.read().trim().to_owned();
        if text.is_empty() || busy() {
            return;
        }
        let Some(agent) = session.agent() else { return };
        busy.set(true);
        recall.set(None);
        show(String::new());
        chat.write().push(ChatLine { from: Speaker::Owner, text: text.clone(), negotiation: None, understood: None });
        match agent.ask(&text).await {
            Ok(answer) => {
                let from = if answer.asks { Speaker::Question } else { Speaker::Agent };
                let understood = answer.understood.map(|line| (line, answer.command));
                chat.write().push(ChatLine { from, text: answer.text, negotiation: answer.negotiation, understood });
            }
            Err(e) => {
                chat.write().push(ChatLine { from: Speaker::Error, text: format!("That did not work: {e}"), negotiation: None, understood: None });
                // What was typed comes back, to fix and resend.
                if draft.read().is_empty() {
                    show(text);
                }
            }
        }
        busy.set(false);
    };

    // "Change": what was understood was not what was meant. The request it started is
    // called off and the command comes back to the box, to be said better.
    let change = move |line: usize| async move {
        let Some(agent) = session.agent() else { return };
        let Some((negotiation, command)) = chat.read().get(line).map(|l| (l.negotiation.clone(), l.understood.as_ref().map(|(_, c)| c.clone()))) else { return };
        let called_off = match negotiation {
            Some(id) => agent.cancel(&id).await.map(|_| true),
            None => Ok(false),
        };
        let said = match called_off {
            Ok(true) => "Called off. Say it again the way you meant it.".to_owned(),
            Ok(false) => "Say it again the way you meant it.".to_owned(),
            Err(e) => format!("That could not be called off: {e}"),
        };
        if let Some(entry) = chat.write().get_mut(line) {
            entry.understood = None;
        }
        chat.write().push(ChatLine { from: Speaker::Agent, text: said, negotiation: None, understood: None });
        show(command.unwrap_or_default());
    };

    let keys = move |event: KeyboardEvent| {
        let earlier = history();
        if earlier.is_empty() {
            return;
        }
        let at = match (event.key(), recall()) {
            (Key::ArrowUp, None) => Some(earlier.len() - 1),
            (Key::ArrowUp, Some(i)) => Some(i.saturating_sub(1)),
            (Key::ArrowDown, Some(i)) if i + 1 < earlier.len() => Some(i + 1),
            (Key::ArrowDown, Some(_)) => None,
            _ => return,
        };
        event.prevent_default();
        recall.set(at);
        show(at.map(|i| earlier[i].clone()).unwrap_or_default());
    };

    // The agent's question waits for an answer: the box says so.
    let answering = chat.read().last().is_some_and(|l| l.from == Speaker::Question);
    let placeholder = if answering { "Your answer (or a new request)" } else { "find 30 minutes with Bob next week, afternoons" };

    rsx! {
        h1 { "Chat with your agent" }
        ol { class: "chat-log", aria_live: "polite",
            if chat.read().is_empty() {
                li { class: "agent hint",
                    "Ask me to find time with a contact (\"find 30 minutes with Bob tomorrow afternoon\"), what you have on (\"what's on next week\"), or to change a preference (\"no meetings before 10am\")."
                }
            }
            for (i, line) in chat.read().iter().enumerate() {
                li { key: "{i}", class: match line.from { Speaker::Owner => "owner", Speaker::Agent => "agent", Speaker::Question => "agent question", Speaker::Error => "agent error" },
                    if line.from == Speaker::Question {
                        span { class: "asks", aria_label: "Your agent asks", "?" }
                    }
                    if let Some((understood, _)) = line.understood.clone() {
                        p { class: "understood",
                            "Understood: {understood} "
                            button { class: "change", r#type: "button", aria_label: "Change what was understood", onclick: move |_| change(i), "change?" }
                        }
                    }
                    span { class: "text", "{line.text}" }
                    if let Some(id) = line.negotiation.clone() {
                        " "
                        Link { class: "follow", to: Route::NegotiationDetail { id }, "Follow this negotiation" }
                    }
                }
            }
            if busy() {
                li { class: "agent pending", "…" }
            }
        }
        form {
            class: "command",
            onsubmit: move |event| async move {
                event.prevent_default();
                send().await;
            },
            input {
                id: "command",
                onmounted: focus_when_mounted,
                aria_label: "Command",
                autocomplete: "off",
                placeholder,
                oninput: move |event| {
                    recall.set(None);
                    draft.set(event.value());
                },
                onkeydown: keys,
            }
            button { r#type: "submit", disabled: busy(), "Send" }
        }
        Progress {}
    }
}
