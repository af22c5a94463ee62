//! Bounded, jittered retries for Google's rate limits and server errors, and the [`Sleep`]
//! they wait with.

use core::future::Future;
use core::time::Duration;

use crate::calendar::maybe_send::MaybeSend;
use crate::rt::backoff::{BackoffConfig, RandomJitter};

/// Waits; the client takes it as a parameter so tests can record instead of sleeping.
pub trait Sleep {
    /// Resolves after `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + MaybeSend;
}

/// [`Sleep`] that really waits, with [`crate::rt::sleep`]: tokio's timer natively, the
/// browser's `setTimeout` on the web.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealSleep;

impl Sleep for RealSleep {
    async fn sleep(&self, duration: Duration) {
        crate::rt::sleep(duration).await;
    }
}

/// How often and how long to retry 429, 403 `rateLimitExceeded` and 5xx answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests in total, the first included.
    pub max_attempts: u32,
    /// Upper bound of the first wait; doubled each retry.
    pub base: Duration,
    /// Upper bound of any wait.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts, waits up to 0.5 s, 1 s, 2 s, 4 s (Google's advice: exponential backoff).
    fn default() -> Self {
        RetryPolicy { max_attempts: 5, base: Duration::from_millis(500), cap: Duration::from_secs(32) }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based): random between half and all of
    /// `min(cap, base * 2^retry)`, so many clients hit by the same limit do not come back in
    /// step. The relay client's reconnect schedule, with the system's randomness.
    pub fn delay(&self, retry: u32) -> Duration {
        BackoffConfig { base: self.base, max: self.cap }.delay(retry, &mut RandomJitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_jittered_and_capped() {
        let policy = RetryPolicy { max_attempts: 8, base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        for retry in 0..8 {
            let ceiling = (Duration::from_millis(100) * 2u32.pow(retry)).min(Duration::from_secs(1));
            let delay = policy.delay(retry);
            assert!(delay >= ceiling / 2 && delay <= ceiling, "retry {retry}: {delay:?}");
        }
        let distinct: std::collections::HashSet<_> = (0..20).map(|_| policy.delay(5)).collect();
        assert!(distinct.len() > 1, "jitter must vary");
    }
}
