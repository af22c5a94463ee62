//! Groups adjacent pieces into time expressions and resolves them against "now".
//!
//! Pieces separated only by connectors ("tomorrow at 3", "3pm on Friday", "next Tuesday
//! in the afternoon") form one expression; a group holds at most one date, one time
//! of day and one part of day. The conventions are listed in the module doc of
//! [`crate::nlu`].

use jiff::ToSpan;
use jiff::ZonedDateTime;
use jiff::civil::Date;

use super::time_expr::{Grain, PartOfDay, TimeExpr};
use super::time_parse::{self, Clock, DateSpec, Meridiem, MonthRef, Options, Part, Rel, TimeSpec};
use super::token::Token;

/// A time expression found in the text.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// First token covered.
    pub(crate) start: usize,
    /// One past the last token covered.
    pub(crate) end: usize,
    /// The resolved time, or `None` when the date does not exist ("February 30").
    pub(crate) expr: Option<TimeExpr>,
    /// The part of day it names, if any ("tomorrow afternoon").
    pub(crate) part: Option<PartOfDay>,
    /// The length of a clock range that is the meeting itself ("from 2 to 4pm").
    pub(crate) span_minutes: Option<u32>,
    /// Only a part of the day was said ("in the morning"), no date and no clock: a rule
    /// for every day rather than a window today.
    pub(crate) part_only: bool,
    /// A time of day said next to a span of days ("next week between 8 and 10am"):
    /// minutes from midnight of its start and end, for every day of the span.
    pub(crate) daily: Option<(i32, Option<i32>)>,
    /// A date was said (not only a time of day).
    pub(crate) dated: bool,
    /// The date was a weekday ("Thursday", "next Tuesday").
    pub(crate) weekday: bool,
}

const CONNECTORS: &[&str] =
    &["at", "on", "the", "in", "of", "around", "from", "by", "between", "sometime", "anytime", "any", "time", "starting", "ish"];

#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    date: Option<DateSpec>,
    time: Option<TimeSpec>,
    part: Option<PartOfDay>,
    offset: Option<i64>,
    span: bool,
}

impl Group {
    fn takes(&self, p: &time_parse::Piece) -> bool {
        !(self.date.is_some() && p.date.is_some()
            || self.time.is_some() && p.time.is_some()
            || self.part.is_some() && p.part.is_some()
            || self.offset.is_some()
            || p.offset.is_some())
    }

    /// A bare number ("Tuesday 3") is a time only next to a date or a part of day.
    fn meaningful(&self) -> bool {
        let weak = match self.time {
            Some(TimeSpec::Clock(c)) | Some(TimeSpec::Range(c, _)) => !c.strong,
            _ => false,
        };
        !weak || self.date.is_some() || self.part.is_some()
    }
}

/// Finds and resolves every time expression, in text order.
///
/// `joins` marks words that may stand between the halves of one time when both are
/// clear on their own: the names in "my 3pm with Mei tomorrow" (but "1:1 with Oliver on
/// Tuesday" stays a title and a day).
pub(crate) fn find(tokens: &[Token], skip: &[bool], joins: &[bool], opts: Options, now: &ZonedDateTime) -> Vec<Found> {
    let mut groups: Vec<Group> = Vec::new();
    for p in time_parse::pieces(tokens, skip, opts) {
        let clear = |g: &Group| g.meaningful() && (p.date.is_some() || matches!(p.time, Some(TimeSpec::Clock(c)) if c.strong));
        if let Some(g) = groups.last_mut()
            && g.takes(&p)
            && (g.end..p.start).all(|k| {
                skip.get(k).copied().unwrap_or(false)
                    || tokens[k].is_punct(',')
                    || tokens[k].word().is_some_and(|w| CONNECTORS.contains(&w))
                    || joins.get(k).copied().unwrap_or(false) && clear(g)
            })
        {
            g.end = p.end;
            g.date = g.date.or(p.date);
            g.time = g.time.or(p.time);
            g.part = g.part.or(p.part);
            g.span |= p.span;
            continue;
        }
        groups.push(Group { start: p.start, end: p.end, date: p.date, time: p.time, part: p.part, offset: p.offset, span: p.span });
    }
    groups
        .into_iter()
        .filter(Group::meaningful)
        .map(|g| {
            let expr = resolve(&g, now);
            let span_minutes = expr.as_ref().filter(|_| g.span).and_then(|e| {
                let end = e.end.as_ref()?;
                u32::try_from(e.start.duration_until(end).as_mins()).ok()
            });
            let part_only = g.date.is_none() && g.time.is_none() && g.offset.is_none() && g.part.is_some();
            let weekday = matches!(g.date, Some(DateSpec::Weekday(..)));
            Found { start: g.start, end: g.end, expr, part: g.part, span_minutes, part_only, daily: daily(&g), dated: g.date.is_some() || g.offset.is_some(), weekday }
        })
        .collect()
}

struct DateRes {
    start: Date,
    end: Option<Date>,
    grain: Grain,
}

fn day(start: Date) -> DateRes {
    DateRes { start, end: None, grain: Grain::Day }
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(n.days()).ok()
}

fn monday(d: Date) -> Option<Date> {
    add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))
}

fn resolve_date(spec: DateSpec, today: Date) -> Option<DateRes> {
    Some(match spec {
        DateSpec::DayOffset(n) => day(add_days(today, i64::from(n))?),
        DateSpec::NextDays(n) => DateRes { start: today, end: Some(add_days(today, i64::from(n))?), grain: Grain::Day },
        DateSpec::MonthOffset(n) => day(today.checked_add(i64::from(n).months()).ok()?),
        DateSpec::Weekday(wd, rel) => {
            let wd = jiff::civil::Weekday::from(wd);
            day(match rel {
                Rel::Upcoming => today.nth_weekday(1, wd).ok()?,
                Rel::This if today.weekday() == wd => today,
                Rel::This => today.nth_weekday(1, wd).ok()?,
                Rel::Last => today.nth_weekday(-1, wd).ok()?,
                Rel::InWeek(k) => {
                    add_days(monday(today)?, 7 * i64::from(k) + i64::from(wd.to_monday_zero_offset()))?
                }
            })
        }
        DateSpec::MonthDay { month, day: d, year } => {
            let date = Date::new(year.unwrap_or(today.year()), month, d).ok()?;
            if year.is_none() && date < today {
                day(Date::new(today.year() + 1, month, d).ok()?)
            } else {
                day(date)
            }
        }
        DateSpec::MonthDays { month, from, to_month, to, year } => {
            let first = resolve_date(DateSpec::MonthDay { month, day: from, year }, today)?.start;
            let last_year = if to_month < month { first.year() + 1 } else { first.year() };
            let last = Date::new(last_year, to_month, to).ok()?;
            if last < first {
                return None;
            }
            DateRes { start: first, end: Some(add_days(last, 1)?), grain: Grain::Day }
        }
        DateSpec::DayOfMonth(d) => {
            let first = today.first_of_month();
            let found = (0..13i64).find_map(|k| {
                let month = first.checked_add(k.months()).ok()?;
                let date = Date::new(month.year(), month.month(), d).ok()?;
                (date >= today).then_some(date)
            })?;
            day(found)
        }
        DateSpec::Week(k, part) => {
            let mon = add_days(monday(today)?, 7 * i64::from(k))?;
            let plus = |n: i64| add_days(mon, n);
            match part {
                Part::Whole => DateRes { start: mon, end: None, grain: Grain::Week },
                // Early week is Monday to Wednesday, late week Thursday and Friday.
                Part::Early => DateRes { start: mon, end: Some(plus(3)?), grain: Grain::Day },
                Part::Late => DateRes { start: plus(3)?, end: Some(plus(5)?), grain: Grain::Day },
                Part::Start => day(mon),
                Part::Middle => day(plus(2)?),
                Part::End => day(plus(4)?),
                Part::Weekend => DateRes { start: plus(5)?, end: Some(plus(7)?), grain: Grain::Day },
            }
        }
        DateSpec::NthOfMonth { nth, weekday, month, year } => {
            let first = match (month, year) {
                (MonthRef::Named(m), Some(y)) => Date::new(y, m, 1).ok()?,
                (MonthRef::Named(m), None) => Date::new(if m >= today.month() { today.year() } else { today.year() + 1 }, m, 1).ok()?,
                (MonthRef::Relative(k), _) => today.first_of_month().checked_add(i64::from(k).months()).ok()?,
            };
            let last = first.last_of_month();
            let date = match (weekday, nth) {
                (None, -1) => last,
                (None, n) => add_days(first, i64::from(n) - 1)?,
                (Some(wd), -1) => last.nth_weekday_of_month(-1, jiff::civil::Weekday::from(wd)).ok()?,
                (Some(wd), n) => first.nth_weekday_of_month(n, jiff::civil::Weekday::from(wd)).ok()?,
            };
            day(date)
        }
        DateSpec::Month(which, part) => {
            let first = match which {
                MonthRef::Relative(k) => today.first_of_month().checked_add(i64::from(k).months()).ok()?,
                MonthRef::Named(m) => {
                    let year = if m >= today.month() { today.year() } else { today.year() + 1 };
                    Date::new(year, m, 1).ok()?
                }
            };
            let next = first.checked_add(1.month()).ok()?;
            match part {
                Part::Whole => DateRes { start: first, end: None, grain: Grain::Month },
                Part::Early => DateRes { start: first, end: Some(add_days(first, 10)?), grain: Grain::Day },
                Part::Late => DateRes { start: add_days(first, 20)?, end: Some(next), grain: Grain::Day },
                Part::Start => day(first),
                Part::Middle => day(add_days(first, 14)?),
                Part::End => day(first.last_of_month()),
                Part::Weekend => return None,
            }
        }
    })
}

/// The time of day of a group whose date is a span of days (a week, a month, a range),
/// which a single window cannot hold.
fn daily(g: &Group) -> Option<(i32, Option<i32>)> {
    let spans_days = match g.date? {
        DateSpec::Week(_, Part::Whole | Part::Early | Part::Late | Part::Weekend) | DateSpec::Month(_, Part::Whole | Part::Early | Part::Late) => true,
        DateSpec::NextDays(_) => true,
        _ => false,
    };
    if !spans_days {
        return None;
    }
    match (g.time?, g.part) {
        (TimeSpec::Clock(c), part) => Some((minutes(c, part), None)),
        (TimeSpec::Range(a, b), part) => {
            let (s, e) = range_minutes(a, b, part);
            Some((s, Some(e)))
        }
        _ => None,
    }
}

/// The hour on a 24-hour clock, inferring am/pm where it was not written: a part of
/// day decides if there is one, otherwise business hours (1-7 are afternoon).
fn hour24(c: Clock, part: Option<PartOfDay>) -> i32 {
    let h = i32::from(c.hour);
    // "07:00 PM": a written am/pm wins over the zero that looks like a 24-hour clock.
    if c.twenty_four && c.meridiem.is_none() {
        return h % 24;
    }
    match c.meridiem {
        Some(Meridiem::Am) => h % 12,
        Some(Meridiem::Pm) => h % 12 + 12,
        None => match part {
            Some(PartOfDay::Afternoon | PartOfDay::Evening | PartOfDay::Night) if h < 12 => h + 12,
            Some(PartOfDay::Lunch) if h < 6 => h + 12,
            Some(PartOfDay::Morning) => h % 12,
            _ if (1..=7).contains(&h) => h + 12,
            _ => h,
        },
    }
}

fn minutes(c: Clock, part: Option<PartOfDay>) -> i32 {
    hour24(c, part) * 60 + i32::from(c.minute)
}

fn flip(m: Meridiem) -> Meridiem {
    match m {
        Meridiem::Am => Meridiem::Pm,
        Meridiem::Pm => Meridiem::Am,
    }
}

/// Start and end minutes of a range; the end is read as the first time after the start
/// ("2-4" is 14:00-16:00, "10-2" is 10:00-14:00, "11-1pm" is 11:00-13:00).
fn range_minutes(mut a: Clock, b: Clock, part: Option<PartOfDay>) -> (i32, i32) {
    if let (None, Some(bm), false) = (a.meridiem, b.meridiem, a.twenty_four) {
        let same = a.hour % 12 <= b.hour % 12;
        a.meridiem = Some(if same { bm } else { flip(bm) });
    }
    let start = minutes(a, part);
    let mut end = if b.meridiem.is_some() || b.twenty_four {
        minutes(b, None)
    } else {
        let base = i32::from(b.hour % 12) * 60 + i32::from(b.minute);
        [base, base + 12 * 60].into_iter().find(|&m| m > start).unwrap_or(base + 24 * 60)
    };
    if end <= start {
        end += 24 * 60;
    }
    (start, end)
}

fn at(date: Date, minutes: i32, now: &ZonedDateTime) -> Option<ZonedDateTime> {
    let date = add_days(date, i64::from(minutes.div_euclid(24 * 60)))?;
    let m = minutes.rem_euclid(24 * 60);
    date.at((m / 60) as i8, (m % 60) as i8, 0, 0).to_zoned_datetime(now.time_zone().clone()).ok()
}

fn midnight(date: Date, now: &ZonedDateTime) -> Option<ZonedDateTime> {
    at(date, 0, now)
}

fn resolve(g: &Group, now: &ZonedDateTime) -> Option<TimeExpr> {
    let today = now.date();
    if let Some(m) = g.offset {
        let later = now.checked_add(m.minutes()).ok()?;
        let start = later.with().second(0).subsec_nanosecond(0).build().ok()?;
        return Some(TimeExpr { start, end: None, grain: Grain::Minute });
    }
    let date = match g.date {
        Some(spec) => Some(resolve_date(spec, today)?),
        None => None,
    };
    let date_only = |d: &DateRes| -> Option<TimeExpr> {
        let end = match d.end {
            Some(e) => Some(midnight(e, now)?),
            None => None,
        };
        Some(TimeExpr { start: midnight(d.start, now)?, end, grain: d.grain })
    };
    // A time of day cannot narrow a week or a span of days: keep the date.
    if let Some(d) = &date
        && (d.grain != Grain::Day || d.end.is_some())
    {
        return date_only(d);
    }
    let span = match (g.time, g.part) {
        (Some(TimeSpec::Clock(c)), part) => {
            let grain = if c.minutes_written { Grain::Minute } else { Grain::Hour };
            (minutes(c, part), None, grain)
        }
        (Some(TimeSpec::Range(a, b)), part) => {
            let (s, e) = range_minutes(a, b, part);
            let grain = if a.minutes_written || b.minutes_written { Grain::Minute } else { Grain::Hour };
            (s, Some(e), grain)
        }
        (Some(TimeSpec::Eod), _) => (17 * 60, None, Grain::Hour),
        (Some(TimeSpec::AfterLunch), _) => (13 * 60, Some(17 * 60), Grain::Hour),
        (None, Some(part)) => {
            let (h0, h1) = part.hours();
            (i32::from(h0) * 60, Some(i32::from(h1) * 60), Grain::Hour)
        }
        (None, None) => return date_only(date.as_ref()?),
    };
    let (s, e, grain) = span;
    let mut on = date.as_ref().map_or(today, |d| d.start);
    // Without a date, a time already past today means the next one ("at 9" said at 10:30).
    if date.is_none() {
        let over = at(today, e.unwrap_or(s), now)?;
        if over <= *now || (e.is_none() && at(today, s, now)? < *now) {
            on = add_days(today, 1)?;
        }
    }
    let end = match e {
        Some(e) => Some(at(on, e, now)?),
        None => None,
    };
    Some(TimeExpr { start: at(on, s, now)?, end, grain })
}
