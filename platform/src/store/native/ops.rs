//! The store's operations as SQL on the worker's connection.

use rusqlite::{Connection, OptionalExtension, Row, params, types::Value};

use super::write;

use crate::store::{Collection, Order, Query, Record, StoreError};

pub(super) fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend { backend: "SQLite", message: e.to_string() }
}

pub(super) const COLUMNS: &str = "r.id, r.contact, r.time, r.terms, r.body";

fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    let terms: String = row.get(3)?;
    Ok(Record {
        id: row.get(0)?,
        contact: row.get(1)?,
        time: row.get(2)?,
        terms: terms.split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        body: row.get(4)?,
    })
}

/// Inserts or replaces every record in one transaction: all or none.
pub(super) fn put_many(conn: &mut Connection, c: Collection, records: &[Record]) -> Result<(), StoreError> {
    let tx = conn.transaction().map_err(backend)?;
    records.iter().try_for_each(|r| write::upsert(&tx, c, r))?;
    tx.commit().map_err(backend)
}

pub(super) fn get(conn: &mut Connection, c: Collection, id: &str) -> Result<Record, StoreError> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM records r WHERE r.collection = ?1 AND r.id = ?2"))
        .map_err(backend)?
        .query_row(params![c.name(), id], record)
        .optional()
        .map_err(backend)?
        .ok_or_else(|| StoreError::NotFound { collection: c, id: id.to_owned() })
}

pub(super) fn delete(conn: &mut Connection, c: Collection, id: &str) -> Result<(), StoreError> {
    // A transaction: the record and its index entries go together.
    let tx = conn.transaction().map_err(backend)?;
    write::remove(&tx, c, id)?;
    tx.commit().map_err(backend)
}

pub(super) fn count(conn: &mut Connection, c: Collection) -> Result<u64, StoreError> {
    conn.prepare_cached("SELECT COUNT(*) FROM records WHERE collection = ?1")
        .map_err(backend)?
        .query_row(params![c.name()], |r| r.get::<_, i64>(0))
        .map_err(backend)
        .map(|n| n.unsigned_abs())
}

/// Appends the WHERE clauses and ORDER BY/LIMIT of `q` to `sql`.
pub(super) fn filter(sql: &mut String, args: &mut Vec<Value>, q: &Query, order: Order) {
    if let Some(contact) = &q.contact {
        args.push(Value::Text(contact.clone()));
        sql.push_str(&format!(" AND r.contact = ?{}", args.len()));
    }
    if let Some(since) = q.since {
        args.push(Value::Integer(since));
        sql.push_str(&format!(" AND r.time >= ?{}", args.len()));
    }
    if let Some(until) = q.until {
        args.push(Value::Integer(until));
        sql.push_str(&format!(" AND r.time < ?{}", args.len()));
    }
    // `id` compares as bytes (BINARY collation), the same order `store::sort` gives.
    sql.push_str(match order {
        Order::OldestFirst => " ORDER BY r.time ASC, r.id ASC",
        Order::NewestFirst => " ORDER BY r.time DESC, r.id DESC",
    });
    if let Some(limit) = q.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
}

pub(super) fn collect(conn: &mut Connection, sql: &str, args: Vec<Value>) -> Result<Vec<Record>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), record).map_err(backend)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
}

pub(super) fn list(conn: &mut Connection, c: Collection, q: &Query) -> Result<Vec<Record>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM records r WHERE r.collection = ?1");
    let mut args = vec![Value::Text(c.name().to_owned())];
    filter(&mut sql, &mut args, q, q.order);
    collect(conn, &sql, args)
}
