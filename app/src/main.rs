//! agentnet-app: one Dioxus codebase for the web, the desktop and the phone.
//!
//! The role is chosen by feature: `web` hydrates in the browser, `desktop` and
//! `mobile` render in a webview, and `server` serves the web app and mounts the
//! relay's router, so a self-hosted setup is one process.

mod components;

use components::{Approvals, Calendar, Chat, Contacts, Negotiations, Onboarding, Settings, Shell};
use dioxus::prelude::*;

/// Every screen of the app, one variant each.
#[derive(Debug, Clone, Routable, PartialEq)]
#[rustfmt::skip]
enum Route {
    #[layout(Shell)]
        #[route("/")]
        Chat {},
        #[route("/onboarding")]
        Onboarding {},
        #[route("/contacts")]
        Contacts {},
        #[route("/negotiations")]
        Negotiations {},
        #[route("/approvals")]
        Approvals {},
        #[route("/calendar")]
        Calendar {},
        #[route("/settings")]
        Settings {},
}

const STYLE: &str = include_str!("../../assets/main.css");

fn main() {
    #[cfg(feature = "server")]
    dioxus::serve(|| async move {
        let relay = agentnet_relay::router(agentnet_relay::AppState::new());
        Ok(dioxus::server::router(App).merge(relay))
    });
    #[cfg(not(feature = "server"))]
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    rsx! {
        document::Title { "agentnet" }
        style { {STYLE} }
        Router::<Route> {}
    }
}
