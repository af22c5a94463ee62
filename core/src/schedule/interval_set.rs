//! A normalised set of UTC intervals: sorted, disjoint and never touching.

use jiff::{SignedDuration, Timestamp};

use super::Interval;

/// Sorted, pairwise disjoint, non-adjacent intervals.
///
/// Kept normalised at all times so membership is a binary search and set operations
/// are linear merges: availability for a month of a busy calendar stays well under 1 ms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntervalSet {
    parts: Vec<Interval>,
}

impl IntervalSet {
    /// The empty set.
    pub fn new() -> Self {
        IntervalSet::default()
    }

    /// The union of any intervals, in any order, overlapping or not.
    pub fn from_intervals(intervals: impl IntoIterator<Item = Interval>) -> Self {
        let mut all: Vec<Interval> = intervals.into_iter().collect();
        all.sort_unstable();
        let mut parts: Vec<Interval> = Vec::with_capacity(all.len());
        for next in all {
            match parts.last_mut() {
                Some(last) if next.start() <= last.end() => {
                    if next.end() > last.end() {
                        *last = Interval::new(last.start(), next.end()).unwrap_or(*last);
                    }
                }
                _ => parts.push(next),
            }
        }
        IntervalSet { parts }
    }

    /// The intervals, earliest first.
    pub fn as_slice(&self) -> &[Interval] {
        &self.parts
    }

    /// The intervals, earliest first.
    pub fn iter(&self) -> impl Iterator<Item = &Interval> {
        self.parts.iter()
    }

    /// Whether the set holds no time at all.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// How much time the set covers.
    pub fn total(&self) -> SignedDuration {
        self.parts.iter().map(Interval::duration).sum()
    }

    /// Time in either set.
    pub fn union(&self, other: &IntervalSet) -> IntervalSet {
        IntervalSet::from_intervals(self.parts.iter().chain(other.parts.iter()).copied())
    }

    /// Time in both sets.
    pub fn intersection(&self, other: &IntervalSet) -> IntervalSet {
        let (mut i, mut j) = (0, 0);
        let mut parts = Vec::new();
        while i < self.parts.len() && j < other.parts.len() {
            let (a, b) = (self.parts[i], other.parts[j]);
            if let Some(shared) = a.intersection(&b) {
                parts.push(shared);
            }
            if a.end() <= b.end() { i += 1 } else { j += 1 }
        }
        IntervalSet { parts }
    }

    /// Time in `self` but not in `other`.
    pub fn difference(&self, other: &IntervalSet) -> IntervalSet {
        let mut parts = Vec::with_capacity(self.parts.len());
        let mut j = 0;
        for &a in &self.parts {
            let mut cursor = a.start();
            while j < other.parts.len() && other.parts[j].end() <= cursor {
                j += 1;
            }
            let mut k = j;
            while k < other.parts.len() && other.parts[k].start() < a.end() {
                let cut = other.parts[k];
                if let Ok(piece) = Interval::new(cursor, cut.start()) {
                    parts.push(piece);
                }
                cursor = cursor.max(cut.end());
                k += 1;
            }
            if let Ok(piece) = Interval::new(cursor, a.end()) {
                parts.push(piece);
            }
        }
        IntervalSet { parts }
    }

    /// The part of the set inside `window`.
    pub fn clipped(&self, window: &Interval) -> IntervalSet {
        self.intersection(&IntervalSet { parts: vec![*window] })
    }

    /// The single part that contains all of `interval`, if there is one.
    pub fn part_containing(&self, interval: &Interval) -> Option<&Interval> {
        let index = self.parts.partition_point(|part| part.end() < interval.end());
        self.parts.get(index).filter(|part| part.contains(interval))
    }

    /// Whether all of `interval` is in the set.
    pub fn contains(&self, interval: &Interval) -> bool {
        self.part_containing(interval).is_some()
    }

    /// Whether `instant` is in the set.
    pub fn contains_instant(&self, instant: Timestamp) -> bool {
        let index = self.parts.partition_point(|part| part.end() <= instant);
        self.parts.get(index).is_some_and(|part| part.contains_instant(instant))
    }

    /// Drops every part shorter than `length`.
    pub fn without_parts_shorter_than(mut self, length: SignedDuration) -> IntervalSet {
        self.parts.retain(|part| part.duration() >= length);
        self
    }
}

impl FromIterator<Interval> for IntervalSet {
    fn from_iter<T: IntoIterator<Item = Interval>>(iter: T) -> Self {
        IntervalSet::from_intervals(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).unwrap()
    }

    fn iv(a: i64, b: i64) -> Interval {
        Interval::new(at(a), at(b)).unwrap()
    }

    fn set(parts: &[(i64, i64)]) -> IntervalSet {
        parts.iter().map(|&(a, b)| iv(a, b)).collect()
    }

    #[test]
    fn overlapping_and_touching_parts_merge() {
        assert_eq!(set(&[(30, 40), (0, 10), (10, 20), (15, 25)]).as_slice(), &[iv(0, 25), iv(30, 40)]);
    }

    #[test]
    fn difference_cuts_holes_and_edges() {
        let free = set(&[(0, 100), (200, 300)]);
        let busy = set(&[(-10, 5), (20, 30), (90, 210), (250, 260)]);
        assert_eq!(
            free.difference(&busy).as_slice(),
            &[iv(5, 20), iv(30, 90), iv(210, 250), iv(260, 300)]
        );
    }

    #[test]
    fn intersection_keeps_only_shared_time() {
        let a = set(&[(0, 100), (200, 300)]);
        let b = set(&[(50, 250)]);
        assert_eq!(a.intersection(&b).as_slice(), &[iv(50, 100), iv(200, 250)]);
    }

    #[test]
    fn containment_needs_a_single_part() {
        let s = set(&[(0, 10), (11, 20)]);
        assert!(s.contains(&iv(2, 10)));
        assert!(!s.contains(&iv(5, 15)));
        assert!(s.contains_instant(at(11)));
        assert!(!s.contains_instant(at(10)));
    }
}
