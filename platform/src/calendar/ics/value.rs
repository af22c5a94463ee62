//! Date, date-time and duration values (RFC 5545 §3.3).

use jiff::civil::{Date, DateTime};
use jiff::{Span, Timestamp};

/// A `DATE-TIME` value: UTC (`...Z`) or wall-clock (zone from `TZID`, or floating).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateTimeValue {
    /// `19970714T173000Z`.
    Utc(Timestamp),
    /// `19970714T133000`.
    Local(DateTime),
}

fn digits(text: &str) -> Option<i64> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

/// `YYYYMMDD`.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    if text.len() != 8 {
        return None;
    }
    let year = digits(text.get(0..4)?)? as i16;
    let month = digits(text.get(4..6)?)? as i8;
    let day = digits(text.get(6..8)?)? as i8;
    Date::new(year, month, day).ok()
}

/// `YYYYMMDDTHHMMSS` with an optional `Z`.
pub(crate) fn parse_date_time(text: &str) -> Option<DateTimeValue> {
    let (body, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (text, false),
    };
    let (date, time) = body.split_once(['T', 't'])?;
    if time.len() != 6 {
        return None;
    }
    let date = parse_date(date)?;
    let hour = digits(&time[0..2])? as i8;
    let minute = digits(&time[2..4])? as i8;
    // A leap second (60) is read as the last second of the minute.
    let second = (digits(&time[4..6])? as i8).min(59);
    let local = date.to_datetime(jiff::civil::Time::new(hour, minute, second, 0).ok()?);
    Some(if utc { DateTimeValue::Utc(jiff::tz::TimeZone::UTC.to_timestamp(local).ok()?) } else { DateTimeValue::Local(local) })
}

/// `[+-]P[nW][nD][T[nH][nM][nS]]`, days kept as calendar days.
pub(crate) fn parse_duration(text: &str) -> Option<Span> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let (mut days, mut hours, mut minutes, mut seconds) = (0i64, 0i64, 0i64, 0i64);
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' => number.push(c),
            'T' if number.is_empty() && !in_time => in_time = true,
            unit => {
                let n = digits(&number)?;
                number.clear();
                any = true;
                let field = match (unit, in_time) {
                    ('W', false) => {
                        days = days.checked_add(n.checked_mul(7)?)?;
                        continue;
                    }
                    ('D', false) => &mut days,
                    ('H', true) => &mut hours,
                    ('M', true) => &mut minutes,
                    ('S', true) => &mut seconds,
                    _ => return None,
                };
                *field = field.checked_add(n)?;
            }
        }
    }
    if !number.is_empty() || !any {
        return None;
    }
    let span = Span::new().try_days(days).ok()?.try_hours(hours).ok()?.try_minutes(minutes).ok()?.try_seconds(seconds).ok()?;
    Some(if negative { span.negate() } else { span })
}

#[cfg(test)]
mod tests {
    use jiff::ToSpan;
    use jiff::civil::date;

    use super::*;

    #[test]
    fn reads_dates_and_times() {
        assert_eq!(parse_date("20260329"), Some(date(2026, 3, 29)));
        assert_eq!(parse_date("20260230"), None);
        assert_eq!(parse_date_time("20260329T090000"), Some(DateTimeValue::Local(date(2026, 3, 29).at(9, 0, 0, 0))));
        assert_eq!(parse_date_time("20260329T090000Z"), Some(DateTimeValue::Utc("2026-03-29T09:00:00Z".parse().unwrap())));
        assert_eq!(parse_date_time("20260329T0900"), None);
    }

    #[test]
    fn reads_durations() {
        assert_eq!(parse_duration("PT1H30M").unwrap().fieldwise(), 1.hour().minutes(30).fieldwise());
        assert_eq!(parse_duration("P1W").unwrap().fieldwise(), 7.days().fieldwise());
        assert_eq!(parse_duration("-P1DT2H").unwrap().fieldwise(), (-1).days().hours(-2).fieldwise());
        assert!(parse_duration("P").is_none());
        assert!(parse_duration("PT1D").is_none());
    }
}
