//! Writes: records and their full-text index, kept in step by hand.
//!
//! Why not triggers (schema v1 had them): every statement that fires a trigger writing to
//! FTS5 runs under a statement savepoint, and FTS5 flushes its in-memory index at every
//! savepoint. A batch of 100,000 inserts thus wrote 100,000 one-row index segments and
//! spent its time merging them (about 25,000 inserts/s). Plain single-row statements take
//! no savepoint, so FTS5 buffers the whole batch and writes it once at commit (several
//! times faster). Each write still happens in one transaction with its index update, so
//! the index can never disagree with the records.

use rusqlite::{OptionalExtension, Transaction, params};

use super::ops::backend;
use crate::store::{Collection, Record, StoreError};

/// The rowid and indexed terms of the record `(c, id)`, if it exists.
fn existing(tx: &Transaction<'_>, c: Collection, id: &str) -> Result<Option<(i64, String)>, StoreError> {
    tx.prepare_cached("SELECT rowid, terms FROM records WHERE collection = ?1 AND id = ?2")
        .map_err(backend)?
        .query_row(params![c.name(), id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(backend)
}

fn index_terms(tx: &Transaction<'_>, rowid: i64, terms: &str) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO records_fts (rowid, terms) VALUES (?1, ?2)")
        .map_err(backend)?
        .execute(params![rowid, terms])
        .map_err(backend)
        .map(drop)
}

/// An external-content FTS5 table forgets a row by being told the exact terms it indexed.
fn unindex_terms(tx: &Transaction<'_>, rowid: i64, terms: &str) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO records_fts (records_fts, rowid, terms) VALUES ('delete', ?1, ?2)")
        .map_err(backend)?
        .execute(params![rowid, terms])
        .map_err(backend)
        .map(drop)
}

/// Inserts `r`, or replaces the record with its id in place (same rowid).
pub(super) fn upsert(tx: &Transaction<'_>, c: Collection, r: &Record) -> Result<(), StoreError> {
    let terms = r.terms_joined();
    match existing(tx, c, &r.id)? {
        None => {
            tx.prepare_cached(
                "INSERT INTO records (collection, id, contact, time, terms, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(backend)?
            .execute(params![c.name(), r.id, r.contact, r.time, terms, r.body])
            .map_err(backend)?;
            index_terms(tx, tx.last_insert_rowid(), &terms)
        }
        Some((rowid, old_terms)) => {
            tx.prepare_cached("UPDATE records SET contact = ?2, time = ?3, terms = ?4, body = ?5 WHERE rowid = ?1")
                .map_err(backend)?
                .execute(params![rowid, r.contact, r.time, terms, r.body])
                .map_err(backend)?;
            if old_terms == terms {
                return Ok(());
            }
            unindex_terms(tx, rowid, &old_terms)?;
            index_terms(tx, rowid, &terms)
        }
    }
}

/// Removes the record `(c, id)` and its index entries, or answers `NotFound`.
pub(super) fn remove(tx: &Transaction<'_>, c: Collection, id: &str) -> Result<(), StoreError> {
    let (rowid, terms) = existing(tx, c, id)?.ok_or_else(|| StoreError::NotFound { collection: c, id: id.to_owned() })?;
    tx.prepare_cached("DELETE FROM records WHERE rowid = ?1").map_err(backend)?.execute([rowid]).map_err(backend)?;
    unindex_terms(tx, rowid, &terms)
}
