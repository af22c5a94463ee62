//! The Google calendar picker: which of the account's calendars count as busy, and which
//! one receives the meetings the agent books.

use agentnet_agent::GoogleStatus;
use dioxus::prelude::*;

use super::notice::{DoneNote, ErrorNote};
use crate::session::use_session;

/// The picker for the connected account in `status`.
#[component]
pub(crate) fn GoogleCalendarPicker(status: GoogleStatus) -> Element {
    let session = use_session();
    let chosen_busy: Vec<String> = status.calendars.iter().filter(|c| c.busy).map(|c| c.id.clone()).collect();
    let chosen_target = status.calendars.iter().find(|c| status.receives_bookings(c)).map(|c| c.id.clone()).unwrap_or_default();
    let mut busy = use_signal(|| chosen_busy.clone());
    let mut target = use_signal(|| chosen_target.clone());
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);
    if status.calendars.is_empty() {
        return rsx! {};
    }
    let changed = busy() != chosen_busy || target() != chosen_target;
    let save = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        match agent.choose_google_calendars(&busy.peek(), &target.peek()).await {
            Ok(status) => done.set(Some(format!("Saved. Meetings your agent books go to '{}'.", status.calendar_label()))),
            Err(e) => error.set(Some(e.in_plain_words())),
        }
    };
    rsx! {
        fieldset { class: "stack", id: "google-calendars",
            legend { "Your Google calendars" }
            for calendar in status.calendars.iter().cloned() {
                div { class: "calendar-choice", key: "{calendar.id}",
                    span { class: "name", "{calendar.name}" }
                    label {
                        input { r#type: "checkbox", class: "busy", checked: busy().contains(&calendar.id),
                            onchange: {
                                let id = calendar.id.clone();
                                move |e: FormEvent| busy.with_mut(|list| {
                                    list.retain(|other| other != &id);
                                    if e.checked() { list.push(id.clone()); }
                                })
                            }
                        }
                        " counts as busy"
                    }
                    label {
                        input { r#type: "radio", name: "google-bookings", class: "bookings", checked: target() == calendar.id,
                            disabled: !calendar.writable,
                            onchange: {
                                let id = calendar.id.clone();
                                move |_| target.set(id.clone())
                            }
                        }
                        if calendar.writable { " receives bookings" } else { " read-only" }
                    }
                }
            }
            div { class: "actions",
                button { id: "google-calendars-save", disabled: !changed, onclick: save, "Save calendars" }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
        }
    }
}
