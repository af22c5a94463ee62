//! `TZID`s to zones: IANA names, common Windows names, and the file's own `VTIMEZONE`s.
//!
//! A known name wins over the file's `VTIMEZONE` because jiff's database has the zone's
//! whole history, while a `VTIMEZONE` usually carries only today's rule. Zones known by
//! rules only are turned into a POSIX TZ string, which jiff evaluates for every year.

use jiff::civil::Weekday;
use jiff::tz::{Offset, TimeZone};

use super::lines::ContentLine;

/// Windows zone names (Outlook, Exchange) to IANA names, for the zones people meet in most.
const WINDOWS: &[(&str, &str)] = &[
    ("UTC", "UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("India Standard Time", "Asia/Kolkata"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
];

/// The zone a `TZID` names by itself: an IANA name (also inside a path such as
/// `/mozilla.org/20050126_1/Europe/Berlin`) or a Windows name.
pub(crate) fn by_name(tzid: &str) -> Option<TimeZone> {
    let tzid = tzid.trim().trim_matches('"');
    if let Ok(zone) = jiff::tz::db().get(tzid) {
        return Some(zone);
    }
    if let Some((_, iana)) = WINDOWS.iter().find(|(windows, _)| windows.eq_ignore_ascii_case(tzid)) {
        return jiff::tz::db().get(iana).ok();
    }
    let parts: Vec<&str> = tzid.split('/').collect();
    (1..parts.len()).find_map(|skip| jiff::tz::db().get(&parts[skip..].join("/")).ok())
}

/// One `STANDARD` or `DAYLIGHT` block of a `VTIMEZONE`.
#[derive(Debug, Default)]
pub(crate) struct Observance {
    pub(crate) daylight: bool,
    pub(crate) offset_to: Option<i32>,
    pub(crate) start: Option<String>,
    pub(crate) rule: Option<String>,
}

/// `+0100`, `-0530`, `+013000` to seconds east of UTC.
fn offset_seconds(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[0..2].parse().ok()?;
    let minutes: i32 = digits[2..4].parse().ok()?;
    let seconds: i32 = digits.get(4..6).map_or(Some(0), |s| s.parse().ok())?;
    Some(sign * (hours * 3600 + minutes * 60 + seconds))
}

impl Observance {
    pub(crate) fn read(&mut self, line: &ContentLine) {
        match line.name.as_str() {
            "TZOFFSETTO" => self.offset_to = offset_seconds(line.value.trim()),
            "DTSTART" => self.start = Some(line.value.trim().to_owned()),
            "RRULE" => self.rule = Some(line.value.trim().to_owned()),
            _ => {}
        }
    }
}

/// POSIX `hh:mm:ss` of `seconds`, with the sign POSIX uses (west of UTC positive).
fn posix_offset(seconds_east: i32) -> String {
    let west = -seconds_east;
    let sign = if west < 0 { "-" } else { "" };
    let west = west.abs();
    format!("{sign}{}:{:02}:{:02}", west / 3600, west / 60 % 60, west % 60)
}

/// `Mm.w.d/hh:mm:ss` from a yearly `RRULE` such as `FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU` and
/// the wall-clock start `19700329T020000`.
fn posix_transition(rule: &str, start: &str) -> Option<String> {
    let mut month = None;
    let mut by_day = None;
    for part in rule.split(';') {
        match part.split_once('=')? {
            ("FREQ", frequency) if frequency != "YEARLY" => return None,
            ("BYMONTH", value) => month = value.parse::<u8>().ok(),
            ("BYDAY", value) => by_day = Some(value.to_owned()),
            _ => {}
        }
    }
    let by_day = by_day?;
    let split = by_day.len().checked_sub(2)?;
    let week = match by_day[..split].trim_start_matches('+') {
        "-1" => 5,
        n => n.parse::<u8>().ok().filter(|n| (1..=4).contains(n))?,
    };
    let weekday = match &by_day[split..] {
        "SU" => Weekday::Sunday,
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        _ => return None,
    };
    let time = start.split_once('T')?.1;
    let (h, m, s) = (time.get(0..2)?, time.get(2..4)?, time.get(4..6)?);
    Some(format!("M{}.{week}.{}/{h}:{m}:{s}", month?, weekday.to_sunday_zero_offset()))
}

/// A zone from a `VTIMEZONE`'s observances: fixed when it has one offset, otherwise a
/// POSIX rule from the yearly rules of its latest `STANDARD` and `DAYLIGHT` blocks.
pub(crate) fn from_observances(observances: &[Observance]) -> Result<TimeZone, &'static str> {
    let latest = |daylight: bool| {
        observances.iter().filter(|o| o.daylight == daylight).max_by(|a, b| a.start.cmp(&b.start))
    };
    let standard = latest(false).or(latest(true)).ok_or("no STANDARD or DAYLIGHT block")?;
    let standard_offset = standard.offset_to.ok_or("TZOFFSETTO missing or malformed")?;
    let daylight = latest(true).filter(|_| latest(false).is_some());
    let Some(daylight) = daylight.filter(|d| d.rule.is_some() && standard.rule.is_some()) else {
        return Ok(TimeZone::fixed(Offset::from_seconds(standard_offset).map_err(|_| "offset out of range")?));
    };
    let daylight_offset = daylight.offset_to.ok_or("TZOFFSETTO missing or malformed")?;
    let to_daylight = posix_transition(daylight.rule.as_deref().unwrap_or_default(), daylight.start.as_deref().unwrap_or_default())
        .ok_or("DAYLIGHT rule is not a yearly nth-weekday rule")?;
    let to_standard = posix_transition(standard.rule.as_deref().unwrap_or_default(), standard.start.as_deref().unwrap_or_default())
        .ok_or("STANDARD rule is not a yearly nth-weekday rule")?;
    let posix = format!(
        "<STD>{}<DST>{},{to_daylight},{to_standard}",
        posix_offset(standard_offset),
        posix_offset(daylight_offset)
    );
    TimeZone::posix(&posix).map_err(|_| "rules do not form a valid zone")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_windows_and_paths() {
        assert_eq!(by_name("Europe/Berlin").unwrap().iana_name(), Some("Europe/Berlin"));
        assert_eq!(by_name("W. Europe Standard Time").unwrap().iana_name(), Some("Europe/Berlin"));
        assert_eq!(by_name("/mozilla.org/20050126_1/America/New_York").unwrap().iana_name(), Some("America/New_York"));
        assert!(by_name("Mars/Olympus_Mons").is_none());
    }

    #[test]
    fn builds_a_rule_zone_that_switches_like_the_real_one() {
        let observances = [
            Observance { daylight: true, offset_to: Some(7200), start: Some("19700329T020000".into()), rule: Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU".into()) },
            Observance { daylight: false, offset_to: Some(3600), start: Some("19701025T030000".into()), rule: Some("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU".into()) },
        ];
        let zone = from_observances(&observances).unwrap();
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        for instant in ["2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z", "2031-07-01T12:00:00Z"] {
            let at: jiff::Timestamp = instant.parse().unwrap();
            assert_eq!(zone.to_offset(at), berlin.to_offset(at), "{instant}");
        }
    }
}
