//! Durations: "for 45 minutes", "half an hour", "an hour and a half", "90-minute",
//! "1.5 hours", "1h30".
//!
//! A quantity after "in" or before "from now" is an offset, not a duration, and is left
//! to the time grammar.

use super::token::{Tok, Token};

/// A duration found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) minutes: u32,
}

fn w(t: &[Token], i: usize) -> &str {
    t.get(i).and_then(Token::word).unwrap_or("")
}

fn unit_minutes(word: &str) -> Option<u32> {
    match word {
        "minutes" => Some(1),
        "hours" => Some(60),
        "day" | "days" => Some(24 * 60),
        "week" | "weeks" => Some(7 * 24 * 60),
        _ => None,
    }
}

/// Finds every duration, left to right.
pub(crate) fn find(tokens: &[Token]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match at(tokens, i) {
            Some(f) => {
                i = f.end;
                out.push(f);
            }
            None => i += 1,
        }
    }
    out
}

fn at(t: &[Token], i: usize) -> Option<Found> {
    if i > 0 && matches!(w(t, i - 1), "in" | "within" | "next" | "coming" | "following" | "past" | "last" | "the" | "every" | "each" | "other") {
        return None;
    }
    let hyphen = |k: usize| usize::from(t.get(k).is_some_and(|x| x.is_punct('-')));
    // "half an hour", "a half hour", "half-hour".
    let half = match (w(t, i), w(t, i + 1), w(t, i + 2)) {
        ("half", "an" | "a", "hours") => Some(i + 3),
        ("a", "half", _) => (w(t, i + 2 + hyphen(i + 2)) == "hours").then(|| i + 3 + hyphen(i + 2)),
        ("half", _, _) => (w(t, i + 1 + hyphen(i + 1)) == "hours").then(|| i + 2 + hyphen(i + 1)),
        _ => None,
    };
    if let Some(end) = half {
        return finish(t, i, end, 30);
    }
    // "a quarter of an hour", "quarter hour", "three quarters of an hour".
    let quarters = match (w(t, i), t.get(i).and_then(Token::num)) {
        ("a" | "one", _) if w(t, i + 1) == "quarter" => Some((15, i + 2)),
        ("quarter", _) => Some((15, i + 1)),
        (_, Some(3)) if matches!(w(t, i + 1), "quarters" | "quarter") => Some((45, i + 2)),
        _ => None,
    };
    if let Some((minutes, mut end)) = quarters {
        if w(t, end) == "of" {
            end += 1;
        }
        if matches!(w(t, end), "an" | "a") {
            end += 1;
        }
        if w(t, end) == "hours" {
            return finish(t, i, end + 1, minutes);
        }
    }
    // "quick 15", "a quick 30": minutes, when nothing else is said of the number.
    if w(t, i) == "quick"
        && let Some(n) = t.get(i + 1).and_then(Token::num).filter(|n| matches!(n, 5 | 10 | 15 | 20 | 25 | 30 | 45 | 60))
        && !matches!(w(t, i + 2), "minutes" | "hours" | "am" | "pm")
        && !t.get(i + 2).is_some_and(|x| x.is_punct(':'))
    {
        return finish(t, i, i + 2, n);
    }
    // "hour with Bob Friday", "book hour w/ Ben": one hour, the article dropped.
    if w(t, i) == "hours" && t[i].raw.eq_ignore_ascii_case("hour") && (i == 0 || matches!(w(t, i - 1), "book" | "need" | "find" | "schedule" | "grab" | "want" | "get" | "up" | "block" | "do")) {
        // "hour and a half with Grace".
        if (w(t, i + 1), w(t, i + 2), w(t, i + 3)) == ("and", "a", "half") {
            return finish(t, i, i + 4, 90);
        }
        return finish(t, i, i + 1, 60);
    }
    // "45 with Carol", "can you do 30 w/ Ben": minutes, a length said of a meeting with
    // someone (never a clock time: "at 10 with Bob" is one, and 10-12 are left alone).
    if let Some(n) = t.get(i).and_then(Token::num).filter(|n| matches!(n, 15 | 20 | 25 | 30 | 40 | 45 | 50 | 60 | 75 | 90 | 120))
        && matches!(w(t, i + 1), "with" | "w")
        && !(i > 0 && (matches!(w(t, i - 1), "at" | "around" | "by" | "from" | "before" | "after" | "until" | "till" | "about") || t[i - 1].is_punct(':')))
    {
        return finish(t, i, i + 1, n);
    }
    let (count, frac, unit_at) = match t.get(i).map(|x| &x.tok) {
        // "a full hour", "a solid hour".
        Some(Tok::Word(word)) if (word == "a" || word == "an") && matches!(w(t, i + 1), "full" | "whole" | "solid" | "good") => (1, 0.0, i + 2),
        Some(Tok::Word(word)) if word == "a" || word == "an" => (1, 0.0, i + 1),
        // "two and a half hours".
        Some(Tok::Num { value, .. }) if (w(t, i + 1), w(t, i + 2), w(t, i + 3)) == ("and", "a", "half") => (*value, 0.5, i + 4),
        Some(Tok::Num { value, .. }) => {
            if t.get(i + 1).is_some_and(|x| x.is_punct('.'))
                && let Some(Tok::Num { value: f, digits }) = t.get(i + 2).map(|x| &x.tok)
            {
                let frac = f64::from(*f) / 10f64.powi(i32::from(*digits));
                (*value, frac, i + 3)
            } else {
                (*value, 0.0, i + 1)
            }
        }
        _ => return None,
    };
    let unit_at = unit_at + hyphen(unit_at);
    let per = unit_minutes(w(t, unit_at))?;
    // "at 15h30", "16h": a clock time, not a length (no meeting runs 13 hours).
    let h_clock = t.get(unit_at).is_some_and(|u| u.raw.eq_ignore_ascii_case("h")) && (count > 12 || i > 0 && matches!(w(t, i - 1), "at" | "from" | "until" | "by" | "before" | "after"));
    if h_clock {
        return None;
    }
    let mut minutes = (f64::from(count) + frac) * f64::from(per);
    let mut end = unit_at + 1;
    if per == 60 {
        if (w(t, end), w(t, end + 1), w(t, end + 2)) == ("and", "a", "half") {
            minutes += 30.0;
            end += 3;
        } else {
            // "1 hour 30 minutes", "1 hour and 15 minutes", "1h30".
            let k = if w(t, end) == "and" { end + 1 } else { end };
            if let Some(m) = t.get(k).and_then(Token::num).filter(|m| *m < 60) {
                let has_unit = w(t, k + 1) == "minutes";
                // "an hour and fifteen (with Jose)", never "an hour and 2 pm".
                let bare_and = k == end + 1 && !matches!(w(t, k + 1), "am" | "pm" | "people") && !t.get(k + 1).is_some_and(|x| x.is_punct(':') || matches!(x.tok, Tok::Num { .. }));
                if has_unit || bare_and || (k == end && t.get(k + 1).is_none_or(|x| !matches!(x.tok, Tok::Num { .. }))) {
                    minutes += f64::from(m);
                    end = k + 1 + usize::from(has_unit);
                }
            }
        }
    }
    finish(t, i, end, minutes.round() as u32)
}

fn finish(t: &[Token], start: usize, end: usize, minutes: u32) -> Option<Found> {
    let after = w(t, end);
    // "two weeks from tomorrow", "a week from Friday": a date, read by the time grammar.
    let days_from = after == "from" && minutes >= 24 * 60;
    if matches!(after, "later" | "ago") || days_from || (after == "from" && matches!(w(t, end + 1), "now" | "today")) {
        return None;
    }
    Some(Found { start, end, minutes })
}

#[cfg(test)]
mod tests {
    use super::super::token::tokenize;
    use super::*;

    fn minutes(text: &str) -> Vec<u32> {
        find(&tokenize(text)).into_iter().map(|f| f.minutes).collect()
    }

    #[test]
    fn common_phrasings() {
        assert_eq!(minutes("for 45 minutes"), [45]);
        assert_eq!(minutes("half an hour"), [30]);
        assert_eq!(minutes("an hour and a half"), [90]);
        assert_eq!(minutes("a 90-minute review"), [90]);
        assert_eq!(minutes("1.5 hours"), [90]);
        assert_eq!(minutes("1h30"), [90]);
        assert_eq!(minutes("two hours"), [120]);
        assert_eq!(minutes("a quarter of an hour"), [15]);
        assert_eq!(minutes("three quarters of an hour"), [45]);
        assert_eq!(minutes("quick 15 w/ Oliver"), [15]);
        assert_eq!(minutes("a full hour"), [60]);
        assert_eq!(minutes("an hour and fifteen with jose"), [75]);
        assert_eq!(minutes("two and a half hours"), [150]);
        assert!(minutes("a week from friday").is_empty());
        assert_eq!(minutes("hour with bob friday afternoon"), [60]);
        assert_eq!(minutes("can u do 45 with carol"), [45]);
        assert!(minutes("at 30 with bob").is_empty());
    }

    #[test]
    fn offsets_are_not_durations() {
        assert!(minutes("in 30 minutes").is_empty());
        assert!(minutes("20 minutes from now").is_empty());
    }
}
