//! Jittered exponential backoff: how long to wait before the next attempt, for the relay
//! client's reconnects and the Google calendar's retries alike.

use std::time::Duration;

/// A source of jitter: fractions in `[0, 1)`. Tests pass a fixed sequence so the
/// schedule is deterministic; clients use [`RandomJitter`].
pub trait Jitter: Send {
    /// The next fraction, in `[0, 1)`.
    fn fraction(&mut self) -> f64;
}

/// Jitter from the operating system's random source.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn fraction(&mut self) -> f64 {
        let mut bytes = [0u8; 8];
        // Without randomness every client of a restarted relay would come back in the
        // same instant; a fixed midpoint is still better than failing the reconnect.
        if getrandom::fill(&mut bytes).is_err() {
            return 0.5;
        }
        (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Replays the given fractions in a loop (each clamped into `[0, 1)`); for tests.
#[derive(Debug, Clone)]
pub struct SequenceJitter {
    fractions: Vec<f64>,
    next: usize,
}

impl SequenceJitter {
    /// Jitter that yields `fractions` in turn, starting over at the end.
    pub fn new(fractions: Vec<f64>) -> Self {
        Self { fractions, next: 0 }
    }
}

impl Jitter for SequenceJitter {
    fn fraction(&mut self) -> f64 {
        let Some(f) = self.fractions.get(self.next % self.fractions.len().max(1)) else {
            return 0.0;
        };
        self.next += 1;
        f.clamp(0.0, 1.0 - f64::EPSILON)
    }
}

/// The bounds of the backoff schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffConfig {
    /// The ceiling of the first retry; it doubles with each failed attempt.
    pub base: Duration,
    /// The largest ceiling: no delay is longer.
    pub max: Duration,
}

impl Default for BackoffConfig {
    /// 250 ms doubling up to 30 s.
    fn default() -> Self {
        Self { base: Duration::from_millis(250), max: Duration::from_secs(30) }
    }
}

impl BackoffConfig {
    /// The ceiling of attempt `attempt` (0-based), before jitter: `min(max, base * 2^attempt)`.
    pub(crate) fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The delay before attempt `attempt` (0-based): between half and all of its
    /// [ceiling](Self::ceiling), placed in that window by the next fraction of `jitter`.
    pub(crate) fn delay(&self, attempt: u32, jitter: &mut dyn Jitter) -> Duration {
        let half = self.ceiling(attempt) / 2;
        half + half.mul_f64(jitter.fraction())
    }
}

/// "Equal jitter" backoff: attempt `n` waits between half and all of
/// `min(max, base * 2^n)`, so clients spread out but none retries at once by chance.
pub struct Backoff {
    config: BackoffConfig,
    attempt: u32,
    jitter: Box<dyn Jitter>,
}

impl std::fmt::Debug for Backoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backoff").field("config", &self.config).field("attempt", &self.attempt).finish_non_exhaustive()
    }
}

impl Backoff {
    /// A schedule at its first attempt.
    pub fn new(config: BackoffConfig, jitter: Box<dyn Jitter>) -> Self {
        Self { config, attempt: 0, jitter }
    }

    /// The ceiling of the next delay, before jitter.
    pub fn ceiling(&self) -> Duration {
        self.config.ceiling(self.attempt)
    }

    /// The delay before the next attempt; counts the attempt.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.config.delay(self.attempt, &mut *self.jitter);
        self.attempt = self.attempt.saturating_add(1);
        delay
    }

    /// Failed attempts since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Back to the first attempt, after a connection that stayed up.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(fractions: Vec<f64>) -> Backoff {
        let config = BackoffConfig { base: Duration::from_millis(100), max: Duration::from_secs(2) };
        Backoff::new(config, Box::new(SequenceJitter::new(fractions)))
    }

    #[test]
    fn delays_double_up_to_the_bound_and_stay_within_half_to_full_ceiling() {
        let mut low = backoff(vec![0.0]);
        let mut high = backoff(vec![1.0]);
        let lows: Vec<_> = (0..8).map(|_| low.next_delay().as_millis()).collect();
        let highs: Vec<_> = (0..8).map(|_| high.next_delay().as_millis()).collect();
        assert_eq!(lows, [50, 100, 200, 400, 800, 1000, 1000, 1000]);
        // Never above the ceiling, and never above the bound.
        assert_eq!(highs, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
    }

    #[test]
    fn jitter_moves_the_delay_inside_the_window() {
        let mut b = backoff(vec![0.5, 0.25]);
        assert_eq!(b.next_delay(), Duration::from_millis(75));
        assert_eq!(b.next_delay(), Duration::from_millis(125));
    }

    #[test]
    fn reset_starts_the_schedule_over_and_huge_attempts_do_not_overflow() {
        let mut b = backoff(vec![0.0]);
        for _ in 0..100 {
            assert!(b.next_delay() <= Duration::from_secs(2));
        }
        assert_eq!(b.attempts(), 100);
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(50));
    }

    #[test]
    fn random_jitter_stays_in_range() {
        let mut j = RandomJitter;
        assert!((0..1000).map(|_| j.fraction()).all(|f| (0.0..1.0).contains(&f)));
    }
}
