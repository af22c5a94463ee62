//! What the device gives a front end: where the owner's profile is stored, the relay it
//! talks to unless told otherwise, the owner's time zone, how an OAuth consent page is
//! opened and its redirect received (Google Calendar), and where an exported profile goes
//! (a file in the data folder natively, a download in the browser). Front ends (the app) use
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
pub use native::{DeviceStore, data_dir, default_relay, open_store, opened_invite, save_profile};
#[cfg(not(wasm_browser))]
pub use oauth_native::{OAuthRedirect, open_in_browser};
#[cfg(wasm_browser)]
pub use oauth_web::{OAuthRedirect, open_in_browser};
#[cfg(wasm_browser)]
pub use web::{DeviceStore, default_relay, open_store, opened_invite, save_profile};

/// The owner's IANA time zone as the device reports it (UTC when it reports none).
pub fn time_zone() -> String {
    jiff::tz::TimeZone::system().iana_name().unwrap_or("UTC").to_owned()
}

/// Where [`save_profile`] put an exported profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The file's name, `agentnet-profile-<date>.agentnet`.
    pub file_name: String,
    /// The folder it was written to; `None` when the browser downloads it.
    pub folder: Option<String>,
}

/// Why an exported profile could not be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not save the profile file: {reason}")]
pub struct SaveError {
    /// What the device said.
    pub reason: String,
}

/// `agentnet-profile-<today>.agentnet`, `-2`, `-3`... when `taken` says a name is used.
fn export_file_name(taken: impl Fn(&str) -> bool) -> String {
    let stem = format!("agentnet-profile-{}", jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::system()).date());
    let ext = crate::store::backup::EXTENSION;
    let first = format!("{stem}.{ext}");
    if !taken(&first) {
        return first;
    }
    (2u32..).map(|n| format!("{stem}-{n}.{ext}")).find(|name| !taken(name)).unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_are_dated_and_never_reuse_a_taken_one() {
        let first = export_file_name(|_| false);
        assert!(first.starts_with("agentnet-profile-2") && first.ends_with(".agentnet"), "{first}");
        let second = export_file_name(|name| name == first);
        assert_eq!(second, first.replace(".agentnet", "-2.agentnet"));
    }
}
