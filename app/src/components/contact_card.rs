//! One contact: their safety number, name, policy, disclosure budget, whether they see
//! the owner's working day, and blocking.

use agentnet_agent::{Contact, ContactChange, Policy};
use dioxus::prelude::*;

use super::notice::ErrorNote;
use crate::session::use_session;

/// A contact with everything the owner can change about them.
#[component]
pub(crate) fn ContactCard(contact: Contact, safety: String) -> Element {
    let session = use_session();
    let mut rename = use_signal(|| contact.name.clone());
    let mut budget = use_signal(|| contact.disclosure_budget.to_string());
    let mut error = use_signal(|| None::<String>);
    let id = contact.id.clone();

    let change = move |change: ContactChange| {
        let id = id.clone();
        async move {
            let Some(agent) = session.agent() else { return };
            match agent.change_contact(&id, change).await {
                Ok(_) => error.set(None),
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    };
    let (c1, c2, c3, c4, c5, c6) = (change.clone(), change.clone(), change.clone(), change.clone(), change.clone(), change);
    let sharing = contact.share_hours;
    let blocked = contact.blocked;
    let verified = contact.verified;
    let short = contact.id.chars().take(8).collect::<String>();

    rsx! {
        li { class: if blocked { "card contact blocked" } else { "card contact" }, "data-name": "{contact.name}",
            div { class: "contact-head",
                h3 { "{contact.name}" }
                span { class: "id", title: "Agent id", "{short}" }
                if verified { span { class: "badge verified", "verified" } }
                if blocked { span { class: "badge blocked", "blocked" } }
            }
            p { class: "safety-label", "Safety number: compare it with {contact.name} in person or on a call." }
            code { class: "safety", "{safety}" }
            label { class: "inline",
                input { r#type: "checkbox", class: "verify", checked: verified,
                    onchange: move |e| c1(ContactChange::Verify(e.checked())) }
                "We compared it and it matches"
            }
            form { class: "inline-form",
                onsubmit: move |e| {
                    e.prevent_default();
                    c2(ContactChange::Rename(rename.read().clone()))
                },
                label { "Name"
                    input { class: "rename", value: "{rename}", oninput: move |e| rename.set(e.value()) }
                }
                button { r#type: "submit", class: "quiet", "Rename" }
            }
            label { "When their agent asks"
                select { class: "policy",
                    onchange: move |e| {
                        let policy = Policy::parse(&e.value()).unwrap_or_default();
                        c3(ContactChange::Policy(policy))
                    },
                    option { value: "ask", selected: contact.policy == Policy::Ask, "ask me first" }
                    option { value: "auto", selected: contact.policy == Policy::Auto, "answer for me within my preferences" }
                    option { value: "never", selected: contact.policy == Policy::Never, "decline" }
                }
            }
            form { class: "inline-form",
                onsubmit: move |e| {
                    e.prevent_default();
                    let wanted = budget.read().trim().parse::<u32>().ok().filter(|n| (1..=100).contains(n));
                    let c5 = c5.clone();
                    async move {
                        match wanted {
                            Some(n) => c5(ContactChange::Budget(n)).await,
                            None => error.set(Some("The disclosure budget is a whole number from 1 to 100.".into())),
                        }
                    }
                },
                label { "Free times shown per negotiation"
                    input { class: "budget", id: "budget-{contact.id}", r#type: "number", min: "1", max: "100", value: "{budget}", oninput: move |e| budget.set(e.value()) }
                }
                button { r#type: "submit", class: "quiet", id: "set-budget-{contact.id}", "Set budget" }
            }
            p { class: "hint", "Your agent shows them at most {contact.disclosure_budget} of your free times per negotiation." }
            label { class: "inline",
                input { r#type: "checkbox", class: "share-hours", checked: sharing,
                    onchange: move |e| c6(ContactChange::ShareHours(e.checked())) }
                "Share my working day with them (my time zone and, per weekday, the hours I start and stop; no meetings), so their agent proposes times inside it"
            }
            button { class: if blocked { "quiet" } else { "quiet danger" },
                onclick: move |_| c4(ContactChange::Block(!blocked)),
                if blocked { "Unblock" } else { "Block" }
            }
            ErrorNote { text: error() }
        }
    }
}
