//! Time for the runtime: the current instant and a sleep that works on every target.

use std::time::Duration;

use jiff::Timestamp;

/// Now, as an instant.
pub(crate) fn now() -> Timestamp {
    Timestamp::now()
}

/// Now, in unix seconds (the envelope's clock).
pub(crate) fn unix_secs(at: Timestamp) -> u64 {
    u64::try_from(at.as_second()).unwrap_or(0)
}

/// Completes after `duration`.
#[cfg(not(wasm_browser))]
pub(crate) async fn sleep(duration: Duration) {
    tokio::time::sleep(duration).await;
}

/// Completes after `duration`.
#[cfg(wasm_browser)]
pub(crate) async fn sleep(duration: Duration) {
    gloo_timers::future::sleep(duration).await;
}
