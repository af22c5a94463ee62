//! The Calendar screen: a week in the owner's time zone, with ICS import and export and
//! the Google Calendar and CalDAV connections.

use dioxus::prelude::*;

use super::caldav::CalDavPanel;
use super::google::GooglePanel;
use super::ics::IcsPanel;
use super::week::{lay_out, monday, window};
use crate::session::use_live;

/// Your week, with the meetings your agent booked. `code` and `state` are Google's
/// redirect on the web (empty otherwise).
#[component]
pub(crate) fn Calendar(code: String, state: String) -> Element {
    let mut weeks = use_signal(|| 0i64);
    let week = use_live(move |agent| {
        let weeks = weeks();
        async move {
            let settings = agent.settings().await;
            let zone = settings.time_zone();
            let monday = monday(&zone, weeks)?;
            let events = agent.events(window(monday, &zone)?).await?;
            let days = lay_out(monday, &zone, &events)?;
            Ok((monday.strftime("%-d %B %Y").to_string(), settings.zone, days))
        }
    });
    let hours: Vec<String> = (0..24).step_by(3).map(|h| format!("{h:02}:00")).collect();

    rsx! {
        h1 { "Calendar" }
        div { class: "week-bar",
            button { class: "quiet", id: "previous-week", onclick: move |_| weeks -= 1, "← Previous week" }
            button { class: "quiet", id: "this-week", onclick: move |_| weeks.set(0), "This week" }
            button { class: "quiet", id: "next-week", onclick: move |_| weeks += 1, "Next week →" }
        }
        match &*week.read() {
            None => rsx! { p { class: "hint", "Loading…" } },
            Some(Err(e)) => rsx! { p { class: "error", role: "alert", "{e}" } },
            Some(Ok((from, zone, days))) => rsx! {
                p { class: "blurb", id: "week-of", "Week of {from}, times in {zone}." }
                div { class: "week", role: "grid", aria_label: "Week of {from}",
                    div { class: "hours", aria_hidden: "true",
                        for h in hours.iter() { span { "{h}" } }
                    }
                    for day in days.iter().cloned() {
                        section { class: if day.today { "day today" } else { "day" }, aria_label: "{day.label}",
                            h2 { "{day.label}" }
                            div { class: "slots",
                                if day.events.is_empty() { p { class: "free", "free" } }
                                for (i, e) in day.events.iter().enumerate() {
                                    div { key: "{i}", class: "event", style: "top: {e.top:.3}%; height: {e.height:.3}%;", title: "{e.title}, {e.time}",
                                        span { class: "time", "{e.time}" }
                                        span { class: "title", "{e.title}" }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        }
        GooglePanel { code, state }
        CalDavPanel {}
        IcsPanel {}
    }
}
