//! The Contacts screen: invite someone, accept an invite, and manage each contact.

use dioxus::prelude::*;

use super::accept::AcceptInvite;
use super::contact_card::ContactCard;
use super::invite::CreateInvite;
use crate::session::use_live;

/// Invite people and verify their safety numbers. `invite` is a code from an invite link.
#[component]
pub(crate) fn Contacts(invite: String) -> Element {
    let contacts = use_live(|agent| async move {
        let list = agent.contacts().await?;
        Ok(list.into_iter().map(|c| {
            let safety = agent.safety_number(&c);
            (c, safety)
        }).collect::<Vec<_>>())
    });
    rsx! {
        h1 { "Contacts" }
        p { class: "blurb", "Connect with people by invite, then compare safety numbers to be sure you reach them and nobody else." }
        div { class: "columns",
            CreateInvite {}
            AcceptInvite { code: invite }
        }
        section { class: "contact-list", aria_label: "Your contacts",
            h2 { "Your contacts" }
            match &*contacts.read() {
                None => rsx! { p { class: "hint", "Loading…" } },
                Some(Err(e)) => rsx! { p { class: "error", role: "alert", "{e}" } },
                Some(Ok(list)) if list.is_empty() => rsx! { p { class: "hint", "No contacts yet. Send someone an invite, or paste theirs." } },
                Some(Ok(list)) => rsx! {
                    ul { class: "cards",
                        for (contact, safety) in list.iter().cloned() {
                            ContactCard { key: "{contact.id}", contact, safety }
                        }
                    }
                },
            }
        }
    }
}
