//! Scoring an interpretation against what a careful person means.
//!
//! A case is a command and its expected meaning in a small vocabulary that names no
//! field of [`Intent`] (so the cases can be written before the code, and one set scores
//! the offline interpreter and the language-model path alike): the kind, the people, the
//! length, the windows and the rules on them, a title, the meeting a change is about, a
//! preference, or for a question the word it must name. Times are compared as the time
//! they leave ([`allowed`]), so two spellings of one meaning agree.
//!
//! A verdict is **right**, **asked** (a clarification where an answer was expected, or
//! one about the wrong thing: it costs a second, not a booking) or **wrong** (a confident
//! answer that is not what was meant: the outcome that must stay rare).

use std::collections::BTreeMap;

use jiff::civil::{DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, ZonedDateTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::constraints::{Constraints, allowed};
use super::contact::fold as fold_accents;
use super::intent::Intent;
use super::time_expr::{PartOfDay, TimeExpr, Weekday};
use crate::schedule::{Interval, IntervalSet};

/// One command and its expected meaning.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    /// A stable id ("negation-012").
    pub id: String,
    /// What kind of request it exercises ("negation", "zone", ...).
    pub category: String,
    /// The command as typed.
    pub text: String,
    /// Its meaning (see the module doc).
    pub expect: Value,
}

/// How one interpretation fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "why", rename_all = "snake_case")]
pub enum Verdict {
    /// What was meant.
    Right,
    /// A question instead of an answer (or about something else).
    Asked(String),
    /// A confident answer that is not what was meant.
    Wrong(String),
}

/// Right, asked and wrong counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Understood as meant.
    pub right: usize,
    /// Answered with a question.
    pub asked: usize,
    /// Confidently wrong.
    pub wrong: usize,
}

impl Counts {
    /// Every case counted.
    pub fn total(&self) -> usize {
        self.right + self.asked + self.wrong
    }

    /// The share right; `None` for no cases (an empty sample proves nothing).
    pub fn right_rate(&self) -> Option<f64> {
        (self.total() > 0).then(|| self.right as f64 / self.total() as f64)
    }

    /// The share confidently wrong; `None` for no cases.
    pub fn wrong_rate(&self) -> Option<f64> {
        (self.total() > 0).then(|| self.wrong as f64 / self.total() as f64)
    }

    /// Counts `verdict`.
    pub fn add(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Right => self.right += 1,
            Verdict::Asked(_) => self.asked += 1,
            Verdict::Wrong(_) => self.wrong += 1,
        }
    }
}

/// Counts per category and overall.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    /// Every case.
    pub overall: Counts,
    /// Per category, by name.
    pub categories: BTreeMap<String, Counts>,
}

impl Tally {
    /// Counts `verdict` for `category`.
    pub fn add(&mut self, category: &str, verdict: &Verdict) {
        self.overall.add(verdict);
        self.categories.entry(category.to_owned()).or_default().add(verdict);
    }
}

/// How far ahead a command without a time looks, for comparing meanings.
const HORIZON_DAYS: i64 = 60;

/// Judges `got`, interpreted at `now`, against `case`.
pub fn judge(case: &Case, got: &Intent, now: &ZonedDateTime) -> Verdict {
    let expect = &case.expect;
    let kind = expect["kind"].as_str().unwrap_or_default();
    if let Intent::NeedsClarification { question, .. } = got {
        let mentions = expect["mentions"].as_str().map(normal);
        return match (kind, mentions) {
            ("needs_clarification", Some(word)) if normal(question).contains(&word) => Verdict::Right,
            ("needs_clarification", Some(word)) => Verdict::Asked(format!("asked {question:?}, which does not name {word:?}")),
            _ => Verdict::Asked(question.clone()),
        };
    }
    if kind == "needs_clarification" {
        return Verdict::Wrong(format!("answered {} where a question about {} was due", got.kind(), expect["mentions"]));
    }
    if got.kind() != kind {
        return Verdict::Wrong(format!("{} instead of {kind}", got.kind()));
    }
    match compare(expect, got, now) {
        Ok(()) => Verdict::Right,
        Err(why) => Verdict::Wrong(why),
    }
}

fn compare(expect: &Value, got: &Intent, now: &ZonedDateTime) -> Result<(), String> {
    match got {
        Intent::Schedule { participants, duration_minutes, window, part_of_day, title, constraints, .. } => {
            same_people(expect, participants)?;
            same_duration(expect, *duration_minutes)?;
            same_title(expect, title.as_deref())?;
            same_time(expect, window.as_ref(), *part_of_day, constraints, now)
        }
        Intent::AskAvailability { participants, window, duration_minutes, part_of_day, constraints } => {
            same_people(expect, participants)?;
            if expect.get("duration_minutes").is_some() {
                same_duration(expect, *duration_minutes)?;
            }
            same_time(expect, window.as_ref(), *part_of_day, constraints, now)
        }
        Intent::ListUpcoming { window, participants } => {
            same_people(expect, participants)?;
            same_time(expect, window.as_ref(), None, &Constraints::default(), now)
        }
        Intent::ExplainNegotiation { participants } => same_people(expect, participants),
        Intent::Reschedule { participants, from, to, title, part_of_day, constraints } => {
            let before = &expect["from"];
            same_people(before, participants)?;
            same_title(before, title.as_deref())?;
            if before.get("windows").is_some() {
                same_time(before, from.as_ref(), None, &Constraints::default(), now).map_err(|e| format!("from: {e}"))?;
            }
            let after = &expect["to"];
            if after.is_object() {
                same_time(after, to.as_ref(), *part_of_day, constraints, now).map_err(|e| format!("to: {e}"))?;
            }
            Ok(())
        }
        Intent::Cancel { participants, when, title } => {
            let which = &expect["which"];
            same_people(which, participants)?;
            same_title(which, title.as_deref())?;
            if which.get("windows").is_some() {
                same_time(which, when.as_ref(), None, &Constraints::default(), now)?;
            }
            Ok(())
        }
        Intent::SetPreference { preference } => {
            let got = serde_json::to_value(preference).map_err(|e| e.to_string())?;
            let want = &expect["preference"];
            if same_preference(want, &got) { Ok(()) } else { Err(format!("preference {got} instead of {want}")) }
        }
        Intent::ConnectContact { name } => match expect["name"].as_str() {
            Some(want) if normal(want) != normal(name) => Err(format!("connect {name:?} instead of {want:?}")),
            _ => Ok(()),
        },
        Intent::NeedsClarification { .. } => Ok(()),
    }
}

fn same_people(expect: &Value, got: &[super::Participant]) -> Result<(), String> {
    let Some(want) = expect.get("participants").and_then(Value::as_array) else { return Ok(()) };
    let mut want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
    let mut have: Vec<&str> = got.iter().map(|p| p.id.as_str()).collect();
    want.sort_unstable();
    have.sort_unstable();
    if want == have { Ok(()) } else { Err(format!("with {have:?} instead of {want:?}")) }
}

fn same_duration(expect: &Value, got: Option<u32>) -> Result<(), String> {
    match expect.get("duration_minutes") {
        None => Ok(()),
        Some(want) if want.as_u64() == got.map(u64::from) => Ok(()),
        Some(want) => Err(format!("{got:?} minutes instead of {want}")),
    }
}

fn same_title(expect: &Value, got: Option<&str>) -> Result<(), String> {
    match expect.get("title").and_then(Value::as_str) {
        None => Ok(()),
        Some(want) if got.is_some_and(|g| normal(g) == normal(want)) => Ok(()),
        Some(want) => Err(format!("title {got:?} instead of {want:?}")),
    }
}

/// Compares the time the expectation leaves with the time the interpretation leaves,
/// and the soft preference apart.
fn same_time(expect: &Value, window: Option<&TimeExpr>, part: Option<PartOfDay>, rules: &Constraints, now: &ZonedDateTime) -> Result<(), String> {
    let zone = now.time_zone().clone();
    let horizon = Interval::new(now.timestamp(), now.timestamp() + SignedDuration::from_hours(24 * HORIZON_DAYS)).map_err(|e| e.to_string())?;
    let want_rules = expected_rules(expect)?;
    let stated_zone = want_rules.zone.as_deref().map(|z| TimeZone::get(z).map_err(|e| format!("zone {z}: {e}"))).transpose()?.unwrap_or_else(|| zone.clone());
    let mut want_windows = Vec::new();
    for w in expect.get("windows").and_then(Value::as_array).into_iter().flatten() {
        want_windows.push(expected_window(w, &stated_zone)?);
    }
    let want_part = part_named(expect.get("part"))?;
    let want = allowed(&want_windows, want_part, &want_rules, horizon, &zone);
    let mut windows: Vec<TimeExpr> = window.cloned().into_iter().collect();
    windows.extend(rules.alternatives.iter().cloned());
    let have = allowed(&windows, part, rules, horizon, &zone);
    if want != have {
        return Err(format!("the time left is {} instead of {}", show(&have, &zone), show(&want, &zone)));
    }
    let want_prefer = part_named(expect.get("prefer_part"))?;
    if want_prefer.is_some() && want_prefer != rules.prefer_part {
        return Err(format!("prefers {:?} instead of {want_prefer:?}", rules.prefer_part));
    }
    Ok(())
}

/// The rules of an expectation, in the interpreter's terms.
fn expected_rules(expect: &Value) -> Result<Constraints, String> {
    let parts = |key: &str| -> Result<Vec<PartOfDay>, String> {
        expect.get(key).and_then(Value::as_array).into_iter().flatten().map(|v| part_named(Some(v))?.ok_or_else(|| format!("{key}: {v}"))).collect()
    };
    let days: Vec<Weekday> = expect
        .get("exclude_weekdays")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| serde_json::from_value(v.clone()).map_err(|e| format!("weekday {v}: {e}")))
        .collect::<Result<_, _>>()?;
    let time = |key: &str| -> Result<Option<Time>, String> {
        expect.get(key).and_then(Value::as_str).map(|t| t.parse::<Time>().map_err(|e| format!("{key} {t}: {e}"))).transpose()
    };
    Ok(Constraints {
        alternatives: Vec::new(),
        prefer_part: None,
        exclude_parts: parts("exclude_parts")?,
        exclude_weekdays: days,
        earliest: time("earliest")?,
        latest: time("latest")?,
        zone: expect.get("zone").and_then(Value::as_str).map(str::to_owned),
    })
}

fn part_named(value: Option<&Value>) -> Result<Option<PartOfDay>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| format!("part of day {v}: {e}")),
    }
}

/// An expected window: a whole day (a date), an exact start (a date-time), or from a
/// start to an exclusive end.
fn expected_window(w: &Value, zone: &TimeZone) -> Result<TimeExpr, String> {
    let point = |text: &str| -> Result<(ZonedDateTime, bool), String> {
        let (civil, is_date): (DateTime, bool) = if text.len() == 10 { (format!("{text}T00:00").parse().map_err(|e| format!("{text}: {e}"))?, true) } else { (text.parse().map_err(|e| format!("{text}: {e}"))?, false) };
        Ok((civil.to_zoned_datetime(zone.clone()).map_err(|e| e.to_string())?, is_date))
    };
    let (start, is_date) = point(w["start"].as_str().ok_or("a window without a start")?)?;
    let end = w["end"].as_str().map(point).transpose()?.map(|(end, _)| end);
    let grain = match (&end, is_date) {
        (None, true) => super::Grain::Day,
        _ => super::Grain::Minute,
    };
    Ok(TimeExpr { start, end, grain })
}

fn same_preference(want: &Value, got: &Value) -> bool {
    let (Some(want), Some(got)) = (want.as_object(), got.as_object()) else { return want == got };
    want.iter().all(|(key, w)| {
        let g = got.get(key).unwrap_or(&Value::Null);
        match (w, g) {
            (Value::Array(w), Value::Array(g)) => {
                let mut w: Vec<String> = w.iter().map(Value::to_string).collect();
                let mut g: Vec<String> = g.iter().map(Value::to_string).collect();
                w.sort();
                g.sort();
                w == g
            }
            // Times are written "HH:MM" in cases and "HH:MM:SS" by the interpreter.
            (Value::String(w), Value::String(g)) => g == w || g.strip_suffix(":00") == Some(w.as_str()),
            _ => w == g,
        }
    })
}

/// Lower case, accents folded, spacing collapsed.
fn normal(text: &str) -> String {
    fold_accents(&text.to_lowercase()).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn show(set: &IntervalSet, zone: &TimeZone) -> String {
    let spans: Vec<String> = set
        .iter()
        .take(4)
        .map(|i| format!("{}-{}", i.start().to_zoned_datetime(zone.clone()).strftime("%a %-d %b %H:%M"), i.end().to_zoned_datetime(zone.clone()).strftime("%a %-d %H:%M")))
        .collect();
    let more = set.as_slice().len().saturating_sub(4);
    if spans.is_empty() { "nothing".into() } else if more > 0 { format!("{} and {more} more", spans.join(", ")) } else { spans.join(", ") }
}
