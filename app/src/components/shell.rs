//! The frame around every screen: the navigation, the connection, and either the
//! current screen or, while locked, onboarding.

use dioxus::prelude::*;

use super::onboarding::Onboarding;
use super::shortcuts::{announce, use_screen_shortcuts};
use super::status::ConnectionBadge;
use crate::Route;
use agentnet_platform::device;

use crate::session::{Phase, use_session};

/// Navigation on top, the routed screen (or the way in) below.
#[component]
pub(crate) fn Shell() -> Element {
    let session = use_session();
    // Effects run only in a live client, never during server rendering, so this
    // flag tells tests (and styles) that the page is interactive.
    let mut interactive = use_signal(|| false);
    use_effect(move || interactive.set(true));
    use_screen_shortcuts();
    // An invite the app was opened with waits until the agent is unlocked, then opens
    // in Contacts, ready to accept.
    let mut opened_invite = use_signal(device::opened_invite);
    let navigator = navigator();
    use_effect(move || {
        if (session.phase)() == Phase::Ready
            && let Some(invite) = opened_invite.write().take()
        {
            navigator.push(Route::Contacts { invite });
        }
    });
    let phase = (session.phase)();
    let ready = phase == Phase::Ready;
    rsx! {
        header { class: "shell-header", "data-interactive": interactive(), "data-phase": format!("{phase:?}"),
            span { class: "brand", "agentnet" }
            nav { aria_label: "Main",
                Link { to: Route::Chat {}, aria_keyshortcuts: announce(1), "Chat" }
                Link { to: Route::Contacts { invite: String::new() }, aria_keyshortcuts: announce(2), "Contacts" }
                Link { to: Route::Negotiations {}, aria_keyshortcuts: announce(3), "Negotiations" }
                Link { to: Route::Approvals {}, aria_keyshortcuts: announce(4), "Approvals" }
                Link { to: Route::Calendar { code: String::new(), state: String::new() }, aria_keyshortcuts: announce(5), "Calendar" }
                Link { to: Route::Settings {}, aria_keyshortcuts: announce(6), "Settings" }
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
        main { class: "screen", tabindex: "-1",
            if ready {
                Outlet::<Route> {}
            } else {
                Onboarding {}
            }
        }
    }
}
