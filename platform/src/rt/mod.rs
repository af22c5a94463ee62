//! Time, sleeping and randomness for the runtime, on every target.
//!
//! The one place that knows how each target tells the time, waits and draws random bytes:
//! tokio's timer natively, `setTimeout` (gloo-timers) in the browser; the operating
//! system's randomness, which is the browser's `crypto.getRandomValues` on the web. The
//! jittered exponential backoff that the relay client and the Google calendar share lives
//! here too (the relay client re-exports it as [`crate::transport::Backoff`]).
//!
//! The clock can be started at a fixed instant, so a scenario (a calendar, a request, a
//! negotiation) replays exactly on any day: [`start_clock_from_env`] reads `AGENTNET_NOW`
//! (RFC 3339, e.g. `2026-03-02T09:00:00+01:00`) and from then on [`now`] runs from that
//! instant at the real pace, so timers and retries still fire. Unset, it is the system
//! clock. The relay has its own clock and is not affected.

pub(crate) mod backoff;

use std::sync::OnceLock;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// How far the runtime's clock is set from the system's (zero unless started fixed).
static CLOCK_OFFSET: OnceLock<SignedDuration> = OnceLock::new();

/// The variable that starts the clock at a fixed instant.
pub const NOW_VARIABLE: &str = "AGENTNET_NOW";

/// `AGENTNET_NOW` is set but is not an RFC 3339 instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{NOW_VARIABLE}={value:?} is not an RFC 3339 instant such as 2026-03-02T09:00:00+01:00")]
pub struct BadNow {
    /// What the variable held.
    pub value: String,
}

/// Starts the clock at `AGENTNET_NOW` if it is set (native targets; the browser has no
/// environment). Call once, before anything reads the time; later calls change nothing.
pub fn start_clock_from_env() -> Result<(), BadNow> {
    #[cfg(not(wasm_browser))]
    if let Ok(value) = std::env::var(NOW_VARIABLE) {
        let start: Timestamp = value.trim().parse().map_err(|_| BadNow { value: value.clone() })?;
        start_clock_at(start);
    }
    Ok(())
}

/// Starts the clock at `start`; it then runs at the real pace.
pub fn start_clock_at(start: Timestamp) {
    let _ = CLOCK_OFFSET.set(start.duration_since(Timestamp::now()));
}

/// Now, as an instant: the one clock every part of the runtime reads.
pub fn now() -> Timestamp {
    let real = Timestamp::now();
    match CLOCK_OFFSET.get() {
        Some(offset) => real.checked_add(*offset).unwrap_or(real),
        None => real,
    }
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
    fn a_clock_started_at_an_instant_runs_on_from_it() {
        let start: Timestamp = "2030-01-07T09:00:00Z".parse().unwrap();
        start_clock_at(start);
        let read = now();
        assert!(read >= start && read < start + SignedDuration::from_secs(60), "{read}");
        assert!(now() >= read, "it runs forwards");
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(random_id(), random_id());
    }
}
