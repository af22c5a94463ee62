//! The frame around every screen: the navigation and the current screen.

use dioxus::prelude::*;

use crate::Route;

/// Navigation on top, the routed screen below.
#[component]
pub(crate) fn Shell() -> Element {
    rsx! {
        header { class: "shell-header",
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
