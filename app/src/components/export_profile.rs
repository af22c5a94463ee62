//! Exporting the profile: one file, still encrypted, to import on another device.

use agentnet_platform::device;
use dioxus::prelude::*;

use super::notice::{DoneNote, ErrorNote};
use crate::session::use_session;

/// "Export profile" and where the file went.
#[component]
pub(crate) fn ExportProfile() -> Element {
    let session = use_session();
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<String>);

    let export = move |_| async move {
        let Some(agent) = session.agent() else { return };
        error.set(None);
        done.set(None);
        let saved = match agent.export_profile().await {
            Ok(bytes) => device::save_profile(&bytes).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match saved {
            Ok(device::Saved { file_name, folder: Some(folder) }) => done.set(Some(format!("Saved {file_name} in {folder}."))),
            Ok(device::Saved { file_name, folder: None }) => done.set(Some(format!("Downloading {file_name}."))),
            Err(e) => error.set(Some(format!("Could not export: {e}"))),
        }
    };

    rsx! {
        section { class: "card stack", id: "export", aria_labelledby: "export-title",
            h2 { id: "export-title", "Export your profile" }
            p { class: "hint", "One file with everything your agent keeps, encrypted as it is on this device: it opens only with your passphrase. Import it on another device from the welcome screen." }
            div { class: "actions",
                button { class: "quiet", id: "export-profile", onclick: export, "Export profile" }
            }
            ErrorNote { text: error() }
            DoneNote { text: done() }
        }
    }
}
