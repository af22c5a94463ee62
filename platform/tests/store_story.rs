//! The conformance story on SQLite: in memory and in a file (reopened afterwards).

#![cfg(not(wasm_browser))]

mod common;

use std::path::PathBuf;

use agentnet_platform::store::{Collection, Profile, SqliteStore, Store};
use common::story;
use futures_executor::block_on;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("agentnet-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn story_in_memory() {
    block_on(async {
        let store = SqliteStore::open_in_memory().await.unwrap();
        story::story(&store).await;
        story::vault_story(SqliteStore::open_in_memory().await.unwrap()).await;
    });
}

#[test]
fn story_in_a_file_survives_reopening() {
    let dir = TempDir::new("story");
    let alice = Profile::new("alice").unwrap();
    block_on(async {
        let store = SqliteStore::open(&dir.0, &alice).await.unwrap();
        story::story(&store).await;
        drop(store);
        let store = SqliteStore::open(&dir.0, &alice).await.unwrap();
        assert_eq!(store.count(Collection::Messages).await.unwrap(), 5);
        assert_eq!(store.count(Collection::Contacts).await.unwrap(), 2);
        let bob = Profile::new("bob").unwrap();
        story::vault_story(SqliteStore::open(&dir.0, &bob).await.unwrap()).await;
    });
}

#[test]
fn profiles_side_by_side() {
    let dir = TempDir::new("profiles");
    block_on(async {
        let a = SqliteStore::open(&dir.0, &Profile::new("a").unwrap()).await.unwrap();
        let b = SqliteStore::open(&dir.0, &Profile::new("b").unwrap()).await.unwrap();
        story::profiles_story(&a, &b).await;
    });
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = TempDir::new("newer");
    let path = dir.0.join("x.sqlite3");
    block_on(async {
        drop(SqliteStore::open_path(&path).await.unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = SqliteStore::open_path(&path).await.unwrap_err();
        assert!(matches!(err, agentnet_platform::store::StoreError::SchemaTooNew { found: 99, .. }), "{err}");
    });
}
