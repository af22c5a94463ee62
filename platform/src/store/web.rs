//! The browser backend: IndexedDB through `idb`.
//!
//! One object store, `records`, keyed by `[collection, id]`, with indexes by
//! `[collection, time]`, by `[collection, contact, time]`, and a multi-entry index of
//! `collection \u{1f} term` for search. IndexedDB has no full-text search; the term index
//! gives exact-word lookup, which is what [`Search`] means on every backend. Lists read
//! the time-ordered indexes with a cursor that stops at the limit (`ordered.rs`); search
//! results, found by term, are ordered and limited in Rust with the same rule as SQLite's
//! `ORDER BY time, id`.

mod convert;
mod ordered;
mod schema;

use idb::{Database, Factory, KeyRange, TransactionMode};
use js_sys::Array;
use wasm_bindgen::JsValue;

use super::{Collection, Order, Profile, Query, Record, Search, Store, StoreError, sort};
use convert::{from_js, term_key, to_js};

const RECORDS: &str = "records";

pub(super) fn backend(e: idb::Error) -> StoreError {
    StoreError::Backend { backend: "IndexedDB", message: e.to_string() }
}

/// The IndexedDB store of one profile (database `agentnet-<profile>`).
#[derive(Debug)]
pub struct IdbStore {
    db: Database,
}

impl IdbStore {
    /// Opens (creating and migrating as needed) the database of `profile`.
    pub async fn open(profile: &Profile) -> Result<Self, StoreError> {
        let factory = Factory::new().map_err(backend)?;
        let mut request = factory.open(&db_name(profile), Some(super::SCHEMA_VERSION)).map_err(backend)?;
        request.on_upgrade_needed(schema::upgrade);
        let db = request.await.map_err(backend)?;
        Ok(Self { db })
    }

    /// Deletes the database of `profile` (its data is gone for good).
    pub async fn delete_profile(profile: &Profile) -> Result<(), StoreError> {
        let factory = Factory::new().map_err(backend)?;
        factory.delete(&db_name(profile)).map_err(backend)?.await.map_err(backend)
    }

    /// Closes the connection once its transactions finish.
    pub fn close(self) {
        self.db.close();
    }

    fn store(&self, mode: TransactionMode) -> Result<(idb::Transaction, idb::ObjectStore), StoreError> {
        let tx = self.db.transaction(&[RECORDS], mode).map_err(backend)?;
        let store = tx.object_store(RECORDS).map_err(backend)?;
        Ok((tx, store))
    }

    async fn commit(tx: idb::Transaction) -> Result<(), StoreError> {
        let result = tx.commit().map_err(backend)?.await.map_err(backend)?;
        if !result.is_committed() {
            return Err(StoreError::Backend { backend: "IndexedDB", message: "transaction aborted".into() });
        }
        Ok(())
    }

    /// The records between `lower` and `upper` in `index`, as `query` orders and limits them.
    async fn range(&self, index: &str, lower: Array, upper: Array, query: &Query) -> Result<Vec<Record>, StoreError> {
        let (_tx, store) = self.store(TransactionMode::ReadOnly)?;
        let upper_open = query.until.is_some();
        let range = KeyRange::bound(&lower.into(), &upper.into(), Some(false), Some(upper_open)).map_err(backend)?;
        ordered::read(&store.index(index).map_err(backend)?, range, query, query.order).await
    }
}

fn db_name(profile: &Profile) -> String {
    format!("agentnet-{profile}")
}

fn key(c: Collection, id: &str) -> JsValue {
    Array::of2(&c.name().into(), &id.into()).into()
}

fn bound(v: Option<i64>, default: f64) -> JsValue {
    JsValue::from_f64(v.map_or(default, |t| t as f64))
}

fn finish(mut records: Vec<Record>, q: &Query, order: Order) -> Vec<Record> {
    records.retain(|r| q.admits(r));
    sort(&mut records, order);
    if let Some(limit) = q.limit {
        records.truncate(limit as usize);
    }
    records
}

#[async_trait::async_trait(?Send)]
impl Store for IdbStore {
    async fn put(&self, collection: Collection, record: Record) -> Result<(), StoreError> {
        self.put_many(collection, vec![record]).await
    }

    async fn put_many(&self, collection: Collection, records: Vec<Record>) -> Result<(), StoreError> {
        records.iter().try_for_each(Record::validate)?;
        let values = records.iter().map(|r| to_js(collection, r)).collect::<Result<Vec<_>, _>>()?;
        let (tx, store) = self.store(TransactionMode::ReadWrite)?;
        for value in &values {
            // Requests queue in the transaction; its commit reports any failure, all or none.
            store.put(value, None).map_err(backend)?;
        }
        Self::commit(tx).await
    }

    async fn get(&self, collection: Collection, id: &str) -> Result<Record, StoreError> {
        let (_tx, store) = self.store(TransactionMode::ReadOnly)?;
        let value = store.get(key(collection, id)).map_err(backend)?.await.map_err(backend)?;
        value
            .map(from_js)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound { collection, id: id.to_owned() })
    }

    async fn delete(&self, collection: Collection, id: &str) -> Result<(), StoreError> {
        let (tx, store) = self.store(TransactionMode::ReadWrite)?;
        let n = store.count(Some(key(collection, id).into())).map_err(backend)?.await.map_err(backend)?;
        if n == 0 {
            return Err(StoreError::NotFound { collection, id: id.to_owned() });
        }
        store.delete(key(collection, id)).map_err(backend)?.await.map_err(backend)?;
        Self::commit(tx).await
    }

    async fn list(&self, collection: Collection, query: Query) -> Result<Vec<Record>, StoreError> {
        let c: JsValue = collection.name().into();
        let since = bound(query.since, f64::NEG_INFINITY);
        let until = bound(query.until, f64::INFINITY);
        match &query.contact {
            Some(contact) => {
                let contact: JsValue = contact.into();
                let lower = Array::of3(&c, &contact, &since);
                let upper = Array::of3(&c, &contact, &until);
                self.range("by_contact", lower, upper, &query).await
            }
            None => self.range("by_time", Array::of2(&c, &since), Array::of2(&c, &until), &query).await,
        }
    }

    async fn search(&self, collection: Collection, search: Search) -> Result<Vec<Record>, StoreError> {
        search.validate()?;
        let Some(first) = search.terms.first() else { return Ok(Vec::new()) };
        let (_tx, store) = self.store(TransactionMode::ReadOnly)?;
        let index = store.index("by_term").map_err(backend)?;
        let values = index
            .get_all(Some(JsValue::from(term_key(collection, first)).into()), None)
            .map_err(backend)?
            .await
            .map_err(backend)?;
        let mut records = values.into_iter().map(from_js).collect::<Result<Vec<_>, _>>()?;
        records.retain(|r| search.terms.iter().all(|t| r.terms.contains(t)));
        Ok(finish(records, &search.filter, Order::NewestFirst))
    }

    async fn count(&self, collection: Collection) -> Result<u64, StoreError> {
        let (_tx, store) = self.store(TransactionMode::ReadOnly)?;
        let c: JsValue = collection.name().into();
        let range = KeyRange::bound(&Array::of1(&c).into(), &Array::of2(&c, &JsValue::from(Array::new())).into(), Some(false), Some(true))
            .map_err(backend)?;
        let n = store.count(Some(range.into())).map_err(backend)?.await.map_err(backend)?;
        Ok(u64::from(n))
    }
}
