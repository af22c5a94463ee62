//! From the time expressions found and the rules around them to where a meeting may be:
//! the windows (alternatives: "Tuesday or Wednesday"), cut by the bounds ("by Friday"),
//! without the dates ruled out ("not on the 10th"), and the daily rules in
//! [`Constraints`].

use jiff::tz::TimeZone;
use jiff::{SignedDuration, ZonedDateTime};

use super::constraints::{Constraints, covered};
use super::rules::{Rules, clock_time};
use super::time_expr::{Grain, PartOfDay, TimeExpr};
use super::time_parse::Options;
use super::time_resolve::{self, Found};
use super::token::Token;
use crate::schedule::{Interval, IntervalSet};

/// How far a window opened by a bound alone reaches ("after Friday": two weeks on).
const OPEN_WINDOW_DAYS: i64 = 14;

/// Where a meeting may be.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement {
    /// The first window; the others are in `constraints.alternatives`.
    pub(crate) window: Option<TimeExpr>,
    /// The part of the day every slot must be in.
    pub(crate) part: Option<PartOfDay>,
    /// The rest of what was said about when.
    pub(crate) constraints: Constraints,
}

/// Why the times cannot be read without asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unclear {
    /// Two times that are neither alternatives nor one inside the other.
    TwoTimes(String, String),
    /// A bound or an exclusion whose date does not resolve.
    BadDate,
}

/// Whether the tokens between two time expressions join them as alternatives: an "or"
/// (an "and", a comma, a slash), with nothing but small words around it.
fn joined_as_alternatives(tokens: &[Token], from: usize, to: usize) -> bool {
    let between = &tokens[from..to];
    let joiner = |t: &Token| matches!(t.word(), Some("or" | "and" | "otherwise" | "alternatively")) || t.is_punct(',') || t.is_punct('/') || t.is_punct('&');
    let small = |t: &Token| {
        matches!(
            t.word(),
            Some("either" | "maybe" | "perhaps" | "else" | "if" | "not" | "that" | "then" | "failing" | "sometime" | "some" | "time" | "any" | "anytime" | "on" | "the" | "in" | "at" | "during" | "possibly"
                // "or if that does not suit her", "If nothing's open, ...".
                | "it" | "this" | "does" | "doesnt" | "do" | "dont" | "is" | "isnt" | "suit" | "suits" | "work" | "works" | "her" | "him" | "them" | "you" | "nothing" | "s" | "open" | "free" | "available")
        ) || t.is_punct('-') || t.is_punct('.')
    };
    between.iter().any(joiner) && between.iter().all(|t| joiner(t) || small(t))
}

/// Reads the placement from `times` (in text order) and `rules`.
pub(crate) fn place(tokens: &[Token], times: &[&Found], rules: &Rules, now: &ZonedDateTime, part_word: Option<PartOfDay>) -> Result<Placement, Unclear> {
    let mut placement = Placement::default();
    let mut windows: Vec<TimeExpr> = Vec::new();
    let mut parts: Vec<Option<PartOfDay>> = Vec::new();
    // "in the morning", said on its own, is a rule for the day, not a window today.
    let mut part_alone = None;
    let mut daily = None;
    let times: Vec<&Found> = times
        .iter()
        .copied()
        .filter(|f| {
            if f.part_only {
                part_alone = part_alone.or(f.part);
                return false;
            }
            true
        })
        .collect();
    // "Thursday or Friday next week", "next week: Monday or Tuesday": a weekday said
    // beside a week is that week's; "at 11 or at 3 on Monday": a time said beside a date
    // is on that date.
    // A week that is itself one of the alternatives ("Friday, or else next week") holds
    // no weekday.
    let week_at = times.iter().position(|f| f.expr.as_ref().is_some_and(|e| e.grain == Grain::Week));
    let or_between = |a: usize, b: usize| tokens[a.min(b)..a.max(b)].iter().any(|t| matches!(t.word(), Some("or" | "either" | "otherwise" | "alternatively")));
    let week = week_at
        .filter(|&k| {
            let neighbour = if k > 0 { Some((times[k - 1].end, times[k].start)) } else { times.get(k + 1).map(|n| (times[k].end, n.start)) };
            neighbour.is_none_or(|(a, b)| !or_between(a, b))
        })
        .and_then(|k| times[k].expr.as_ref())
        .and_then(covered)
        // "Thursday or Friday next week", "next Thursday or Friday": a weekday said with its
        // week lends the week to the bare ones.
        .or_else(|| {
            let says = |f: &&&Found, words: &[&str]| tokens[f.start..f.end].iter().any(|t| t.word().is_some_and(|w| words.contains(&w)));
            let last = times.last().filter(|f| f.weekday && says(f, &["week"]));
            let first = times.first().filter(|f| times.len() > 1 && f.weekday && says(f, &["next"]));
            let day = last.or(first)?.expr.as_ref()?.start.clone();
            let monday = day.checked_sub(jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset()))).ok()?;
            let next_monday = monday.checked_add(jiff::Span::new().days(7)).ok()?;
            Interval::new(monday.timestamp(), next_monday.timestamp()).ok()
        });
    let date_of_last = times.iter().rev().find(|f| f.dated).and_then(|f| f.expr.as_ref()).map(|e| e.start.date());
    let adjusted: Vec<Option<TimeExpr>> = times
        .iter()
        .map(|f| {
            let mut expr = f.expr.clone()?;
            // "this Thursday or Friday next week" keeps the Thursday it named.
            let own_week = tokens[f.start..f.end].iter().any(|t| matches!(t.word(), Some("this" | "next" | "last" | "coming")));
            if f.weekday
                && !own_week
                && let Some(week) = week
                && !week.contains_instant(expr.start.timestamp())
            {
                let days = (week.start().as_second() - expr.start.timestamp().as_second()).div_euclid(86_400);
                let weeks = (days + 6).div_euclid(7);
                expr = expr.shifted(7 * weeks)?;
            }
            if !f.dated
                && !f.part_only
                && let Some(day) = date_of_last
                && expr.start.date() != day
            {
                expr = expr.on(day)?;
            }
            Some(expr)
        })
        .collect();
    for (k, found) in times.iter().enumerate() {
        let Some(expr) = adjusted[k].clone() else { return Err(Unclear::BadDate) };
        daily = daily.or(found.daily);
        if let Some(previous) = windows.last() {
            let (from, to) = (times[k - 1].end, found.start);
            // "between the 10th and the 12th", "from the 16th through the 18th": one span.
            let range = tokens[from..to].iter().all(|t| matches!(t.word(), Some("and" | "to" | "through" | "thru" | "till" | "until")) || t.is_punct('-'))
                && to > from
                && (tokens[from..to].iter().any(|t| matches!(t.word(), Some("to" | "through" | "thru" | "till" | "until")) || t.is_punct('-'))
                    || times[k - 1].start > 0 && matches!(tokens[times[k - 1].start - 1].word(), Some("between" | "from")));
            if range
                && let (Some(a), Some(b)) = (covered(previous), covered(&expr))
                && b.end() > a.start()
            {
                // "from Monday to Wednesday next week, between 1 and 3pm": the days are the
                // span, the hours are every day's.
                let mut end = b.end();
                if expr.grain != Grain::Day && previous.grain == Grain::Day {
                    let minutes = |z: &ZonedDateTime| i32::from(z.hour()) * 60 + i32::from(z.minute());
                    daily = daily.or(Some((minutes(&expr.start), expr.end.as_ref().map(minutes))));
                    let next_day = expr.start.date().tomorrow().map_err(|_| Unclear::BadDate)?;
                    end = next_day.to_zoned_datetime(now.time_zone().clone()).map_err(|_| Unclear::BadDate)?.timestamp();
                }
                let last = windows.last_mut().expect("a previous window");
                *last = TimeExpr { start: last.start.clone(), end: Some(end.to_zoned_datetime(now.time_zone().clone())), grain: Grain::Day };
                continue;
            }
            let joined = joined_as_alternatives(tokens, from, to);
            let or = tokens[from..to].iter().any(|t| matches!(t.word(), Some("or" | "either" | "otherwise" | "alternatively")));
            let (a, b) = (covered(previous), covered(&expr));
            match (a, b) {
                // "next week, on Tuesday": the narrower one, unless "or" makes them two.
                (Some(a), Some(b)) if a.contains(&b) && !or => {
                    *windows.last_mut().expect("a previous window") = expr;
                    *parts.last_mut().expect("a previous part") = found.part;
                    continue;
                }
                (Some(a), Some(b)) if b.contains(&a) && !or => continue,
                _ if joined => {}
                _ => {
                    let show = |f: &Found| tokens[f.start..f.end].iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" ");
                    return Err(Unclear::TwoTimes(show(times[k - 1]), show(found)));
                }
            }
        }
        windows.push(expr);
        parts.push(found.part);
    }
    // "3/16 or 3/18, both at 4pm": the time of day said last goes for every day.
    // Only when the owner says so ("both", "each", "either"): "Monday or Tuesday at 3"
    // could also mean any time Monday, and is read as written.
    let for_each = times.len() > 1 && tokens[times[0].end..times[times.len() - 1].end].iter().any(|t| matches!(t.word(), Some("both" | "each" | "either")));
    if for_each
        && let Some((last, days)) = windows.split_last_mut()
        && !days.is_empty()
        && matches!(last.grain, Grain::Hour | Grain::Minute)
        && days.iter().all(|d| d.grain == Grain::Day && d.end.is_none())
    {
        for day in days.iter_mut() {
            *day = last.on(day.start.date()).ok_or(Unclear::BadDate)?;
        }
    }
    // "Monday, Tuesday or Thursday afternoon": the part said last goes for every day.
    let last_part = parts.last().copied().flatten();
    let shared = parts.len() > 1 && parts[..parts.len() - 1].iter().all(Option::is_none) && windows[..windows.len() - 1].iter().all(|w| w.grain == Grain::Day);
    // Otherwise each alternative keeps its own part, already inside its window.
    placement.part = if shared || parts.len() == 1 { last_part } else { None }.or(part_alone).or(part_word).or(rules.part);
    let resolve = |span: (usize, usize)| -> Result<TimeExpr, Unclear> { resolve_span(tokens, span, now).ok_or(Unclear::BadDate) };
    let horizon_from = |start: ZonedDateTime| TimeExpr { end: start.checked_add(SignedDuration::from_hours(24 * OPEN_WINDOW_DAYS)).ok(), start, grain: Grain::Day };
    if let Some((from, to, keeps_day)) = rules.until {
        let day = covered(&resolve((from, to))?).ok_or(Unclear::BadDate)?;
        let cut = if keeps_day { day.end() } else { day.start() };
        if windows.is_empty() {
            windows.push(TimeExpr { start: now.clone(), end: Some(cut.to_zoned_datetime(now.time_zone().clone())), grain: Grain::Day });
        } else {
            windows = cut_windows(&windows, None, Some(cut), now.time_zone());
        }
    }
    if let Some((from, to, keeps_day)) = rules.after {
        let day = covered(&resolve((from, to))?).ok_or(Unclear::BadDate)?;
        let start = if keeps_day { day.start().max(now.timestamp()) } else { day.end() };
        if windows.is_empty() {
            windows.push(horizon_from(start.to_zoned_datetime(now.time_zone().clone())));
        } else {
            windows = cut_windows(&windows, Some(start), None, now.time_zone());
        }
    }
    if !rules.exclude_spans.is_empty() {
        if windows.is_empty() {
            windows.push(horizon_from(now.clone()));
        }
        let mut set: IntervalSet = windows.iter().filter_map(covered).collect();
        for span in &rules.exclude_spans {
            let found = resolve_found(tokens, *span, now).ok_or(Unclear::BadDate)?;
            let mut expr = found.expr.ok_or(Unclear::BadDate)?;
            // "not Monday morning": the morning's hours of that day.
            if let (Some(part), None) = (found.part, expr.end.as_ref())
                && expr.grain == Grain::Day
            {
                let (a, b) = part.hours();
                expr.end = expr.start.checked_add(SignedDuration::from_hours(i64::from(b))).ok();
                expr.start = expr.start.checked_add(SignedDuration::from_hours(i64::from(a))).ok().ok_or(Unclear::BadDate)?;
            }
            if let Some(out) = covered(&expr) {
                set = set.difference(&IntervalSet::from_intervals([out]));
            }
        }
        windows = set.iter().map(|i| expr_of(i, now.time_zone())).collect();
    }
    let time_of = |span: Option<(usize, usize)>| span.and_then(|(a, b)| clock_time(tokens, a, b));
    let clock = |minute: i32| jiff::civil::Time::new(i8::try_from(minute / 60 % 24).ok()?, i8::try_from(minute % 60).ok()?, 0, 0).ok();
    let (daily_from, daily_to) = match daily {
        Some((from, to)) => (clock(from), to.and_then(clock)),
        None => (None, None),
    };
    placement.constraints = Constraints {
        alternatives: windows.iter().skip(1).cloned().collect(),
        prefer_part: rules.prefer_part,
        exclude_parts: rules.exclude_parts.clone(),
        exclude_weekdays: rules.exclude_weekdays.clone(),
        earliest: time_of(rules.earliest).or(rules.earliest_at).or(daily_from).or(rules.part_bounds.map(|(from, _)| from)),
        latest: time_of(rules.latest).or(rules.latest_at).or(daily_to).or(rules.part_bounds.map(|(_, to)| to)),
        zone: rules.zone.map(str::to_owned),
    };
    placement.window = windows.into_iter().next();
    Ok(placement)
}

/// The time expression for an interval, in `zone`: a whole day when it is one.
fn expr_of(interval: &Interval, zone: &TimeZone) -> TimeExpr {
    let start = interval.start().to_zoned_datetime(zone.clone());
    let end = interval.end().to_zoned_datetime(zone.clone());
    TimeExpr { start, end: Some(end), grain: Grain::Day }
}

/// `windows` cut to start no earlier than `from` and end no later than `to`.
fn cut_windows(windows: &[TimeExpr], from: Option<jiff::Timestamp>, to: Option<jiff::Timestamp>, zone: &TimeZone) -> Vec<TimeExpr> {
    windows
        .iter()
        .filter_map(covered)
        .filter_map(|w| {
            let start = from.map_or(w.start(), |f| f.max(w.start()));
            let end = to.map_or(w.end(), |t| t.min(w.end()));
            Interval::new(start, end).ok()
        })
        .map(|i| expr_of(&i, zone))
        .collect()
}

/// The time expression the tokens `span` hold, read on their own.
pub(crate) fn resolve_span(tokens: &[Token], span: (usize, usize), now: &ZonedDateTime) -> Option<TimeExpr> {
    resolve_found(tokens, span, now)?.expr
}

fn resolve_found(tokens: &[Token], (start, end): (usize, usize), now: &ZonedDateTime) -> Option<Found> {
    let mut mask = vec![true; tokens.len()];
    mask[start..end].fill(false);
    time_resolve::find(tokens, &mask, &mask, Options { to_ranges: true }, now).into_iter().next()
}
