//! Reads a preference ("my working hours are 9 to 5", "15 minute buffer between
//! meetings", "no meetings on Fridays") from a command already classified as one.

use jiff::civil::Time;

use super::duration;
use super::intent::Preference;
use super::time_expr::{PartOfDay, Weekday};
use super::time_resolve::Found;
use super::token::Token;

/// What the preference parser had to work with.
pub(crate) struct Input<'a> {
    pub(crate) text: &'a str,
    pub(crate) tokens: &'a [Token],
    pub(crate) durations: &'a [duration::Found],
    pub(crate) times: &'a [Found],
}

/// City and region names owners use for their zone.
const ZONES: &[(&str, &str)] = &[
    ("pacific", "America/Los_Angeles"),
    ("mountain", "America/Denver"),
    ("central", "America/Chicago"),
    ("eastern", "America/New_York"),
    ("utc", "UTC"),
    ("gmt", "UTC"),
    ("london", "Europe/London"),
    ("paris", "Europe/Paris"),
    ("berlin", "Europe/Berlin"),
    ("madrid", "Europe/Madrid"),
    ("tokyo", "Asia/Tokyo"),
    ("singapore", "Asia/Singapore"),
    ("sydney", "Australia/Sydney"),
    ("york", "America/New_York"),
    ("chicago", "America/Chicago"),
    ("denver", "America/Denver"),
    ("angeles", "America/Los_Angeles"),
    ("francisco", "America/Los_Angeles"),
    ("seattle", "America/Los_Angeles"),
    ("bangalore", "Asia/Kolkata"),
    ("india", "Asia/Kolkata"),
];

/// Whether `word` names a zone ("london", "pacific").
pub(crate) fn names_a_zone(word: &str) -> bool {
    ZONES.iter().any(|(k, _)| *k == word)
}

fn clock(z: &jiff::ZonedDateTime) -> Time {
    z.time()
}

/// Parses the preference, or `None` when it cannot be read without guessing.
pub(crate) fn parse(input: &Input<'_>) -> Option<Preference> {
    // "mon-thu" reads as "monday to thursday".
    let t = input.tokens;
    let day_at = |k: usize| t.get(k).and_then(Token::word).is_some_and(|w| Weekday::parse(w).is_some());
    let words: Vec<&str> = t
        .iter()
        .enumerate()
        .filter_map(|(k, token)| if token.is_punct('-') && k > 0 && day_at(k - 1) && day_at(k + 1) { Some("to") } else { token.word() })
        .collect();
    let has = |w: &str| words.contains(&w);
    let seq = |s: &[&str]| words.windows(s.len()).any(|win| win == s);
    let minutes = input.durations.first().map(|d| d.minutes);
    let weekdays = weekdays(&words);
    let range = input.times.iter().filter_map(|f| f.expr.as_ref()).find(|e| e.end.is_some());
    let part = part_of_day(&words);

    // "I'm on Pacific time these days".
    let zone_time = words.windows(2).any(|pair| names_a_zone(pair[0]) && pair[1] == "time");
    if has("timezone") || seq(&["time", "zone"]) || zone_time {
        return zone(input.text, &words).map(|zone| Preference::TimeZone { zone });
    }
    if has("buffer") || has("buffers") || has("gap") || has("gaps") || has("cushion") || has("padding") || has("breathing") || has("between") && (has("meetings") || has("calls")) || seq(&["back", "to", "back"]) {
        return minutes.map(|minutes| Preference::Buffer { minutes });
    }
    if has("notice") || has("warning") {
        return minutes.map(|minutes| Preference::MinimumNotice { minutes });
    }
    if has("default") || seq(&["meetings", "should", "be"]) {
        return minutes.map(|minutes| Preference::DefaultDuration { minutes });
    }
    if seq(&["no", "more", "than"]) || seq(&["at", "most"]) || has("max") || has("maximum") || has("limit") || has("cap") {
        let count = input.tokens.iter().find_map(Token::num)?;
        return Some(Preference::MaxMeetingsPerDay { count });
    }
    if seq(&["lunch", "break"]) || (has("lunch") && (has("keep") || has("take") || has("eat") || has("have") || range.is_some())) || (has("eat") && range.is_some()) {
        let (start, end) = match range {
            Some(r) => (clock(&r.start), clock(r.end.as_ref()?)),
            None => (Time::constant(12, 0, 0, 0), Time::constant(13, 0, 0, 0)),
        };
        return Some(Preference::LunchBreak { start, end });
    }
    if has("focus") || seq(&["deep", "work"]) || has("protect") || has("block") || has("reserve") {
        return Some(Preference::FocusTime {
            weekdays,
            part_of_day: part,
            start: range.map(|r| clock(&r.start)),
            end: range.and_then(|r| r.end.as_ref().map(clock)),
        });
    }
    let ends = has("ends") || has("finish") || has("finishes") || has("stop") && has("work") || seq(&["done", "by"]);
    let starts = has("starts") || has("start") || has("begin") || has("begins");
    // "I start at 8am and finish at 4pm": both ends of the working day.
    let points: Vec<Time> = input.times.iter().filter_map(|f| f.expr.as_ref()).map(|e| clock(&e.start)).collect();
    if ends && starts && range.is_none() && points.len() == 2 {
        return Some(Preference::WorkingHours { start: points[0], end: points[1], weekdays });
    }
    if (ends || starts) && !seq(&["working", "hours"]) && range.is_none() {
        let time = input.times.iter().find_map(|f| f.expr.as_ref())?;
        return Some(if ends { Preference::NoMeetingsAfter { time: clock(&time.start) } } else { Preference::NoMeetingsBefore { time: clock(&time.start) } });
    }
    if has("earliest") || has("latest") {
        let time = input.times.iter().find_map(|f| f.expr.as_ref())?;
        return Some(if has("earliest") { Preference::NoMeetingsBefore { time: clock(&time.start) } } else { Preference::NoMeetingsAfter { time: clock(&time.start) } });
    }
    if seq(&["working", "hours"]) || seq(&["work", "hours"]) || seq(&["office", "hours"]) || has("work") || has("working") || has("hours") || has("workday") || seq(&["day", "starts"]) {
        let (start, end) = match range {
            Some(r) => (clock(&r.start), clock(r.end.as_ref()?)),
            None => {
                let mut points = input.times.iter().filter_map(|f| f.expr.as_ref());
                (clock(&points.next()?.start), clock(&points.next()?.start))
            }
        };
        return Some(Preference::WorkingHours { start, end, weekdays });
    }
    for f in input.times {
        let Some(expr) = &f.expr else { continue };
        let before = f.start.checked_sub(1).and_then(|k| input.tokens[k].word());
        match before {
            Some("before") => return Some(Preference::NoMeetingsBefore { time: clock(&expr.start) }),
            Some("after") => return Some(Preference::NoMeetingsAfter { time: clock(&expr.start) }),
            _ => {}
        }
    }
    if !weekdays.is_empty() {
        return Some(Preference::NoMeetingsOn { weekdays });
    }
    if let Some(part) = part {
        return Some(Preference::FocusTime { weekdays, part_of_day: Some(part), start: None, end: None });
    }
    None
}

fn weekdays(words: &[&str]) -> Vec<Weekday> {
    const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    let mut out: Vec<Weekday> = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if matches!(*w, "weekdays") {
            out.extend(Weekday::WORKDAYS);
        } else if matches!(*w, "weekend" | "weekends") {
            out.extend([Weekday::Saturday, Weekday::Sunday]);
        } else if let Some((d, _)) = Weekday::parse(w) {
            out.push(d);
            // "Monday to Friday", "Monday through Thursday": every day in between.
            if matches!(words.get(k + 1), Some(&("to" | "through" | "thru")))
                && let Some((last, _)) = words.get(k + 2).and_then(|n| Weekday::parse(n))
            {
                let (a, b) = (ALL.iter().position(|x| *x == d), ALL.iter().position(|x| *x == last));
                if let (Some(a), Some(b)) = (a, b) {
                    out.extend(ALL.iter().take(b + 1).skip(a));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn part_of_day(words: &[&str]) -> Option<PartOfDay> {
    words.iter().find_map(|w| super::time_parse::part_of_day_word(w.strip_suffix('s').unwrap_or(w)))
}

fn zone(text: &str, words: &[&str]) -> Option<String> {
    for chunk in text.split_whitespace() {
        let name = chunk.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '_');
        if name.contains('/') && jiff::tz::db().get(name).is_ok() {
            return Some(name.to_string());
        }
    }
    words.iter().find_map(|w| ZONES.iter().find(|(k, _)| k == w).map(|(_, z)| (*z).to_string()))
}
