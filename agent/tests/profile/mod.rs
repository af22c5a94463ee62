//! Real profiles for tests: a SQLite store in a fresh temporary folder, created through
//! the agent runtime like the app and the CLI create them.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::vault::KdfParams;
use agentnet_core::identity::Keypair;
use agentnet_agent::{Agent, Contact, NewProfile, Policy};
use agentnet_platform::llm::Understand;
use agentnet_platform::store::{Collection, Profile, Record, SqliteStore};
use agentnet_platform::vault::Vault;

/// Cheap Argon2id costs: these tests are about storage, not key stretching.
pub const TEST_KDF: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };
pub const PASSPHRASE: &[u8] = b"correct horse battery staple";

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("agentnet-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Every byte of every file in the folder (the database, its WAL and shared memory).
    pub fn all_bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(&self.0).unwrap() {
            all.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        all
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn store(dir: &TempDir) -> SqliteStore {
    SqliteStore::open(dir.path(), &Profile::new("agent").unwrap()).await.unwrap()
}

/// Creates the profile of `name` in `dir`.
pub async fn create(dir: &TempDir, name: &str) {
    let profile = NewProfile { name: name.into(), zone: "Europe/Berlin".into(), relay: "ws://127.0.0.1:1/ws".into() };
    Agent::create(store(dir).await, PASSPHRASE, profile, TEST_KDF).await.unwrap();
}

/// Opens the agent in `dir`, offline, with the offline interpreter as the caller's default.
pub async fn open(dir: &TempDir) -> Agent<SqliteStore> {
    Agent::open(store(dir).await, PASSPHRASE, false, Understand::offline()).await.unwrap()
}

/// Adds a contact the way the runtime stores one (sealed, searchable by name), with a
/// real prekey bundle, without a relay to fetch it from.
pub async fn add_contact(dir: &TempDir, name: &str) -> Contact {
    let mut rng = agentnet_platform::rt::rng();
    let them = Keypair::generate(&mut rng);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let bundle = Ring::new(&them, now, &mut rng).bundle(&them).to_bytes();
    let contact = Contact {
        id: hex::encode(them.agent_id().as_bytes()),
        name: name.into(),
        bundle,
        policy: Policy::Ask,
        disclosure_budget: 12,
        verified: false,
        blocked: false,
        added_ms: 1_772_638_200_000,
        delivery_key: Some(agentnet_core::crypto::delivery_key::DeliveryKey::generate(&mut rng)),
        invite_key: None,
        hours: None,
        share_hours: true,
    };
    let mut vault = Vault::open(store(dir).await).await.unwrap();
    vault.unlock(PASSPHRASE).await.unwrap();
    let record = Record::json(contact.id.clone(), contact.added_ms, &contact).unwrap().with_text(name);
    vault.put(Collection::Contacts, record).await.unwrap();
    contact
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
