//! Bounded, jittered retries for Google's rate limits and server errors.

use core::future::Future;
use core::time::Duration;

use crate::calendar::maybe_send::MaybeSend;

/// Waits; the client takes it as a parameter so tests can record instead of sleeping.
pub trait Sleep {
    /// Resolves after `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + MaybeSend;
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
    /// The wait before retry number `retry` (0-based): uniformly random in
    /// `[ceiling / 2, ceiling]`, ceiling = `min(cap, base * 2^retry)`, so many clients hit
    /// by the same limit do not come back in step.
    pub fn delay(&self, retry: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX)).min(self.cap);
        let mut bytes = [0u8; 8];
        let random = match getrandom::fill(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes),
            Err(_) => u64::MAX / 2,
        };
        let half = ceiling / 2;
        let spread = (ceiling - half).as_nanos() as u64;
        half + Duration::from_nanos(if spread == 0 { 0 } else { random % (spread + 1) })
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
