//! [`StoreError`]: why a store operation failed, with `NotFound` apart.

use super::Collection;

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No record with this id in this collection.
    #[error("no record {id:?} in {collection}")]
    NotFound {
        /// Where it was looked for.
        collection: Collection,
        /// The id asked for.
        id: String,
    },
    /// A profile name the store refuses (it names a database or a file).
    #[error("profile name {name:?} is not 1-64 ASCII letters, digits, '-' or '_'")]
    InvalidProfile {
        /// The name given.
        name: String,
    },
    /// A record or query the store refuses.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was wrong (record id, search term, time).
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The database was written by a newer build.
    #[error("database schema version {found} is newer than this build's {supported}")]
    SchemaTooNew {
        /// Version in the database.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// The database is damaged: a stored value has the wrong shape.
    #[error("damaged record in {collection}: {reason}")]
    Corrupt {
        /// Where.
        collection: String,
        /// What was wrong.
        reason: String,
    },
    /// The backend (SQLite, IndexedDB) failed.
    #[error("{backend} failed: {message}")]
    Backend {
        /// "SQLite" or "IndexedDB".
        backend: &'static str,
        /// Its message.
        message: String,
    },
    /// The store was closed (its worker is gone).
    #[error("the store is closed")]
    Closed,
}

impl StoreError {
    /// Whether this is [`StoreError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid { what, reason: reason.into() }
    }
}
