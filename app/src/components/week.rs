//! The week as the calendar screen lays it out: seven days in the owner's time zone,
//! each with its events placed by time of day.

use agentnet_core::schedule::Interval;
use agentnet_agent::AgentError;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// One event as drawn in a day column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    pub(crate) title: String,
    /// "14:00–14:30".
    pub(crate) time: String,
    /// Offset from midnight, percent of the day.
    pub(crate) top: f64,
    /// Length, percent of the day.
    pub(crate) height: f64,
}

/// One day column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Day {
    /// "Tue 26".
    pub(crate) label: String,
    pub(crate) today: bool,
    pub(crate) events: Vec<Placed>,
}

/// The Monday `weeks` weeks from this one, in `zone`.
pub(crate) fn monday(zone: &TimeZone, weeks: i64) -> Result<Date, AgentError> {
    let today = Timestamp::now().to_zoned_datetime(zone.clone()).date();
    let back = i64::from(today.weekday().to_monday_zero_offset());
    today.checked_add(Span::new().days(weeks * 7 - back)).map_err(invalid)
}

/// Midnight starting `date` in `zone`.
pub(crate) fn midnight(date: Date, zone: &TimeZone) -> Result<Timestamp, AgentError> {
    Ok(date.to_zoned_datetime(zone.clone()).map_err(invalid)?.start_of_day().map_err(invalid)?.timestamp())
}

/// The week from `monday`, as an interval.
pub(crate) fn window(monday: Date, zone: &TimeZone) -> Result<Interval, AgentError> {
    let end = monday.checked_add(Span::new().days(7)).map_err(invalid)?;
    Interval::new(midnight(monday, zone)?, midnight(end, zone)?).map_err(invalid)
}

/// Lays `events` out over the seven days from `monday`; an event over midnight shows
/// in each day it touches.
pub(crate) fn lay_out(monday: Date, zone: &TimeZone, events: &[(Interval, String)]) -> Result<Vec<Day>, AgentError> {
    let today = Timestamp::now().to_zoned_datetime(zone.clone()).date();
    let mut days = Vec::with_capacity(7);
    for offset in 0..7 {
        let date = monday.checked_add(Span::new().days(offset)).map_err(invalid)?;
        let (start, end) = (midnight(date, zone)?, midnight(date.tomorrow().map_err(invalid)?, zone)?);
        let length = end.duration_since(start).as_secs_f64();
        let mut placed: Vec<(Timestamp, Placed)> = events
            .iter()
            .filter(|(slot, _)| slot.start() < end && slot.end() > start)
            .map(|(slot, title)| {
                let from = slot.start().max(start);
                let to = slot.end().min(end);
                let time = format!(
                    "{}–{}",
                    slot.start().to_zoned_datetime(zone.clone()).strftime("%H:%M"),
                    slot.end().to_zoned_datetime(zone.clone()).strftime("%H:%M")
                );
                let top = from.duration_since(start).as_secs_f64() / length * 100.0;
                let height = to.duration_since(from).as_secs_f64() / length * 100.0;
                (from, Placed { title: title.clone(), time, top, height })
            })
            .collect();
        placed.sort_by_key(|(from, _)| *from);
        days.push(Day { label: date.strftime("%a %-d").to_string(), today: date == today, events: placed.into_iter().map(|(_, p)| p).collect() });
    }
    Ok(days)
}

fn invalid(e: impl std::fmt::Display) -> AgentError {
    AgentError::InvalidSetting { reason: format!("calendar arithmetic failed: {e}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_afternoon_meeting_sits_in_its_day_at_its_local_time() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let monday = jiff::civil::date(2026, 3, 23);
        let start = jiff::civil::date(2026, 3, 25).at(14, 0, 0, 0).to_zoned_datetime(zone.clone()).unwrap().timestamp();
        let slot = Interval::starting_at(start, jiff::SignedDuration::from_mins(30)).unwrap();
        let days = lay_out(monday, &zone, &[(slot, "Meeting with Bob".into())]).unwrap();
        assert!(days[1].events.is_empty());
        let placed = &days[2].events[0];
        assert_eq!(placed.time, "14:00–14:30");
        assert!((placed.top - 14.0 / 24.0 * 100.0).abs() < 0.01);
    }
}
