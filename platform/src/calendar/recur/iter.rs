//! Walking a rule period by period in wall-clock time.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Weekday};

use super::rule::{Frequency, Rule};

/// Periods in a row that may yield nothing before a rule is taken to be exhausted: covers
/// rules like "every 29 February" (eight years without one around 2100) at daily steps.
const MAX_EMPTY_PERIODS: u32 = 4000;

/// The occurrence starts of one rule, in order, in the wall-clock time of the event's zone.
#[derive(Debug)]
pub struct RuleIter<'a> {
    rule: &'a Rule,
    start: DateTime,
    until: Option<DateTime>,
    period: i64,
    emitted: u32,
    empty_run: u32,
    pending_start: bool,
    buffer: Vec<Date>,
    next_in_buffer: usize,
    done: bool,
}

impl<'a> RuleIter<'a> {
    /// The occurrences of `rule` for an event first starting at `start`, ending at `until`
    /// (inclusive, already in the event's wall-clock time). Without a `COUNT`, periods that
    /// end before `skip_to` are not generated, which makes expanding a window cheap.
    pub fn new(rule: &'a Rule, start: DateTime, until: Option<DateTime>, skip_to: Option<Date>) -> RuleIter<'a> {
        let mut iter = RuleIter {
            rule,
            start,
            until,
            period: 0,
            emitted: 0,
            empty_run: 0,
            pending_start: true,
            buffer: Vec::new(),
            next_in_buffer: 0,
            done: false,
        };
        if let (None, Some(skip_to)) = (rule.count, skip_to)
            && skip_to > start.date()
        {
            iter.period = iter.periods_before(skip_to).max(0);
            iter.pending_start = false;
        }
        iter
    }

    /// Whole periods (in steps of the interval) between the start's period and `date`,
    /// rounded down and one less, so the period containing `date` is never skipped.
    fn periods_before(&self, date: Date) -> i64 {
        let start = self.start.date();
        let interval = i64::from(self.rule.interval);
        let units = match self.rule.frequency {
            Frequency::Daily => (date - start).get_days() as i64,
            Frequency::Weekly => (date - start).get_days() as i64 / 7,
            Frequency::Monthly => i64::from(date.year() - start.year()) * 12 + i64::from(date.month() - start.month()),
            Frequency::Yearly => i64::from(date.year() - start.year()),
        };
        units / interval - 1
    }

    /// Fills `buffer` with the dates of period number `self.period`; false when past year 9999.
    fn fill(&mut self) -> bool {
        self.buffer.clear();
        self.next_in_buffer = 0;
        let step = self.period * i64::from(self.rule.interval);
        let start = self.start.date();
        let rule = self.rule;
        let ok = match rule.frequency {
            Frequency::Daily => start.checked_add(step.days()).map(|day| {
                if month_ok(rule, day) && month_day_ok(rule, day) && weekday_ok(rule, day) {
                    self.buffer.push(day);
                }
            }),
            Frequency::Weekly => {
                let back = i64::from(start.weekday().since(rule.week_start));
                start.checked_sub(back.days()).and_then(|first| first.checked_add((step * 7).days())).map(|first| {
                    let mut day = first;
                    for _ in 0..7 {
                        let wanted = if rule.by_day.is_empty() {
                            day.weekday() == start.weekday()
                        } else {
                            rule.by_day.iter().any(|(_, weekday)| *weekday == day.weekday())
                        };
                        if wanted && month_ok(rule, day) {
                            self.buffer.push(day);
                        }
                        day = day.tomorrow().unwrap_or(day);
                    }
                })
            }
            Frequency::Monthly => start.first_of_month().checked_add(step.months()).map(|month| {
                if month_ok(rule, month) {
                    month_days(rule, month, start.day(), &mut self.buffer);
                }
            }),
            Frequency::Yearly => start.first_of_year().checked_add(step.years()).map(|year| year_days(rule, year, start, &mut self.buffer)),
        };
        if ok.is_err() {
            return false;
        }
        self.buffer.sort_unstable();
        self.buffer.dedup();
        if !rule.by_set_pos.is_empty() {
            let all = core::mem::take(&mut self.buffer);
            let len = all.len() as i64;
            for position in &rule.by_set_pos {
                let index = if *position > 0 { i64::from(*position) - 1 } else { len + i64::from(*position) };
                if (0..len).contains(&index) {
                    self.buffer.push(all[index as usize]);
                }
            }
            self.buffer.sort_unstable();
            self.buffer.dedup();
        }
        true
    }

    fn finish(&mut self, at: DateTime) -> Option<DateTime> {
        if self.until.is_some_and(|until| at > until) || self.rule.count.is_some_and(|count| self.emitted >= count) {
            self.done = true;
            return None;
        }
        self.emitted += 1;
        Some(at)
    }
}

impl Iterator for RuleIter<'_> {
    type Item = DateTime;

    fn next(&mut self) -> Option<DateTime> {
        if self.done {
            return None;
        }
        if self.pending_start {
            // RFC 5545: the start is always the first occurrence, and counts towards COUNT.
            self.pending_start = false;
            return self.finish(self.start);
        }
        loop {
            while let Some(day) = self.buffer.get(self.next_in_buffer).copied() {
                self.next_in_buffer += 1;
                let at = day.to_datetime(self.start.time());
                if at > self.start {
                    self.empty_run = 0;
                    return self.finish(at);
                }
            }
            if self.empty_run > MAX_EMPTY_PERIODS || !self.fill_and_advance() {
                self.done = true;
                return None;
            }
            self.empty_run += 1;
        }
    }
}

impl RuleIter<'_> {
    fn fill_and_advance(&mut self) -> bool {
        let ok = self.fill();
        self.period += 1;
        ok
    }
}

fn month_ok(rule: &Rule, day: Date) -> bool {
    rule.by_month.is_empty() || rule.by_month.contains(&day.month())
}

fn weekday_ok(rule: &Rule, day: Date) -> bool {
    rule.by_day.is_empty() || rule.by_day.iter().any(|(_, weekday)| *weekday == day.weekday())
}

fn month_day_ok(rule: &Rule, day: Date) -> bool {
    rule.by_month_day.is_empty() || rule.by_month_day.iter().any(|n| resolve_month_day(day.first_of_month(), *n) == Some(day))
}

/// Day `n` of the month starting at `first` (negative counts from the end).
fn resolve_month_day(first: Date, n: i8) -> Option<Date> {
    let length = first.days_in_month();
    let day = if n > 0 { n } else { length + 1 + n };
    (1..=length).contains(&day).then(|| first.with().day(day).build().ok()).flatten()
}

/// Dates in `first..=last` on `weekday`, the `ordinal`th (from the end when negative) or all.
fn weekdays_in(first: Date, last: Date, ordinal: Option<i8>, weekday: Weekday, out: &mut Vec<Date>) {
    let offset = i64::from(weekday.since(first.weekday()));
    let Ok(mut day) = first.checked_add(offset.days()) else { return };
    let mut all = Vec::new();
    while day <= last {
        all.push(day);
        match day.checked_add(7.days()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    match ordinal {
        None => out.extend(all),
        Some(n) if n > 0 => out.extend(all.get(n as usize - 1)),
        Some(n) => out.extend(all.len().checked_sub(n.unsigned_abs() as usize).and_then(|index| all.get(index))),
    }
}

/// The dates a monthly rule (or a yearly rule with `BYMONTH`) picks in the month of `first`.
fn month_days(rule: &Rule, first: Date, start_day: i8, out: &mut Vec<Date>) {
    if rule.by_day.is_empty() && rule.by_month_day.is_empty() {
        out.extend(resolve_month_day(first, start_day));
        return;
    }
    if !rule.by_month_day.is_empty() {
        for n in &rule.by_month_day {
            out.extend(resolve_month_day(first, *n).filter(|day| weekday_ok(rule, *day)));
        }
        return;
    }
    let last = first.last_of_month();
    for (ordinal, weekday) in &rule.by_day {
        weekdays_in(first, last, *ordinal, *weekday, out);
    }
}

/// The dates a yearly rule picks in the year starting at `first`.
fn year_days(rule: &Rule, first: Date, start: Date, out: &mut Vec<Date>) {
    let months: Vec<i8> = if rule.by_month.is_empty() {
        if rule.by_day.is_empty() || !rule.by_month_day.is_empty() {
            if rule.by_month_day.is_empty() { vec![start.month()] } else { (1..=12).collect() }
        } else {
            // BYDAY without BYMONTH: ordinals count within the whole year.
            for (ordinal, weekday) in &rule.by_day {
                weekdays_in(first, first.last_of_year(), *ordinal, *weekday, out);
            }
            return;
        }
    } else {
        rule.by_month.clone()
    };
    for month in months {
        if let Ok(month_first) = first.with().month(month).day(1).build() {
            month_days(rule, month_first, start.day(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn starts(rule: &str, start: DateTime, take: usize) -> Vec<String> {
        let rule = Rule::parse(rule).unwrap();
        RuleIter::new(&rule, start, None, None).take(take).map(|at| at.to_string()).collect()
    }

    #[test]
    fn weekly_on_two_days() {
        let got = starts("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", date(2026, 3, 3).at(9, 0, 0, 0), 10);
        assert_eq!(got, ["2026-03-03T09:00:00", "2026-03-05T09:00:00", "2026-03-10T09:00:00", "2026-03-12T09:00:00"]);
    }

    #[test]
    fn last_friday_of_the_month() {
        let got = starts("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 1, 30).at(15, 0, 0, 0), 3);
        assert_eq!(got, ["2026-01-30T15:00:00", "2026-02-27T15:00:00", "2026-03-27T15:00:00"]);
    }

    #[test]
    fn the_31st_skips_short_months() {
        let got = starts("FREQ=MONTHLY", date(2026, 1, 31).at(8, 0, 0, 0), 3);
        assert_eq!(got, ["2026-01-31T08:00:00", "2026-03-31T08:00:00", "2026-05-31T08:00:00"]);
    }

    #[test]
    fn last_workday_of_the_month_with_bysetpos() {
        let got = starts("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", date(2026, 1, 30).at(17, 0, 0, 0), 3);
        assert_eq!(got, ["2026-01-30T17:00:00", "2026-02-27T17:00:00", "2026-03-31T17:00:00"]);
    }

    #[test]
    fn us_thanksgiving_yearly() {
        let got = starts("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", date(2026, 11, 26).at(12, 0, 0, 0), 3);
        assert_eq!(got, ["2026-11-26T12:00:00", "2027-11-25T12:00:00", "2028-11-23T12:00:00"]);
    }

    #[test]
    fn every_other_day_until() {
        let rule = Rule::parse("FREQ=DAILY;INTERVAL=2").unwrap();
        let got: Vec<_> = RuleIter::new(&rule, date(2026, 1, 1).at(7, 0, 0, 0), Some(date(2026, 1, 7).at(7, 0, 0, 0)), None).collect();
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn skipping_ahead_lands_on_the_same_occurrences() {
        let rule = Rule::parse("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR").unwrap();
        let start = date(2024, 1, 1).at(9, 0, 0, 0);
        let skip_to = date(2026, 6, 10);
        let all: Vec<_> = RuleIter::new(&rule, start, None, None).filter(|at| at.date() >= skip_to).take(5).collect();
        let skipped: Vec<_> = RuleIter::new(&rule, start, None, Some(skip_to)).filter(|at| at.date() >= skip_to).take(5).collect();
        assert_eq!(all, skipped);
    }

    #[test]
    fn an_impossible_rule_ends() {
        let rule = Rule::parse("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30").unwrap();
        assert_eq!(RuleIter::new(&rule, date(2026, 1, 1).at(0, 0, 0, 0), None, None).count(), 1);
    }
}
