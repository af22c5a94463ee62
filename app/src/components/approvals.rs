//! The Approvals screen: what the agent wants to accept or propose for the owner.

use agentnet_core::schedule::Interval;
use agentnet_agent::Side;
use dioxus::prelude::*;

use super::negotiation_state::{names, peers};
use super::notice::ErrorNote;
use crate::Route;
use crate::session::{use_live, use_session};
use crate::when;

/// One decision waiting for the owner.
#[derive(Clone, PartialEq)]
struct Pending {
    id: String,
    title: String,
    minutes: u32,
    who: String,
    asked_by_you: bool,
    slots: Vec<String>,
    /// The owner's other free times to suggest instead, best first, with their labels.
    others: Vec<(Interval, String)>,
}

/// How many other times are offered to pick from.
const OTHERS: usize = 5;

/// What your agent wants to accept or propose for you, to approve or decline.
#[component]
pub(crate) fn Approvals() -> Element {
    let session = use_session();
    let mut error = use_signal(|| None::<String>);
    let pending = use_live(|agent| async move {
        let zone = agent.settings().await.time_zone();
        let names = names(&agent.contacts().await?);
        let mut list = Vec::new();
        for n in agent.negotiations().await? {
            let Some(approval) = n.approval.as_ref() else { continue };
            let others = agent.suggestions(&n.id, OTHERS).await?;
            list.push(Pending {
                id: n.id.clone(),
                title: n.meeting.title.clone(),
                minutes: n.meeting.duration_minutes,
                who: peers(&n, &names),
                asked_by_you: n.side == Side::Organiser,
                slots: approval.slots.iter().map(|s| when::slot(s, &zone)).collect(),
                others: others.into_iter().map(|s| (s, when::slot(&s, &zone))).collect(),
            });
        }
        Ok(list)
    });
    let decide = move |id: String, yes: bool| async move {
        let Some(agent) = session.agent() else { return };
        let result = if yes { agent.approve(&id).await } else { agent.decline(&id).await };
        error.set(result.err().map(|e| e.to_string()));
    };
    let suggest = move |id: String, slot: Interval| async move {
        let Some(agent) = session.agent() else { return };
        let result = agent.suggest(&id, &[slot]).await;
        error.set(result.err().map(|e| e.to_string()));
    };

    rsx! {
        h1 { "Approvals" }
        p { class: "blurb", "What your agent wants to accept or propose for you." }
        ErrorNote { text: error() }
        match &*pending.read() {
            None => rsx! { p { class: "hint", "Loading…" } },
            Some(Err(e)) => rsx! { p { class: "error", role: "alert", "{e}" } },
            Some(Ok(list)) if list.is_empty() => rsx! { p { class: "hint", id: "no-approvals", "Nothing is waiting for you." } },
            Some(Ok(list)) => rsx! {
                ul { class: "cards approvals",
                    for p in list.iter().cloned() {
                        li { key: "{p.id}", class: "card approval",
                            h2 { "{p.title}" }
                            p {
                                if p.asked_by_you { "Your agent would propose {p.minutes} minutes to {p.who}:" }
                                else { "{p.who}'s agent asks for {p.minutes} minutes. Your agent would agree to:" }
                            }
                            ul { class: "slots",
                                for s in p.slots.iter() { li { "{s}" } }
                            }
                            div { class: "actions",
                                button { class: "approve", onclick: { let id = p.id.clone(); move |_| decide(id.clone(), true) }, "Approve" }
                                button { class: "quiet decline", onclick: { let id = p.id.clone(); move |_| decide(id.clone(), false) }, "Decline" }
                                Link { class: "quiet", to: Route::NegotiationDetail { id: p.id.clone() }, "Read the transcript" }
                            }
                            if !p.asked_by_you {
                                details { class: "suggest", id: "suggest-{short(&p.id)}",
                                    summary { "Suggest another time" }
                                    if p.others.is_empty() {
                                        p { class: "hint", "You have no other free times for this meeting." }
                                    } else {
                                        p { class: "hint", "Your agent offers {p.who} the time you pick instead:" }
                                        ul { aria_label: "Your other free times",
                                            for (i, (slot, label)) in p.others.iter().cloned().enumerate() {
                                                li { key: "{i}",
                                                    button {
                                                        class: "quiet suggest-slot",
                                                        id: "suggest-{short(&p.id)}-{i}",
                                                        aria_label: "Suggest {label} instead",
                                                        onclick: { let id = p.id.clone(); move |_| suggest(id.clone(), slot) },
                                                        "{label}"
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        }
    }
}

/// The first 8 characters of a negotiation id, for element ids.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
