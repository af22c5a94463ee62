//! The store: every collection the agent keeps, behind one async, fallible trait.
//!
//! Records are opaque payloads with a few indexed columns (id, contact, time, search
//! terms), so the store needs no domain types. Sensitive payloads arrive already sealed by
//! the [`crate::vault::Vault`]. Backends, picked by target:
//! - native: SQLite ([`SqliteStore`]), WAL, full-text search with FTS5;
//! - browser: IndexedDB ([`IdbStore`]), search through a multi-entry index of terms.
//!
//! Both pass the same conformance story (`platform/tests/common/story.rs`).

pub mod backup;
mod collection;
mod error;
mod profile;
mod record;

#[cfg(not(wasm_browser))]
mod native;
#[cfg(wasm_browser)]
mod web;

pub use collection::Collection;
pub use error::StoreError;
#[cfg(not(wasm_browser))]
pub use native::SqliteStore;
pub use profile::Profile;
pub use record::{MAX_ID_LEN, Order, Query, Record, Search, terms};
#[cfg(wasm_browser)]
pub use web::IdbStore;

#[cfg(wasm_browser)]
pub(crate) use record::sort;

/// The newest schema version this build writes. Both backends migrate to it on open.
pub const SCHEMA_VERSION: u32 = 2;

/// `Send + Sync` natively, so stores can be shared across threads and their futures
/// spawned on multi-threaded runtimes; nothing in the browser, where IndexedDB handles are
/// bound to their thread.
#[cfg(not(wasm_browser))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(wasm_browser))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}
/// `Send + Sync` natively; nothing in the browser.
#[cfg(wasm_browser)]
pub trait MaybeSendSync {}
#[cfg(wasm_browser)]
impl<T: ?Sized> MaybeSendSync for T {}

/// Storage for the agent's collections.
///
/// Every method is atomic: it happens completely or not at all. Natively the futures are
/// `Send`; in the browser IndexedDB's are not, so the trait asks for `Send` only there.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub trait Store: MaybeSendSync {
    /// Inserts the record, or replaces the one with the same id.
    async fn put(&self, collection: Collection, record: Record) -> Result<(), StoreError>;

    /// Inserts or replaces many records in one transaction: all or none.
    async fn put_many(&self, collection: Collection, records: Vec<Record>) -> Result<(), StoreError>;

    /// The record with this id, or [`StoreError::NotFound`].
    async fn get(&self, collection: Collection, id: &str) -> Result<Record, StoreError>;

    /// Removes the record with this id, or answers [`StoreError::NotFound`].
    async fn delete(&self, collection: Collection, id: &str) -> Result<(), StoreError>;

    /// Records matching `query`, in time order.
    async fn list(&self, collection: Collection, query: Query) -> Result<Vec<Record>, StoreError>;

    /// Records having every term of `search`, newest first.
    async fn search(&self, collection: Collection, search: Search) -> Result<Vec<Record>, StoreError>;

    /// How many records the collection holds.
    async fn count(&self, collection: Collection) -> Result<u64, StoreError>;

    /// Whether a record with this id exists (e.g. a seen message id).
    async fn contains(&self, collection: Collection, id: &str) -> Result<bool, StoreError> {
        match self.get(collection, id).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// A shared store is a store: the agent's vault, outbox, seen ids and inbox all write to
/// one database.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    async fn put(&self, collection: Collection, record: Record) -> Result<(), StoreError> {
        (**self).put(collection, record).await
    }

    async fn put_many(&self, collection: Collection, records: Vec<Record>) -> Result<(), StoreError> {
        (**self).put_many(collection, records).await
    }

    async fn get(&self, collection: Collection, id: &str) -> Result<Record, StoreError> {
        (**self).get(collection, id).await
    }

    async fn delete(&self, collection: Collection, id: &str) -> Result<(), StoreError> {
        (**self).delete(collection, id).await
    }

    async fn list(&self, collection: Collection, query: Query) -> Result<Vec<Record>, StoreError> {
        (**self).list(collection, query).await
    }

    async fn search(&self, collection: Collection, search: Search) -> Result<Vec<Record>, StoreError> {
        (**self).search(collection, search).await
    }

    async fn count(&self, collection: Collection) -> Result<u64, StoreError> {
        (**self).count(collection).await
    }
}
