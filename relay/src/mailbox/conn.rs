//! The command connection to Redis, replaced when it breaks.
//!
//! A `MultiplexedConnection` never reconnects by itself: after Redis restarts, or after
//! the connection is killed, every command on it fails for good. Here an operation that
//! fails because the connection is gone swaps in a new connection (one attempt at a time,
//! at most one per [`RETRY_EVERY`]); the operation itself still reports its error, and the
//! client resends (Sends are idempotent for it: it de-duplicates by message id).

use redis::aio::MultiplexedConnection;
use std::sync::RwLock;
use std::time::Duration;
use tokio::time::Instant;

/// Shortest pause between two reconnection attempts.
const RETRY_EVERY: Duration = Duration::from_millis(100);

pub(crate) struct SharedConn {
    client: redis::Client,
    current: RwLock<(u64, MultiplexedConnection)>,
    /// Serialises reconnections; holds when the last attempt started.
    reconnecting: tokio::sync::Mutex<Option<Instant>>,
}

/// Answers may take this long (the library's default, 500 ms, fails stores that are only
/// queued behind a burst; the client would resend them).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

fn config() -> redis::AsyncConnectionConfig {
    redis::AsyncConnectionConfig::new().set_response_timeout(Some(RESPONSE_TIMEOUT))
}

/// A connection handed out, with the generation it belongs to.
pub(crate) struct Lease {
    generation: u64,
    pub(crate) conn: MultiplexedConnection,
}

impl SharedConn {
    pub(crate) async fn connect(client: redis::Client) -> redis::RedisResult<Self> {
        let conn = client.get_multiplexed_async_connection_with_config(&config()).await?;
        Ok(SharedConn { client, current: RwLock::new((0, conn)), reconnecting: tokio::sync::Mutex::new(None) })
    }

    pub(crate) fn lease(&self) -> Lease {
        let g = self.current.read().unwrap_or_else(|e| e.into_inner());
        Lease { generation: g.0, conn: g.1.clone() }
    }

    /// Passes `result` on; first replaces the connection of `lease` if `result` says it is gone.
    pub(crate) async fn check<T>(&self, lease: Lease, result: redis::RedisResult<T>) -> redis::RedisResult<T> {
        if let Err(e) = &result
            // A slow answer (timeout) is no reason to drop a working connection.
            && !e.is_timeout()
            && (e.is_io_error() || e.is_connection_dropped() || e.is_unrecoverable_error())
        {
            self.replace(lease.generation).await;
        }
        result
    }

    async fn replace(&self, broken: u64) {
        let mut last = self.reconnecting.lock().await;
        if self.lease().generation != broken || last.is_some_and(|t| t.elapsed() < RETRY_EVERY) {
            return; // already replaced, or tried a moment ago
        }
        *last = Some(Instant::now());
        match self.client.get_multiplexed_async_connection_with_config(&config()).await {
            Ok(conn) => {
                let mut g = self.current.write().unwrap_or_else(|e| e.into_inner());
                *g = (broken + 1, conn);
                tracing::info!("redis command connection replaced");
            }
            Err(e) => tracing::warn!(error = %e, "reconnecting the redis command connection failed"),
        }
    }
}
