//! Time, sleeping and randomness for the runtime, on every target.
//!
//! The one place that knows how each target tells the time, waits and draws random bytes:
//! tokio's timer natively, `setTimeout` (gloo-timers) in the browser; the operating
//! system's randomness, which is the browser's `crypto.getRandomValues` on the web. The
//! jittered exponential backoff that the relay client and the Google calendar share lives
//! here too (the relay client re-exports it as [`crate::transport::Backoff`]).

pub(crate) mod backoff;

use std::time::Duration;

use jiff::Timestamp;

/// Now, as an instant.
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// `at` in unix seconds (the envelope's clock); 0 for instants before 1970.
pub fn unix_secs(at: Timestamp) -> u64 {
    u64::try_from(at.as_second()).unwrap_or(0)
}

/// Completes after `duration` (tokio's timer; needs a tokio runtime with time enabled).
#[cfg(not(wasm_browser))]
pub async fn sleep(duration: Duration) {
    tokio::time::sleep(duration).await;
}

/// Completes after `duration` (the browser's `setTimeout`).
#[cfg(wasm_browser)]
pub async fn sleep(duration: Duration) {
    gloo_timers::future::sleep(duration).await;
}

/// A fresh random 16-byte id.
pub fn random_id() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // The OS (or the browser's crypto) failing to give randomness leaves no safe way on:
    // an id made up without it could collide with another, or be guessed.
    getrandom::fill(&mut bytes).expect("the system's random source failed");
    bytes
}

/// The system's randomness for key generation and sealing; panics if the source fails,
/// for the same reason as [`random_id`].
pub fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_secs_counts_from_1970_and_gives_0_before_it() {
        assert_eq!(unix_secs(Timestamp::from_second(1_700_000_000).unwrap()), 1_700_000_000);
        assert_eq!(unix_secs(Timestamp::from_second(-1).unwrap()), 0);
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(random_id(), random_id());
    }
}
