//! Recognises the pieces of a time expression in a token stream.
//!
//! A piece is the smallest unit that means something on its own: a date ("next
//! Tuesday", "3/15", "end of the month"), a time of day ("9:30", "2-4pm", "noon",
//! "afternoon") or an offset from now ("in 20 minutes"). `time_resolve` then groups
//! adjacent pieces ("tomorrow" + "at 3") and turns each group into a [`super::TimeExpr`].

use super::time_expr::{PartOfDay, Weekday};
use super::token::{Tok, Token};

/// am or pm, when written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meridiem {
    Am,
    Pm,
}

/// A clock time as written, before am/pm inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) meridiem: Option<Meridiem>,
    /// Minutes were written ("3:00"): the grain is a minute, not an hour.
    pub(crate) minutes_written: bool,
    /// Written as a 24-hour time ("09:00", "15:30"): no am/pm inference.
    pub(crate) twenty_four: bool,
    /// Something marks it as a time ("at", am/pm, a colon); a bare number is weak and
    /// only counts next to a date ("Tuesday 3").
    pub(crate) strong: bool,
}

/// Which occurrence of a weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    /// "Tuesday": the next one, today excluded.
    Upcoming,
    /// "this Tuesday": the next one, today included.
    This,
    /// "last Tuesday": the previous one, today excluded.
    Last,
    /// "next Tuesday", "Tuesday next week": in the Monday-based week `k` weeks away.
    InWeek(i32),
}

/// A part of a week or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Whole,
    Early,
    Late,
    Start,
    Middle,
    End,
    Weekend,
}

/// Which month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MonthRef {
    Relative(i32),
    Named(i8),
}

/// A date as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateSpec {
    DayOffset(i32),
    /// "in the next few days", "over the next two weeks": today and the days after.
    NextDays(i32),
    MonthOffset(i32),
    Weekday(Weekday, Rel),
    MonthDay { month: i8, day: i8, year: Option<i16> },
    /// "July 13-15", "from the 13th to the 15th of July": the days from one to the other.
    MonthDays { month: i8, from: i8, to_month: i8, to: i8, year: Option<i16> },
    DayOfMonth(i8),
    Week(i32, Part),
    Month(MonthRef, Part),
    /// "the first Tuesday of October", "the last Friday in March 2027", "the last day of
    /// the month": the `nth` (-1 for the last) such day of a month.
    NthOfMonth { nth: i8, weekday: Option<Weekday>, month: MonthRef, year: Option<i16> },
}

/// A time of day as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeSpec {
    Clock(Clock),
    Range(Clock, Clock),
    /// End of the business day.
    Eod,
    /// 13:00 to 17:00.
    AfterLunch,
}

/// One recognised piece and the tokens it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Piece {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) date: Option<DateSpec>,
    pub(crate) time: Option<TimeSpec>,
    pub(crate) part: Option<PartOfDay>,
    /// Minutes from now ("in 20 minutes").
    pub(crate) offset: Option<i64>,
    /// A clock range that gives the meeting's own start and end.
    pub(crate) span: bool,
}

/// Grammar switches chosen from the intent.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// Read "3 to 4" as a range. Off when rescheduling, where "move 3pm to 4pm" is a
    /// from and a to.
    pub(crate) to_ranges: bool,
}

const STRONG_BEFORE: &[&str] =
    &["at", "around", "by", "from", "after", "before", "until", "till", "til", "between", "starting", "since", "to"];
const UNITS_AFTER: &[&str] = &[
    "minutes", "hours", "days", "day", "week", "weeks", "month", "months", "people", "person", "percent", "times",
    "meetings", "year", "years", "slots", "ish",
];

struct Cursor<'a> {
    t: &'a [Token],
}

impl Cursor<'_> {
    fn w(&self, i: usize) -> &str {
        self.t.get(i).and_then(Token::word).unwrap_or("")
    }
    fn num(&self, i: usize) -> Option<u32> {
        self.t.get(i).and_then(Token::num)
    }
    fn punct(&self, i: usize, c: char) -> bool {
        self.t.get(i).is_some_and(|t| t.is_punct(c))
    }
    fn prev(&self, i: usize) -> &str {
        if i == 0 { "" } else { self.w(i - 1) }
    }
}

/// Finds every piece, left to right, never overlapping.
pub(crate) fn pieces(tokens: &[Token], skip: &[bool], opts: Options) -> Vec<Piece> {
    let c = Cursor { t: tokens };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if skip.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        match piece_at(&c, i, opts) {
            Some(p) if p.end > i => {
                i = p.end;
                out.push(p);
            }
            _ => i += 1,
        }
    }
    out
}

fn piece(start: usize, end: usize) -> Piece {
    Piece { start, end, date: None, time: None, part: None, offset: None, span: false }
}

fn piece_at(c: &Cursor<'_>, i: usize, opts: Options) -> Option<Piece> {
    next_days_at(c, i)
        .or_else(|| offset_at(c, i))
        .or_else(|| nth_of_month_at(c, i))
        .or_else(|| relative_word_at(c, i))
        .or_else(|| modified_at(c, i))
        .or_else(|| boundary_at(c, i))
        .or_else(|| weekday_at(c, i, opts))
        .or_else(|| calendar_date_at(c, i))
        .or_else(|| part_of_day_at(c, i))
        .or_else(|| time_at(c, i, opts))
}

/// "in the next few days", "within the next two weeks", "over the coming days", "the
/// next 3 days": today and the days after ("few" is three days after today).
fn next_days_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let mut j = i;
    if matches!(c.w(j), "in" | "within" | "over" | "during" | "for") {
        j += 1;
    }
    if c.w(j) == "the" {
        j += 1;
    }
    if !matches!(c.w(j), "next" | "coming" | "following") {
        return None;
    }
    j += 1;
    let count = match (c.w(j), c.num(j)) {
        ("few" | "several", _) => {
            j += 1;
            None
        }
        (_, Some(n)) if n <= 60 => {
            j += 1;
            Some(n as i32)
        }
        _ => None,
    };
    let days = match (c.w(j), count) {
        ("days", None) => 4,
        ("days" | "day", Some(n)) => n + 1,
        ("weeks", None) => 21,
        ("weeks" | "week", Some(n)) => 7 * n,
        _ => return None,
    };
    let mut p = piece(i, j + 1);
    p.date = Some(DateSpec::NextDays(days));
    Some(p)
}

/// "in 20 minutes", "in two weeks", "3 days from now", "in half an hour".
fn offset_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let (lead, n_at) = if c.w(i) == "in" || c.w(i) == "within" { (true, i + 1) } else { (false, i) };
    let half = (c.w(n_at) == "half" && matches!(c.w(n_at + 1), "an" | "a")) || (c.w(n_at) == "a" && c.w(n_at + 1) == "half");
    let (count, unit_at, extra) = if half {
        (1, n_at + 2, 0.5)
    } else if matches!(c.w(n_at), "a" | "an") {
        (1, n_at + 1, 1.0)
    } else if let Some(n) = c.num(n_at) {
        (n, n_at + 1, 1.0)
    } else {
        return None;
    };
    let n = i64::from(count);
    let mut end = unit_at + 1;
    let spec = match c.w(unit_at) {
        "minutes" => Offset::Minutes(n),
        "hours" => {
            if c.w(end) == "and" && c.w(end + 1) == "a" && c.w(end + 2) == "half" {
                end += 3;
                Offset::Minutes(n * 60 + 30)
            } else {
                Offset::Minutes((n as f64 * 60.0 * extra) as i64)
            }
        }
        "day" | "days" => Offset::Date(DateSpec::DayOffset(count as i32)),
        "week" | "weeks" => Offset::Date(DateSpec::DayOffset(7 * count as i32)),
        "fortnight" => Offset::Date(DateSpec::DayOffset(14 * count as i32)),
        "month" | "months" => Offset::Date(DateSpec::MonthOffset(count as i32)),
        _ => return None,
    };
    let trailing = (c.w(end) == "from" && matches!(c.w(end + 1), "now" | "today"))
        .then_some(2)
        .or_else(|| matches!(c.w(end), "later" | "out").then_some(1));
    match (lead, trailing) {
        (true, None) => {}
        (false, Some(k)) => end += k,
        _ => return None,
    }
    let mut p = piece(i, end);
    match spec {
        Offset::Minutes(m) => p.offset = Some(m),
        Offset::Date(d) => p.date = Some(d),
    }
    Some(p)
}

enum Offset {
    Minutes(i64),
    Date(DateSpec),
}

/// "today", "tomorrow", "tonight", "the day after tomorrow", "eod", "eow".
fn relative_word_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let mut p = piece(i, i + 1);
    match c.w(i) {
        "today" => p.date = Some(DateSpec::DayOffset(0)),
        "tomorrow" => p.date = Some(DateSpec::DayOffset(1)),
        "yesterday" => p.date = Some(DateSpec::DayOffset(-1)),
        "tonight" => {
            p.date = Some(DateSpec::DayOffset(0));
            p.part = Some(PartOfDay::Evening);
        }
        "overmorrow" => p.date = Some(DateSpec::DayOffset(2)),
        "eod" => p.time = Some(TimeSpec::Eod),
        "eow" => p.date = Some(DateSpec::Week(0, Part::End)),
        "eom" => p.date = Some(DateSpec::Month(MonthRef::Relative(0), Part::End)),
        "day" if c.w(i + 1) == "after" && c.w(i + 2) == "tomorrow" => {
            p.date = Some(DateSpec::DayOffset(2));
            p.end = i + 3;
        }
        "weekend" => p.date = Some(DateSpec::Week(0, Part::Weekend)),
        "noon" => p.time = Some(TimeSpec::Clock(noon())),
        "midnight" => {
            p.time = Some(TimeSpec::Clock(Clock {
                hour: 0,
                minute: 0,
                meridiem: None,
                minutes_written: false,
                twenty_four: true,
                strong: true,
            }))
        }
        "week" if c.w(i + 1) == "after" && c.w(i + 2) == "next" => {
            p.date = Some(DateSpec::Week(2, Part::Whole));
            p.end = i + 3;
        }
        _ => return None,
    }
    Some(p)
}

fn noon() -> Clock {
    Clock { hour: 12, minute: 0, meridiem: None, minutes_written: false, twenty_four: true, strong: true }
}

/// How many weeks or months away "this", "next", "last" point.
fn relative_offset(word: &str) -> Option<i32> {
    match word {
        "this" | "current" | "coming" | "my" => Some(0),
        "next" | "following" => Some(1),
        "last" | "previous" | "past" => Some(-1),
        _ => None,
    }
}

/// "this/next/last" + weekday, week, weekend, month, part of day; "early/late/end
/// of/beginning of" + week or month.
fn modified_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let (part, mut j) = match (c.w(i), c.w(i + 1)) {
        ("early" | "earlier", _) => (Part::Early, i + 1),
        ("late" | "later", _) => (Part::Late, i + 1),
        ("mid", _) => (Part::Middle, i + 1),
        ("middle", "of") => (Part::Middle, i + 2),
        ("end", "of") => (Part::End, i + 2),
        ("beginning" | "start", "of") => (Part::Start, i + 2),
        _ => (Part::Whole, i),
    };
    if c.punct(j, '-') {
        j += 1;
    }
    if c.w(j) == "the" {
        j += 1;
    }
    let rel_word = c.w(j).to_string();
    let offset = relative_offset(&rel_word);
    if offset.is_some() {
        j += 1;
        if c.w(j) == "coming" {
            j += 1;
        }
    }
    if part == Part::Whole && offset.is_none() {
        return None;
    }
    let has_rel = offset.is_some();
    let offset = offset.unwrap_or(0);
    let word = c.w(j);
    let mut p = piece(i, j + 1);
    if let Some((day, false)) = Weekday::parse(word) {
        if part != Part::Whole {
            return None;
        }
        let rel = match rel_word.as_str() {
            "this" | "coming" | "current" | "my" => Rel::This,
            "last" | "previous" | "past" => Rel::Last,
            _ => Rel::InWeek(1),
        };
        p.date = Some(DateSpec::Weekday(day, rel));
        return Some(p);
    }
    match word {
        "week" => p.date = Some(DateSpec::Week(offset, part)),
        "weekend" if part == Part::Whole => p.date = Some(DateSpec::Week(offset, Part::Weekend)),
        "month" => p.date = Some(DateSpec::Month(MonthRef::Relative(offset), part)),
        "day" | "business" if part == Part::End && !has_rel => p.time = Some(TimeSpec::Eod),
        w if part == Part::Whole && rel_word == "this" => {
            p.date = Some(DateSpec::DayOffset(0));
            p.part = Some(part_of_day_word(w)?);
        }
        w => {
            let month = month_number(w)?;
            if has_rel && offset != 0 {
                return None;
            }
            p.date = Some(DateSpec::Month(MonthRef::Named(month), part));
        }
    }
    Some(p)
}

/// "end of day", "close of business", "after lunch", "at lunch", "before lunch".
fn boundary_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let mut p = piece(i, i + 2);
    match (c.w(i), c.w(i + 1)) {
        ("close", "of") if c.w(i + 2) == "business" => {
            p.end = i + 3;
            p.time = Some(TimeSpec::Eod);
        }
        ("after", "lunch") => p.time = Some(TimeSpec::AfterLunch),
        ("before", "lunch") => p.part = Some(PartOfDay::Morning),
        ("at" | "over" | "around" | "during", "lunch" | "lunchtime") | ("lunchtime", _) => {
            if c.w(i) == "lunchtime" {
                p.end = i + 1;
            }
            p.part = Some(PartOfDay::Lunch);
        }
        ("first", "thing") => {
            p.time = Some(TimeSpec::Clock(Clock { hour: 9, ..noon() }));
            if c.w(i + 2) == "in" && c.w(i + 3) == "the" && c.w(i + 4) == "morning" {
                p.end = i + 5;
            }
        }
        _ => return None,
    }
    Some(p)
}

/// "the first Tuesday of October", "last Friday in March 2027", "the last day of the month".
fn nth_of_month_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let k = i + usize::from(c.w(i) == "the");
    let nth: i8 = match (c.w(k), c.t.get(k).map(|t| &t.tok)) {
        ("first", _) => 1,
        ("second", _) => 2,
        ("third", _) => 3,
        ("fourth", _) => 4,
        ("fifth", _) => 5,
        ("last", _) => -1,
        (_, Some(Tok::Ord(n))) if (1..=5).contains(n) => *n as i8,
        _ => return None,
    };
    let weekday = match c.w(k + 1) {
        "day" => None,
        w => Some(Weekday::parse(w).filter(|(_, plural)| !plural)?.0),
    };
    if !matches!(c.w(k + 2), "of" | "in") {
        return None;
    }
    let mut j = k + 3;
    if c.w(j) == "the" {
        j += 1;
    }
    let month = match (c.w(j), c.w(j + 1)) {
        ("month", _) | ("this", "month") | ("current", "month") => MonthRef::Relative(0),
        ("next", "month") | ("following", "month") => MonthRef::Relative(1),
        ("last", "month") | ("previous", "month") => MonthRef::Relative(-1),
        (name, _) => MonthRef::Named(month_number(name)?),
    };
    j += if c.w(j) == "month" || matches!(month, MonthRef::Named(_)) { 1 } else { 2 };
    let (year, end) = match month {
        MonthRef::Named(_) => year_at(c, j).map_or((None, j), |(y, e)| (Some(y), e)),
        MonthRef::Relative(_) => (None, j),
    };
    let mut p = piece(i, end);
    p.date = Some(DateSpec::NthOfMonth { nth, weekday, month, year });
    Some(p)
}

/// "Tuesday", "Tuesday next week", "Tuesday the 3rd".
fn weekday_at(c: &Cursor<'_>, i: usize, opts: Options) -> Option<Piece> {
    let (day, plural) = Weekday::parse(c.w(i))?;
    // "Monday to Friday" names recurring days (a preference), not a date.
    // When rescheduling, "from Monday to Wednesday" is a from and a to.
    let day_range = opts.to_ranges && (matches!(c.w(i + 1), "to" | "through" | "thru") || c.punct(i + 1, '-'));
    if plural {
        return None;
    }
    if day_range && Weekday::parse(c.w(i + 2)).is_some() {
        // "Monday to Wednesday next week": days of one week, named after the last.
        let week = match (c.w(i + 3), c.w(i + 4)) {
            ("next", "week") => Rel::InWeek(1),
            ("this", "week") => Rel::InWeek(0),
            _ => return None,
        };
        let mut p = piece(i, i + 1);
        p.date = Some(DateSpec::Weekday(day, week));
        return Some(p);
    }
    let mut p = piece(i, i + 1);
    let mut j = i + 1;
    if c.punct(j, ',') {
        j += 1;
    }
    // "Wednesday of next week", "Monday of this week".
    if c.w(j) == "of" && matches!(c.w(j + 1), "next" | "this") && c.w(j + 2) == "week" {
        j += 1;
    }
    let rel = match (c.w(j), c.w(j + 1), c.w(j + 2)) {
        ("next", "week", _) => {
            p.end = j + 2;
            Rel::InWeek(1)
        }
        ("this", "week", _) => {
            p.end = j + 2;
            Rel::InWeek(0)
        }
        ("after", "next", _) => {
            p.end = j + 2;
            Rel::InWeek(2)
        }
        _ => Rel::Upcoming,
    };
    // "Friday the 13th", "Tuesday, March 3": the date is the better anchor.
    if rel == Rel::Upcoming
        && let Some(date) = calendar_date_at(c, j)
    {
        p.end = date.end;
        p.date = date.date;
        return Some(p);
    }
    p.date = Some(DateSpec::Weekday(day, rel));
    Some(p)
}

fn month_number(word: &str) -> Option<i8> {
    Some(match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn year_at(c: &Cursor<'_>, i: usize) -> Option<(i16, usize)> {
    let j = if c.punct(i, ',') { i + 1 } else { i };
    match c.t.get(j).map(|t| &t.tok) {
        Some(Tok::Num { value, digits: 4 }) if (1970..=2200).contains(value) => Some((*value as i16, j + 1)),
        _ => None,
    }
}

/// The end of a span of days after a first day: "-15", "to 15", "through the 15th",
/// "- July 15". The month, if one is named there, the day, and where reading goes on.
fn days_to(c: &Cursor<'_>, j: usize) -> Option<(Option<i8>, i8, usize)> {
    if !(c.punct(j, '-') || matches!(c.w(j), "to" | "thru" | "through" | "till" | "until")) {
        return None;
    }
    let mut k = j + 1;
    if c.w(k) == "the" {
        k += 1;
    }
    let month = month_number(c.w(k));
    if month.is_some() {
        k += 1;
    }
    let (to, _) = day_number(c.t.get(k))?;
    // "3-4pm", "13 - 15:00": clock times, not days.
    if matches!(c.w(k + 1), "am" | "pm") || c.punct(k + 1, ':') {
        return None;
    }
    Some((month, to, k + 1))
}

fn day_number(t: Option<&Token>) -> Option<(i8, bool)> {
    match t.map(|t| &t.tok) {
        Some(Tok::Num { value, digits: 1 | 2 }) if (1..=31).contains(value) => Some((*value as i8, false)),
        Some(Tok::Ord(value)) if (1..=31).contains(value) => Some((*value as i8, true)),
        _ => None,
    }
}

/// "March 1", "1st of March", "3/15", "2026-03-15", "the 15th", "in April".
fn calendar_date_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let mut p = piece(i, i + 1);
    let the = usize::from(c.w(i) == "the");
    let k = i + the;
    // Month name first.
    if let Some(month) = month_number(c.w(k)) {
        let mut j = k + 1;
        if c.punct(j, '.') {
            j += 1;
        }
        if let Some((day, _)) = day_number(c.t.get(j)) {
            if let Some((to_month, to, end)) = days_to(c, j + 1) {
                let (year, end) = year_at(c, end).map_or((None, end), |(y, e)| (Some(y), e));
                p.end = end;
                p.date = Some(DateSpec::MonthDays { month, from: day, to_month: to_month.unwrap_or(month), to, year });
                return Some(p);
            }
            let after = c.t.get(j + 1).and_then(Token::word).unwrap_or("");
            // "March 3 people" or "May 2 hours" are not dates.
            if !UNITS_AFTER.contains(&after) && !matches!(after, "pm" | "am") && !c.punct(j + 1, ':') {
                let (year, end) = year_at(c, j + 1).map_or((None, j + 1), |(y, e)| (Some(y), e));
                p.end = end;
                p.date = Some(DateSpec::MonthDay { month, day, year });
                return Some(p);
            }
        }
        // A bare month is a month only where a verb reading is impossible.
        let ambiguous = matches!(c.w(k), "may" | "march" | "mar" | "jan" | "jun" | "aug");
        if the == 0 && (!ambiguous || matches!(c.prev(i), "in" | "of" | "during" | "until" | "by" | "for")) {
            p.end = k + 1;
            p.date = Some(DateSpec::Month(MonthRef::Named(month), Part::Whole));
            return Some(p);
        }
        return None;
    }
    // Day first: "1st of March", "1 March", "the 15th".
    if let Some((day, ordinal)) = day_number(c.t.get(k)) {
        // "the 20th of next month", "20th day of the current month".
        let mut j = k + 1 + usize::from(c.w(k + 1) == "day");
        if c.w(j) == "of" {
            j += 1 + usize::from(c.w(j + 1) == "the");
            let shift = match c.w(j) {
                "next" | "following" => Some(1),
                "this" | "current" => Some(0),
                "previous" | "last" => Some(-1),
                _ => None,
            };
            if let Some(shift) = shift.filter(|_| c.w(j + 1) == "month") {
                p.end = j + 2;
                p.date = Some(DateSpec::NthOfMonth { nth: day, weekday: None, month: MonthRef::Relative(shift), year: None });
                return Some(p);
            }
        }
        // "13 to 15 July", "the 13th to the 15th of July", "1-8 september".
        if let Some((None, to, end)) = days_to(c, k + 1) {
            let j = end + usize::from(c.w(end) == "of");
            if let Some(month) = month_number(c.w(j)) {
                let (year, end) = year_at(c, j + 1).map_or((None, j + 1), |(y, e)| (Some(y), e));
                p.end = end;
                p.date = Some(DateSpec::MonthDays { month, from: day, to_month: month, to, year });
                return Some(p);
            }
        }
        let mut j = k + 1;
        if c.w(j) == "of" {
            j += 1;
        }
        if let Some(month) = month_number(c.w(j)) {
            let (year, end) = year_at(c, j + 1).map_or((None, j + 1), |(y, e)| (Some(y), e));
            p.end = end;
            p.date = Some(DateSpec::MonthDay { month, day, year });
            return Some(p);
        }
        let spelled = c.t.get(k).is_some_and(|t| !t.raw.starts_with(|ch: char| ch.is_ascii_digit()));
        let next_is_word = c.t.get(k + 1).is_some_and(|t| matches!(t.tok, Tok::Word(_)))
            && !matches!(
                c.w(k + 1),
                "at" | "from" | "for" | "in" | "or" | "and" | "with" | "please" | "to" | "after" | "before" | "by" | "until" | "till" | "between" | "around" | "sometime" | "anytime" | "any" | "morning" | "afternoon" | "evening" | "night" | "lunch" | "through" | "thru" | "not" | "but" | "except" | "if" | "would" | "is" | "works" | "next" | "this"
                    // "the 12th or the 13th both work", "the 3rd could work too".
                    | "both" | "either" | "work" | "are" | "could" | "should" | "might" | "will" | "suits" | "suit" | "too" | "also" | "instead" | "then" | "maybe" | "perhaps" | "all" | "onwards" | "onward" | "on"
                    // "on the 18th I need…", "the meeting on the 12th needs to move".
                    | "i" | "we" | "needs" | "need" | "up" | "that" | "which" | "anymore"
            );
        if ordinal && (the == 1 || !spelled) && !next_is_word {
            p.end = k + 1;
            p.date = Some(DateSpec::DayOfMonth(day));
            return Some(p);
        }
    }
    if the == 1 {
        return None;
    }
    // Numeric: 3/15, 3/15/2026, 15/3, 2026-03-15.
    let a = c.num(i)?;
    let four_digits = matches!(c.t.get(i).map(|t| &t.tok), Some(Tok::Num { digits: 4, .. }));
    if four_digits && c.punct(i + 1, '-') && c.punct(i + 3, '-') {
        let (m, d) = (c.num(i + 2)?, c.num(i + 4)?);
        p.end = i + 5;
        p.date = Some(DateSpec::MonthDay { month: m as i8, day: d as i8, year: Some(a as i16) });
        return (m <= 12 && d <= 31).then_some(p);
    }
    if c.punct(i + 1, '/') {
        let b = c.num(i + 2)?;
        let (month, day) = if a > 12 { (b, a) } else { (a, b) };
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let mut year = None;
        p.end = i + 3;
        if c.punct(i + 3, '/')
            && let Some(y) = c.num(i + 4)
        {
            year = Some(if y < 100 { 2000 + y as i16 } else { y as i16 });
            p.end = i + 5;
        }
        p.date = Some(DateSpec::MonthDay { month: month as i8, day: day as i8, year });
        return Some(p);
    }
    None
}

pub(crate) fn part_of_day_word(word: &str) -> Option<PartOfDay> {
    Some(match word {
        "morning" => PartOfDay::Morning,
        "afternoon" => PartOfDay::Afternoon,
        "evening" => PartOfDay::Evening,
        // "Friday night", like "tonight", is that evening.
        "night" => PartOfDay::Evening,
        _ => return None,
    })
}

/// "afternoon", "in the morning".
fn part_of_day_at(c: &Cursor<'_>, i: usize) -> Option<Piece> {
    let part = part_of_day_word(c.w(i))?;
    let mut p = piece(i, i + 1);
    p.part = Some(part);
    // "is my afternoon clear": today's, as "this afternoon".
    if i > 0 && c.w(i - 1) == "my" {
        p.start = i - 1;
        p.date = Some(DateSpec::DayOffset(0));
    }
    Some(p)
}

/// A clock time or a range of clock times.
fn time_at(c: &Cursor<'_>, i: usize, opts: Options) -> Option<Piece> {
    let (a, j) = clock_at(c, i)?;
    let mut p = piece(i, j);
    let sep = c.punct(j, '-') || c.punct(j, '–') || matches!(c.w(j), "until" | "till" | "til" | "through")
        || (c.w(j) == "to" && opts.to_ranges)
        || (c.w(j) == "and" && c.prev(i) == "between");
    if sep && let Some((mut b, k)) = clock_at(c, j + 1) {
        // Two clock-like numbers joined by a dash or "to" are a time range ("9 to 5");
        // counts of things ("3-4 people") were rejected by their unit.
        b.strong = true;
        let strong = true;
        p.end = k;
        p.time = Some(TimeSpec::Range(Clock { strong, ..a }, b));
        // "between 1 and 3" is a window to search; "from 1 to 3" and "1-3" are the meeting.
        p.span = c.prev(i) != "between";
        return Some(p);
    }
    p.time = Some(TimeSpec::Clock(a));
    Some(p)
}

/// "3", "3pm", "3:30 p.m.", "15:00", "noon", "half past 2", "quarter to 4".
fn clock_at(c: &Cursor<'_>, i: usize) -> Option<(Clock, usize)> {
    if c.w(i) == "noon" {
        return Some((noon(), i + 1));
    }
    if let Some(found) = minutes_from(c, i) {
        return Some(found);
    }
    // "15h30", "at 16h", "9h30": hours and minutes written the French way.
    if let (Some(h), Some(unit)) = (c.num(i), c.t.get(i + 1))
        && h <= 24
        && unit.raw.eq_ignore_ascii_case("h")
        && c.t[i].at.1 == unit.at.0
    {
        let minute = c.t.get(i + 2).filter(|t| t.at.0 == unit.at.1).and_then(|t| match t.tok {
            Tok::Num { value, digits: 2 } if value < 60 => Some(value as u8),
            _ => None,
        });
        // Written on a clock face ("15h"), it is read to the minute, as "15:00".
        let clock = Clock { hour: h as u8, minute: minute.unwrap_or(0), meridiem: None, minutes_written: true, twenty_four: true, strong: true };
        return Some(with_meridiem(c, clock, i + 2 + usize::from(minute.is_some())));
    }
    if matches!(c.w(i), "half" | "quarter") && matches!(c.w(i + 1), "past" | "after" | "to") {
        let (h, end) = (c.num(i + 2)?, i + 3);
        if !(1..=12).contains(&h) {
            return None;
        }
        let (hour, minute) = match (c.w(i), c.w(i + 1)) {
            ("half", _) => (h, 30),
            (_, "to") => (if h == 1 { 12 } else { h - 1 }, 45),
            _ => (h, 15),
        };
        let clock = Clock {
            hour: hour as u8,
            minute,
            meridiem: None,
            minutes_written: true,
            twenty_four: false,
            strong: true,
        };
        return Some(with_meridiem(c, clock, end));
    }
    let (h, digits) = match c.t.get(i).map(|t| &t.tok) {
        Some(Tok::Num { value, digits }) => (*value, *digits),
        _ => return None,
    };
    // "at 1030", "330 pm", "around 1030": hours and minutes run together, where a time is
    // plainly meant (a year or a count is not).
    if matches!(digits, 3 | 4) && (h % 100) < 60 && h / 100 <= 23 {
        let marked = matches!(c.prev(i), "at" | "around" | "approximately" | "@") || matches!(c.w(i + 1), "am" | "pm" | "ish");
        if marked {
            let clock = Clock { hour: (h / 100) as u8, minute: (h % 100) as u8, meridiem: None, minutes_written: true, twenty_four: digits == 4, strong: true };
            let end = i + 1 + usize::from(c.w(i + 1) == "ish");
            return Some(with_meridiem(c, clock, end));
        }
    }
    // The second "1" of "1:1" (a meeting, not a time) starts nothing.
    if h > 24 || digits > 2 || (i > 1 && c.punct(i - 1, ':') && c.num(i - 2).is_some()) {
        return None;
    }
    let mut j = i + 1;
    let mut clock = Clock {
        hour: h as u8,
        minute: 0,
        meridiem: None,
        minutes_written: false,
        twenty_four: h >= 13 || h == 0 || (digits == 2 && h < 10),
        strong: STRONG_BEFORE.contains(&c.prev(i)) || c.prev(i) == "@",
    };
    if (c.punct(j, ':') || c.punct(j, '.'))
        && let Some(Tok::Num { value, digits: 2 }) = c.t.get(j + 1).map(|t| &t.tok)
        && *value < 60
    {
        clock.minute = *value as u8;
        clock.minutes_written = true;
        clock.strong = true;
        j += 2;
    } else if c.punct(j, '/') || c.punct(j, '%') || c.punct(j, ':') {
        return None;
    }
    let (clock, j) = with_meridiem(c, clock, j);
    if clock.meridiem.is_some() && !(1..=12).contains(&clock.hour) {
        return None;
    }
    if UNITS_AFTER.contains(&c.w(j)) || (c.punct(j, '-') && UNITS_AFTER.contains(&c.w(j + 1))) {
        return None;
    }
    // "a 1:1", "1-on-1": a meeting type, not one o'clock.
    if (c.w(j) == "on" && c.num(j + 1) == Some(1)) || (c.punct(j, '-') && c.w(j + 1) == "on") {
        return None;
    }
    Some((clock, j))
}

/// "20 past 3pm", "a quarter past noon", "15 minutes past noon", "twenty after 3pm", "a
/// quarter to noon", "20 minutes to 2pm": minutes counted from a clock time. A bare count
/// before "to" is a range ("3 to 4pm"), so "to" needs "minutes", a quarter, or noon.
fn minutes_from(c: &Cursor<'_>, i: usize) -> Option<(Clock, usize)> {
    let (minutes, named, at) = match (c.w(i), c.num(i)) {
        ("a", _) if c.w(i + 1) == "quarter" => (15, true, i + 2),
        (_, Some(n)) if (1..60).contains(&n) && c.w(i + 1) == "minutes" => (n, true, i + 2),
        (_, Some(n)) if (1..60).contains(&n) && !c.punct(i + 1, ':') => (n, false, i + 1),
        _ => return None,
    };
    let back = match c.w(at) {
        "past" | "after" => false,
        "to" | "till" | "before" => true,
        _ => return None,
    };
    let base_noon = matches!(c.w(at + 1), "noon" | "midnight");
    if back && !named && !base_noon {
        return None;
    }
    let (base, end) = if base_noon {
        let hour = if c.w(at + 1) == "noon" { 12 } else { 0 };
        (Clock { hour, ..noon() }, at + 2)
    } else {
        let (base, end) = clock_at(c, at + 1)?;
        if base.minutes_written {
            return None;
        }
        (base, end)
    };
    // On a 12-hour face when am/pm is left to the reader ("20 past 3"), else 24-hour.
    let day = if base.meridiem.is_some() || !base.twenty_four { 12 * 60 } else { 24 * 60 };
    let from = i32::from(base.hour % if day == 720 { 12 } else { 24 }) * 60;
    let total = (from + if back { -i32::from(minutes as u8) } else { i32::from(minutes as u8) }).rem_euclid(day);
    let mut hour = (total / 60) as u8;
    if day == 720 && hour == 0 && base.meridiem.is_none() {
        hour = 12;
    }
    let clock = Clock { hour, minute: (total % 60) as u8, minutes_written: true, strong: true, ..base };
    Some((clock, end))
}

fn with_meridiem(c: &Cursor<'_>, mut clock: Clock, mut j: usize) -> (Clock, usize) {
    // "3:18a", "3:18p": the letter written onto the minutes.
    let attached = j > 0 && c.t.get(j).is_some_and(|t| t.at.0 == c.t[j - 1].at.1);
    match c.w(j) {
        "am" => clock.meridiem = Some(Meridiem::Am),
        "pm" => clock.meridiem = Some(Meridiem::Pm),
        "a" if attached && clock.minutes_written => clock.meridiem = Some(Meridiem::Am),
        "p" if attached && clock.minutes_written => clock.meridiem = Some(Meridiem::Pm),
        "oclock" => {}
        _ => return (clock, j),
    }
    clock.strong = true;
    j += 1;
    (clock, j)
}
