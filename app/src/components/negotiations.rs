//! The Negotiations screen: every exchange between agents and where it stands.

use agentnet_agent::Side;
use dioxus::prelude::*;

use super::negotiation_state::{describe, names, peers};
use crate::Route;
use crate::session::use_live;

/// One row of the list.
#[derive(Clone, PartialEq)]
struct Row {
    id: String,
    title: String,
    who: String,
    asked_by_you: bool,
    state: String,
    class: &'static str,
}

/// Every exchange between agents; each opens its transcript.
#[component]
pub(crate) fn Negotiations() -> Element {
    let rows = use_live(|agent| async move {
        let names = names(&agent.contacts().await?);
        let all = agent.negotiations().await?;
        let summaries = agent.summaries(&all).await?;
        let mut rows = Vec::new();
        for (n, summary) in all.iter().zip(&summaries) {
            let who = peers(n, &names);
            let (state, class) = describe(n, summary);
            rows.push(Row { id: n.id.clone(), title: n.meeting.title.clone(), who, asked_by_you: n.side == Side::Organiser, state, class });
        }
        Ok(rows)
    });
    rsx! {
        h1 { "Negotiations" }
        p { class: "blurb", "Every exchange between agents, as a readable transcript." }
        match &*rows.read() {
            None => rsx! { p { class: "hint", "Loading…" } },
            Some(Err(e)) => rsx! { p { class: "error", role: "alert", "{e}" } },
            Some(Ok(rows)) if rows.is_empty() => rsx! { p { class: "hint", "No negotiations yet. Ask your agent in Chat to find time with a contact." } },
            Some(Ok(rows)) => rsx! {
                ul { class: "negotiation-list",
                    for row in rows.iter().cloned() {
                        li { key: "{row.id}", class: "card negotiation {row.class}",
                            Link { to: Route::NegotiationDetail { id: row.id.clone() },
                                strong { "{row.title}" }
                            }
                            span { class: "who",
                                if row.asked_by_you { "You asked {row.who}" } else { "{row.who} asked you" }
                            }
                            span { class: "state", "{row.state}" }
                        }
                    }
                }
            },
        }
    }
}
