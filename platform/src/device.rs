//! What the device gives a front end: where the owner's profile is stored, the relay it
//! talks to unless told otherwise, the owner's time zone, and how an OAuth consent page is
//! opened and its redirect received (Google Calendar). Front ends (the app) use
//! these so no screen has to know which target it runs on.

#[cfg(not(wasm_browser))]
mod native;
#[cfg(not(wasm_browser))]
mod oauth_native;
#[cfg(wasm_browser)]
mod oauth_web;
#[cfg(wasm_browser)]
mod web;

#[cfg(not(wasm_browser))]
pub use native::{DeviceStore, data_dir, default_relay, open_store, opened_invite};
#[cfg(not(wasm_browser))]
pub use oauth_native::{OAuthRedirect, open_in_browser};
#[cfg(wasm_browser)]
pub use oauth_web::{OAuthRedirect, open_in_browser};
#[cfg(wasm_browser)]
pub use web::{DeviceStore, default_relay, open_store, opened_invite};

/// The owner's IANA time zone as the device reports it (UTC when it reports none).
pub fn time_zone() -> String {
    jiff::tz::TimeZone::system().iana_name().unwrap_or("UTC").to_owned()
}
