//! [`Constraints`]: the rules a meeting's time must keep, as the owner stated them, and
//! [`allowed`]: the time they leave. One reading for everyone: the interpreter fills the
//! rules, the runtime books only inside [`allowed`], and the evaluation compares meanings
//! through it, so "tomorrow 12:00-17:00" and "tomorrow, in the afternoon" are the same.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{ToSpan, ZonedDateTime};
use serde::{Deserialize, Serialize};

use super::time_expr::{Grain, PartOfDay, TimeExpr, Weekday};
use crate::schedule::{Interval, IntervalSet};

/// What the owner said about when, beyond the first window: alternatives, bounds,
/// exclusions, a stated zone and a soft preference. Empty when they said none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraints {
    /// Further windows the owner accepts as well ("Tuesday or Wednesday"): the meeting
    /// may be in the intent's window or in any of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<TimeExpr>,
    /// A part of the day to prefer when ranking, never a rule ("preferably mornings").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefer_part: Option<PartOfDay>,
    /// Parts of the day the meeting must stay out of ("not mornings").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_parts: Vec<PartOfDay>,
    /// Days of the week the meeting must stay out of ("no Fridays").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_weekdays: Vec<Weekday>,
    /// The meeting starts at or after this local time each day ("after 3").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest: Option<Time>,
    /// The meeting ends by this local time each day ("before 11am").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<Time>,
    /// The IANA zone the owner stated times in ("3pm London time"); the daily bounds are
    /// read in it. `None`: the owner's own zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl Constraints {
    /// Whether nothing beyond the first window was said.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// The interval a window covers: its end if it has one, else its grain (a day, a week, a
/// month); an exact time ("at 3") covers its first minute.
pub fn covered(expr: &TimeExpr) -> Option<Interval> {
    let end = match &expr.end {
        Some(end) => end.clone(),
        None => match expr.grain {
            Grain::Minute | Grain::Hour => expr.start.checked_add(1.minute()).ok()?,
            Grain::Day => expr.start.checked_add(1.day()).ok()?,
            Grain::Week => expr.start.checked_add(1.week()).ok()?,
            Grain::Month => expr.start.checked_add(1.month()).ok()?,
        },
    };
    Interval::new(expr.start.timestamp(), end.timestamp()).ok()
}

/// The time the owner's words leave for the meeting: the windows (any of them; none
/// means all of `horizon`), clipped to `horizon`, then each local day cut to the part of
/// day and the bounds, without excluded parts and weekdays. Days are read in the stated
/// zone if there is one, else in `owner_zone`.
pub fn allowed(windows: &[TimeExpr], part: Option<PartOfDay>, rules: &Constraints, horizon: Interval, owner_zone: &TimeZone) -> IntervalSet {
    let zone = rules.zone.as_deref().and_then(|name| TimeZone::get(name).ok()).unwrap_or_else(|| owner_zone.clone());
    let spans: IntervalSet = if windows.is_empty() { IntervalSet::from_intervals([horizon]) } else { windows.iter().filter_map(covered).collect() };
    let spans = spans.clipped(&horizon);
    let Some((first, last)) = spans.as_slice().first().zip(spans.as_slice().last()) else { return IntervalSet::new() };
    let mut day = first.start().to_zoned_datetime(zone.clone()).date();
    let last_day = last.end().to_zoned_datetime(zone.clone()).date();
    let mut daily = Vec::new();
    while day <= last_day {
        daily.extend(day_allowed(day, part, rules, &zone));
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    spans.intersection(&IntervalSet::from_intervals(daily))
}

/// What one local day allows.
fn day_allowed(day: Date, part: Option<PartOfDay>, rules: &Constraints, zone: &TimeZone) -> Vec<Interval> {
    if rules.exclude_weekdays.iter().any(|w| jiff::civil::Weekday::from(*w) == day.weekday()) {
        return Vec::new();
    }
    let minute = |t: Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
    let (mut from, mut to) = (0, 24 * 60);
    if let Some(part) = part {
        let (a, b) = part.hours();
        (from, to) = (i32::from(a) * 60, i32::from(b) * 60);
    }
    if let Some(earliest) = rules.earliest {
        from = from.max(minute(earliest));
    }
    if let Some(latest) = rules.latest {
        // Midnight as an end is the end of the day.
        let latest = if minute(latest) == 0 { 24 * 60 } else { minute(latest) };
        to = to.min(latest);
    }
    let mut pieces = vec![(from, to)];
    for excluded in &rules.exclude_parts {
        let (a, b) = excluded.hours();
        let (a, b) = (i32::from(a) * 60, i32::from(b) * 60);
        pieces = pieces.into_iter().flat_map(|(s, e)| [(s, e.min(a)), (s.max(b), e)]).filter(|(s, e)| s < e).collect();
    }
    pieces.into_iter().filter(|(s, e)| s < e).filter_map(|(s, e)| Interval::new(at(day, s, zone)?.timestamp(), at(day, e, zone)?.timestamp()).ok()).collect()
}

fn at(day: Date, minute: i32, zone: &TimeZone) -> Option<ZonedDateTime> {
    let date = if minute >= 24 * 60 { day.tomorrow().ok()? } else { day };
    let m = minute % (24 * 60);
    date.at((m / 60) as i8, (m % 60) as i8, 0, 0).to_zoned_datetime(zone.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    fn day(text: &str) -> TimeExpr {
        let start: ZonedDateTime = format!("{text}T00:00[America/New_York]").parse().unwrap();
        TimeExpr { start, end: None, grain: Grain::Day }
    }

    fn local(text: &str) -> jiff::Timestamp {
        format!("{text}[America/New_York]").parse::<ZonedDateTime>().unwrap().timestamp()
    }

    fn horizon() -> Interval {
        Interval::new(local("2026-03-04T10:30"), local("2026-04-04T00:00")).unwrap()
    }

    #[test]
    fn a_day_in_the_afternoon_is_the_afternoon_of_that_day() {
        let got = allowed(&[day("2026-03-05")], Some(PartOfDay::Afternoon), &Constraints::default(), horizon(), &zone());
        assert_eq!(got.as_slice(), [Interval::new(local("2026-03-05T12:00"), local("2026-03-05T17:00")).unwrap()]);
    }

    #[test]
    fn not_mornings_and_no_fridays_cut_every_day() {
        let rules = Constraints { exclude_parts: vec![PartOfDay::Morning], exclude_weekdays: vec![Weekday::Friday], latest: Some(Time::constant(18, 0, 0, 0)), ..Default::default() };
        let thursday_to_saturday = TimeExpr { end: Some(day("2026-03-07").start), ..day("2026-03-05") };
        let got = allowed(&[thursday_to_saturday], None, &rules, horizon(), &zone());
        assert_eq!(
            got.as_slice(),
            [
                Interval::new(local("2026-03-05T00:00"), local("2026-03-05T08:00")).unwrap(),
                Interval::new(local("2026-03-05T12:00"), local("2026-03-05T18:00")).unwrap(),
            ]
        );
    }

    #[test]
    fn a_stated_zone_reads_the_bounds_in_it() {
        let rules = Constraints { earliest: Some(Time::constant(9, 0, 0, 0)), latest: Some(Time::constant(10, 0, 0, 0)), zone: Some("Europe/London".into()), ..Default::default() };
        let got = allowed(&[day("2026-03-05")], None, &rules, horizon(), &zone());
        // 09:00-10:00 in London is 04:00-05:00 in New York that day.
        assert_eq!(got.as_slice(), [Interval::new(local("2026-03-05T04:00"), local("2026-03-05T05:00")).unwrap()]);
    }
}
