//! One half-open stretch of UTC time, `[start, end)`.
//!
//! Everything the scheduler computes is in UTC; zones only enter when local rules
//! (working hours, days off) are turned into intervals, and when a person reads a time.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A non-empty half-open interval `[start, end)` of UTC instants.
///
/// Half-open so that back-to-back meetings (10:00-10:30, 10:30-11:00) do not overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawInterval", into = "RawInterval")]
pub struct Interval {
    start: Timestamp,
    end: Timestamp,
}

/// The interval a caller asked for would be empty or reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interval end {end} is not after its start {start}")]
pub struct EmptyInterval {
    /// The requested start.
    pub start: Timestamp,
    /// The requested end, at or before `start`.
    pub end: Timestamp,
}

/// The wire shape: serde goes through it so a deserialised interval is never empty.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterval {
    start: Timestamp,
    end: Timestamp,
}

impl TryFrom<RawInterval> for Interval {
    type Error = EmptyInterval;
    fn try_from(raw: RawInterval) -> Result<Self, Self::Error> {
        Interval::new(raw.start, raw.end)
    }
}

impl From<Interval> for RawInterval {
    fn from(interval: Interval) -> Self {
        RawInterval { start: interval.start, end: interval.end }
    }
}

impl Interval {
    /// `[start, end)`; fails unless `start < end`.
    pub fn new(start: Timestamp, end: Timestamp) -> Result<Self, EmptyInterval> {
        if start < end { Ok(Interval { start, end }) } else { Err(EmptyInterval { start, end }) }
    }

    /// `[start, start + length)`; fails for a non-positive length (or one that overflows).
    pub fn starting_at(start: Timestamp, length: SignedDuration) -> Result<Self, EmptyInterval> {
        let end = start.checked_add(length).unwrap_or(start);
        Interval::new(start, end)
    }

    /// First instant inside the interval.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// First instant after the interval.
    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// `end - start`, always positive.
    pub fn duration(&self) -> SignedDuration {
        self.end.duration_since(self.start)
    }

    /// Whether the two intervals share at least one instant.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies entirely inside `self`.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether `instant` lies inside `self`.
    pub fn contains_instant(&self, instant: Timestamp) -> bool {
        self.start <= instant && instant < self.end
    }

    /// The interval grown by `before` at the start and `after` at the end (negative shrinks;
    /// a result that would be empty or overflow leaves the interval unchanged).
    pub fn widened(&self, before: SignedDuration, after: SignedDuration) -> Interval {
        let start = self.start.checked_sub(before).unwrap_or(self.start);
        let end = self.end.checked_add(after).unwrap_or(self.end);
        Interval::new(start, end).unwrap_or(*self)
    }

    /// The shared part of two intervals, if any.
    pub fn intersection(&self, other: &Interval) -> Option<Interval> {
        Interval::new(self.start.max(other.start), self.end.min(other.end)).ok()
    }
}

impl core::fmt::Display for Interval {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "[{}, {})", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn back_to_back_intervals_do_not_overlap() {
        let a = Interval::new(ts("2026-01-05T10:00Z"), ts("2026-01-05T10:30Z")).unwrap();
        let b = Interval::new(ts("2026-01-05T10:30Z"), ts("2026-01-05T11:00Z")).unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.widened(SignedDuration::ZERO, SignedDuration::from_mins(1)).overlaps(&b));
    }

    #[test]
    fn empty_interval_is_rejected_with_its_bounds() {
        let t = ts("2026-01-05T10:00Z");
        assert_eq!(Interval::new(t, t), Err(EmptyInterval { start: t, end: t }));
    }

    #[test]
    fn reversed_interval_is_rejected_when_deserialised() {
        let json = r#"{"start":"2026-01-05T11:00:00Z","end":"2026-01-05T10:00:00Z"}"#;
        assert!(serde_json::from_str::<Interval>(json).is_err());
    }
}
