//! Puts the pieces together: classify, find durations, times and people, then build
//! the [`Intent`] or the question to ask.

use jiff::ZonedDateTime;

use super::classify::{self, Kind};
use super::contact::{self, Mention, Participant};
use super::intent::{Intent, Issue, Location};
use super::time_expr::{PartOfDay, TimeExpr};
use super::time_parse::{Options, part_of_day_word};
use super::time_resolve::{self, Found};
use super::token::{Token, quote, tokenize};
use super::{Context, Interpretation, duration, preference};

fn clarify(question: impl Into<String>, issue: Issue) -> Intent {
    Intent::NeedsClarification { question: question.into(), issue }
}

pub(super) fn first_time(text: &str, now: &ZonedDateTime) -> Option<TimeExpr> {
    let tokens = tokenize(text);
    let skip = vec![false; tokens.len()];
    time_resolve::find(&tokens, &skip, Options { to_ranges: true }, now).into_iter().find_map(|f| f.expr)
}

pub(super) fn interpret(text: &str, ctx: &Context) -> Interpretation {
    let tokens = tokenize(text);
    let kind = classify::kind(&tokens);
    let durations = duration::find(&tokens);
    let mut skip = vec![false; tokens.len()];
    for d in &durations {
        skip[d.start..d.end].fill(true);
    }
    let opts = Options { to_ranges: kind != Kind::Reschedule };
    let times = time_resolve::find(&tokens, &skip, opts, &ctx.now);
    for t in &times {
        skip[t.start..t.end].fill(true);
    }
    let time = times.iter().find_map(|f| f.expr.clone());
    let intent = build(text, &tokens, &skip, kind, &durations, &times, ctx);
    Interpretation { intent, time }
}

fn build(
    text: &str,
    tokens: &[Token],
    skip: &[bool],
    kind: Kind,
    durations: &[duration::Found],
    times: &[Found],
    ctx: &Context,
) -> Intent {
    if times.iter().any(|f| f.expr.is_none()) {
        return clarify("That date does not exist. Which day do you mean?", Issue::InvalidDate);
    }
    match kind {
        Kind::Preference => {
            let input = preference::Input { text, tokens, durations, times };
            return match preference::parse(&input) {
                Some(preference) => Intent::SetPreference { preference },
                None => clarify(
                    "Which preference should I change, and to what?",
                    Issue::UnclearPreference,
                ),
            };
        }
        Kind::Connect => {
            return match connect_name(text, tokens, skip) {
                Some(name) => Intent::ConnectContact { name },
                None => clarify("Who should I connect with?", Issue::MissingParticipants),
            };
        }
        Kind::Unknown => {}
        _ => {}
    }
    let participants = match people(tokens, skip, ctx) {
        Ok(p) => p,
        Err(question) => return question,
    };
    let window = times.first().and_then(|f| f.expr.clone());
    let duration_minutes = durations.first().map(|d| d.minutes);
    let meeting_minutes = duration_minutes.or_else(|| times.first().and_then(|f| f.span_minutes));
    let title = title(text, tokens, skip);
    match kind {
        Kind::Explain => Intent::ExplainNegotiation { participants },
        Kind::List => Intent::ListUpcoming { window, participants },
        Kind::Availability => Intent::AskAvailability { participants, window, duration_minutes },
        Kind::Cancel => {
            if participants.is_empty() && window.is_none() && title.is_none() {
                return clarify("Which meeting should I cancel?", Issue::MissingMeeting);
            }
            Intent::Cancel { participants, when: window, title }
        }
        Kind::Reschedule => {
            let is_to = |f: &&Found| {
                f.start > 0 && tokens[f.start - 1].word().is_some_and(|w| matches!(w, "to" | "until" | "till" | "into"))
            };
            let to = times.iter().find(is_to).and_then(|f| f.expr.clone());
            let from = times.iter().find(|f| !is_to(f)).and_then(|f| f.expr.clone());
            if participants.is_empty() && from.is_none() && title.is_none() {
                return clarify("Which meeting should I move?", Issue::MissingMeeting);
            }
            Intent::Reschedule { participants, from, to, title }
        }
        Kind::Schedule | Kind::Unknown if !participants.is_empty() => Intent::Schedule {
            participants,
            duration_minutes: meeting_minutes,
            window,
            part_of_day: part_of_day(tokens, times),
            title,
            location: location(text, tokens, skip),
        },
        Kind::Schedule => clarify("Who should the meeting be with?", Issue::MissingParticipants),
        _ => clarify(
            "Sorry, I did not understand. You can ask me to schedule, move or cancel a meeting, \
             check availability or change a preference.",
            Issue::NotUnderstood,
        ),
    }
}

/// The resolved people, or the question to ask about the first one that is unclear.
// The error is the answer itself (a clarification), returned once per command: boxing it
// would only add an allocation.
#[allow(clippy::result_large_err)]
fn people(tokens: &[Token], skip: &[bool], ctx: &Context) -> Result<Vec<Participant>, Intent> {
    let mut out: Vec<Participant> = Vec::new();
    for m in contact::find(tokens, skip, &ctx.contacts) {
        match m {
            Mention::Known(p) => {
                if !out.iter().any(|q| q.id == p.id) {
                    out.push(p);
                }
            }
            Mention::Ambiguous { said, candidates } => {
                let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
                return Err(clarify(
                    format!("Which {said} do you mean: {}?", names.join(" or ")),
                    Issue::AmbiguousContact { name: said, candidates },
                ));
            }
            Mention::Unknown { said } => {
                return Err(clarify(
                    format!("I don't know who \"{said}\" is. Which of your contacts do you mean?"),
                    Issue::UnknownContact { name: said },
                ));
            }
        }
    }
    Ok(out)
}

fn part_of_day(tokens: &[Token], times: &[Found]) -> Option<PartOfDay> {
    times.iter().find_map(|f| f.part).or_else(|| {
        tokens.iter().filter_map(Token::word).find_map(|w| w.strip_suffix('s').and_then(part_of_day_word))
    })
}

const KINDS: &[(&str, &str)] = &[
    ("lunch", "Lunch"),
    ("coffee", "Coffee"),
    ("dinner", "Dinner"),
    ("breakfast", "Breakfast"),
    ("drinks", "Drinks"),
    ("oneonone", "1:1"),
    ("standup", "Standup"),
    ("sync", "Sync"),
    ("interview", "Interview"),
    ("demo", "Demo"),
    ("review", "Review"),
    ("retro", "Retro"),
];

const TITLE_END: &[&str] = &["with", "on", "at", "via", "over", "for", "and", "please", "tomorrow", "today", "next"];

/// "about the Q3 budget" gives "the Q3 budget"; otherwise the kind of meeting.
fn title(text: &str, tokens: &[Token], skip: &[bool]) -> Option<String> {
    let words: Vec<&str> = tokens.iter().map(|t| t.word().unwrap_or("")).collect();
    if let Some(k) = words.iter().position(|w| matches!(*w, "about" | "regarding" | "re" | "discuss")) {
        let start = k + 1;
        let mut end = start;
        while end < tokens.len()
            && !skip[end]
            && !TITLE_END.contains(&words[end])
            && !tokens[end].is_punct(',')
            && !tokens[end].is_punct('.')
            && !tokens[end].is_punct('?')
        {
            end += 1;
        }
        if end > start {
            return Some(quote(text, &tokens[start..end]).to_string());
        }
    }
    words.iter().find_map(|w| KINDS.iter().find(|(k, _)| k == w).map(|(_, t)| (*t).to_string()))
}

fn location(text: &str, tokens: &[Token], skip: &[bool]) -> Option<Location> {
    let words: Vec<&str> = tokens.iter().map(|t| t.word().unwrap_or("")).collect();
    let has = |w: &str| words.contains(&w);
    for (word, provider) in [("zoom", "Zoom"), ("teams", "Teams"), ("facetime", "FaceTime"), ("hangouts", "Google Meet")] {
        if has(word) {
            return Some(Location::Video { provider: Some(provider.into()) });
        }
    }
    if words.windows(2).any(|w| w == ["google", "meet"]) {
        return Some(Location::Video { provider: Some("Google Meet".into()) });
    }
    if ["video", "videocall", "virtual", "virtually", "online", "remote", "remotely"].iter().any(|w| has(w)) {
        return Some(Location::Video { provider: None });
    }
    if has("phone") {
        return Some(Location::Phone);
    }
    // "at Blue Bottle": capitalised words after "at" that are not a time.
    let place = words.iter().enumerate().find_map(|(k, w)| {
        if *w != "at" || skip.get(k + 1).copied().unwrap_or(true) {
            return None;
        }
        let start = k + 1 + usize::from(words.get(k + 1) == Some(&"the"));
        let mut end = start;
        while end < tokens.len() && !skip[end] && (tokens[end].capital || words[end] == "office") {
            end += 1;
        }
        (end > start).then(|| quote(text, &tokens[start..end]).to_string())
    });
    if place.is_some() || words.windows(2).any(|w| w == ["in", "person"]) {
        return Some(Location::InPerson { place });
    }
    None
}

/// The name of the person to connect with: the words after "with", "add", "to",
/// "from" or "send", preferring the one followed by a capitalised word.
fn connect_name(text: &str, tokens: &[Token], skip: &[bool]) -> Option<String> {
    let words: Vec<&str> = tokens.iter().map(|t| t.word().unwrap_or("")).collect();
    let filler = |w: &str| matches!(w, "my" | "new" | "an" | "a" | "the" | "contact" | "me");
    let name_start = |k: usize| {
        let mut s = k + 1;
        while s < tokens.len() && (filler(words[s]) || tokens[s].is_punct(':')) {
            s += 1;
        }
        s
    };
    let triggers: Vec<usize> = (0..tokens.len())
        .filter(|&k| matches!(words[k], "with" | "add" | "invite" | "to" | "from" | "send"))
        .collect();
    let k = triggers
        .iter()
        .copied()
        .find(|&k| tokens.get(name_start(k)).is_some_and(|t| t.capital))
        .or_else(|| triggers.first().copied())?;
    let stop = ["as", "to", "on", "from", "please", "and", "a", "an", "the", "my", "contact", "contacts", "invite", "agent", "link"];
    let start = name_start(k);
    let mut end = start;
    while end < tokens.len() && !skip[end] && tokens[end].word().is_some() && !stop.contains(&words[end]) {
        end += 1;
    }
    let name = quote(text, &tokens[start..end]);
    let name = name.trim_end_matches("'s").trim_end_matches("’s");
    (end > start).then(|| name.to_string())
}
