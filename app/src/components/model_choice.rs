//! The language model in Settings: offline (the default) or an OpenAI-compatible
//! endpoint. The key is typed into a password field and stored sealed in the vault; it is
//! never shown back, only whether one is stored.

use agentnet_agent::LanguageModel;
use agentnet_platform::llm::ApiKey;
use dioxus::prelude::*;

use super::notice::{DoneNote, ErrorNote};
use crate::session::use_session;

/// Loads the stored choice, then the form.
#[component]
pub(crate) fn ModelChoice() -> Element {
    let session = use_session();
    // Loaded once, like the settings form: a redraw must not overwrite what is typed.
    let loaded = use_resource(move || async move {
        match session.agent() {
            Some(agent) => Some(agent.language_model().await.map_err(|e| e.to_string())),
            None => None,
        }
    });
    rsx! {
        match loaded() {
            Some(Some(Ok(choice))) => rsx! { ModelForm { choice } },
            Some(Some(Err(e))) => rsx! { ErrorNote { text: Some(format!("Could not read the language-model choice: {e}")) } },
            _ => rsx! {},
        }
    }
}

#[component]
fn ModelForm(choice: LanguageModel) -> Element {
    let session = use_session();
    let (url0, model0) = match &choice {
        LanguageModel::OpenAiCompatible { base_url, model, .. } => (base_url.clone(), model.clone()),
        _ => (String::new(), String::new()),
    };
    let mut stored = use_signal(|| choice.clone());
    let mut online = use_signal(|| matches!(choice, LanguageModel::OpenAiCompatible { .. }));
    let mut url = use_signal(|| url0);
    let mut model = use_signal(|| model0);
    let mut key = use_signal(String::new);
    let mut remove_key = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);

    let save = move |event: FormEvent| async move {
        event.prevent_default();
        done.set(None);
        let Some(agent) = session.agent() else { return };
        let next = if online() {
            let typed = key.read().trim().to_owned();
            let api_key = if !typed.is_empty() {
                Some(ApiKey::new(typed))
            } else if remove_key() {
                None
            } else {
                // Kept as it is: the stored key goes back unread.
                stored.read().api_key().cloned()
            };
            match LanguageModel::openai_compatible(&url.read(), &model.read(), api_key) {
                Ok(next) => next,
                Err(e) => {
                    error.set(Some(e.to_string()));
                    return;
                }
            }
        } else {
            LanguageModel::Offline
        };
        match agent.set_language_model(next.clone()).await {
            Ok(()) => {
                error.set(None);
                key.set(String::new());
                remove_key.set(false);
                let said = match &next {
                    LanguageModel::OpenAiCompatible { model, .. } => format!("Saved. Your commands now go to {model}; if it cannot be reached, this device answers."),
                    _ => "Saved. Your commands stay on this device.".to_owned(),
                };
                stored.set(next);
                done.set(Some(said));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    let has_key = stored.read().has_key();
    rsx! {
        form { class: "card stack", id: "language-model", onsubmit: save,
            h2 { "Language model" }
            p { class: "hint", "How your commands are understood. Offline, nothing leaves this device. An OpenAI-compatible model receives each command, today's date, your time zone and your contacts' names; nothing else." }
            fieldset {
                legend { "Understand my commands" }
                label { class: "inline",
                    input { r#type: "radio", name: "model-kind", id: "model-offline", value: "offline", checked: !online(), onchange: move |_| online.set(false) }
                    "Offline, on this device"
                }
                label { class: "inline",
                    input { r#type: "radio", name: "model-kind", id: "model-openai", value: "openai", checked: online(), onchange: move |_| online.set(true) }
                    "With an OpenAI-compatible model"
                }
            }
            if online() {
                label { "Base URL"
                    input { id: "model-url", r#type: "url", placeholder: "https://api.openai.com/v1", value: "{url}", oninput: move |e| url.set(e.value()) }
                }
                label { "Model"
                    input { id: "model-name", placeholder: "gpt-4o", value: "{model}", oninput: move |e| model.set(e.value()) }
                }
                if has_key {
                    p { class: "hint", id: "model-key-stored", "A key is stored. Type a new one to replace it." }
                }
                label { if has_key { "New key" } else { "Key (optional; local servers need none)" }
                    input { id: "model-key", r#type: "password", autocomplete: "off", value: "{key}", oninput: move |e| key.set(e.value()) }
                }
                if has_key {
                    label { class: "inline",
                        input { r#type: "checkbox", id: "model-key-remove", checked: remove_key(), onchange: move |e| remove_key.set(e.checked()) }
                        "Remove the stored key"
                    }
                }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
            button { r#type: "submit", id: "save-model", "Save language model" }
        }
    }
}
