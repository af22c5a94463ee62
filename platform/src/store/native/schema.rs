//! The SQLite schema and its migrations, versioned with `PRAGMA user_version`.

use rusqlite::Connection;

use super::ops::backend;
use crate::store::{SCHEMA_VERSION, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`. Append only; never edit one
/// that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: one table for every collection, indexed by time and by contact; FTS5 over the
    // search terms, kept in step by triggers. The terms are already normalised words
    // (`store::terms`), so FTS5's tokenizer only splits on the spaces.
    "CREATE TABLE records (
         collection TEXT NOT NULL,
         id         TEXT NOT NULL,
         contact    TEXT,
         time       INTEGER NOT NULL,
         terms      TEXT NOT NULL DEFAULT '',
         body       BLOB NOT NULL,
         UNIQUE (collection, id)
     );
     CREATE INDEX records_by_time ON records (collection, time, id);
     CREATE INDEX records_by_contact ON records (collection, contact, time, id);
     CREATE VIRTUAL TABLE records_fts USING fts5 (
         terms, content = 'records', content_rowid = 'rowid',
         tokenize = 'unicode61 remove_diacritics 0'
     );
     CREATE TRIGGER records_ai AFTER INSERT ON records BEGIN
         INSERT INTO records_fts (rowid, terms) VALUES (new.rowid, new.terms);
     END;
     CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
         INSERT INTO records_fts (records_fts, rowid, terms) VALUES ('delete', old.rowid, old.terms);
     END;
     CREATE TRIGGER records_au AFTER UPDATE ON records BEGIN
         INSERT INTO records_fts (records_fts, rowid, terms) VALUES ('delete', old.rowid, old.terms);
         INSERT INTO records_fts (rowid, terms) VALUES (new.rowid, new.terms);
     END;",
    // 2: the full-text index is kept in step by the store's own statements (`write.rs`
    // says why: triggers made FTS5 flush at every row). The index itself is unchanged
    // and already in step, so only the triggers go.
    "DROP TRIGGER records_ai;
     DROP TRIGGER records_ad;
     DROP TRIGGER records_au;",
];

/// Sets the connection up and migrates it to [`SCHEMA_VERSION`], each step in its own
/// transaction with its version bump, so a crash leaves a whole version.
pub(super) fn prepare(conn: &mut Connection) -> Result<(), StoreError> {
    // WAL: readers don't block the writer and a crash mid-write leaves the last commit
    // intact. synchronous=FULL: a commit is on disk when the call returns, so an
    // acknowledged message survives power loss too (batches pay one sync per batch).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )
    .map_err(backend)?;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(backend)?;
    let found = u32::try_from(found).unwrap_or(u32::MAX);
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    debug_assert_eq!(MIGRATIONS.len(), SCHEMA_VERSION as usize);
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction().map_err(backend)?;
        tx.execute_batch(sql).map_err(backend)?;
        tx.pragma_update(None, "user_version", from as i64 + 1).map_err(backend)?;
        tx.commit().map_err(backend)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::{ops, search};
    use crate::store::{Collection, Record, Search};

    fn fts_in_step(conn: &Connection) -> bool {
        conn.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')", []).is_ok()
    }

    fn message(id: &str, text: &str) -> Record {
        Record::new(id, 1, text.as_bytes().to_vec()).with_text(text)
    }

    /// A version 1 database (index kept by triggers) migrates to 2 with its index intact,
    /// and the store's own index upkeep then matches what the triggers did.
    #[test]
    fn version_1_migrates_and_its_index_stays_in_step() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO records (collection, id, time, terms, body) VALUES ('messages', 'old', 1, 'lunch friday', x'00');",
        )
        .unwrap();
        prepare(&mut conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, i64::from(SCHEMA_VERSION));
        let triggers: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'", [], |r| r.get(0)).unwrap();
        assert_eq!(triggers, 0);
        assert!(fts_in_step(&conn));

        let m = Collection::Messages;
        ops::put_many(&mut conn, m, &[message("old", "dinner friday"), message("new", "lunch")]).unwrap();
        ops::put_many(&mut conn, m, &[message("new", "lunch")]).unwrap();
        assert!(fts_in_step(&conn), "replacing reindexes once");
        let found = |conn: &mut Connection, text| -> Vec<String> {
            search::search(conn, m, &Search::text(text)).unwrap().into_iter().map(|r| r.id).collect()
        };
        assert_eq!(found(&mut conn, "lunch"), ["new"]);
        assert_eq!(found(&mut conn, "friday"), ["old"]);
        ops::delete(&mut conn, m, "old").unwrap();
        assert!(found(&mut conn, "friday").is_empty());
        assert!(fts_in_step(&conn), "deleting unindexes");
    }
}
