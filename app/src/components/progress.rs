//! The negotiations in flight, under the chat: where each one is, live.

use agentnet_agent::Direction;
use agentnet_platform::store::Query;
use dioxus::prelude::*;

use super::negotiation_state::describe;
use crate::Route;
use crate::session::use_live;

/// How many finished negotiations stay listed under the running ones.
const RECENT: usize = 3;

/// Running negotiations first, then the last few that ended, each with its latest step.
#[component]
pub(crate) fn Progress() -> Element {
    let rows = use_live(|agent| async move {
        let all = agent.negotiations().await?;
        let (running, ended): (Vec<_>, Vec<_>) = all.into_iter().partition(|n| !n.state.is_terminal() && n.booked.is_none());
        let shown: Vec<_> = running.into_iter().chain(ended.into_iter().take(RECENT)).collect();
        let summaries = agent.summaries(&shown).await?;
        // One read of the transcript for every row, newest line first.
        let entries = agent.entries(Query::all()).await?;
        let mut rows = Vec::new();
        for (n, summary) in shown.iter().zip(&summaries) {
            let (state, class) = describe(n, summary);
            let last = entries
                .iter()
                .rev()
                .find(|e| e.negotiation.as_deref() == Some(n.id.as_str()) && e.direction != Direction::Rejected)
                .map(|e| e.sentence.clone())
                .unwrap_or_default();
            rows.push((n.id.clone(), n.meeting.title.clone(), state, class, last));
        }
        Ok(rows)
    });
    let rows = rows.read();
    let Some(Ok(rows)) = &*rows else { return rsx! {} };
    if rows.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "progress", aria_label: "Negotiations in progress",
            h2 { "Your agent's negotiations" }
            ul {
                for (id, title, state, class, last) in rows.iter().cloned() {
                    li { key: "{id}", class: "negotiation {class}",
                        Link { to: Route::NegotiationDetail { id: id.clone() }, strong { "{title}" } }
                        span { class: "state", "{state}" }
                        span { class: "last", "{last}" }
                    }
                }
            }
        }
    }
}
