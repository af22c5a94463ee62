//! The coarse working day an agent shares with its contacts, so proposals start inside
//! everyone's day instead of spending the disclosure budget on 03:00 in New York.
//!
//! Coarse on purpose: per weekday one span in whole hours, from the first working hour
//! (rounded down) to the last (rounded up), in the owner's home zone. It tells a contact
//! roughly when the owner works, never their lunch break, focus time, travel or meetings,
//! and it contains every real working minute, so a slot outside it can never suit.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Interval, Preferences};

/// Longest zone name on the wire, in bytes (IANA names are far shorter).
const MAX_ZONE_NAME: usize = 64;

/// A contact's zone and, per weekday (Monday first), its working span in whole hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedHours {
    zone: TimeZone,
    /// `(first hour, end hour)`, `0 <= first < end <= 24`; `None` on days off.
    days: [Option<(u8, u8)>; 7],
}

/// Shared hours that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SharedHoursError {
    /// The bytes end early or run on.
    #[error("shared hours are {len} bytes, which is not a zone name and seven spans")]
    Length {
        /// Bytes received.
        len: usize,
    },
    /// The zone is not a known IANA zone.
    #[error("shared hours name an unknown time zone")]
    UnknownZone,
    /// A span is empty, reversed or past 24:00.
    #[error("shared hours for weekday {weekday} run {first}..{end}, not within a day")]
    Span {
        /// Monday = 0.
        weekday: usize,
        /// First hour.
        first: u8,
        /// End hour.
        end: u8,
    },
}

impl SharedHours {
    /// What `prefs` reveal: the home zone and each weekday's span, rounded outwards to the
    /// hour. `None` when the zone has no IANA name to share.
    pub fn of(prefs: &Preferences) -> Option<SharedHours> {
        prefs.home_zone.iana_name()?;
        let mut days = [None; 7];
        for (index, day) in days.iter_mut().enumerate() {
            let weekday = Weekday::from_monday_zero_offset(index as i8).unwrap_or(Weekday::Monday);
            let ranges = prefs.working_hours.on(weekday);
            let first = ranges.iter().map(|range| range.start_minute()).min();
            let end = ranges.iter().map(|range| range.end_minute()).max();
            if let (Some(first), Some(end)) = (first, end) {
                *day = Some(((first / 60) as u8, end.div_ceil(60) as u8));
            }
        }
        Some(SharedHours { zone: prefs.home_zone.clone(), days })
    }

    /// The zone the hours are in.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The span of `weekday` in whole hours, if it is a working day.
    pub fn on(&self, weekday: Weekday) -> Option<(u8, u8)> {
        self.days[weekday.to_monday_zero_offset() as usize]
    }

    /// Whether `slot` lies inside one day's span. False means the contact is not working
    /// then (unless travelling, which the span does not show).
    pub fn covers(&self, slot: &Interval) -> bool {
        let date = self.zone.to_datetime(slot.start()).date();
        self.span_on(date).is_some_and(|span| span.contains(slot))
    }

    fn span_on(&self, date: Date) -> Option<Interval> {
        let (first, end) = self.on(date.weekday())?;
        let at = |hour: u8| -> Option<Timestamp> {
            let local = date.to_datetime(Time::midnight()).checked_add(SignedDuration::from_hours(i64::from(hour))).ok()?;
            self.zone.to_timestamp(local).ok()
        };
        Interval::new(at(first)?, at(end)?).ok()
    }

    /// `zone_len (1) | zone (IANA name) | 7 x (first hour, end hour)`, `(0, 0)` on days off.
    pub fn to_bytes(&self) -> Vec<u8> {
        let name = self.zone.iana_name().unwrap_or("UTC");
        let mut out = Vec::with_capacity(1 + name.len() + 14);
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        for day in self.days {
            let (first, end) = day.unwrap_or((0, 0));
            out.extend_from_slice(&[first, end]);
        }
        out
    }

    /// Reads [`Self::to_bytes`]; anything else is a typed error.
    pub fn from_bytes(bytes: &[u8]) -> Result<SharedHours, SharedHoursError> {
        let length = SharedHoursError::Length { len: bytes.len() };
        let (&name_len, rest) = bytes.split_first().ok_or(length.clone())?;
        let name_len = usize::from(name_len);
        if name_len == 0 || name_len > MAX_ZONE_NAME || rest.len() != name_len + 14 {
            return Err(length);
        }
        let name = std::str::from_utf8(&rest[..name_len]).map_err(|_| SharedHoursError::UnknownZone)?;
        let zone = TimeZone::get(name).map_err(|_| SharedHoursError::UnknownZone)?;
        let mut days = [None; 7];
        for (weekday, pair) in rest[name_len..].chunks_exact(2).enumerate() {
            days[weekday] = match (pair[0], pair[1]) {
                (0, 0) => None,
                (first, end) if first < end && end <= 24 => Some((first, end)),
                (first, end) => return Err(SharedHoursError::Span { weekday, first, end }),
            };
        }
        Ok(SharedHours { zone, days })
    }
}

/// Kept (in a contact record or a negotiation journal) as its wire bytes.
impl Serialize for SharedHours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_bytes().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SharedHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Vec::<u8>::deserialize(deserializer)?;
        SharedHours::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{LocalRange, WeeklyHours};

    fn berlin_with_lunch() -> Preferences {
        let mut prefs = Preferences::office_hours(TimeZone::get("Europe/Berlin").unwrap());
        let ranges = [LocalRange::hm(8, 30, 12, 0).unwrap(), LocalRange::hm(13, 0, 17, 15).unwrap()];
        prefs.working_hours = WeeklyHours::weekdays(&ranges);
        prefs
    }

    fn slot(at: &str, minutes: i64) -> Interval {
        Interval::starting_at(at.parse().unwrap(), SignedDuration::from_mins(minutes)).unwrap()
    }

    #[test]
    fn spans_round_outwards_hide_the_lunch_break_and_keep_days_off() {
        let shared = SharedHours::of(&berlin_with_lunch()).unwrap();
        assert_eq!(shared.on(Weekday::Tuesday), Some((8, 18)));
        assert_eq!(shared.on(Weekday::Sunday), None);
    }

    #[test]
    fn covers_follows_the_zone_across_a_dst_change() {
        let shared = SharedHours::of(&berlin_with_lunch()).unwrap();
        // Friday 2026-03-27 is UTC+1 in Berlin, Monday 2026-03-30 is UTC+2.
        assert!(shared.covers(&slot("2026-03-27T07:00Z", 60)));
        assert!(!shared.covers(&slot("2026-03-30T05:30Z", 60)), "07:30 Berlin is before 08:00");
        assert!(shared.covers(&slot("2026-03-30T06:00Z", 60)));
        assert!(!shared.covers(&slot("2026-03-30T15:30Z", 60)), "ends 18:30 Berlin");
        assert!(!shared.covers(&slot("2026-03-29T09:00Z", 30)), "Sunday is off");
    }

    #[test]
    fn bytes_round_trip_and_damage_is_refused_by_name() {
        let shared = SharedHours::of(&berlin_with_lunch()).unwrap();
        let bytes = shared.to_bytes();
        assert_eq!(SharedHours::from_bytes(&bytes), Ok(shared));
        for len in 0..bytes.len() {
            assert!(matches!(SharedHours::from_bytes(&bytes[..len]), Err(SharedHoursError::Length { .. })));
        }
        let mut reversed = bytes.clone();
        let tuesday = bytes.len() - 14 + 2;
        reversed[tuesday] = 20;
        assert!(matches!(SharedHours::from_bytes(&reversed), Err(SharedHoursError::Span { weekday: 1, .. })));
        let mut zone = bytes.clone();
        zone[1] = b'X';
        assert_eq!(SharedHours::from_bytes(&zone), Err(SharedHoursError::UnknownZone));
    }
}
