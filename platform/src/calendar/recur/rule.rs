//! One `RRULE` value, parsed.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::Timestamp;

use crate::calendar::ics::value::{DateTimeValue, parse_date, parse_date_time};

/// How often a rule's periods come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Every `interval` days.
    Daily,
    /// Every `interval` weeks.
    Weekly,
    /// Every `interval` months.
    Monthly,
    /// Every `interval` years.
    Yearly,
}

/// The last possible occurrence start of a rule (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Until {
    /// A date: occurrences on or before it.
    Date(Date),
    /// A wall-clock time in the event's own zone (floating events).
    Local(DateTime),
    /// A UTC instant.
    Utc(Timestamp),
}

/// A parsed `RRULE` (the parts calendars use: no `BYWEEKNO`, `BYYEARDAY`, or sub-daily
/// frequencies, which no mainstream calendar produces for meetings).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    /// `FREQ`.
    pub frequency: Frequency,
    /// `INTERVAL`, at least 1.
    pub interval: u32,
    /// `COUNT`: the number of occurrences, the start counting as the first.
    pub count: Option<u32>,
    /// `UNTIL`.
    pub until: Option<Until>,
    /// `BYDAY`: weekdays, each with an optional ordinal (`2MO`, `-1FR`).
    pub by_day: Vec<(Option<i8>, Weekday)>,
    /// `BYMONTHDAY`: 1..=31 or -31..=-1.
    pub by_month_day: Vec<i8>,
    /// `BYMONTH`: 1..=12.
    pub by_month: Vec<i8>,
    /// `BYSETPOS`: positions within each period's set.
    pub by_set_pos: Vec<i16>,
    /// `WKST`, Monday unless said.
    pub week_start: Weekday,
}

/// An `RRULE` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("RRULE part {part:?}: {reason}")]
pub struct RuleError {
    /// The offending `NAME=VALUE` part.
    pub part: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

/// The two-letter RFC 5545 code of a weekday.
pub(crate) fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

fn list<T>(part: &str, value: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, RuleError> {
    value
        .split(',')
        .map(|item| parse(item.trim()).ok_or(RuleError { part: part.to_owned(), reason: "not a valid list item" }))
        .collect()
}

fn in_range(value: &str, low: i64, high: i64) -> Option<i64> {
    value.parse::<i64>().ok().filter(|number| (low..=high).contains(&number.abs()) && *number >= -high)
}

impl Rule {
    /// Parses `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260301T000000Z` (without the `RRULE:`).
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        let mut frequency = None;
        let mut rule = Rule {
            frequency: Frequency::Daily,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_set_pos: Vec::new(),
            week_start: Weekday::Monday,
        };
        for part in text.trim().split(';').filter(|part| !part.is_empty()) {
            let bad = |reason| RuleError { part: part.to_owned(), reason };
            let (name, value) = part.split_once('=').ok_or(bad("missing '='"))?;
            match name.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    frequency = Some(match value.to_ascii_uppercase().as_str() {
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        "YEARLY" => Frequency::Yearly,
                        "SECONDLY" | "MINUTELY" | "HOURLY" => return Err(bad("sub-daily frequencies are not supported")),
                        _ => return Err(bad("unknown frequency")),
                    })
                }
                "INTERVAL" => rule.interval = value.parse().ok().filter(|n| *n >= 1).ok_or(bad("must be a positive integer"))?,
                "COUNT" => rule.count = Some(value.parse().ok().filter(|n| *n >= 1).ok_or(bad("must be a positive integer"))?),
                "UNTIL" => {
                    rule.until = Some(if value.len() == 8 {
                        Until::Date(parse_date(value).ok_or(bad("not a date"))?)
                    } else {
                        match parse_date_time(value).ok_or(bad("not a date-time"))? {
                            DateTimeValue::Utc(at) => Until::Utc(at),
                            DateTimeValue::Local(at) => Until::Local(at),
                        }
                    })
                }
                "BYDAY" => {
                    rule.by_day = list(part, &value.to_ascii_uppercase(), |item| {
                        let split = item.len().checked_sub(2)?;
                        let day = weekday(item.get(split..)?)?;
                        let ordinal = &item[..split];
                        if ordinal.is_empty() {
                            return Some((None, day));
                        }
                        let n = in_range(ordinal.trim_start_matches('+'), 1, 53)?;
                        Some((Some(n as i8), day))
                    })?
                }
                "BYMONTHDAY" => rule.by_month_day = list(part, value, |item| in_range(item, 1, 31).map(|n| n as i8))?,
                "BYMONTH" => rule.by_month = list(part, value, |item| in_range(item, 1, 12).filter(|n| *n > 0).map(|n| n as i8))?,
                "BYSETPOS" => rule.by_set_pos = list(part, value, |item| in_range(item, 1, 366).map(|n| n as i16))?,
                "WKST" => rule.week_start = weekday(&value.to_ascii_uppercase()).ok_or(bad("not a weekday"))?,
                "BYSECOND" | "BYMINUTE" | "BYHOUR" | "BYWEEKNO" | "BYYEARDAY" => return Err(bad("not supported")),
                _ if name.starts_with("X-") => {}
                _ => return Err(bad("unknown rule part")),
            }
        }
        rule.frequency = frequency.ok_or(RuleError { part: text.to_owned(), reason: "FREQ is required" })?;
        if rule.count.is_some() && rule.until.is_some() {
            return Err(RuleError { part: text.to_owned(), reason: "COUNT and UNTIL must not both be given" });
        }
        Ok(rule)
    }
}

impl core::fmt::Display for Rule {
    /// The `RRULE` value, as [`Rule::parse`] reads it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let frequency = match self.frequency {
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        };
        write!(f, "FREQ={frequency}")?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        if let Some(count) = self.count {
            write!(f, ";COUNT={count}")?;
        }
        match self.until {
            Some(Until::Date(date)) => write!(f, ";UNTIL={}", date.strftime("%Y%m%d"))?,
            Some(Until::Local(at)) => write!(f, ";UNTIL={}", at.strftime("%Y%m%dT%H%M%S"))?,
            Some(Until::Utc(at)) => write!(f, ";UNTIL={}", at.strftime("%Y%m%dT%H%M%SZ"))?,
            None => {}
        }
        let join = |items: Vec<String>| items.join(",");
        if !self.by_day.is_empty() {
            let days = self.by_day.iter().map(|(n, day)| format!("{}{}", n.map(|n| n.to_string()).unwrap_or_default(), weekday_code(*day)));
            write!(f, ";BYDAY={}", join(days.collect()))?;
        }
        if !self.by_month_day.is_empty() {
            write!(f, ";BYMONTHDAY={}", join(self.by_month_day.iter().map(i8::to_string).collect()))?;
        }
        if !self.by_month.is_empty() {
            write!(f, ";BYMONTH={}", join(self.by_month.iter().map(i8::to_string).collect()))?;
        }
        if !self.by_set_pos.is_empty() {
            write!(f, ";BYSETPOS={}", join(self.by_set_pos.iter().map(i16::to_string).collect()))?;
        }
        if self.week_start != Weekday::Monday {
            write!(f, ";WKST={}", weekday_code(self.week_start))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_back() {
        let rule = Rule::parse("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU").unwrap();
        assert_eq!(rule.frequency, Frequency::Monthly);
        assert_eq!(rule.by_day, vec![(Some(1), Weekday::Sunday), (Some(-1), Weekday::Sunday)]);
        assert_eq!(Rule::parse(&rule.to_string()).unwrap(), rule);
    }

    #[test]
    fn rejects_what_it_cannot_expand() {
        assert_eq!(Rule::parse("FREQ=HOURLY").unwrap_err().reason, "sub-daily frequencies are not supported");
        assert_eq!(Rule::parse("INTERVAL=2").unwrap_err().reason, "FREQ is required");
        assert_eq!(Rule::parse("FREQ=DAILY;BYDAY=XX").unwrap_err().part, "BYDAY=XX");
        assert!(Rule::parse("FREQ=DAILY;COUNT=2;UNTIL=20260101").is_err());
    }
}
