//! One negotiation: its state, what was disclosed, and its transcript as sentences,
//! with the structured messages on request.

use agentnet_agent::{Direction, Entry, Side};
use dioxus::prelude::*;

use super::negotiation_state::{describe, names, peers};
use crate::Route;
use crate::session::use_live;
use crate::when;

/// What the page shows, read in one go.
#[derive(Clone, PartialEq)]
struct View {
    title: String,
    who: String,
    asked_by_you: bool,
    state: String,
    class: &'static str,
    /// Per contact, the owner's free times they were shown, as read in the owner's zone.
    disclosed: Vec<(String, Vec<String>)>,
    lines: Vec<(Entry, String)>,
}

/// The transcript of negotiation `id`.
#[component]
pub(crate) fn NegotiationDetail(id: String) -> Element {
    let mut structured = use_signal(|| false);
    let wanted = use_signal(|| id.clone());
    let view = use_live(move |agent| {
        let id = wanted();
        async move {
        let zone = agent.settings().await.time_zone();
        let names = names(&agent.contacts().await?);
        let n = agent.negotiation(&id).await?;
        let who = peers(&n, &names);
        let summary = agent.summary(&n).await?;
        let (state, class) = describe(&n, &summary);
        let entries = agent.transcript(&n.id).await?;
        let disclosed = summary.disclosed.iter().map(|d| (d.name.clone(), d.slots.iter().map(|s| when::slot(s, &zone)).collect())).collect();
        let lines = entries.into_iter().map(|e| {
            let at = when::clock(e.at_ms, &zone);
            (e, at)
        }).collect();
        Ok(View { title: n.meeting.title, who, asked_by_you: n.side == Side::Organiser, state, class, disclosed, lines })
        }
    });

    rsx! {
        p { Link { to: Route::Negotiations {}, "← All negotiations" } }
        match &*view.read() {
            None => rsx! { p { class: "hint", "Loading…" } },
            Some(Err(e)) => rsx! { h1 { "Negotiation" } p { class: "error", role: "alert", "{e}" } },
            Some(Ok(v)) => rsx! {
                h1 { "{v.title}" }
                p { class: "who", if v.asked_by_you { "You asked {v.who}." } else { "{v.who} asked you." } }
                p { class: "state {v.class}", id: "negotiation-state", "{v.state}" }
                div { class: "hint", id: "disclosed",
                    for (name, slots) in v.disclosed.iter().cloned() {
                        if slots.is_empty() {
                            p { "Your agent has not shown {name} any of your free times." }
                        } else {
                            p { "Your agent showed {name} {slots.len()} of your free times; nothing else about your calendar:" }
                            ul { class: "disclosures", aria_label: "Free times shown to {name}",
                                for s in slots.iter() { li { "{s}" } }
                            }
                        }
                    }
                }
                label { class: "inline",
                    input { r#type: "checkbox", id: "show-messages", checked: structured(), onchange: move |e| structured.set(e.checked()) }
                    "Show the structured messages"
                }
                ol { class: "transcript",
                    for (i, (entry, at)) in v.lines.iter().cloned().enumerate() {
                        li { key: "{i}", class: direction_class(entry.direction),
                            span { class: "mark", aria_label: direction_label(entry.direction), "{direction_mark(entry.direction)}" }
                            time { "{at}" }
                            span { class: "sentence", "{entry.sentence}" }
                            if structured() {
                                if let Some(message) = &entry.message {
                                    pre { class: "message", "{serde_json::to_string_pretty(message).unwrap_or_default()}" }
                                }
                            }
                        }
                    }
                }
            },
        }
    }
}

fn direction_class(d: Direction) -> &'static str {
    match d {
        Direction::Sent => "sent",
        Direction::Received => "received",
        Direction::Rejected => "rejected",
        Direction::Note => "note",
    }
}

fn direction_mark(d: Direction) -> &'static str {
    match d {
        Direction::Sent => "→",
        Direction::Received => "←",
        Direction::Rejected => "✕",
        Direction::Note => "•",
    }
}

fn direction_label(d: Direction) -> &'static str {
    match d {
        Direction::Sent => "your agent said",
        Direction::Received => "their agent said",
        Direction::Rejected => "refused",
        Direction::Note => "note",
    }
}
