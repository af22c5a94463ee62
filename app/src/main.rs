//! agentnet-app: one Dioxus codebase for the web, the desktop and the phone.
//!
//! The role is chosen by feature: `web` hydrates in the browser, `desktop` and
//! `mobile` render in a webview, and `server` serves the web app and mounts the
//! relay's router, so a self-hosted setup is one process.

mod components;
mod session;
mod when;

use components::{
    Approvals, Calendar, Chat, Contacts, NegotiationDetail, Negotiations, Onboarding, Settings, Shell,
};
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
        // `invite` carries a code from an invite link (empty when there is none).
        #[route("/contacts?:invite")]
        Contacts { invite: String },
        #[route("/negotiations")]
        Negotiations {},
        #[route("/negotiations/:id")]
        NegotiationDetail { id: String },
        #[route("/approvals")]
        Approvals {},
        // `code` and `state` carry Google's OAuth redirect on the web (empty otherwise).
        #[route("/calendar?:code&:state")]
        Calendar { code: String, state: String },
        #[route("/settings")]
        Settings {},
}

const STYLE: &str = include_str!("../../assets/main.css");

fn main() {
    #[cfg(feature = "server")]
    dioxus::serve(|| async move {
        // RELAY_* settings apply to the mounted relay too (routing stays in memory). It
        // answers logins for RELAY_PUBLIC_ORIGINS, or else for the address this server
        // listens on; never for a request's Host header.
        let state = agentnet_relay::AppState::in_memory(agentnet_relay::Config::from_env()?);
        state.listening_on(dioxus::cli_config::fullstack_address_or_localhost());
        let relay = agentnet_relay::router(state);
        Ok(dioxus::server::router(App).merge(relay))
    });
    #[cfg(not(feature = "server"))]
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    session::use_session_provider();
    rsx! {
        document::Title { "agentnet" }
        document::Meta { name: "viewport", content: "width=device-width, initial-scale=1" }
        document::Meta { name: "color-scheme", content: "light dark" }
        // As inner HTML: a text child would get the server renderer's hydration comment,
        // which inside <style> is CSS and would spoil the first rule (`:root`).
        style { dangerous_inner_html: STYLE }
        Router::<Route> {}
    }
}
