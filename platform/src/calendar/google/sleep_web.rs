//! Sleeping in the browser (`setTimeout`).

use core::time::Duration;

use super::backoff::Sleep;

/// [`Sleep`] with the browser's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserSleep;

impl Sleep for BrowserSleep {
    async fn sleep(&self, duration: Duration) {
        gloo_timers::future::sleep(duration).await;
    }
}
