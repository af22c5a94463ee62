//! The frame around every screen: the navigation and the current screen.

use dioxus::prelude::*;

use crate::Route;

/// Navigation on top, the routed screen below.
#[component]
pub(crate) fn Shell() -> Element {
    // Effects run only in a live client, never during server rendering, so this
    // flag tells tests (and styles) that the page is interactive.
    let mut interactive = use_signal(|| false);
    use_effect(move || interactive.set(true));
    rsx! {
        header { class: "shell-header", "data-interactive": interactive(),
            span { class: "brand", "agentnet" }
            nav { aria_label: "Main",
                Link { to: Route::Chat {}, "Chat" }
                Link { to: Route::Contacts {}, "Contacts" }
                Link { to: Route::Negotiations {}, "Negotiations" }
                Link { to: Route::Approvals {}, "Approvals" }
                Link { to: Route::Calendar {}, "Calendar" }
                Link { to: Route::Settings {}, "Settings" }
            }
        }
        main { class: "screen", Outlet::<Route> {} }
    }
}
