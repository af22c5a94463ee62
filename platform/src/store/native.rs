//! The native backend: SQLite through rusqlite, on a thread of its own.
//!
//! rusqlite is synchronous. Rather than tie the store to one async runtime's
//! `spawn_blocking`, a dedicated thread owns the [`rusqlite::Connection`] and runs jobs sent
//! over a channel; each answer comes back on a oneshot, so any executor can await it.
//! Jobs run one at a time, in order, which is also SQLite's single-writer model.

mod ops;
mod schema;
mod search;
mod write;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use futures_channel::oneshot;
use rusqlite::Connection;

use super::{Collection, Profile, Query, Record, Search, Store, StoreError};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The SQLite store. Cheap to share by reference; dropping it finishes queued work and
/// closes the database.
pub struct SqliteStore {
    jobs: Option<mpsc::Sender<Job>>,
    worker: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating and migrating as needed) the database of `profile` in `dir`:
    /// `dir/<profile>.sqlite3`. Profiles side by side never share a file.
    pub async fn open(dir: &Path, profile: &Profile) -> Result<Self, StoreError> {
        Self::open_path(dir.join(format!("{profile}.sqlite3"))).await
    }

    /// Opens the database in this file.
    pub async fn open_path(path: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let path = path.into();
        Self::start(move || Connection::open(path)).await
    }

    /// A private, empty database that lives as long as the store (tests, ephemeral agents).
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        Self::start(Connection::open_in_memory).await
    }

    async fn start(open: impl FnOnce() -> rusqlite::Result<Connection> + Send + 'static) -> Result<Self, StoreError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, opened) = oneshot::channel();
        let worker = std::thread::Builder::new()
            .name("agentnet-sqlite".into())
            .spawn(move || {
                let mut conn = match open().map_err(ops::backend).and_then(|mut c| schema::prepare(&mut c).map(|()| c)) {
                    Ok(conn) => {
                        let _ = ready.send(Ok(()));
                        conn
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                for job in queue {
                    job(&mut conn);
                }
            })
            .map_err(|e| StoreError::Backend { backend: "SQLite", message: format!("cannot start its thread: {e}") })?;
        let store = Self { jobs: Some(jobs), worker: Some(worker) };
        opened.await.map_err(|_| StoreError::Closed)??;
        Ok(store)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.jobs.as_ref().ok_or(StoreError::Closed)?.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel ends the worker's loop after the queued jobs; joining makes
        // the file closed (and reopenable) by the time drop returns.
        self.jobs.take();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn put(&self, collection: Collection, record: Record) -> Result<(), StoreError> {
        record.validate()?;
        self.run(move |c| ops::put_many(c, collection, std::slice::from_ref(&record))).await
    }

    async fn put_many(&self, collection: Collection, records: Vec<Record>) -> Result<(), StoreError> {
        records.iter().try_for_each(Record::validate)?;
        self.run(move |c| ops::put_many(c, collection, &records)).await
    }

    async fn get(&self, collection: Collection, id: &str) -> Result<Record, StoreError> {
        let id = id.to_owned();
        self.run(move |c| ops::get(c, collection, &id)).await
    }

    async fn delete(&self, collection: Collection, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.run(move |c| ops::delete(c, collection, &id)).await
    }

    async fn list(&self, collection: Collection, query: Query) -> Result<Vec<Record>, StoreError> {
        self.run(move |c| ops::list(c, collection, &query)).await
    }

    async fn search(&self, collection: Collection, search: Search) -> Result<Vec<Record>, StoreError> {
        search.validate()?;
        self.run(move |c| search::search(c, collection, &search)).await
    }

    async fn count(&self, collection: Collection) -> Result<u64, StoreError> {
        self.run(move |c| ops::count(c, collection)).await
    }
}
