//! What a meeting is called and where it is: "about the Q3 budget", a title kept whole
//! ("project sync", "budget review", "1:1"), a meal ("lunch" is a midday meeting called
//! Lunch), and the place or medium ("on Zoom", "at Blue Bottle"). Each claims the words
//! it read.

use super::intent::Location;
use super::time_expr::PartOfDay;
use super::token::{Token, quote};

/// Nouns that name a kind of meeting: a run of words ending in one is a title.
pub(crate) const KIND_NOUNS: &[&str] = &[
    "sync", "review", "planning", "meeting", "call", "standup", "interview", "demo", "retro", "retrospective", "kickoff",
    "workshop", "session", "checkin", "catchup", "brainstorm", "huddle", "presentation", "offsite", "onboarding",
    "walkthrough", "debrief", "briefing", "training", "pitch", "update", "chat", "discussion", "meetup", "lunch", "dinner",
    "breakfast", "coffee", "drinks", "brunch", "oneonone", "prep", "jam", "postmortem", "handoff", "handover", "screen",
    "sprint", "party", "appointment", "consultation", "conversation", "talk", "check", "negotiation", "rehearsal",
    "readout", "committee", "dive", "deepdive", "lunchtime", "intro", "introduction", "sesh", "hangout", "1on1",
    "planning", "standup", "overview", "roadmap", "council", "forum", "panel", "lesson", "class", "tutorial", "crit",
];

/// Kinds too plain to be a title on their own: "a call with Bob" has none.
const PLAIN_KINDS: &[&str] = &["meeting", "call", "chat", "session", "talk", "conversation", "appointment", "check", "sesh", "hangout", "catchup"];

/// Words that never belong to a title.
const NOT_TITLE: &[&str] = &[
    "postpone", "move", "shift", "push", "delay", "cancel", "drop", "reschedule", "bring", "take", "delete", "remove",
    "rebook", "bump", "nix", "scrap", "kill", "clear", "rid", "off", "forward", "back", "every", "each", "weekly",
    "a", "an", "the", "my", "our", "me", "us", "i", "we", "you", "please", "pls", "can", "could", "would", "will", "to",
    "book", "schedule", "set", "up", "find", "arrange", "organise", "organize", "plan", "grab", "put", "get", "make",
    "need", "want", "let", "lets", "some", "quick", "short", "brief", "new", "another", "hey", "hi", "ok", "okay", "and",
    "or", "for", "with", "on", "at", "in", "of", "time", "slot", "just", "also", "have", "do", "it", "that", "this",
    "pencil", "block", "hold", "reserve", "add", "create", "start", "throw", "fit", "squeeze", "like", "is", "are", "be",
    "there", "so", "go", "send", "invite", "meet", "see", "catch", "talk", "speak", "hop", "jump", "try", "look", "any",
    "sometime", "anytime", "maybe", "possibly", "quickly", "asap", "soon", "thanks", "thank",
];

/// Meals: the title, and the part of the day they fall in (none for coffee and drinks).
const MEALS: &[(&str, &str, Option<PartOfDay>)] = &[
    ("lunch", "Lunch", Some(PartOfDay::Lunch)),
    ("breakfast", "Breakfast", Some(PartOfDay::Morning)),
    ("dinner", "Dinner", Some(PartOfDay::Evening)),
    ("brunch", "Brunch", None),
    ("coffee", "Coffee", None),
    ("drinks", "Drinks", None),
];

/// One-word kinds and their titles.
const KINDS: &[(&str, &str)] = &[
    ("oneonone", "1:1"),
    ("standup", "Standup"),
    ("sync", "Sync"),
    ("interview", "Interview"),
    ("demo", "Demo"),
    ("review", "Review"),
    ("retro", "Retro"),
];

/// A title and, for a meal, the part of the day it implies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Named {
    pub(crate) title: Option<String>,
    pub(crate) meal_part: Option<PartOfDay>,
}

fn w(tokens: &[Token], i: usize) -> &str {
    tokens.get(i).and_then(Token::word).unwrap_or("")
}

/// "1:1", "1-on-1", "one on one" at `i`: how many tokens.
fn one_on_one(tokens: &[Token], i: usize) -> Option<usize> {
    let one = |k: usize| tokens.get(k).and_then(Token::num) == Some(1);
    if one(i) && tokens.get(i + 1).is_some_and(|t| t.is_punct(':')) && one(i + 2) {
        return Some(3);
    }
    if one(i) && tokens.get(i + 1).is_some_and(|t| t.is_punct('-')) && w(tokens, i + 2) == "on" && tokens.get(i + 3).is_some_and(|t| t.is_punct('-')) && one(i + 4) {
        return Some(5);
    }
    if one(i) && w(tokens, i + 1) == "on" && one(i + 2) {
        return Some(3);
    }
    None
}

/// The title and meal, claiming their tokens in `used`.
pub(crate) fn read(text: &str, tokens: &[Token], used: &mut [bool]) -> Named {
    // "about the Q3 budget", "re: hiring", "to discuss the roadmap".
    if let Some(k) = (0..tokens.len()).find(|&k| !used[k] && matches!(w(tokens, k), "about" | "regarding" | "re" | "discuss" | "re:")) {
        let mut start = k + 1;
        while tokens.get(start).is_some_and(|t| t.is_punct(':')) {
            start += 1;
        }
        let mut end = start;
        while end < tokens.len() && !used[end] && !matches!(w(tokens, end), "with" | "on" | "at" | "via" | "over" | "and" | "please" | "for") && !tokens[end].is_punct(',') && !tokens[end].is_punct('.') && !tokens[end].is_punct('?') {
            end += 1;
        }
        if end > start {
            used[k..end].fill(true);
            return Named { title: Some(quote(text, &tokens[start..end]).to_string()), meal_part: claim_meal(tokens, used) };
        }
    }
    // A title in quotes: "put a 'pricing deep dive' with Grace".
    let quote_at = |k: usize| tokens[k].is_punct('\'') || tokens[k].is_punct('"') || tokens[k].is_punct('‘') || tokens[k].is_punct('’') || tokens[k].is_punct('“') || tokens[k].is_punct('”');
    if let Some(open) = (0..tokens.len()).find(|&k| quote_at(k) && !used[k])
        && let Some(close) = (open + 2..tokens.len()).find(|&k| quote_at(k))
        && (open + 1..close).all(|k| !used[k])
    {
        used[open..=close].fill(true);
        return Named { title: Some(quote(text, &tokens[open + 1..close]).to_string()), meal_part: None };
    }
    // "a meeting titled Vendor Selection", "called 'Q3 plan'".
    if let Some(k) = (0..tokens.len()).find(|&k| !used[k] && matches!(w(tokens, k), "titled" | "called" | "named" | "entitled")) {
        let start = k + 1;
        let mut end = start;
        while end < tokens.len() && !used[end] && !matches!(w(tokens, end), "with" | "on" | "at" | "for" | "and" | "please") && !tokens[end].is_punct(',') && !tokens[end].is_punct('.') {
            end += 1;
        }
        if end > start {
            used[k..end].fill(true);
            return Named { title: Some(quote(text, &tokens[start..end]).trim_matches(['\'', '"']).to_string()), meal_part: None };
        }
    }
    // "1:1 with Oliver".
    if let Some((k, n)) = (0..tokens.len()).find_map(|k| one_on_one(tokens, k).filter(|_| !used[k]).map(|n| (k, n))) {
        used[k..k + n].fill(true);
        return Named { title: Some("1:1".into()), meal_part: None };
    }
    // A run of words ending in a kind of meeting: "project sync", "budget review".
    for end in 0..tokens.len() {
        let noun = w(tokens, end);
        if used[end] || !KIND_NOUNS.contains(&noun) {
            continue;
        }
        let mut start = end;
        loop {
            let word_before = start > 0 && !used[start - 1] && tokens[start - 1].word().is_some_and(|word| !NOT_TITLE.contains(&word));
            // "all-hands prep": a hyphen inside a title keeps it whole.
            let hyphen_before = start > 1 && tokens[start - 1].is_punct('-') && !used[start - 2] && tokens[start - 2].word().is_some_and(|word| !NOT_TITLE.contains(&word));
            // "Q2 planning", "H1 review", "FY27 budget review", "v2.1 release retro".
            let code_before = start > 1 && !used[start - 1] && tokens[start - 1].num().is_some() && matches!(w(tokens, start - 2), "q" | "h" | "fy" | "v") && tokens[start - 2].at.1 == tokens[start - 1].at.0;
            let version_before = start > 3
                && !used[start - 4..start].iter().any(|u| *u)
                && tokens[start - 1].num().is_some()
                && tokens[start - 2].is_punct('.')
                && tokens[start - 3].num().is_some()
                && matches!(w(tokens, start - 4), "v");
            // "Sales and Marketing sync", "Q&A": names joined inside the title.
            let joined_before = start > 1
                && !used[start - 1]
                && !used[start - 2]
                && (tokens[start - 1].is("and") && tokens[start - 2].capital && tokens[start].capital || tokens[start - 1].is_punct('&') && tokens[start - 2].word().is_some());
            if version_before {
                start -= 4;
            } else if word_before {
                start -= 1;
            } else if hyphen_before || code_before || joined_before {
                start -= 2;
            } else {
                break;
            }
        }
        // "coffee after my yoga class": the class is something the owner does, not the
        // meeting; it is left for the question.
        let possessive = start > 0 && matches!(w(tokens, start - 1), "my" | "her" | "his" | "their" | "our" | "your");
        if possessive && start > 1 && matches!(w(tokens, start - 2), "after" | "before" | "until" | "till" | "once" | "when" | "following") {
            continue;
        }

        // "check in", "catch up" written apart; "sprint planning", "demo rehearsal": the
        // kind nouns that follow belong to the same title.
        let mut stop = end + 1;
        while stop < tokens.len() && !used[stop] && KIND_NOUNS.contains(&w(tokens, stop)) {
            stop += 1;
        }
        if matches!(noun, "check") && w(tokens, end + 1) == "in" {
            stop += 1;
        } else if matches!(noun, "check") && tokens.get(end + 1).is_some_and(|t| t.is_punct('-')) && w(tokens, end + 2) == "in" {
            stop += 2;
        }
        // "the kickoff for Project Atlas": a capitalised name after "for" is the title's.
        if w(tokens, stop) == "for" && (stop + 1..tokens.len()).take_while(|&k| !used[k] && tokens[k].capital && tokens[k].word().is_some()).count() > 0 {
            stop += 1;
            while stop < tokens.len() && !used[stop] && tokens[stop].capital && tokens[stop].word().is_some() {
                stop += 1;
            }
        }
        // "lunch meeting": the meal is the title.
        if stop == end + 2 && w(tokens, end + 1) == "meeting" && let Some((_, title, part)) = MEALS.iter().find(|(m, _, _)| *m == noun) {
            used[start..stop].fill(true);
            return Named { title: Some((*title).to_string()), meal_part: *part };
        }
        let alone = start == end && stop == end + 1 && !PLAIN_KINDS.contains(&noun) && !MEALS.iter().any(|(m, _, _)| *m == noun) && !KINDS.iter().any(|(k, _)| *k == noun);
        if start < end || alone || stop > end + 1 {
            used[start..stop].fill(true);
            let meal = MEALS.iter().find(|(m, _, _)| *m == noun).and_then(|(_, _, part)| *part);
            return Named { title: Some(quote(text, &tokens[start..stop]).to_string()), meal_part: meal };
        }
    }
    // A meal or a one-word kind.
    for k in 0..tokens.len() {
        if used[k] {
            continue;
        }
        let word = w(tokens, k);
        if let Some((_, title, part)) = MEALS.iter().find(|(m, _, _)| *m == word) {
            used[k] = true;
            return Named { title: Some((*title).to_string()), meal_part: *part };
        }
        if let Some((_, title)) = KINDS.iter().find(|(kind, _)| *kind == word) {
            used[k] = true;
            return Named { title: Some((*title).to_string()), meal_part: None };
        }
    }
    Named::default()
}

/// The part of the day a meal word implies, claiming the word.
fn claim_meal(tokens: &[Token], used: &mut [bool]) -> Option<PartOfDay> {
    let k = (0..tokens.len()).find(|&k| !used[k] && MEALS.iter().any(|(m, _, _)| *m == w(tokens, k)))?;
    used[k] = true;
    MEALS.iter().find(|(m, _, _)| *m == w(tokens, k)).and_then(|(_, _, part)| *part)
}

/// Where the meeting is, claiming the words read.
pub(crate) fn location(text: &str, tokens: &[Token], used: &mut [bool]) -> Option<Location> {
    let words: Vec<&str> = tokens.iter().map(|t| t.word().unwrap_or("")).collect();
    let mut claim = |word: &str| {
        for (k, w) in words.iter().enumerate() {
            if *w == word {
                used[k] = true;
                if k > 0 && matches!(words[k - 1], "on" | "via" | "over" | "by" | "a") {
                    used[k - 1] = true;
                }
            }
        }
    };
    for (word, provider) in [("zoom", "Zoom"), ("teams", "Teams"), ("facetime", "FaceTime"), ("hangouts", "Google Meet"), ("webex", "Webex"), ("skype", "Skype")] {
        if words.contains(&word) {
            claim(word);
            return Some(Location::Video { provider: Some(provider.into()) });
        }
    }
    if let Some(k) = words.windows(2).position(|w| w == ["google", "meet"]) {
        used[k..k + 2].fill(true);
        return Some(Location::Video { provider: Some("Google Meet".into()) });
    }
    for word in ["video", "videocall", "virtual", "virtually", "online", "remote", "remotely"] {
        if words.contains(&word) {
            claim(word);
            return Some(Location::Video { provider: None });
        }
    }
    if words.contains(&"phone") {
        claim("phone");
        return Some(Location::Phone);
    }
    // "at Blue Bottle": capitalised words after "at" that are nothing else.
    let place = words.iter().enumerate().find_map(|(k, w)| {
        if *w != "at" || used.get(k + 1).copied().unwrap_or(true) {
            return None;
        }
        let start = k + 1 + usize::from(words.get(k + 1) == Some(&"the"));
        let mut end = start;
        while end < tokens.len() && !used[end] && (tokens[end].capital || words[end] == "office") {
            end += 1;
        }
        (end > start).then(|| (k, end, quote(text, &tokens[start..end]).to_string()))
    });
    if let Some((k, end, place)) = place {
        used[k..end].fill(true);
        return Some(Location::InPerson { place: Some(place) });
    }
    if let Some(k) = words.windows(2).position(|w| w == ["in", "person"]) {
        used[k..k + 2].fill(true);
        return Some(Location::InPerson { place: None });
    }
    None
}
