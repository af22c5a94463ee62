//! Ranking candidate slots: preference fit, soonness, fragmentation and fairness.
//!
//! Scores are plain `f64` sums, higher is better; each term is documented with the reason
//! it exists so the weights can be tuned without guessing.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Availability, Interval, PartOfDay, Preferences};

/// Local hours everyone is assumed to find comfortable when nothing better is known.
const COMFORT_START_MINUTE: i64 = 9 * 60;
const COMFORT_END_MINUTE: i64 = 17 * 60;
/// Before 7:00 or after 21:00 is asking a lot, whatever the working hours say.
const UNSOCIABLE_START_MINUTE: i64 = 7 * 60;
const UNSOCIABLE_END_MINUTE: i64 = 21 * 60;
/// Gaps shorter than this between meetings are too short to do real work in.
const SHORT_GAP: SignedDuration = SignedDuration::from_mins(60);

/// How much a slot asks of someone living in `zone`: hours outside 9:00-17:00 local, plus
/// a flat 2 when it reaches into 7:00-21:00's outside.
pub fn inconvenience(zone: &TimeZone, slot: &Interval) -> f64 {
    let local = zone.to_datetime(slot.start());
    let start = i64::from(local.hour()) * 60 + i64::from(local.minute());
    let end = start + slot.duration().as_mins();
    let before = (COMFORT_START_MINUTE - start).clamp(0, end - start);
    let after = (end - COMFORT_END_MINUTE).clamp(0, end - start);
    let unsociable = start < UNSOCIABLE_START_MINUTE || end > UNSOCIABLE_END_MINUTE;
    (before + after) as f64 / 60.0 + if unsociable { 2.0 } else { 0.0 }
}

/// One person the fairness term cares about.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendee {
    /// Where they live.
    pub zone: TimeZone,
    /// Inconvenience they already absorbed in earlier meetings with this group, so that
    /// nobody always gets the 7 am slot.
    pub past_burden: f64,
}

/// Unfairness of a slot for a group: everyone's inconvenience, weighted up for those who
/// already carried more, plus the worst single one, so one person is never sacrificed
/// to keep the sum low.
pub fn unfairness(attendees: &[Attendee], slot: &Interval) -> f64 {
    let each = attendees.iter().map(|person| (inconvenience(&person.zone, slot), person.past_burden));
    let (mut sum, mut worst) = (0.0, 0.0_f64);
    for (cost, burden) in each {
        sum += cost * (1.0 + burden.max(0.0) / 4.0);
        worst = worst.max(cost);
    }
    sum + worst
}

/// Weights of the score terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreWeights {
    /// Bonus for a slot in one of the owner's preferred parts of the day.
    pub preferred_part: f64,
    /// Cost per day between now and the slot: sooner settles things.
    pub per_day_ahead: f64,
    /// Cost per short gap the slot leaves before or after it.
    pub short_gap: f64,
    /// Multiplier of the group unfairness.
    pub fairness: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights { preferred_part: 1.0, per_day_ahead: 0.1, short_gap: 0.5, fairness: 1.0 }
    }
}

/// Scores slots for one owner, knowing whom the meeting is with.
#[derive(Debug, Clone)]
pub struct SlotScorer<'a> {
    prefs: &'a Preferences,
    availability: &'a Availability,
    now: Timestamp,
    attendees: Vec<Attendee>,
    weights: ScoreWeights,
}

impl<'a> SlotScorer<'a> {
    /// A scorer for the owner of `prefs` at `now`, the group being `attendees` (include the
    /// owner if their own hours should count towards fairness).
    pub fn new(prefs: &'a Preferences, availability: &'a Availability, now: Timestamp, attendees: Vec<Attendee>) -> Self {
        SlotScorer { prefs, availability, now, attendees, weights: ScoreWeights::default() }
    }

    /// The same scorer with other weights.
    pub fn with_weights(mut self, weights: ScoreWeights) -> Self {
        self.weights = weights;
        self
    }

    /// Higher is better.
    pub fn score(&self, slot: &Interval) -> f64 {
        let w = &self.weights;
        let home_date = self.prefs.home_zone.to_datetime(slot.start()).date();
        let local = self.prefs.zone_on(home_date).to_datetime(slot.start());
        let minute = u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        let part = PartOfDay::of_minute(minute);
        let preferred = if self.prefs.preferred_parts.contains(&part) { w.preferred_part } else { 0.0 };
        let days_ahead = slot.start().duration_since(self.now).as_secs_f64().max(0.0) / 86_400.0;
        preferred - w.per_day_ahead * days_ahead - w.short_gap * self.short_gaps(slot) as f64
            - w.fairness * unfairness(&self.attendees, slot)
    }

    /// How many gaps shorter than an hour (but not zero) the slot leaves in its free stretch.
    fn short_gaps(&self, slot: &Interval) -> usize {
        let Some(part) = self.availability.free().part_containing(slot) else { return 0 };
        let gaps = [slot.start().duration_since(part.start()), part.end().duration_since(slot.end())];
        gaps.iter().filter(|gap| gap.is_positive() && **gap < SHORT_GAP).count()
    }

    /// `slots` best first; ties go to the earlier slot so the order is deterministic.
    pub fn ranked(&self, slots: Vec<Interval>) -> Vec<Interval> {
        let mut scored: Vec<(f64, Interval)> = slots.into_iter().map(|slot| (self.score(&slot), slot)).collect();
        scored.sort_by(|(a, slot_a), (b, slot_b)| b.total_cmp(a).then(slot_a.cmp(slot_b)));
        scored.into_iter().map(|(_, slot)| slot).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(utc: &str, minutes: i64) -> Interval {
        Interval::starting_at(utc.parse().unwrap(), SignedDuration::from_mins(minutes)).unwrap()
    }

    #[test]
    fn early_morning_in_sydney_is_inconvenient_and_weighs_on_the_burdened() {
        let sydney = TimeZone::get("Australia/Sydney").unwrap();
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // 19:00 UTC in January: 06:00 in Sydney (AEDT), before 7:00 and outside 9-17.
        let late = slot("2026-01-12T19:00Z", 60);
        assert!(inconvenience(&sydney, &late) > 2.0);
        // 09:00 UTC: 10:00 in Berlin, 20:00 in Sydney.
        let berlin_friendly = slot("2026-01-12T09:00Z", 60);
        assert_eq!(inconvenience(&berlin, &berlin_friendly), 0.0);
        let fresh = [Attendee { zone: sydney.clone(), past_burden: 0.0 }];
        let tired = [Attendee { zone: sydney, past_burden: 8.0 }];
        assert!(unfairness(&tired, &berlin_friendly) > unfairness(&fresh, &berlin_friendly));
    }
}
