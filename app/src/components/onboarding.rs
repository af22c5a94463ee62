//! The way in: create a profile (or import one), unlock the one on this device, or say why
//! neither works.

use dioxus::prelude::*;

use super::create_profile::CreateProfile;
use super::import_profile::ImportProfile;
use super::unlock::Unlock;
use crate::Route;
use crate::session::{Phase, use_session};

/// Create your agent or unlock the one on this device.
#[component]
pub(crate) fn Onboarding() -> Element {
    let session = use_session();
    match (session.phase)() {
        Phase::Checking => rsx! {
            h1 { "Welcome to agentnet" }
            p { class: "blurb", "Opening your agent on this device…" }
        },
        Phase::New => rsx! {
            CreateProfile {}
            ImportProfile {}
        },
        Phase::Locked => rsx! { Unlock {} },
        Phase::Ready => rsx! {
            h1 { "Your agent is unlocked" }
            p { class: "blurb",
                "Talk to it in "
                Link { to: Route::Chat {}, "Chat" }
                ", or invite someone from "
                Link { to: Route::Contacts { invite: String::new() }, "Contacts" }
                "."
            }
        },
        Phase::Unavailable(reason) => rsx! {
            h1 { "This device's storage is not available" }
            p { class: "error", role: "alert", "agentnet keeps your agent encrypted in this browser's storage, and it refused: {reason}" }
            p { class: "blurb", "Private windows and blocked site data prevent it. Open agentnet in a normal window." }
        },
    }
}
