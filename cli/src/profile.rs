//! The profile directory and its passphrase.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use agentnet_platform::store::{Profile, SqliteStore};
use anyhow::Context;
use zeroize::Zeroizing;

/// The profile's store name inside its directory.
const STORE: &str = "agent";

/// Where the profile lives: `--profile`, else `$AGENTNET_HOME`, else `~/.agentnet`.
pub(crate) fn dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("AGENTNET_HOME").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".agentnet"))
}

/// The control socket of a running `agentnet run`.
pub(crate) fn socket(dir: &Path) -> PathBuf {
    dir.join("agent.sock")
}

/// Opens (or creates) the profile's SQLite store.
pub(crate) async fn store(dir: &Path) -> anyhow::Result<SqliteStore> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // Only the owner may read the store or talk to the control socket inside.
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).with_context(|| format!("restricting {}", dir.display()))?;
    let profile = Profile::new(STORE)?;
    Ok(SqliteStore::open(dir, &profile).await?)
}

/// The passphrase: `$AGENTNET_PASSPHRASE`, else one line from stdin (prompted on stderr).
pub(crate) fn passphrase() -> anyhow::Result<Zeroizing<String>> {
    secret_line("AGENTNET_PASSPHRASE", "Passphrase")
}

/// A secret: the variable `name`, else one line from stdin, prompted with `prompt`.
pub(crate) fn secret_line(name: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var(name) {
        return Ok(Zeroizing::new(p));
    }
    eprint!("{prompt}: ");
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).with_context(|| format!("reading the {} from stdin", prompt.to_lowercase()))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    anyhow::ensure!(!trimmed.is_empty(), "the {} is needed (set {name} or type it)", prompt.to_lowercase());
    Ok(trimmed)
}
