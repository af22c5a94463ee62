//! Puts the pieces together. Each reader claims the words it understood — the rules
//! around the windows, durations, times, people, titles and places — and the intent is
//! built only if every word that carries meaning was claimed ([`leftover`]); otherwise,
//! or when a reading would need a guess, the answer is a question that names what is
//! unclear.

use jiff::ZonedDateTime;
use jiff::tz::TimeZone;

use super::classify::{self, Kind};
use super::contact::{self, Mention, Participant};
use super::intent::{Intent, Issue};
use super::leftover;
use super::rules::{self, Rules};
use super::time_expr::{PartOfDay, TimeExpr};
use super::time_parse::{Options, part_of_day_word};
use super::time_resolve::{self, Found};
use super::title;
use super::token::{Token, quote, tokenize};
use super::windows::{self, Placement, Unclear};
use super::{Context, Interpretation, duration, preference};

fn clarify(question: impl Into<String>, issue: Issue) -> Intent {
    Intent::NeedsClarification { question: question.into(), issue }
}

pub(super) fn first_time(text: &str, now: &ZonedDateTime) -> Option<TimeExpr> {
    let tokens = tokenize(text);
    let skip = vec![false; tokens.len()];
    time_resolve::find(&tokens, &skip, &skip, Options { to_ranges: true }, now).into_iter().find_map(|f| f.expr)
}

/// Everything read from a command before the intent is built.
struct Reading<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    kind: Kind,
    used: Vec<bool>,
    rules: Rules,
    durations: Vec<duration::Found>,
    times: Vec<Found>,
    /// "now" in the zone the owner stated times in (their own if none).
    now: ZonedDateTime,
}

pub(super) fn interpret(text: &str, ctx: &Context) -> Interpretation {
    let tokens = tokenize(text);
    let mut kind = classify::kind(&tokens);
    // "Ben next Monday, I prefer evenings" asks for a meeting; a preference names nobody.
    if kind == Kind::Preference && contact::find(&tokens, &vec![false; tokens.len()], &ctx.contacts).iter().any(|(m, _, _)| matches!(m, Mention::Known(_))) {
        kind = Kind::Schedule;
    }
    let mut used = vec![false; tokens.len()];
    // Preferences and invitations have readers of their own.
    let rules = if matches!(kind, Kind::Preference | Kind::Connect) { Rules::default() } else {
        rules::read(&tokens, &mut used, matches!(kind, Kind::Reschedule | Kind::Cancel | Kind::List | Kind::Explain))
    };
    let durations: Vec<duration::Found> = duration::find(&tokens).into_iter().filter(|d| !used[d.start..d.end].iter().any(|u| *u)).collect();
    for d in &durations {
        used[d.start..d.end].fill(true);
    }
    let now = rules.zone.and_then(|z| TimeZone::get(z).ok()).map_or_else(|| ctx.now.clone(), |zone| ctx.now.with_time_zone(zone));
    let opts = Options { to_ranges: kind != Kind::Reschedule };
    // A name between two halves of one time joins them: "my 3pm with Mei tomorrow".
    let names = name_spans(&tokens, &used, ctx);
    let mut joins = vec![false; tokens.len()];
    for &(start, end) in &names {
        joins[start..end].fill(true);
    }
    let mut times = time_resolve::find(&tokens, &used, &joins, opts, &now);
    for t in &mut times {
        for k in t.start..t.end {
            used[k] |= !names.iter().any(|&(a, b)| (a..b).contains(&k));
        }
        week_of(&tokens, &mut used, t);
    }
    the_one_after(&tokens, &mut used, &mut times);
    counted_from(&tokens, &mut used, &mut times);
    let time = times.iter().find_map(|f| f.expr.clone());
    let mut reading = Reading { text, tokens, kind, used, rules, durations, times, now };
    let intent = build(&mut reading, ctx);
    Interpretation { intent, time }
}

fn build(r: &mut Reading<'_>, ctx: &Context) -> Intent {
    if let Some(bad) = r.times.iter().find(|f| f.expr.is_none()) {
        let said = quote(r.text, &r.tokens[bad.start..bad.end]);
        return clarify(format!("There is no {said}. Which day do you mean?"), Issue::InvalidDate);
    }
    match r.kind {
        Kind::Preference => {
            let input = preference::Input { text: r.text, tokens: &r.tokens, durations: &r.durations, times: &r.times };
            let parsed = preference::parse(&input);
            // Weekday names, parts of the day and zone names are what preferences are
            // made of; anything else unclaimed is asked about.
            // Numbers are the preference's own (a cap, minutes), and so is a zone name
            // written whole ("Europe/Paris", "America/Los_Angeles").
            let zone_chunks: Vec<(usize, usize)> = {
                let mut at = 0;
                r.text.split(char::is_whitespace).filter_map(|chunk| {
                    let start = r.text[at..].find(chunk).map_or(at, |k| at + k);
                    at = start + chunk.len();
                    chunk.contains('/').then_some((start, start + chunk.len()))
                }).collect()
            };
            claim_phrases(r.kind, &r.tokens, &mut r.used);
            for (k, t) in r.tokens.iter().enumerate() {
                let word = t.word().unwrap_or_default();
                let in_zone = zone_chunks.iter().any(|(a, b)| t.at.0 >= *a && t.at.1 <= *b);
                if super::Weekday::parse(word).is_some() || part_of_day_word(word.strip_suffix('s').unwrap_or(word)).is_some() || preference::names_a_zone(word) || t.num().is_some() || in_zone {
                    r.used[k] = true;
                }
            }
            leftover::claim_context(&r.tokens, &mut r.used);
            if let Some(words) = leftover::unaccounted_beside(r.text, &r.tokens, &r.used, leftover::PREFERENCE_WORDS) {
                return clarify(format!("I'm not sure what you mean by \"{words}\". Could you say it another way?"), Issue::Unsupported { words });
            }
            return match parsed {
                Some(preference) => Intent::SetPreference { preference },
                None => clarify("Which preference should I change, and to what?", Issue::UnclearPreference),
            };
        }
        Kind::Connect => {
            return match connect_name(r.text, &r.tokens, &r.used) {
                Some(name) => Intent::ConnectContact { name },
                None => clarify("Who should I connect with?", Issue::MissingParticipants),
            };
        }
        _ => {}
    }
    if let Some(words) = r.rules.unsupported.clone() {
        return clarify(format!("I can't tell which time \"{words}\" is. Which time zone do you mean?"), Issue::Unsupported { words });
    }
    // "the week after", "the day after" with nothing after them: after which one?
    if let Some(k) = (0..r.tokens.len().saturating_sub(2)).find(|&k| {
        let ends = r.tokens.get(k + 3).is_none_or(|t| t.word().is_none_or(|w| matches!(w, "with" | "for" | "and" | "please")));
        r.tokens[k].is("the") && matches!(r.tokens[k + 1].word(), Some("week" | "day")) && r.tokens[k + 2].is("after") && ends && !r.used[k..k + 3].iter().any(|u| *u)
    }) {
        let words = quote(r.text, &r.tokens[k..k + 3]).to_string();
        return clarify(format!("\"{words}\" which one? Please name the day or the week."), Issue::Unsupported { words });
    }
    if let Some(words) = r.rules.recurring.clone() {
        return clarify(
            format!("Repeating meetings (\"{words}\") aren't supported yet: I can book one meeting. Which day should the first one be?"),
            Issue::Recurring { words },
        );
    }
    let participants = match people(&r.tokens, &mut r.used, ctx) {
        Ok(p) => p,
        Err(question) => return question,
    };
    // Only a meeting booked, moved or cancelled has a title and a place; a question
    // keeps neither, so their words must not be claimed for one.
    let carries_title = matches!(r.kind, Kind::Schedule | Kind::Reschedule | Kind::Cancel | Kind::Unknown);
    let named = if carries_title { title::read(r.text, &r.tokens, &mut r.used) } else { title::Named::default() };
    let location = if carries_title { title::location(r.text, &r.tokens, &mut r.used) } else { None };
    let part_word = claim_part_words(&r.tokens, &mut r.used);
    claim_phrases(r.kind, &r.tokens, &mut r.used);
    // Asking what happened with a meeting may name its kind ("Zoe's lunch").
    // It may also say how it went ("fall through", "go wrong").
    let explained: Vec<&str> = title::KIND_NOUNS.iter().copied().chain(["fall", "fell", "through", "wrong", "sideways", "south", "never", "got", "went", "idea", "not", "go", "no", "slot"]).collect();
    let also: &[&str] = if r.kind == Kind::Explain { &explained } else { &[] };
    leftover::claim_context(&r.tokens, &mut r.used);
    if let Some(words) = leftover::unaccounted_beside(r.text, &r.tokens, &r.used, also) {
        return clarify(format!("I'm not sure what you mean by \"{words}\". Could you say it another way?"), Issue::Unsupported { words });
    }
    let duration_minutes = r.durations.first().map(|d| d.minutes);
    let meeting_minutes = duration_minutes.or_else(|| r.times.first().and_then(|f| f.span_minutes));
    match r.kind {
        Kind::Explain => Intent::ExplainNegotiation { participants },
        Kind::List => match placement(r, &r.times.iter().collect::<Vec<_>>(), part_word) {
            Ok(p) => Intent::ListUpcoming { window: p.window, participants },
            Err(question) => question,
        },
        Kind::Availability => match placement(r, &r.times.iter().collect::<Vec<_>>(), part_word) {
            Ok(p) => Intent::AskAvailability { participants, window: p.window, duration_minutes, part_of_day: p.part, constraints: p.constraints },
            Err(question) => question,
        },
        Kind::Cancel => {
            let when = r.times.first().and_then(|f| f.expr.clone());
            if participants.is_empty() && when.is_none() && named.title.is_none() {
                return clarify("Which meeting should I cancel?", Issue::MissingMeeting);
            }
            Intent::Cancel { participants, when, title: named.title }
        }
        Kind::Reschedule => {
            let is_to = |f: &&Found| {
                let mut k = f.start;
                while k > 0 && matches!(r.tokens[k - 1].word(), Some("the" | "on" | "at" | "in" | "sometime" | "some" | "a")) {
                    k -= 1;
                }
                k > 0 && r.tokens[k - 1].word().is_some_and(|w| matches!(w, "to" | "until" | "till" | "into" | "for"))
            };
            let (to, from): (Vec<&Found>, Vec<&Found>) = r.times.iter().partition(is_to);
            // "move my 3pm to Friday at 4": everything from the first "to" on is the new time.
            let first_to = to.first().map(|f| f.start);
            let (to, from): (Vec<&Found>, Vec<&Found>) = match first_to {
                Some(at) => r.times.iter().partition(|f| f.start >= at),
                // Two times and no "to": the first names the meeting, the later one is
                // where it goes ("the call that's on Friday; Monday after 2 is fine").
                None if from.len() > 1 => (from[1..].to_vec(), from[..1].to_vec()),
                None => (to, from),
            };
            // "shift my 11am tomorrow to 11:30", "to earlier the same day": the new time
            // is on the old one's day when it names no day of its own.
            let same_day = claim_same_day(&r.tokens, &mut r.used);
            let from_day = from.first().filter(|f| f.dated).and_then(|f| f.expr.as_ref()).map(|e| e.start.clone());
            let to_on_that_day: Vec<Found> = match &from_day {
                Some(day) if to.iter().all(|f| !f.dated) => {
                    let mut moved: Vec<Found> = to.iter().map(|f| (*f).clone()).collect();
                    for f in &mut moved {
                        f.expr = f.expr.as_ref().and_then(|expr| expr.on(day.date()));
                        f.dated = true;
                    }
                    if moved.is_empty() && same_day {
                        let midnight = day.start_of_day().unwrap_or(day.clone());
                        let at = from.first().map_or(0, |f| f.start);
                        moved.push(Found { start: at, end: at, expr: Some(TimeExpr { start: midnight, end: None, grain: super::Grain::Day }), part: None, span_minutes: None, part_only: false, daily: None, dated: true, weekday: false });
                    }
                    moved
                }
                _ => to.iter().map(|f| (*f).clone()).collect(),
            };
            let to: Vec<&Found> = to_on_that_day.iter().collect();
            let from = from.first().and_then(|f| f.expr.clone());
            if participants.is_empty() && from.is_none() && named.title.is_none() {
                return clarify("Which meeting should I move?", Issue::MissingMeeting);
            }
            match placement(r, &to, part_word) {
                Ok(p) => Intent::Reschedule { participants, from, to: p.window, title: named.title, part_of_day: p.part, constraints: p.constraints },
                Err(question) => question,
            }
        }
        Kind::Schedule | Kind::Unknown if !participants.is_empty() => match placement(r, &r.times.iter().collect::<Vec<_>>(), part_word) {
            Ok(p) => Intent::Schedule {
                participants,
                duration_minutes: meeting_minutes,
                window: p.window,
                part_of_day: p.part.or(named.meal_part),
                title: named.title,
                location,
                constraints: p.constraints,
            },
            Err(question) => question,
        },
        Kind::Schedule => clarify("Who should the meeting be with?", Issue::MissingParticipants),
        _ => clarify(
            "Sorry, I did not understand. You can ask me to schedule, move or cancel a meeting, check availability or change a preference.",
            Issue::NotUnderstood,
        ),
    }
}

/// Where the meeting may be, or the question to ask about the times.
// The error is the answer itself (a clarification), returned once per command.
#[allow(clippy::result_large_err)]
fn placement(r: &Reading<'_>, times: &[&Found], part_word: Option<PartOfDay>) -> Result<Placement, Intent> {
    windows::place(&r.tokens, times, &r.rules, &r.now, part_word).map_err(|unclear| match unclear {
        Unclear::TwoTimes(a, b) => clarify(format!("Did you mean {a} or {b}?"), Issue::Unsupported { words: format!("{a} {b}") }),
        Unclear::BadDate => clarify("That date does not exist. Which day do you mean?", Issue::InvalidDate),
    })
}

/// "tomorrow or the day after", "next week or the week after", "this week or next": a
/// second window one day or week after the one before it.
fn the_one_after(tokens: &[Token], used: &mut [bool], times: &mut Vec<Found>) {
    let w = |k: usize| tokens.get(k).and_then(Token::word).unwrap_or("");
    let mut k = 0;
    while k < times.len() {
        let end = times[k].end;
        let (step, len) = match (w(end), w(end + 1), w(end + 2), w(end + 3)) {
            ("or", "the", "day", "after") | ("or", "the", "following", "day") => (jiff::Span::new().days(1), 4),
            ("or", "the", "week", "after") | ("or", "the", "following", "week") => (jiff::Span::new().weeks(1), 4),
            ("or", "next", _, _) if times[k].expr.as_ref().is_some_and(|e| e.grain == super::Grain::Week) && !matches!(w(end + 2), "week" | "month") => (jiff::Span::new().weeks(1), 2),
            _ => {
                k += 1;
                continue;
            }
        };
        let Some(expr) = times[k].expr.clone() else {
            k += 1;
            continue;
        };
        let shifted = super::TimeExpr {
            start: expr.start.checked_add(step).unwrap_or(expr.start.clone()),
            end: expr.end.as_ref().and_then(|e| e.checked_add(step).ok()),
            grain: expr.grain,
        };
        used[end..end + len].fill(true);
        let next = Found { start: end + 1, end: end + len, expr: Some(shifted), part: times[k].part, span_minutes: None, part_only: false, daily: times[k].daily, dated: true, weekday: false };
        times.insert(k + 1, next);
        k += 2;
    }
}

/// "a week from Friday", "two weeks from tomorrow", "3 days from Monday": the day that far
/// after the one named.
fn counted_from(tokens: &[Token], used: &mut [bool], times: &mut [Found]) {
    let w = |k: usize| tokens.get(k).and_then(Token::word).unwrap_or("");
    for found in times.iter_mut() {
        let k = found.start;
        if k < 3 || w(k - 1) != "from" || used[k - 3..k].iter().any(|u| *u) {
            continue;
        }
        let days_per = match w(k - 2) {
            "day" | "days" => 1,
            "week" | "weeks" => 7,
            _ => continue,
        };
        let count = match (w(k - 3), tokens[k - 3].num()) {
            ("a" | "an", _) => 1,
            (_, Some(n)) if n <= 52 => i64::from(n),
            _ => continue,
        };
        let Some(expr) = found.expr.as_mut().filter(|e| e.grain == super::Grain::Day && e.end.is_none()) else { continue };
        let Some(later) = expr.shifted(count * days_per) else { continue };
        *expr = later;
        found.weekday = false;
        used[k - 3..k].fill(true);
        found.start = k - 3;
    }
}

/// "the week of the 16th": the Monday-to-Sunday week holding that day. Claims "(the)
/// week of" in `used` and widens `found`.
fn week_of(tokens: &[Token], used: &mut [bool], found: &mut Found) {
    let mut k = found.start;
    if k > 0 && tokens[k - 1].is("the") {
        k -= 1;
    }
    let (Some(of), Some(week)) = (k.checked_sub(1), k.checked_sub(2)) else { return };
    if !(tokens[of].is("of") && tokens[week].is("week")) {
        return;
    }
    let Some(expr) = found.expr.as_mut().filter(|e| e.grain == super::Grain::Day && e.end.is_none()) else { return };
    let back = i64::from(expr.start.weekday().to_monday_zero_offset());
    let Ok(monday) = expr.start.checked_sub(jiff::Span::new().days(back)) else { return };
    expr.start = monday;
    expr.grain = super::Grain::Week;
    let start = if week > 0 && tokens[week - 1].is("the") { week - 1 } else { week };
    used[start..found.start].fill(true);
    found.start = start;
}

/// "the same day", "that same day": claimed; whether it was said.
fn claim_same_day(tokens: &[Token], used: &mut [bool]) -> bool {
    let mut said = false;
    for k in 0..tokens.len().saturating_sub(1) {
        if tokens[k].is("same") && tokens[k + 1].is("day") && !used[k] {
            let start = if k > 0 && matches!(tokens[k - 1].word(), Some("the" | "that")) { k - 1 } else { k };
            used[start..k + 2].fill(true);
            said = true;
        }
    }
    said
}

/// Phrases that only say what kind of request it is: "am I free or not", "it's not
/// happening anymore", "unless I say otherwise" (a default stays a default).
fn claim_phrases(kind: Kind, tokens: &[Token], used: &mut [bool]) {
    let phrases: &[&[&str]] = match kind {
        Kind::Preference => &[&["unless", "i", "say", "otherwise"], &["unless", "i", "tell", "you", "otherwise"], &["unless", "i", "ask", "otherwise"]],
        Kind::Availability | Kind::List => &[&["or", "not"]],
        Kind::Cancel => &[&["not", "happening"], &["no", "longer", "happening"], &["no", "longer", "needed"], &["isnt", "happening"], &["something", "came", "up"]],
        _ => &[],
    };
    for k in 0..tokens.len() {
        for phrase in phrases {
            if phrase.iter().enumerate().all(|(n, p)| tokens.get(k + n).and_then(Token::word) == Some(*p) && !used[k + n]) {
                used[k..k + phrase.len()].fill(true);
            }
        }
    }
}

/// A part of the day said on its own ("afternoons", "in the morning") and not already
/// inside a time expression; its words are claimed.
fn claim_part_words(tokens: &[Token], used: &mut [bool]) -> Option<PartOfDay> {
    let mut found = None;
    for (k, t) in tokens.iter().enumerate() {
        if used[k] {
            continue;
        }
        let Some(word) = t.word() else { continue };
        let lunch = matches!(word, "lunch" | "lunchtime").then_some(PartOfDay::Lunch);
        if let Some(part) = part_of_day_word(word).or_else(|| word.strip_suffix('s').and_then(part_of_day_word)).or(lunch) {
            used[k] = true;
            found.get_or_insert(part);
        }
    }
    found
}

/// The words naming people, with the "with" or "and" before them.
fn name_spans(tokens: &[Token], used: &[bool], ctx: &Context) -> Vec<(usize, usize)> {
    contact::find(tokens, used, &ctx.contacts)
        .into_iter()
        .filter(|(m, _, _)| matches!(m, Mention::Known(_)))
        .map(|(_, start, end)| {
            let joined = start > 0 && tokens[start - 1].word().is_some_and(|w| matches!(w, "with" | "and" | "w"));
            (start - usize::from(joined), end)
        })
        .collect()
}

/// The resolved people, or the question to ask about the first one that is unclear.
// The error is the answer itself (a clarification), returned once per command: boxing it
// would only add an allocation.
#[allow(clippy::result_large_err)]
fn people(tokens: &[Token], used: &mut [bool], ctx: &Context) -> Result<Vec<Participant>, Intent> {
    let mut out: Vec<Participant> = Vec::new();
    for (m, start, end) in contact::find(tokens, used, &ctx.contacts) {
        used[start..end].fill(true);
        match m {
            Mention::Known(p) => {
                if !out.iter().any(|q| q.id == p.id) {
                    out.push(p);
                }
            }
            Mention::Ambiguous { said, candidates } => {
                let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
                return Err(clarify(format!("Which {said} do you mean: {}?", names.join(" or ")), Issue::AmbiguousContact { name: said, candidates }));
            }
            Mention::Unknown { said } => {
                return Err(clarify(format!("I don't know who \"{said}\" is. Which of your contacts do you mean?"), Issue::UnknownContact { name: said }));
            }
        }
    }
    Ok(out)
}

/// The name of the person to connect with: the words after "with", "add", "to",
/// "from" or "send", preferring the one followed by a capitalised word.
fn connect_name(text: &str, tokens: &[Token], skip: &[bool]) -> Option<String> {
    // A full name written with capitals anywhere ("a candidate, Valentina Cruz", "Ibrahim
    // Al-Sayed", "Tomás Herrera's calendar") is the one to connect with.
    const VERBS: &[&str] = &["connect", "add", "save", "invite", "please", "could", "can", "would", "i", "hi", "hey", "hello", "send", "set", "dear"];
    let capital = |k: usize| tokens[k].capital && tokens[k].word().is_some_and(|w| !VERBS.contains(&w)) && !skip[k];
    let mut k = 0;
    while k < tokens.len() {
        if !capital(k) {
            k += 1;
            continue;
        }
        let mut end = k + 1;
        let mut words = 1;
        loop {
            let hyphened = tokens.get(end).is_some_and(|t| t.is_punct('-') && t.at.0 == tokens[end - 1].at.1) && end + 1 < tokens.len() && capital(end + 1);
            if hyphened {
                end += 2;
            } else if end < tokens.len() && capital(end) {
                end += 1;
                words += 1;
            } else {
                break;
            }
        }
        if words >= 2 {
            return Some(quote(text, &tokens[k..end]).trim_end_matches("'s").trim_end_matches("’s").to_string());
        }
        k = end;
    }
    let words: Vec<&str> = tokens.iter().map(|t| t.word().unwrap_or("")).collect();
    let filler = |w: &str| matches!(w, "my" | "new" | "an" | "a" | "the" | "contact" | "me");
    let name_start = |k: usize| {
        let mut s = k + 1;
        while s < tokens.len() && (filler(words[s]) || tokens[s].is_punct(':')) {
            s += 1;
        }
        s
    };
    let triggers: Vec<usize> = (0..tokens.len()).filter(|&k| matches!(words[k], "with" | "add" | "save" | "connect" | "invite" | "to" | "from" | "send")).collect();
    // In a sentence written with capitals, the name is the capitalised run after the
    // trigger: "add my new colleague Hannah Schmidt" adds Hannah Schmidt.
    let capital_within = |k: usize| {
        let start = name_start(k);
        (start..tokens.len().min(start + 4)).take_while(|&s| tokens[s].word().is_some()).find(|&s| tokens[s].capital)
    };
    let k = triggers.iter().copied().find(|&k| capital_within(k).is_some()).or_else(|| triggers.first().copied())?;
    let stop = ["as", "to", "on", "from", "please", "and", "a", "an", "the", "my", "contact", "contacts", "invite", "agent", "link"];
    let start = capital_within(k).unwrap_or_else(|| name_start(k));
    let mut end = start;
    while end < tokens.len() && !skip[end] && tokens[end].word().is_some() && !stop.contains(&words[end]) {
        end += 1;
    }
    let name = quote(text, &tokens[start..end]);
    let name = name.trim_end_matches("'s").trim_end_matches("’s");
    (end > start).then(|| name.to_string())
}
