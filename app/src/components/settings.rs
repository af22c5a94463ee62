//! The Settings screen: who you are, when meetings may happen (working hours, buffers,
//! focus time), how contacts are answered, the relay, the language model, exporting the
//! profile and locking.

use agentnet_agent::{DayRange, Policy, Settings as Stored, weekday_name};
use dioxus::prelude::*;

use super::export_profile::ExportProfile;
use super::focus_blocks::FocusBlocks;
use super::model_choice::ModelChoice;
use super::notice::{DoneNote, ErrorNote};
use crate::session::use_session;

/// "09:30" from minutes after midnight.
pub(super) fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Minutes after midnight from "09:30" ("24:00" is the end of the day).
pub(super) fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

/// Working hours, policies and relay.
#[component]
pub(crate) fn Settings() -> Element {
    let session = use_session();
    // Loaded once: redrawing on every change would overwrite what is being typed.
    let loaded = use_resource(move || async move {
        match session.agent() {
            Some(agent) => Some(agent.settings().await),
            None => None,
        }
    });
    // The id never changes while unlocked: read, not reloaded on every change.
    let id = session.agent().map(|agent| agent.agent_id().to_string());
    rsx! {
        h1 { "Settings" }
        p { class: "blurb", "Working hours, focus time, policies, relay and language model." }
        if let Some(Some(settings)) = loaded() {
            SettingsForm { settings }
        }
        ModelChoice {}
        ExportProfile {}
        section { class: "card stack",
            h2 { "This device" }
            if let Some(id) = id {
                p { "Your agent id: " code { class: "id", "{id}" } }
            }
            p { class: "hint", "Locking forgets the unlocked keys on this device until you type your passphrase again." }
            button { class: "quiet", id: "lock-now", onclick: move |_| session.lock(), "Lock now" }
        }
    }
}

/// The form, filled from the stored settings.
#[component]
fn SettingsForm(settings: Stored) -> Element {
    let session = use_session();
    let first = settings.prefs.working_hours.first().copied().unwrap_or(DayRange { weekday: 0, start: 9 * 60, end: 17 * 60 });
    let mut name = use_signal(|| settings.name.clone());
    let mut zone = use_signal(|| settings.zone.clone());
    let mut relay = use_signal(|| settings.relay.clone());
    let mut days = use_signal(|| (0..7u8).map(|d| settings.prefs.working_hours.iter().any(|r| r.weekday == d)).collect::<Vec<bool>>());
    let mut start = use_signal(|| hhmm(first.start));
    let mut end = use_signal(|| hhmm(first.end));
    let focus = use_signal(|| settings.prefs.focus.clone());
    let mut buffer = use_signal(|| settings.prefs.buffer_minutes.to_string());
    let mut duration = use_signal(|| settings.prefs.default_duration_minutes.to_string());
    let mut policy = use_signal(|| settings.default_policy);
    let mut budget = use_signal(|| settings.default_budget.to_string());
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);
    let old_relay = settings.relay.clone();
    // The form shows one range for all ticked days; hours set per day (in chat: "8 to 12
    // on Fridays") are kept unless the owner edits the days or times here.
    let shown_hours = (days.peek().clone(), first.start, first.end);

    let save = move |event: FormEvent| {
        let old_relay = old_relay.clone();
        let shown_hours = shown_hours.clone();
        async move {
            event.prevent_default();
            done.set(None);
            let (Some(from), Some(to)) = (minutes(&start.read()), minutes(&end.read())) else {
                error.set(Some("Working hours are times like 09:00 and 17:30.".into()));
                return;
            };
            if from >= to {
                error.set(Some("Working hours must end after they start.".into()));
                return;
            }
            let numbers = (buffer.read().trim().parse::<u32>(), duration.read().trim().parse::<u32>(), budget.read().trim().parse::<u32>());
            let (Ok(buffer), Ok(duration), Ok(budget)) = numbers else {
                error.set(Some("Buffer, meeting length and budget are whole numbers.".into()));
                return;
            };
            let Some(agent) = session.agent() else { return };
            let hours_edited = (days.read().clone(), from, to) != shown_hours;
            let chosen: Vec<u8> = days.read().iter().enumerate().filter(|(_, on)| **on).map(|(d, _)| d as u8).collect();
            let (name, zone, relay, policy) = (name.read().trim().to_owned(), zone.read().trim().to_owned(), relay.read().trim().to_owned(), policy());
            let focus = focus.read().clone();
            let result = agent
                .update_settings(move |s| {
                    s.name = name;
                    s.zone = zone;
                    s.relay = relay;
                    if hours_edited {
                        s.prefs.working_hours = chosen.iter().map(|&weekday| DayRange { weekday, start: from, end: to }).collect();
                    }
                    s.prefs.buffer_minutes = buffer;
                    s.prefs.focus = focus;
                    s.prefs.default_duration_minutes = duration.clamp(5, 8 * 60);
                    s.default_policy = policy;
                    s.default_budget = budget.clamp(1, 100);
                    Ok(())
                })
                .await;
            match result {
                Ok(saved) => {
                    error.set(None);
                    let later = if saved.relay != old_relay { " The new relay is used from the next unlock." } else { "" };
                    done.set(Some(format!("Saved.{later}")));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    };

    rsx! {
        form { class: "card stack", id: "settings", onsubmit: save,
            h2 { "You" }
            label { "Your name" input { id: "settings-name", value: "{name}", oninput: move |e| name.set(e.value()) } }
            label { "Time zone" input { id: "settings-zone", value: "{zone}", oninput: move |e| zone.set(e.value()) } }
            h2 { "Working hours" }
            fieldset { class: "days",
                legend { "Days meetings may happen" }
                for (d, label) in (0..7u8).map(weekday_name).enumerate() {
                    label { class: "inline",
                        input { r#type: "checkbox", class: "day", "data-day": "{label}", checked: days.read()[d],
                            onchange: move |e| days.write()[d] = e.checked() }
                        "{label}"
                    }
                }
            }
            div { class: "row",
                label { "From" input { id: "hours-start", r#type: "time", value: "{start}", oninput: move |e| start.set(e.value()) } }
                label { "To" input { id: "hours-end", r#type: "time", value: "{end}", oninput: move |e| end.set(e.value()) } }
            }
            div { class: "row",
                label { "Free minutes around meetings" input { id: "buffer", r#type: "number", min: "0", value: "{buffer}", oninput: move |e| buffer.set(e.value()) } }
                label { "Meeting length when unsaid (minutes)" input { id: "duration", r#type: "number", min: "5", value: "{duration}", oninput: move |e| duration.set(e.value()) } }
            }
            FocusBlocks { blocks: focus }
            h2 { "New contacts" }
            div { class: "row",
                label { "When their agent asks"
                    select { id: "default-policy", onchange: move |e| policy.set(Policy::parse(&e.value()).unwrap_or_default()),
                        option { value: "ask", selected: policy() == Policy::Ask, "ask me first" }
                        option { value: "auto", selected: policy() == Policy::Auto, "answer for me" }
                        option { value: "never", selected: policy() == Policy::Never, "decline" }
                    }
                }
                label { "Free times shown per negotiation" input { id: "budget", r#type: "number", min: "1", max: "100", value: "{budget}", oninput: move |e| budget.set(e.value()) } }
            }
            h2 { "Relay" }
            label { "Relay URL" input { id: "settings-relay", value: "{relay}", oninput: move |e| relay.set(e.value()) } }
            ErrorNote { text: error() }
            DoneNote { text: done() }
            button { r#type: "submit", id: "save-settings", "Save" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_back_as_written() {
        assert_eq!(minutes("09:30"), Some(570));
        assert_eq!(minutes(&hhmm(1020)), Some(1020));
        assert_eq!(minutes("24:00"), Some(1440));
        assert_eq!(minutes("25:00"), None);
        assert_eq!(minutes("9h"), None);
    }
}
