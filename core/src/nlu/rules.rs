//! The words that shape *when* without naming a window: recurrence ("every Tuesday"),
//! negations ("not mornings", "no Fridays", "except the 10th"), bounds ("before 11am",
//! "after 3", "no later than 4", "by Friday") and a stated zone ("3pm London time",
//! "8:00 PST"). Read before the time grammar, which then never mistakes "not Friday" for
//! a window on Friday; each claims the tokens it read, so nothing is read twice and
//! nothing is silently dropped.

use jiff::civil::Time;

use super::time_expr::{PartOfDay, Weekday};
use super::time_parse::part_of_day_word;
use super::token::Token;

/// What the words around the windows say.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    /// The words that make the request recurring, as written.
    pub(crate) recurring: Option<String>,
    /// Parts of the day to stay out of.
    pub(crate) exclude_parts: Vec<PartOfDay>,
    /// Weekdays to stay out of.
    pub(crate) exclude_weekdays: Vec<Weekday>,
    /// Token ranges of dates to stay out of ("not on the 10th", "except Monday morning").
    pub(crate) exclude_spans: Vec<(usize, usize)>,
    /// Clock bounds: the earliest start and the latest end, as token ranges of the time.
    pub(crate) earliest: Option<(usize, usize)>,
    pub(crate) latest: Option<(usize, usize)>,
    /// A date the window ends before (its token range, and whether that day is kept:
    /// "by Friday" keeps Friday, "before Friday" does not).
    pub(crate) until: Option<(usize, usize, bool)>,
    /// A date the window starts after (its token range, and whether that day is in:
    /// "from the 16th on" keeps it, "after the 16th" does not).
    pub(crate) after: Option<(usize, usize, bool)>,
    /// A bound said in words rather than as a clock ("after lunch" starts at 13:00,
    /// "before lunch" ends at 12:00).
    pub(crate) earliest_at: Option<Time>,
    pub(crate) latest_at: Option<Time>,
    /// A preferred part of the day, only for ranking.
    pub(crate) prefer_part: Option<PartOfDay>,
    /// The zone the owner stated.
    pub(crate) zone: Option<&'static str>,
    /// Words about when that the agent cannot act on ("at 9am his time"), as written.
    pub(crate) unsupported: Option<String>,
    /// A part of the day narrowed by "early" or "late" ("late afternoon"), and its bounds.
    pub(crate) part: Option<PartOfDay>,
    pub(crate) part_bounds: Option<(Time, Time)>,
}

/// Zone abbreviations owners write after a time.
const ZONE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("pst", "America/Los_Angeles"),
    ("pdt", "America/Los_Angeles"),
    ("pt", "America/Los_Angeles"),
    ("est", "America/New_York"),
    ("edt", "America/New_York"),
    ("et", "America/New_York"),
    ("cst", "America/Chicago"),
    ("cdt", "America/Chicago"),
    ("ct", "America/Chicago"),
    ("mst", "America/Denver"),
    ("mdt", "America/Denver"),
    ("gmt", "Europe/London"),
    ("bst", "Europe/London"),
    ("utc", "UTC"),
    ("cet", "Europe/Berlin"),
    ("cest", "Europe/Berlin"),
    ("ist", "Asia/Kolkata"),
    ("jst", "Asia/Tokyo"),
    ("sgt", "Asia/Singapore"),
    ("aest", "Australia/Sydney"),
    ("aedt", "Australia/Sydney"),
];

/// Places owners name a zone by ("London time", "New York time").
const ZONE_PLACES: &[(&[&str], &str)] = &[
    (&["london"], "Europe/London"),
    (&["uk"], "Europe/London"),
    (&["berlin"], "Europe/Berlin"),
    (&["german"], "Europe/Berlin"),
    (&["paris"], "Europe/Paris"),
    (&["madrid"], "Europe/Madrid"),
    (&["amsterdam"], "Europe/Amsterdam"),
    (&["dublin"], "Europe/Dublin"),
    (&["tokyo"], "Asia/Tokyo"),
    (&["japan"], "Asia/Tokyo"),
    (&["singapore"], "Asia/Singapore"),
    (&["sydney"], "Australia/Sydney"),
    (&["india"], "Asia/Kolkata"),
    (&["indian"], "Asia/Kolkata"),
    (&["mumbai"], "Asia/Kolkata"),
    (&["delhi"], "Asia/Kolkata"),
    (&["bangalore"], "Asia/Kolkata"),
    (&["kolkata"], "Asia/Kolkata"),
    (&["new", "york"], "America/New_York"),
    (&["ny"], "America/New_York"),
    (&["nyc"], "America/New_York"),
    (&["eastern"], "America/New_York"),
    (&["east", "coast"], "America/New_York"),
    (&["chicago"], "America/Chicago"),
    (&["central"], "America/Chicago"),
    (&["denver"], "America/Denver"),
    (&["mountain"], "America/Denver"),
    (&["la"], "America/Los_Angeles"),
    (&["los", "angeles"], "America/Los_Angeles"),
    (&["san", "francisco"], "America/Los_Angeles"),
    (&["sf"], "America/Los_Angeles"),
    (&["seattle"], "America/Los_Angeles"),
    (&["pacific"], "America/Los_Angeles"),
    (&["west", "coast"], "America/Los_Angeles"),
    (&["toronto"], "America/Toronto"),
    (&["dubai"], "Asia/Dubai"),
    (&["hong", "kong"], "Asia/Hong_Kong"),
    (&["shanghai"], "Asia/Shanghai"),
    (&["beijing"], "Asia/Shanghai"),
    (&["sao", "paulo"], "America/Sao_Paulo"),
    (&["utc"], "UTC"),
    (&["gmt"], "Europe/London"),
    (&["rome"], "Europe/Rome"),
    (&["milan"], "Europe/Rome"),
    (&["lisbon"], "Europe/Lisbon"),
    (&["brussels"], "Europe/Brussels"),
    (&["vienna"], "Europe/Vienna"),
    (&["zurich"], "Europe/Zurich"),
    (&["stockholm"], "Europe/Stockholm"),
    (&["oslo"], "Europe/Oslo"),
    (&["copenhagen"], "Europe/Copenhagen"),
    (&["helsinki"], "Europe/Helsinki"),
    (&["warsaw"], "Europe/Warsaw"),
    (&["prague"], "Europe/Prague"),
    (&["athens"], "Europe/Athens"),
    (&["istanbul"], "Europe/Istanbul"),
    (&["moscow"], "Europe/Moscow"),
    (&["cairo"], "Africa/Cairo"),
    (&["nairobi"], "Africa/Nairobi"),
    (&["lagos"], "Africa/Lagos"),
    (&["johannesburg"], "Africa/Johannesburg"),
    (&["seoul"], "Asia/Seoul"),
    (&["korea"], "Asia/Seoul"),
    (&["manila"], "Asia/Manila"),
    (&["jakarta"], "Asia/Jakarta"),
    (&["bangkok"], "Asia/Bangkok"),
    (&["taipei"], "Asia/Taipei"),
    (&["auckland"], "Pacific/Auckland"),
    (&["melbourne"], "Australia/Melbourne"),
    (&["brisbane"], "Australia/Brisbane"),
    (&["perth"], "Australia/Perth"),
    (&["vancouver"], "America/Vancouver"),
    (&["montreal"], "America/Toronto"),
    (&["mexico", "city"], "America/Mexico_City"),
    (&["bogota"], "America/Bogota"),
    (&["lima"], "America/Lima"),
    (&["santiago"], "America/Santiago"),
    (&["buenos", "aires"], "America/Argentina/Buenos_Aires"),
    (&["boston"], "America/New_York"),
    (&["atlanta"], "America/New_York"),
    (&["miami"], "America/New_York"),
    (&["dallas"], "America/Chicago"),
    (&["houston"], "America/Chicago"),
    (&["austin"], "America/Chicago"),
    (&["phoenix"], "America/Phoenix"),
    (&["honolulu"], "Pacific/Honolulu"),
    (&["hawaii"], "Pacific/Honolulu"),
    (&["anchorage"], "America/Anchorage"),
    (&["karachi"], "Asia/Karachi"),
    (&["dhaka"], "Asia/Dhaka"),
    (&["kathmandu"], "Asia/Kathmandu"),
    (&["tehran"], "Asia/Tehran"),
    (&["riyadh"], "Asia/Riyadh"),
    (&["tel", "aviv"], "Asia/Jerusalem"),
    (&["jerusalem"], "Asia/Jerusalem"),
    (&["sao", "paolo"], "America/Sao_Paulo"),
    (&["rio"], "America/Sao_Paulo"),
];

/// Words that start a negation's scope.
const NEGATIONS: &[&[&str]] = &[
    &["not"],
    &["no"],
    &["except"],
    &["excluding"],
    &["exclude"],
    &["avoid"],
    &["avoiding"],
    &["but", "not"],
    &["other", "than"],
    &["apart", "from"],
    &["besides"],
    &["never"],
    &["nothing"],
    &["dont"],
    &["do", "not"],
    &["cant", "do"],
    &["cannot", "do"],
    &["anything", "but"],
    &["any", "day", "but"],
    &["rule", "out"],
    // "I'm busy in the afternoon", "he's busy on Tuesday" (but "am I busy…?" asks).
    &["i", "am", "busy"],
    &["we", "are", "busy"],
    &["were", "busy"],
    &["he", "busy"],
    &["she", "busy"],
    &["he", "is", "busy"],
    &["she", "is", "busy"],
    &["they", "are", "busy"],
    &["theyre", "busy"],
    &["isnt"],
    &["is", "not"],
    &["away", "from"],
    &["out", "of"],
    &["clear", "of"],
    &["anytime", "but"],
];

/// What follows a part of the day or a weekday to rule it out: "mornings don't work",
/// "Tuesday's a no-go", "Fridays are out".
const RULED_OUT_AFTER: &[&[&str]] = &[
    &["dont", "work"],
    &["doesnt", "work"],
    &["wont", "work"],
    &["do", "not", "work"],
    &["does", "not", "work"],
    &["will", "not", "work"],
    &["are", "out"],
    &["is", "off", "the", "table"],
    &["are", "off", "the", "table"],
    &["is", "out"],
    &["out"],
    &["a", "no", "", "go"],
    &["is", "a", "no", "", "go"],
    &["are", "a", "no", "", "go"],
    &["no", "", "go"],
    &["a", "no", "go"],
    &["no", "go"],
    &["excluded"],
    &["are", "excluded"],
    &["is", "excluded"],
    &["not", "possible"],
    &["is", "not", "possible"],
    &["are", "not", "possible"],
    &["wont", "work", "for", "me"],
    &["are", "taken"],
    &["is", "taken"],
    &["nogo"],
    &["are", "bad"],
    &["is", "bad"],
    &["are", "no", "good"],
    &["is", "no", "good"],
    &["are", "busy"],
    &["is", "busy"],
    &["im", "busy"],
    &["i", "am", "busy"],
    &["are", "off", "limits"],
    &["is", "off", "limits"],
    &["off", "limits"],
    &["impossible"],
    &["are", "impossible"],
    &["is", "impossible"],
    &["are", "blocked"],
    &["is", "blocked"],
];

/// Words that may sit between a negation and what it negates.
const NEGATION_FILLERS: &[&str] = &["available", "free", "on", "in", "the", "a", "an", "any", "during", "at", "over", "around", "for", "too", "so", "that", "those", "put", "it", "book", "schedule", "make", "want", "do", "have", "meet", "anything", "something", "me"];

fn w(tokens: &[Token], i: usize) -> &str {
    tokens.get(i).and_then(Token::word).unwrap_or("")
}

fn seq(tokens: &[Token], i: usize, words: &[&str]) -> bool {
    words.iter().enumerate().all(|(k, word)| w(tokens, i + k) == *word)
}

/// Reads the rules and claims their tokens in `used`.
///
/// `existing`: the command is about a meeting already booked, so "the quarterly review"
/// is its name; asking for a new one, "a quarterly review" may be a series, and is asked.
pub(crate) fn read(tokens: &[Token], used: &mut [bool], existing: bool) -> Rules {
    let mut rules = Rules::default();
    recurrence(tokens, used, &mut rules, existing);
    zone(tokens, used, &mut rules);
    preference(tokens, used, &mut rules);
    // "any weekday next week": Monday to Friday.
    for i in 0..tokens.len() {
        if !used[i] && matches!(w(tokens, i), "weekday" | "weekdays" | "workday" | "workdays") && !(i > 0 && matches!(w(tokens, i - 1), "every" | "each")) {
            for day in [Weekday::Saturday, Weekday::Sunday] {
                if !rules.exclude_weekdays.contains(&day) {
                    rules.exclude_weekdays.push(day);
                }
            }
            used[i] = true;
        }
    }
    fallbacks(tokens, used);
    let but_negates = tokens.iter().any(|t| matches!(t.word(), Some("any" | "anytime" | "anything" | "except")));
    let mut i = 0;
    while i < tokens.len() {
        if used[i] {
            i += 1;
            continue;
        }
        if but_negates && w(tokens, i) == "but" && !matches!(w(tokens, i + 1), "not" | "no" | "only") {
            if let Some(next) = negation_scope(tokens, used, i, i + 1, &mut rules) {
                i = next;
                continue;
            }
        }
        let next = negation(tokens, used, i, &mut rules).or_else(|| ruled_out(tokens, used, i, &mut rules)).or_else(|| bound(tokens, used, i, &mut rules));
        i = next.unwrap_or(i + 1);
    }
    rules
}

/// Words that soften rather than rule, claimed before negations read them: the fallback
/// in "or if that does not suit her" and "if nothing's open" (the windows read the "or"
/// itself), and "no rush", "if it's not too much trouble".
fn fallbacks(tokens: &[Token], used: &mut [bool]) {
    for i in 0..tokens.len() {
        // "no rush", "no hurry", "if it's not too much trouble": not a negation of anything.
        if w(tokens, i) == "no" && matches!(w(tokens, i + 1), "rush" | "hurry" | "pressure") {
            used[i..i + 2].fill(true);
        }
        if seq(tokens, i, &["not", "too", "much", "trouble"]) {
            used[i..i + 4].fill(true);
        }
        if w(tokens, i) != "if" {
            continue;
        }
        let mut j = i + 1;
        let subject = matches!(w(tokens, j), "that" | "it" | "this" | "those" | "nothing" | "neither");
        if !subject {
            continue;
        }
        let nothing = matches!(w(tokens, j), "nothing" | "neither");
        j += 1;
        let negated = match (w(tokens, j), w(tokens, j + 1)) {
            ("does" | "do" | "is" | "can" | "will", "not") => 2,
            ("doesnt" | "dont" | "isnt" | "cant" | "wont", _) => 1,
            _ => 0,
        };
        if negated == 0 && !nothing {
            continue;
        }
        j += negated;
        if nothing && matches!(w(tokens, j), "is" | "s") {
            j += 1;
        }
        if !matches!(w(tokens, j), "suit" | "suits" | "work" | "works" | "fit" | "fits" | "available" | "possible" | "open" | "free" | "happen") {
            continue;
        }
        j += 1;
        if matches!(w(tokens, j), "her" | "him" | "them" | "you" | "me" | "us" | "out") {
            j += 1;
        }
        if (i..j).all(|k| !used[k]) {
            used[i..j].fill(true);
        }
    }
}

/// "every Tuesday", "weekly", "each morning", "every other Friday", "daily standup";
/// "not a recurring thing" and "one-off" are the opposite and are claimed too.
fn recurrence(tokens: &[Token], used: &mut [bool], rules: &mut Rules, existing: bool) {
    for i in 0..tokens.len() {
        let word = w(tokens, i);
        let negated = i > 0 && matches!(w(tokens, i - 1), "not" | "non" | "never") || i > 1 && w(tokens, i - 1) == "a" && w(tokens, i - 2) == "not";
        match word {
            "every" | "each" => {
                let mut end = i + 1;
                if w(tokens, end) == "other" || w(tokens, end) == "second" {
                    end += 1;
                }
                let unit = w(tokens, end);
                let repeats = Weekday::parse(unit).is_some()
                    || part_of_day_word(unit.strip_suffix('s').unwrap_or(unit)).is_some()
                    || matches!(unit, "day" | "week" | "month" | "weekday" | "weekdays" | "workday" | "morning" | "evening" | "night" | "year" | "quarter" | "time")
                    || tokens.get(end).is_some_and(|t| t.num().is_some());
                if repeats {
                    // "every 2 weeks": the unit after the number is part of it.
                    let last = if tokens.get(end).is_some_and(|t| t.num().is_some()) && !w(tokens, end + 1).is_empty() { end + 1 } else { end };
                    rules.recurring.get_or_insert_with(|| quote_words(tokens, i, last + 1));
                    used[i..=last.min(tokens.len() - 1)].fill(true);
                    used[i..=end.min(tokens.len() - 1)].fill(true);
                }
            }
            "weekly" | "daily" | "biweekly" | "fortnightly" | "monthly" | "quarterly" | "recurring" | "recurrent" | "repeating" | "standing" | "regular" | "nightly"
                if !negated =>
            {
                // "the daily report" names a document, and "move the quarterly planning"
                // a meeting booked: neither repeats the meeting asked for.
                let names_a_document = matches!(w(tokens, i + 1), "report" | "reports" | "results" | "summary" | "digest" | "newsletter" | "numbers" | "email" | "metrics" | "budget");
                if names_a_document || existing && word == "quarterly" && matches!(w(tokens, i + 1), "planning" | "review" | "business" | "offsite") {
                    continue;
                }
                // "bi-weekly".
                let start = if i >= 2 && tokens[i - 1].is_punct('-') && matches!(w(tokens, i - 2), "bi" | "semi" | "tri") { i - 2 } else { i };
                rules.recurring.get_or_insert_with(|| quote_words(tokens, start, i + 1).replace(" - ", "-"));
                used[start..=i].fill(true);
            }
            "recurring" | "recurrent" | "repeating" => {
                // "not a recurring thing": claimed with its negation, and not recurring.
                used[i] = true;
                used[i - 1] = true;
            }
            _ => {}
        }
    }
    for i in 0..tokens.len() {
        // "twice a week", "three times a month", "going forward", "from now on".
        let times_a = (matches!(w(tokens, i), "twice" | "thrice") || tokens[i].num().is_some() && w(tokens, i + 1) == "times")
            && (matches!(w(tokens, i + 1), "a" | "per") || w(tokens, i + 2) == "a" || w(tokens, i + 2) == "per");
        if times_a {
            let end = (i + 1..tokens.len().min(i + 5)).find(|&k| matches!(w(tokens, k), "week" | "month" | "day")).map(|k| k + 1);
            if let Some(end) = end {
                rules.recurring.get_or_insert_with(|| quote_words(tokens, i, end));
                used[i..end].fill(true);
            }
        }
        for phrase in [&["going", "forward"][..], &["from", "now", "on"], &["on", "an", "ongoing", "basis"], &["every", "so", "often"]] {
            if seq(tokens, i, phrase) {
                rules.recurring.get_or_insert_with(|| quote_words(tokens, i, i + phrase.len()));
                used[i..i + phrase.len()].fill(true);
            }
        }
        let one = tokens[i].num() == Some(1) && tokens[i].raw.eq_ignore_ascii_case("one");
        if one && tokens.get(i + 1).is_some_and(|t| t.is_punct('-')) && w(tokens, i + 2) == "off" {
            used[i..i + 3].fill(true);
        } else if one && w(tokens, i + 1) == "off" {
            used[i..i + 2].fill(true);
        } else if seq(tokens, i, &["oneoff"]) {
            used[i] = true;
        }
        if seq(tokens, i, &["not", "a", "recurring"]) || seq(tokens, i, &["not", "recurring"]) {
            used[i..(i + if w(tokens, i + 1) == "a" { 3 } else { 2 })].fill(true);
        }
        if seq(tokens, i, &["just", "once"]) || (w(tokens, i) == "once" && !matches!(w(tokens, i + 1), "a" | "every" | "per")) {
            used[i] = true;
        }
    }
}

fn quote_words(tokens: &[Token], start: usize, end: usize) -> String {
    tokens[start..end.min(tokens.len())].iter().map(|t| t.raw.to_lowercase()).collect::<Vec<_>>().join(" ")
}

/// "8:00 PST", "3pm London time", "9am Berlin time", "noon ET", "in my time" is not one.
fn zone(tokens: &[Token], used: &mut [bool], rules: &mut Rules) {
    for i in 0..tokens.len() {
        // "9am his time": whose zone is not known here; asked about, never guessed.
        if matches!(w(tokens, i), "his" | "her" | "their" | "your") && w(tokens, i + 1) == "time" {
            rules.unsupported.get_or_insert_with(|| quote_words(tokens, i, i + 2));
            used[i..i + 2].fill(true);
            continue;
        }
        let after_time = i > 0 && (tokens[i - 1].num().is_some() || matches!(w(tokens, i - 1), "am" | "pm" | "noon" | "midnight"));
        if after_time && let Some(&(_, zone)) = ZONE_ABBREVIATIONS.iter().find(|(abbr, _)| *abbr == w(tokens, i)) {
            rules.zone = Some(zone);
            used[i] = true;
            if w(tokens, i + 1) == "time" {
                used[i + 1] = true;
            }
            continue;
        }
        for &(place, zone) in ZONE_PLACES {
            let n = place.len();
            let folded: Vec<String> = (i..i + n).map(|k| super::contact::fold(w(tokens, k))).collect();
            let here = folded.iter().zip(place.iter()).all(|(a, b)| a == b) && folded.len() == n;
            // "10am Pacific", "4pm eastern": a region right after a time is its zone.
            let region = matches!(place, ["pacific"] | ["eastern"] | ["central"] | ["mountain"]) && after_time;
            if here && (w(tokens, i + n) == "time" || region) {
                rules.zone = Some(zone);
                let end = if w(tokens, i + n) == "time" { i + n + 1 } else { i + n };
                used[i..end].fill(true);
                // "(in) London time", "on Berlin time".
                if i > 0 && matches!(w(tokens, i - 1), "in" | "on") {
                    used[i - 1] = true;
                }
            }
        }
    }
}

/// What follows a part of the day to make it a wish, not a rule.
const SOFT_AFTER: &[&[&str]] = &[
    &["if", "at", "all", "possible"],
    &["if", "that", "works"],
    &["if", "it", "works"],
    &["if", "we", "can"],
    &["is", "preferable"],
    &["are", "preferable"],
    &["preferable"],
    &["is", "best"],
    &["are", "best"],
    &["is", "ideal"],
    &["are", "ideal"],
    &["slot", "would", "be", "nice"],
    &["slot", "would", "be", "great"],
    &["slot", "if", "possible"],
    &["would", "be", "lovely"],
    &["if", "possible"],
    &["if", "you", "can"],
    &["would", "be", "best"],
    &["would", "be", "ideal"],
    &["would", "be", "nice"],
    &["would", "be", "great"],
    &["would", "be", "my", "preference"],
    &["are", "my", "preference"],
    &["is", "my", "preference"],
    &["are", "better"],
    &["is", "better"],
    &["work", "best"],
    &["works", "best"],
    &["preferred"],
    &["preferably"],
    &["ideally"],
    &["by", "preference"],
    &["thatd", "be", "great"],
    &["that", "would", "be", "great"],
    &["would", "be", "good"],
    &["would", "be", "nicer"],
    &["if", "we", "can", "swing", "it"],
    &["if", "you", "can", "manage", "it"],
    &["if", "we", "can", "manage", "it"],
    &["if", "you", "can", "manage"],
    &["if", "you", "can", "swing", "it"],
    &["would", "be", "better"],
    &["would", "be", "preferable"],
    &["are", "nicer"],
    &["is", "nicer"],
    &["would", "suit", "me", "best"],
    &["suits", "me", "best"],
];

/// "preferably mornings", "ideally in the afternoon", "mornings if possible", "mornings
/// are better": a part of the day for ranking, never a rule.
fn preference(tokens: &[Token], used: &mut [bool], rules: &mut Rules) {
    narrowed_part(tokens, used, rules);
    const SOFT_BEFORE: &[&str] = &["nice", "lovely", "great", "preferably", "preferrably", "prefferably", "ideally", "prefer", "preferred", "ideal", "hopefully", "rather", "best", "try", "aim", "possible", "towards", "toward", "lean", "leaning"];
    for i in 0..tokens.len() {
        let Some(part) = part_word(w(tokens, i)) else { continue };
        let lead = (i.saturating_sub(8)..i).rev().find(|&k| SOFT_BEFORE.contains(&w(tokens, k)));
        let trailing_soft = SOFT_AFTER.iter().any(|words| seq(tokens, i + 1, words));
        // "in the evening if she's up for it, otherwise whenever": a fallback to any time
        // later in the sentence makes the part a wish.
        let sentence_end = (i + 1..tokens.len()).find(|&k| tokens[k].is_punct('.') || tokens[k].is_punct('?') || tokens[k].is_punct('!') || tokens[k].is_punct(';')).unwrap_or(tokens.len());
        let fallback = (i + 1..sentence_end).find_map(|k| SOFT_TAIL.iter().find(|words| seq(tokens, k, words)).map(|words| (k, words.len())));
        if lead.is_none() && !trailing_soft && let Some((k, n)) = fallback {
            rules.prefer_part = Some(part);
            used[i] = true;
            used[k..k + n].fill(true);
            // "if she's up for it" between them.
            for m in i + 1..k {
                if matches!(w(tokens, m), "if" | "she" | "he" | "they" | "shes" | "hes" | "theyre" | "s" | "is" | "are" | "up" | "for" | "it" | "in" | "the") {
                    used[m] = true;
                }
            }
            continue;
        }
        if let Some(k) = lead {
            let between_ok = (k + 1..i).all(|m| {
                used[m] || tokens[m].is_punct(',') || matches!(w(tokens, m), "lets" | "let" | "us" | "still" | "please" | "at" | "in" | "the" | "a" | "an" | "on" | "during" | "some" | "do" | "it" | "have" | "meet" | "go" | "for" | "with" | "them" | "him" | "her" | "be" | "to" | "if" | "its" | "is" | "make" | "would" | "like" | "we" | "can" | "could" | "i" | "keep" | "towards" | "toward")
            });
            if between_ok {
                rules.prefer_part = Some(part);
                used[k..=i].fill(true);
            }
        } else if trailing_soft {
            rules.prefer_part = Some(part);
            used[i] = true;
            let n = SOFT_AFTER.iter().find(|words| seq(tokens, i + 1, words)).map_or(0, |words| words.len());
            used[i + 1..(i + 1 + n).min(tokens.len())].fill(true);
        }
    }
    // "ideally in the morning, but it's not essential": the hedge says it is soft.
    if rules.prefer_part.is_some() {
        for i in 0..tokens.len() {
            if let Some(hedge) = HEDGES.iter().find(|words| seq(tokens, i, words)) {
                used[i..i + hedge.len()].fill(true);
            }
        }
    }
}

/// A fallback to any time, which makes a part of the day said before it a wish.
const SOFT_TAIL: &[&[&str]] = &[
    &["otherwise", "whenever"],
    &["otherwise", "anytime"],
    &["otherwise", "any", "time"],
    &["or", "whenever"],
    &["but", "whenever"],
    &["but", "any", "time", "works"],
    &["but", "anytime", "works"],
];

/// What says a wish is not a rule, next to a soft preference.
const HEDGES: &[&[&str]] = &[
    &["not", "essential"],
    &["not", "a", "must"],
    &["not", "required"],
    &["not", "critical"],
    &["not", "crucial"],
    &["not", "a", "dealbreaker"],
    &["not", "a", "deal", "breaker"],
    &["no", "big", "deal"],
    &["not", "a", "big", "deal"],
    &["not", "important"],
    &["not", "necessary"],
];

/// "late afternoon" (15:00-17:00), "early morning" (08:00-10:00), "late morning",
/// "early afternoon", "early evening", "late evening": a part of the day cut to its first
/// or last hours.
fn narrowed_part(tokens: &[Token], used: &mut [bool], rules: &mut Rules) {
    for i in 0..tokens.len().saturating_sub(1) {
        let early = match w(tokens, i) {
            "early" => true,
            "late" => false,
            _ => continue,
        };
        let Some(part) = part_word(w(tokens, i + 1)) else { continue };
        let (a, b) = part.hours();
        let (from, to) = match (part, early) {
            (PartOfDay::Afternoon, false) => (15, 17),
            (PartOfDay::Afternoon, true) => (12, 14),
            (_, true) => (a, a + 2),
            (_, false) => (b - 2, b),
        };
        rules.part = Some(part);
        rules.part_bounds = Some((Time::constant(from, 0, 0, 0), Time::constant(to, 0, 0, 0)));
        used[i..i + 2].fill(true);
    }
}

/// A part of the day, singular or plural ("lunch" too, here).
fn part_word(word: &str) -> Option<PartOfDay> {
    if matches!(word, "lunch" | "lunchtime") {
        return Some(PartOfDay::Lunch);
    }
    part_of_day_word(word).or_else(|| word.strip_suffix('s').and_then(part_of_day_word))
}

/// A negation at `i` and what it negates; returns where reading goes on.
fn negation(tokens: &[Token], used: &mut [bool], i: usize, rules: &mut Rules) -> Option<usize> {
    let lead = NEGATIONS.iter().find(|words| seq(tokens, i, words))?.len();
    let mut j = i + lead;
    // "not starting before 8:30", "not ending after 5".
    if matches!(w(tokens, j), "starting" | "start" | "ending" | "end" | "going" | "finishing" | "running") && matches!(w(tokens, j + 1), "before" | "after" | "earlier" | "later" | "past") {
        j += 1;
    }
    // "not before 10", "no earlier than 10", "not after 4", "no later than 4".
    match (w(tokens, j), w(tokens, j + 1)) {
        ("before", _) | ("earlier", "than") => {
            let from = j + if w(tokens, j) == "before" { 1 } else { 2 };
            let end = clock_end(tokens, from)?;
            rules.earliest = Some((from, end));
            used[i..end].fill(true);
            return Some(end);
        }
        ("after", _) | ("later", "than") | ("past", _) => {
            let from = j + if w(tokens, j) == "later" { 2 } else { 1 };
            let end = clock_end(tokens, from)?;
            rules.latest = Some((from, end));
            used[i..end].fill(true);
            return Some(end);
        }
        _ => {}
    }
    negation_scope(tokens, used, i, j, rules)
}

/// What a negation starting at `i` rules out, reading from `j`.
fn negation_scope(tokens: &[Token], used: &mut [bool], i: usize, mut j: usize, rules: &mut Rules) -> Option<usize> {
    while NEGATION_FILLERS.contains(&w(tokens, j)) {
        j += 1;
    }
    let start = j;
    let mut found = false;
    loop {
        let word = w(tokens, j);
        // "I'm not a morning person" says something, but not which hours: it is asked about.
        let figure = matches!(w(tokens, j + 1), "person" | "people" | "type");
        if let Some(part) = part_word(word).filter(|_| !figure) {
            if !rules.exclude_parts.contains(&part) {
                rules.exclude_parts.push(part);
            }
            j += 1;
            found = true;
        } else if let Some((day, plural)) = Weekday::parse(word) {
            // "not Monday morning" is one date and part to stay out of.
            if !plural && part_word(w(tokens, j + 1)).is_some() {
                rules.exclude_spans.push((j, j + 2));
                j += 2;
            } else {
                if !rules.exclude_weekdays.contains(&day) {
                    rules.exclude_weekdays.push(day);
                }
                j += 1;
            }
            found = true;
        } else if matches!(word, "weekends" | "weekend") {
            for day in [Weekday::Saturday, Weekday::Sunday] {
                if !rules.exclude_weekdays.contains(&day) {
                    rules.exclude_weekdays.push(day);
                }
            }
            j += 1;
            found = true;
        } else if let Some(end) = date_end(tokens, j) {
            rules.exclude_spans.push((j, end));
            j = end;
            found = true;
        } else {
            break;
        }
        // Lists: "not Mondays or Fridays", "no Mondays and no evenings".
        if matches!(w(tokens, j), "or" | "and" | "nor") || tokens.get(j).is_some_and(|t| t.is_punct('/')) {
            let mut k = j + 1;
            while matches!(w(tokens, k), "no" | "not" | "on" | "the") {
                k += 1;
            }
            if part_word(w(tokens, k)).is_some() || Weekday::parse(w(tokens, k)).is_some() || date_end(tokens, k).is_some() {
                j = k;
                continue;
            }
        }
        break;
    }
    if !found || start == j {
        return None;
    }
    used[i..j].fill(true);
    Some(j)
}

/// A part of the day or a weekday ruled out by what follows it ("mornings don't work
/// for me", "Tuesday's a no-go"); returns where reading goes on.
fn ruled_out(tokens: &[Token], used: &mut [bool], i: usize, rules: &mut Rules) -> Option<usize> {
    let word = w(tokens, i);
    if part_word(word).is_none() && Weekday::parse(word).is_none() && !matches!(word, "weekend" | "weekends") {
        return None;
    }
    let after = RULED_OUT_AFTER.iter().find(|words| seq(tokens, i + 1, words))?;
    let mut end = i + 1 + after.len();
    // "... for me".
    if seq(tokens, end, &["for", "me"]) {
        end += 2;
    }
    exclude(rules, word);
    used[i..end].fill(true);
    // "mornings are out, and so is Wednesday", "... and Fridays too": one more.
    let mut j = end + usize::from(tokens.get(end).is_some_and(|t| t.is_punct(',')));
    if w(tokens, j) == "and" {
        j += 1;
    }
    let more = if w(tokens, j) == "so" && matches!(w(tokens, j + 1), "is" | "are") {
        Some((j + 2, j + 3))
    } else if matches!(w(tokens, j + 1), "too") || seq(tokens, j + 1, &["as", "well"]) {
        Some((j, j + 1 + usize::from(w(tokens, j + 1) == "as") + 1))
    } else {
        None
    };
    if let Some((at, stop)) = more
        && (part_word(w(tokens, at)).is_some() || Weekday::parse(w(tokens, at)).is_some() || matches!(w(tokens, at), "weekend" | "weekends"))
    {
        exclude(rules, w(tokens, at));
        used[end..stop].fill(true);
        return Some(stop);
    }
    Some(end)
}

/// Rules out the part of day, weekday or weekend `word` names.
fn exclude(rules: &mut Rules, word: &str) {
    if let Some(part) = part_word(word)
        && !rules.exclude_parts.contains(&part)
    {
        rules.exclude_parts.push(part);
    }
    let days: Vec<Weekday> = if matches!(word, "weekend" | "weekends") { vec![Weekday::Saturday, Weekday::Sunday] } else { Weekday::parse(word).map(|(d, _)| d).into_iter().collect() };
    for day in days {
        if !rules.exclude_weekdays.contains(&day) {
            rules.exclude_weekdays.push(day);
        }
    }
}

/// A bound at `i` ("before 11am", "by 4", "until 5", "no later than 3", "after 3", "by
/// Friday", "before the end of the month"); returns where reading goes on.
fn bound(tokens: &[Token], used: &mut [bool], i: usize, rules: &mut Rules) -> Option<usize> {
    // "2pm or later", "11 or earlier".
    if let Some(end) = clock_end(tokens, i).filter(|_| i == 0 || !matches!(w(tokens, i - 1), "at" | "from" | "by" | "before" | "after" | "until"))
        && w(tokens, end) == "or"
        && matches!(w(tokens, end + 1), "later" | "after" | "earlier" | "before")
    {
        if matches!(w(tokens, end + 1), "later" | "after") {
            rules.earliest = Some((i, end));
        } else {
            rules.latest = Some((i, end));
        }
        used[i..end + 2].fill(true);
        return Some(end + 2);
    }
    let (is_end, lead) = match (w(tokens, i), w(tokens, i + 1), w(tokens, i + 2)) {
        ("before", _, _) | ("by", _, _) | ("until", _, _) | ("till", _, _) | ("til", _, _) => (true, 1),
        ("no", "later", "than") => (true, 3),
        ("ending", "by", _) | ("finished", "by", _) | ("done", "by", _) | ("wrapped", "by", _) => (true, 2),
        ("at", "the", "latest") => return None,
        // "it can't go past 4", "nothing that runs past 3pm": an end.
        ("past", _, _) if i > 0 && matches!(w(tokens, i - 1), "go" | "goes" | "going" | "run" | "runs" | "running" | "last" | "lasts" | "overrun") => (true, 1),
        ("after", _, _) | ("past", _, _) => (false, 1),
        ("no", "earlier", "than") => (false, 3),
        ("starting", "at", _) | ("starting", "from", _) => return None,
        ("from", _, _) => {
            // "from the 16th on", "from Monday onwards": the window starts that day.
            if clock_end(tokens, i + 1).is_none()
                && let Some(end) = date_end(tokens, i + 1)
                && matches!(w(tokens, end), "onward" | "onwards" | "on")
            {
                rules.after = Some((i + 1, end, true));
                used[i..=end].fill(true);
                return Some(end + 1);
            }
            // "from 2pm onward", "from 9 on".
            let end = clock_end(tokens, i + 1)?;
            if !matches!(w(tokens, end), "onward" | "onwards" | "on") {
                return None;
            }
            rules.earliest = Some((i + 1, end));
            used[i..=end].fill(true);
            return Some(end + 1);
        }
        _ => return None,
    };
    let from = i + lead;
    // "after lunch": from 13:00 on; "before lunch": done by noon.
    if matches!(w(tokens, from), "lunch" | "lunchtime") && matches!(w(tokens, i), "after" | "before") {
        if is_end {
            rules.latest_at = Some(Time::constant(12, 0, 0, 0));
        } else {
            rules.earliest_at = Some(Time::constant(13, 0, 0, 0));
        }
        used[i..=from].fill(true);
        return Some(from + 1);
    }
    if let Some(mut end) = clock_end(tokens, from) {
        // "after 10 in the morning": the part only says am or pm.
        if w(tokens, end) == "in" && w(tokens, end + 1) == "the" && part_word(w(tokens, end + 2)).is_some() {
            end += 3;
        }
        if is_end {
            rules.latest = Some((from, end));
        } else {
            rules.earliest = Some((from, end));
        }
        used[i..end].fill(true);
        return Some(end);
    }
    let end = date_end(tokens, from)?;
    if is_end {
        let keeps_day = w(tokens, i) != "before" || matches!(w(tokens, from + usize::from(w(tokens, from) == "the")), "end");
        rules.until = Some((from, end, keeps_day));
    } else {
        rules.after = Some((from, end, false));
    }
    used[i..end].fill(true);
    Some(end)
}

/// The end of a clock time at `i` ("11", "11am", "11:30 am", "noon", "3 pm"), if one
/// starts there.
pub(crate) fn clock_end(tokens: &[Token], i: usize) -> Option<usize> {
    if matches!(w(tokens, i), "noon" | "midnight") {
        return Some(i + 1);
    }
    let hour = tokens.get(i)?.num()?;
    if hour > 24 {
        return None;
    }
    let mut end = i + 1;
    if tokens.get(end).is_some_and(|t| t.is_punct(':')) && tokens.get(end + 1).and_then(Token::num).is_some_and(|m| m < 60) {
        end += 2;
    }
    if matches!(w(tokens, end), "am" | "pm" | "oclock") {
        end += 1;
    }
    // "by 4 weeks" is not a time.
    if matches!(w(tokens, end), "minutes" | "hours" | "days" | "day" | "week" | "weeks" | "months" | "month" | "people") {
        return None;
    }
    // A day of the month ("before the 12") is a date, handled by the time grammar.
    Some(end)
}

/// The end of a date at `i` ("Friday", "the 10th", "March 12", "the end of the month",
/// "next week", "tomorrow"), if one starts there.
pub(crate) fn date_end(tokens: &[Token], i: usize) -> Option<usize> {
    let mut j = i;
    if w(tokens, j) == "the" {
        j += 1;
    }
    if seq(tokens, j, &["end", "of"]) || seq(tokens, j, &["start", "of"]) || seq(tokens, j, &["beginning", "of"]) || seq(tokens, j, &["middle", "of"]) {
        j += 2;
        if w(tokens, j) == "the" {
            j += 1;
        }
        return matches!(w(tokens, j), "month" | "week" | "day" | "quarter").then_some(j + 1).or_else(|| month(w(tokens, j)).then_some(j + 1));
    }
    if matches!(w(tokens, j), "next" | "this" | "coming") && matches!(w(tokens, j + 1), "week" | "month" | "weekend") {
        return Some(j + 2);
    }
    if matches!(w(tokens, j), "next" | "this" | "coming") && Weekday::parse(w(tokens, j + 1)).is_some() {
        return Some(j + 2);
    }
    if matches!(w(tokens, j), "today" | "tomorrow" | "tonight" | "weekend") {
        return Some(j + 1);
    }
    if let Some((_, false)) = Weekday::parse(w(tokens, j)) {
        return Some(j + 1);
    }
    if let Some(t) = tokens.get(j)
        && matches!(t.tok, super::token::Tok::Ord(_))
    {
        let mut end = j + 1;
        if w(tokens, end) == "of" && month(w(tokens, end + 1)) {
            end += 2;
        }
        return Some(end);
    }
    if month(w(tokens, j)) && tokens.get(j + 1).is_some_and(|t| t.num().is_some() || matches!(t.tok, super::token::Tok::Ord(_))) {
        return Some(j + 2);
    }
    None
}

fn month(word: &str) -> bool {
    matches!(
        word,
        "january" | "jan" | "february" | "feb" | "march" | "april" | "apr" | "june" | "jun" | "july" | "jul" | "august" | "aug" | "september" | "sep" | "sept" | "october" | "oct" | "november" | "nov" | "december" | "dec"
    )
}

/// A clock time as the bounds read it, from the tokens `start..end` ("11am", "4", "noon",
/// "3:30"); hours without am/pm follow business hours (1-7 are afternoon).
pub(crate) fn clock_time(tokens: &[Token], start: usize, end: usize) -> Option<Time> {
    match w(tokens, start) {
        "noon" => return Some(Time::constant(12, 0, 0, 0)),
        "midnight" => return Some(Time::constant(0, 0, 0, 0)),
        _ => {}
    }
    let hour = tokens.get(start)?.num()?;
    let minute = if end >= start + 3 && tokens.get(start + 1).is_some_and(|t| t.is_punct(':')) { tokens.get(start + 2)?.num()? } else { 0 };
    let meridiem = tokens[start..end].iter().find_map(|t| match t.word() {
        Some("am" | "morning") => Some(false),
        Some("pm" | "afternoon" | "evening" | "night") => Some(true),
        _ => None,
    });
    let written_24 = tokens.get(start).is_some_and(|t| t.raw.len() == 2 && t.raw.starts_with('0')) || hour > 12;
    let hour = match meridiem {
        Some(true) => hour % 12 + 12,
        Some(false) => hour % 12,
        None if written_24 => hour % 24,
        None if (1..=7).contains(&hour) => hour + 12,
        None => hour,
    };
    Time::new(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0).ok()
}
