//! Focus time in Settings: weekly blocks kept free of meetings, added and removed here
//! and saved with the rest of the settings form.

use agentnet_agent::{DayRange, weekday_name};
use dioxus::prelude::*;

use super::notice::ErrorNote;
use super::settings::minutes;

/// The blocks in `blocks`, each removable, and a row to add one.
#[component]
pub(crate) fn FocusBlocks(blocks: Signal<Vec<DayRange>>) -> Element {
    let mut day = use_signal(|| 0u8);
    let mut start = use_signal(|| "13:00".to_owned());
    let mut end = use_signal(|| "15:00".to_owned());
    let mut error = use_signal(|| None::<String>);

    let add = move |_| {
        let (Some(from), Some(to)) = (minutes(&start.read()), minutes(&end.read())) else {
            error.set(Some("Focus time is between times like 13:00 and 15:00.".into()));
            return;
        };
        if from >= to {
            error.set(Some("Focus time must end after it starts.".into()));
            return;
        }
        error.set(None);
        let block = DayRange { weekday: day(), start: from, end: to };
        let mut list = blocks.write();
        if !list.contains(&block) {
            list.push(block);
            list.sort_by_key(|b| (b.weekday, b.start));
        }
    };

    rsx! {
        h2 { "Focus time" }
        p { class: "hint", "Kept free every week: no meeting is offered in these blocks." }
        if blocks.read().is_empty() {
            p { class: "hint", id: "no-focus", "No focus time yet." }
        }
        ul { class: "focus-list",
            for (i, block) in blocks.read().iter().copied().enumerate() {
                li { key: "{block.weekday}-{block.start}-{block.end}",
                    span { class: "focus-block", "{block.describe()}" }
                    button { r#type: "button", class: "quiet", id: "remove-focus-{i}",
                        aria_label: "Remove focus time {block.describe()}",
                        onclick: move |_| { blocks.write().retain(|b| *b != block); },
                        "Remove"
                    }
                }
            }
        }
        div { class: "row",
            label { "Focus day"
                select { id: "focus-day", onchange: move |e| day.set(e.value().parse().unwrap_or(0)),
                    for (d, name) in (0..7u8).map(weekday_name).enumerate() {
                        option { value: "{d}", selected: usize::from(day()) == d, "{name}" }
                    }
                }
            }
            label { "Focus from" input { id: "focus-start", r#type: "time", value: "{start}", oninput: move |e| start.set(e.value()) } }
            label { "Focus until" input { id: "focus-end", r#type: "time", value: "{end}", oninput: move |e| end.set(e.value()) } }
        }
        div { class: "actions",
            button { r#type: "button", class: "quiet", id: "add-focus", onclick: add, "Add focus time" }
        }
        ErrorNote { text: error() }
    }
}
