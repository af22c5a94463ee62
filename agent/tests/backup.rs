//! Exporting a real profile as sealed records and importing it into an empty store.

mod profile;

use agentnet_agent::DayRange;
use agentnet_platform::store::backup::{self, BackupError, MAGIC, VERSION};
use agentnet_platform::store::{Collection, Record, SqliteStore, Store};
use profile::TempDir;

const OWNER: &str = "Zelda Quackenbush";
const FRIEND: &str = "Bartholomew Fizzwig";

/// A profile with a contact, changed settings and a transcript line; its export.
async fn exported() -> (TempDir, Vec<u8>) {
    let dir = TempDir::new("backup-source");
    profile::create(&dir, OWNER).await;
    profile::add_contact(&dir, FRIEND).await;
    let agent = profile::open(&dir).await;
    agent
        .update_settings(|s| {
            s.prefs.buffer_minutes = 17;
            s.prefs.focus = vec![DayRange { weekday: 2, start: 13 * 60, end: 15 * 60 }];
            Ok(())
        })
        .await
        .unwrap();
    agent.invite().await.unwrap();
    let file = agent.export_profile().await.unwrap();
    (dir, file)
}

/// Every record of every collection, as stored.
async fn everything(store: &SqliteStore) -> Vec<(Collection, Vec<Record>)> {
    let mut all = Vec::new();
    for c in Collection::ALL {
        all.push((c, store.list(c, agentnet_platform::store::Query::all()).await.unwrap()));
    }
    all
}

#[tokio::test]
async fn an_imported_profile_unlocks_with_everything_in_it() {
    let (source, file) = exported().await;
    assert_eq!(file[..8], MAGIC);
    let target = TempDir::new("backup-target");
    let written = backup::import(&profile::store(&target).await, &file).await.unwrap();
    // Keys, identity, prekeys, settings, the contact and the invite at least.
    assert!(written >= 6, "{written} records");

    // Byte for byte what the source holds: nothing was decrypted or re-encrypted.
    assert_eq!(everything(&profile::store(&target).await).await, everything(&profile::store(&source).await).await);

    let agent = profile::open(&target).await;
    let settings = agent.settings().await;
    assert_eq!(settings.name, OWNER);
    assert_eq!(settings.prefs.buffer_minutes, 17);
    assert_eq!(settings.prefs.focus, vec![DayRange { weekday: 2, start: 13 * 60, end: 15 * 60 }]);
    let contacts = agent.contacts().await.unwrap();
    assert_eq!(contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), [FRIEND]);
    assert_eq!(agent.contact("bartholomew fizzwig").await.unwrap().name, FRIEND, "blinded search terms still match");
}

#[tokio::test]
async fn the_export_holds_no_plaintext() {
    let (_source, file) = exported().await;
    for text in [OWNER, FRIEND, "Zelda", "zelda", "quackenbush", "bartholomew", "Europe/Berlin"] {
        assert!(!profile::contains(&file, text.as_bytes()), "{text:?} is in the export in clear");
    }
    // The scan finds what is there: collection names and the key record's id are in clear.
    assert!(profile::contains(&file, b"contacts") && profile::contains(&file, b"vault.keys"));
}

/// Imports `file` into a fresh store and checks it is refused with a store left as it was.
async fn refused(file: &[u8]) -> BackupError {
    let target = TempDir::new("backup-refused");
    let store = profile::store(&target).await;
    let err = backup::import(&store, file).await.unwrap_err();
    for (c, records) in everything(&store).await {
        assert!(records.is_empty(), "{c} was written to: {records:?}");
    }
    err
}

#[tokio::test]
async fn bad_files_are_typed_errors_and_write_nothing() {
    let (_source, file) = exported().await;

    assert_eq!(refused(b"").await, BackupError::NotAProfile);
    assert_eq!(refused(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n").await, BackupError::NotAProfile);

    for cut in [5, 20, file.len() / 2, file.len() - 1] {
        assert!(matches!(refused(&file[..cut]).await, BackupError::Truncated { .. }), "cut at {cut}");
    }

    let mut newer = file.clone();
    newer[8..10].copy_from_slice(&(VERSION + 1).to_be_bytes());
    assert_eq!(refused(&newer).await, BackupError::UnsupportedVersion { found: VERSION + 1, supported: VERSION });

    let mut flipped = file.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    assert!(matches!(refused(&flipped).await, BackupError::Corrupt { .. }));

    let mut longer = file.clone();
    longer.push(0);
    assert!(matches!(refused(&longer).await, BackupError::Corrupt { .. }));
}

#[tokio::test]
async fn a_device_that_has_a_profile_is_left_as_it_was() {
    let (_source, file) = exported().await;
    let target = TempDir::new("backup-occupied");
    profile::create(&target, "Someone Else").await;
    let before = everything(&profile::store(&target).await).await;
    let err = backup::import(&profile::store(&target).await, &file).await.unwrap_err();
    assert!(matches!(err, BackupError::TargetNotEmpty { .. }), "{err}");
    assert_eq!(everything(&profile::store(&target).await).await, before);
    assert_eq!(profile::open(&target).await.settings().await.name, "Someone Else");
}

#[tokio::test]
async fn an_empty_store_has_nothing_to_export() {
    let dir = TempDir::new("backup-empty");
    assert_eq!(backup::export(&profile::store(&dir).await).await.unwrap_err(), BackupError::NoProfile);
}
