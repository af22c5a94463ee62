//! Sleeping on tokio (native targets).

use core::time::Duration;

use super::backoff::Sleep;

/// [`Sleep`] with `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
