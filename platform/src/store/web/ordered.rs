//! Ordered range reads: a cursor over a time-ordered index, stopped at the limit.
//!
//! The `by_time` and `by_contact` indexes end in `time`, so a cursor over a range of
//! them yields records in time order (`prev` for newest first) and a limited list reads
//! only what it returns, instead of every record in the range.
//!
//! Ties in time are the exception. The index orders them by primary key, and IndexedDB
//! compares strings by UTF-16 code units, while the store's order is the id's bytes
//! (UTF-8, as SQLite's BINARY collation); the two disagree for some characters outside
//! the Basic Multilingual Plane. So the cursor reads on past the limit to the end of the
//! last time it returns, and the group is sorted in Rust with the store's rule.

use idb::{CursorDirection, Index, KeyRange};

use super::backend;
use super::convert::from_js;
use crate::store::{Order, Query, Record, StoreError, sort};

/// The records of `range` in `index` that `query` admits, in `order`, at most `limit`.
pub(super) async fn read(index: &Index, range: KeyRange, query: &Query, order: Order) -> Result<Vec<Record>, StoreError> {
    let direction = match order {
        Order::OldestFirst => CursorDirection::Next,
        Order::NewestFirst => CursorDirection::Prev,
    };
    let limit = query.limit.map(|n| n as usize);
    if limit == Some(0) {
        return Ok(Vec::new());
    }
    let mut records: Vec<Record> = Vec::new();
    let opened = index.open_cursor(Some(range.into()), Some(direction)).map_err(backend)?.await.map_err(backend)?;
    if let Some(cursor) = opened {
        let mut cursor = cursor.into_managed();
        while let Some(value) = cursor.value().map_err(backend)? {
            let record = from_js(value)?;
            if let Some(last) = limit.and_then(|n| n.checked_sub(1)).and_then(|i| records.get(i)) {
                if record.time != last.time {
                    break;
                }
            }
            // The range already bounds collection, contact and time; this only guards
            // against a record stored with a mismatched index key.
            if query.admits(&record) {
                records.push(record);
            }
            cursor.next(None).await.map_err(backend)?;
        }
    }
    sort(&mut records, order);
    if let Some(n) = limit {
        records.truncate(n);
    }
    Ok(records)
}
