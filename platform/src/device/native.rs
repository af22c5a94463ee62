//! Desktop and phone: SQLite files in the user's data folder, a relay chosen by
//! `AGENTNET_RELAY` (the local `./x run` server by default), and invite links the
//! system opens the app with.

use std::path::PathBuf;

use super::{SaveError, Saved, export_file_name};
use crate::store::{Profile, SqliteStore, StoreError};

/// The store profiles live in on this device.
pub type DeviceStore = SqliteStore;

/// The relay used when the owner does not choose one.
const LOCAL_RELAY: &str = "ws://127.0.0.1:8080/ws";

/// Where profiles are kept: `AGENTNET_DATA_DIR`, else `$XDG_DATA_HOME/agentnet`, else
/// `~/.local/share/agentnet`.
pub fn data_dir() -> PathBuf {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("AGENTNET_DATA_DIR")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("agentnet")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/agentnet")))
        .unwrap_or_else(|| PathBuf::from("agentnet-data"))
}

/// Opens the SQLite file of `profile` in [`data_dir`], creating the folder if needed.
pub async fn open_store(profile: &Profile) -> Result<DeviceStore, StoreError> {
    let dir = data_dir();
    create_private_dir(&dir).map_err(|e| StoreError::Backend { backend: "SQLite", message: format!("cannot create {}: {e}", dir.display()) })?;
    SqliteStore::open(&dir, profile).await
}

/// Creates `dir` if needed, readable by the owner only (as the CLI keeps its profile):
/// it holds the sealed profile and its exports.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// `AGENTNET_RELAY`, or the relay `./x run` serves on this machine.
pub fn default_relay() -> String {
    std::env::var("AGENTNET_RELAY").ok().filter(|v| !v.is_empty()).unwrap_or_else(|| LOCAL_RELAY.to_owned())
}

/// An invite the app was opened with: the first argument, when it is an invite code
/// (`an1…`) or an invite link (`…/contacts?invite=an1…`), as a desktop does when the
/// owner opens such a link with agentnet.
pub fn opened_invite() -> Option<String> {
    std::env::args().skip(1).find(|arg| is_invite(arg))
}

fn is_invite(arg: &str) -> bool {
    arg.starts_with("an1") || arg.contains("invite=an1")
}

/// Writes an exported profile into [`data_dir`], under a name not yet used there.
pub fn save_profile(bytes: &[u8]) -> Result<Saved, SaveError> {
    let dir = data_dir();
    let failed = |e: std::io::Error| SaveError { reason: format!("{}: {e}", dir.display()) };
    create_private_dir(&dir).map_err(failed)?;
    let file_name = export_file_name(|name| dir.join(name).exists());
    std::fs::write(dir.join(&file_name), bytes).map_err(failed)?;
    Ok(Saved { file_name, folder: Some(dir.display().to_string()) })
}

#[cfg(test)]
mod tests {
    use super::is_invite;

    #[test]
    fn invite_codes_and_links_are_recognised_and_other_arguments_are_not() {
        assert!(is_invite("an1AAAA"));
        assert!(is_invite("https://relay.example/contacts?invite=an1AAAA"));
        assert!(!is_invite("--verbose"));
        assert!(!is_invite("https://relay.example/contacts"));
    }
}
