//! The IndexedDB schema and its migrations, run in `onupgradeneeded`.

use idb::event::VersionChangeEvent;
use idb::{DatabaseEvent, Event, IndexParams, KeyPath, ObjectStoreParams};

use super::RECORDS;

/// Migration `i` takes the database from version `i` to `i + 1` (version 0 = new).
/// Append only; never edit one that has shipped.
fn migrate(db: &idb::Database, step: u32) -> Result<(), idb::Error> {
    match step {
        0 => {
            let mut params = ObjectStoreParams::new();
            params.key_path(Some(KeyPath::new_array(["c", "id"])));
            let store = db.create_object_store(RECORDS, params)?;
            store.create_index("by_time", KeyPath::new_array(["c", "time"]), None)?;
            store.create_index("by_contact", KeyPath::new_array(["c", "contact", "time"]), None)?;
            let mut multi = IndexParams::new();
            multi.multi_entry(true);
            store.create_index("by_term", KeyPath::new_single("tk"), Some(multi))?;
            Ok(())
        }
        // 1 -> 2 changed only the SQLite schema (its full-text triggers): nothing to do.
        _ => Ok(()),
    }
}

/// The `onupgradeneeded` handler: applies the missing migrations in the upgrade
/// transaction (so a failure aborts the whole upgrade and the open fails).
pub(super) fn upgrade(event: VersionChangeEvent) {
    let run = || -> Result<(), idb::Error> {
        let db = event.database()?;
        let old = event.old_version()?;
        let new = event.new_version()?.unwrap_or(old);
        for step in old..new {
            migrate(&db, step)?;
        }
        Ok(())
    };
    if run().is_err() {
        // Aborting the version-change transaction makes the open request fail.
        if let Ok(target) = event.target() {
            if let Some(tx) = idb::Request::transaction(&target) {
                let _ = tx.abort();
            }
        }
    }
}
