//! Full-text search: which way to read the matches.
//!
//! Results are newest first, so a search joins FTS5's matches with the records' time
//! order. Two plans, each fast where the other is slow:
//! - few matches: read every match by rowid and sort them (cost grows with the matches);
//! - many matches and a limit: walk the time (or contact) index newest first and keep the
//!   rows whose rowid is among the matches, until the limit is reached. SQLite builds the
//!   match set once (with a Bloom filter), so the walk stops after about
//!   `limit × records / matches` index entries instead of sorting every match.
//!
//! A capped count of the matches (FTS5 alone, no table access) picks the plan.

use rusqlite::{Connection, params, types::Value};

use super::ops::{COLUMNS, backend, collect, filter};
use crate::store::{Collection, Order, Record, Search, StoreError};

/// Up to this many matches, reading and sorting them all costs a few milliseconds at
/// most; beyond it, walking the time order with a limit is cheaper.
const FEW_MATCHES: i64 = 2_000;

pub(super) fn search(conn: &mut Connection, c: Collection, s: &Search) -> Result<Vec<Record>, StoreError> {
    if s.terms.is_empty() {
        return Ok(Vec::new());
    }
    // Each term is a quoted FTS5 string (terms are alphanumeric, so no quote to escape);
    // juxtaposed strings mean AND.
    let matching = s.terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" ");
    let walk_time_order = s.filter.limit.is_some() && matches_at_least(conn, &matching, FEW_MATCHES)?;
    let mut sql = if walk_time_order {
        // INDEXED BY pins the plan: the index that gives the order, never a rowid lookup
        // per match.
        let index = if s.filter.contact.is_some() { "records_by_contact" } else { "records_by_time" };
        format!(
            "SELECT {COLUMNS} FROM records r INDEXED BY {index}
             WHERE r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?1) AND r.collection = ?2"
        )
    } else {
        // CROSS JOIN pins the join order: the matches drive, each record found by rowid.
        format!(
            "SELECT {COLUMNS} FROM records_fts f CROSS JOIN records r ON r.rowid = f.rowid
             WHERE records_fts MATCH ?1 AND r.collection = ?2"
        )
    };
    let mut args = vec![Value::Text(matching), Value::Text(c.name().to_owned())];
    filter(&mut sql, &mut args, &s.filter, Order::NewestFirst);
    collect(conn, &sql, args)
}

/// Whether the FTS5 query matches at least `n` rows (of any collection); stops counting at `n`.
fn matches_at_least(conn: &mut Connection, matching: &str, n: i64) -> Result<bool, StoreError> {
    let found: i64 = conn
        .prepare_cached("SELECT count(*) FROM (SELECT rowid FROM records_fts WHERE records_fts MATCH ?1 LIMIT ?2)")
        .map_err(backend)?
        .query_row(params![matching, n], |r| r.get(0))
        .map_err(backend)?;
    Ok(found >= n)
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::store::native::{ops, schema};
    use crate::store::{Query, Record};

    /// Both plans give the same answer: many matches with a limit (the walk) equal the
    /// first of all matches (read by rowid and sorted), with every filter.
    #[test]
    fn walking_the_time_order_finds_what_reading_every_match_finds() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::prepare(&mut conn).unwrap();
        let n = FEW_MATCHES as usize + 500;
        // Times out of insertion (rowid) order, with ties, over 7 contacts.
        let records: Vec<Record> = (0..n)
            .map(|i| {
                let text = if i % 5 == 0 { "lunch dentist" } else { "lunch" };
                Record::new(format!("m{i}"), ((i * 7919) % 1000) as i64, vec![]).with_contact(format!("c{}", i % 7)).with_text(text)
            })
            .collect();
        ops::put_many(&mut conn, Collection::Messages, &records).unwrap();
        let queries = [Query::all(), Query::all().contact("c3"), Query::all().between(100, 700), Query::all().contact("c1").between(0, 500)];
        for query in queries {
            let all = search(&mut conn, Collection::Messages, &Search::text("lunch").filter(query.clone())).unwrap();
            assert!(matches_at_least(&mut conn, "\"lunch\"", FEW_MATCHES).unwrap(), "the walk is taken");
            for limit in [1, 37, 400] {
                let walked = search(&mut conn, Collection::Messages, &Search::text("lunch").filter(query.clone().limit(limit))).unwrap();
                assert_eq!(walked, all[..all.len().min(limit as usize)], "{query:?} limit {limit}");
            }
        }
    }
}
