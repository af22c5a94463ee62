//! The frame around every screen: the navigation, the connection, and either the
//! current screen or, while locked, onboarding.

use dioxus::prelude::*;

use super::onboarding::Onboarding;
use super::status::ConnectionBadge;
use crate::Route;
use crate::session::{Phase, use_session};

/// Navigation on top, the routed screen (or the way in) below.
#[component]
pub(crate) fn Shell() -> Element {
    let session = use_session();
    // Effects run only in a live client, never during server rendering, so this
    // flag tells tests (and styles) that the page is interactive.
    let mut interactive = use_signal(|| false);
    use_effect(move || interactive.set(true));
    let phase = (session.phase)();
    let ready = phase == Phase::Ready;
    rsx! {
        header { class: "shell-header", "data-interactive": interactive(), "data-phase": format!("{phase:?}"),
            span { class: "brand", "agentnet" }
            nav { aria_label: "Main",
                Link { to: Route::Chat {}, "Chat" }
                Link { to: Route::Contacts { invite: String::new() }, "Contacts" }
                Link { to: Route::Negotiations {}, "Negotiations" }
                Link { to: Route::Approvals {}, "Approvals" }
                Link { to: Route::Calendar { code: String::new(), state: String::new() }, "Calendar" }
                Link { to: Route::Settings {}, "Settings" }
            }
            div { class: "session",
                ConnectionBadge {}
                if ready {
                    button { class: "quiet", id: "lock", onclick: move |_| session.lock(), "Lock" }
                }
            }
        }
        if let Some(fault) = (session.fault)() {
            p { class: "error banner", role: "alert", "{fault}" }
        }
        main { class: "screen",
            if ready {
                Outlet::<Route> {}
            } else {
                Onboarding {}
            }
        }
    }
}
