//! Moving events in and out of the local calendar as ICS (RFC 5545) files.

use dioxus::prelude::*;

use super::notice::{DoneNote, ErrorNote};
use crate::session::use_session;

/// `text` as a `data:` URL a link can download.
fn data_url(text: &str) -> String {
    let mut url = String::from("data:text/calendar;charset=utf-8,");
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => url.push(byte as char),
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

/// Import an .ics file; export the calendar as one.
#[component]
pub(crate) fn IcsPanel() -> Element {
    let session = use_session();
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);
    let mut export = use_signal(|| None::<String>);

    let import = move |event: FormEvent| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        for file in event.files() {
            let name = file.name();
            let result = match file.read_string().await {
                Ok(text) => agent.import_ics(&text).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match result {
                Ok(count) => done.set(Some(format!("Imported {count} events from {name}."))),
                Err(e) => error.set(Some(format!("Could not import {name}: {e}"))),
            }
        }
    };
    let make_export = move |_| async move {
        let Some(agent) = session.agent() else { return };
        match agent.export_ics().await {
            Ok(text) => export.set(Some(data_url(&text))),
            Err(e) => error.set(Some(format!("Could not export: {e}"))),
        }
    };

    rsx! {
        section { class: "card stack ics", aria_labelledby: "ics-title",
            h2 { id: "ics-title", "Import and export" }
            label { "Import an .ics file"
                input { id: "ics-import", r#type: "file", accept: ".ics,text/calendar", onchange: import }
            }
            div { class: "actions",
                button { class: "quiet", id: "ics-export", onclick: make_export, "Export my calendar" }
                if let Some(url) = export() {
                    a { id: "ics-download", href: "{url}", download: "agentnet.ics", "Download agentnet.ics" }
                }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
        }
    }
}
