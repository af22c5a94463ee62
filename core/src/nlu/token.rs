//! Splits a command into normalised tokens.
//!
//! Everything downstream matches on lower-case words, numbers and punctuation, so the
//! tokenizer is where the messiness of typed text is absorbed: digits glued to units
//! ("3pm", "45min"), ordinals ("1st"), "a.m.", spelled-out numbers ("twenty-five",
//! "forty five"), common abbreviations and a few frequent typos ("tmrw", "wednsday").
//! The raw spelling is kept next to the normalised one because capitalisation is a
//! useful hint that an unknown word is somebody's name.

/// One token of a command.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A lower-cased word, normalised for abbreviations and typos.
    Word(String),
    /// A number; `digits` is 0 when it was spelled out ("five").
    Num { value: u32, digits: u8 },
    /// An ordinal: "1st", "third", "twenty-first".
    Ord(u32),
    /// Any other single character that is not whitespace.
    Punct(char),
}

/// A token and how it was written.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    /// The text as typed (for names, titles and places).
    pub(crate) raw: String,
    /// Whether it was written with a capital letter.
    pub(crate) capital: bool,
    /// Byte range in the original text, to quote it exactly ("Q3 budget").
    pub(crate) at: (usize, usize),
}

impl Token {
    /// The normalised word, if this token is a word.
    pub(crate) fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    /// Whether this token is the word `w`.
    pub(crate) fn is(&self, w: &str) -> bool {
        self.word() == Some(w)
    }

    /// Whether this token is the punctuation `c`.
    pub(crate) fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    /// The number, if this token is one.
    pub(crate) fn num(&self) -> Option<u32> {
        match self.tok {
            Tok::Num { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// The original text covered by `tokens` (which must be consecutive).
pub(crate) fn quote<'a>(text: &'a str, tokens: &[Token]) -> &'a str {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => text.get(a.at.0..b.at.1).unwrap_or(""),
        _ => "",
    }
}

/// Tokenizes and normalises `text`.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let raw = split(text);
    let merged = merge_meridiem(raw);
    let words = merged.into_iter().flat_map(normalise_word).collect();
    merge_spelled_numbers(words)
}

fn split(text: &str) -> Vec<Token> {
    let indexed: Vec<(usize, char)> = text.char_indices().collect();
    let chars: Vec<char> = indexed.iter().map(|(_, c)| *c).collect();
    let byte = |k: usize| indexed.get(k).map_or(text.len(), |(b, _)| *b);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            let value = digits.parse::<u32>().unwrap_or(u32::MAX);
            let suffix_end = (i..chars.len()).find(|&k| !chars[k].is_alphabetic()).unwrap_or(chars.len());
            let suffix: String = chars[i..suffix_end].iter().collect::<String>().to_lowercase();
            if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") {
                out.push(Token {
                    tok: Tok::Ord(value),
                    raw: format!("{digits}{suffix}"),
                    capital: false,
                    at: (byte(start), byte(suffix_end)),
                });
                i = suffix_end;
            } else {
                let len = u8::try_from(digits.len()).unwrap_or(u8::MAX);
                out.push(Token {
                    tok: Tok::Num { value, digits: len },
                    raw: digits,
                    capital: false,
                    at: (byte(start), byte(i)),
                });
            }
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphabetic()
                    || (matches!(chars[i], '\'' | '’') && i + 1 < chars.len() && chars[i + 1].is_alphabetic()))
            {
                i += 1;
            }
            let raw: String = chars[start..i].iter().collect();
            let mut word = raw.to_lowercase();
            // A possessive adds nothing to matching: "tomorrow's", "Bob's".
            for suffix in ["'s", "’s"] {
                if let Some(stem) = word.strip_suffix(suffix) {
                    word = stem.to_string();
                }
            }
            word.retain(|ch| !matches!(ch, '\'' | '’'));
            let capital = c.is_uppercase();
            let raw = raw.trim_end_matches("'s").trim_end_matches("’s").to_string();
            out.push(Token { tok: Tok::Word(word), raw, capital, at: (byte(start), byte(i)) });
        } else {
            // En and em dashes read as hyphens ("10am–6pm").
            let c = if matches!(c, '–' | '—' | '‒') { '-' } else { c };
            out.push(Token { tok: Tok::Punct(c), raw: c.to_string(), capital: false, at: (byte(i), byte(i + 1)) });
            i += 1;
        }
    }
    out
}

/// "a.m." and "p.m." arrive as four tokens; "w/" is "with".
fn merge_meridiem(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let next_is = |k: usize, p: char| tokens.get(i + k).is_some_and(|n| n.is_punct(p));
        let next_word = |k: usize, w: &str| tokens.get(i + k).is_some_and(|n| n.is(w));
        if (t.is("a") || t.is("p")) && next_is(1, '.') && next_word(2, "m") {
            let word = if t.is("a") { "am" } else { "pm" };
            let n = if next_is(3, '.') { 4 } else { 3 };
            let at = (t.at.0, tokens[i + n - 1].at.1);
            out.push(Token { tok: Tok::Word(word.into()), raw: word.into(), capital: false, at });
            i += n;
        } else if matches!(t.word(), Some("mr" | "ms" | "mrs" | "dr" | "mx")) && t.capital && tokens.get(i + 1 + usize::from(next_is(1, '.'))).is_some_and(|n| n.capital) {
            // "Ms. Hopper", "Dr Patel": the title is not part of the name.
            i += 1 + usize::from(next_is(1, '.'));
        } else if (t.is_punct('-') && next_is(1, '>')) || t.is_punct('→') {
            // "Thursday's call -> Friday": the arrow says "to".
            let n = if t.is_punct('→') { 1 } else { 2 };
            let at = (t.at.0, tokens[i + n - 1].at.1);
            out.push(Token { tok: Tok::Word("to".into()), raw: "->".into(), capital: false, at });
            i += n;
        } else if t.is("w") && next_is(1, '/') {
            let at = (t.at.0, tokens[i + 1].at.1);
            out.push(Token { tok: Tok::Word("with".into()), raw: "w/".into(), capital: false, at });
            i += 2;
        } else {
            out.push(t.clone());
            i += 1;
        }
    }
    out
}

/// Maps abbreviations and frequent typos to the word the grammar knows.
fn normalise_word(token: Token) -> Vec<Token> {
    let Some(word) = token.word() else { return vec![token] };
    let replacement: &[&str] = match word {
        "tmrw" | "tmr" | "tmw" | "tomorow" | "tommorow" | "tommorrow" | "tomorrrow" | "tomoroww" | "2moro" => {
            &["tomorrow"]
        }
        "tonite" => &["tonight"],
        "mon" => &["monday"],
        "tue" | "tues" | "tuesdy" | "teusday" => &["tuesday"],
        "wed" | "weds" | "wednsday" | "wendesday" | "wensday" | "wednesay" => &["wednesday"],
        "thu" | "thur" | "thurs" | "thrusday" | "thursdy" => &["thursday"],
        "fri" | "firday" | "fridy" => &["friday"],
        "sat" => &["saturday"],
        "sun" => &["sunday"],
        "min" | "mins" | "minute" | "minuts" | "minutes" | "m" => &["minutes"],
        "hr" | "hrs" | "hour" | "hours" | "h" => &["hours"],
        "wk" | "wks" | "week" => &["week"],
        "weeks" => &["weeks"],
        "month" => &["month"],
        "months" => &["months"],
        "mtg" | "meting" | "meetng" => &["meeting"],
        "mtgs" => &["meetings"],
        "nxt" => &["next"],
        "shedule" | "schedual" | "scedule" | "schedul" | "shcedule" => &["schedule"],
        "resched" | "reschedual" | "reshedule" => &["reschedule"],
        "cancle" | "cancell" => &["cancel"],
        "aftrnoon" | "afternon" => &["afternoon"],
        "mornin" | "morn" => &["morning"],
        "evenin" | "evng" => &["evening"],
        "midday" => &["noon"],
        "cob" | "eod" => &["eod"],
        "eow" => &["eow"],
        "fortnight" => &["fortnight"],
        "pls" | "plz" => &["please"],
        "thx" => &["thanks"],
        "im" => &["i", "am"],
        "whats" => &["what", "is"],
        "oclock" => &["oclock"],
        "setup" => &["set", "up"],
        "catchup" => &["catch", "up"],
        "appt" | "appts" => &["appointment"],
        "aft" | "aftn" | "arvo" => &["afternoon"],
        "poss" => &["possible"],
        "pref" | "prefer." => &["preferably"],
        "w" => &["with"],
        _ => match typo_of(word) {
            Some(known) => std::slice::from_ref(known),
            None => return vec![token],
        },
    };
    replacement
        .iter()
        .map(|w| Token { tok: Tok::Word((*w).to_string()), raw: token.raw.clone(), capital: token.capital, at: token.at })
        .collect()
}

/// Long words a request turns on, which no other English word is one slip away from.
const TYPO_TARGETS: &[&str] = &["reschedule", "schedule", "tomorrow", "wednesday", "thursday", "saturday", "afternoon", "appointment"];

/// The word of [`TYPO_TARGETS`] that `word` misses by one slip (a letter wrong, missing,
/// extra or two swapped): "rescheduel" is "reschedule". Endings ("schedules",
/// "scheduled", "cancels") are the word itself, not a typo.
fn typo_of(word: &str) -> Option<&'static &'static str> {
    if word.len() < 6 || TYPO_TARGETS.contains(&word) {
        return None;
    }
    let inflected = |t: &str| ["s", "d", "ed", "r", "er", "ing", "led", "ling", "ed"].iter().any(|e| word == format!("{t}{e}") || word == format!("{}{e}", t.trim_end_matches('e')));
    // Cheap checks first: a slip keeps the first letter and changes the length by at most one.
    TYPO_TARGETS
        .iter()
        .filter(|t| t.len().abs_diff(word.len()) <= 1 && t.as_bytes()[0] == word.as_bytes()[0])
        .find(|t| !inflected(t) && super::contact::edits(word, t) == 1)
}

fn unit_value(word: &str) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    UNITS.iter().position(|u| *u == word).and_then(|p| u32::try_from(p).ok())
}

fn tens_value(word: &str) -> Option<u32> {
    Some(match word {
        "twenty" => 20,
        "thirty" => 30,
        "forty" | "fourty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

fn ordinal_value(word: &str) -> Option<u32> {
    const ORDS: [&str; 20] = [
        "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
        "seventeenth", "eighteenth", "nineteenth",
    ];
    if let Some(p) = ORDS.iter().position(|o| *o == word) {
        return u32::try_from(p).ok();
    }
    Some(match word {
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    })
}

fn number(tok: Tok, first: &Token, last: &Token) -> Token {
    Token { tok, raw: first.raw.clone(), capital: false, at: (first.at.0, last.at.1) }
}

/// Turns spelled-out numbers and ordinals into `Num` and `Ord`, joining "twenty five",
/// "twenty-five" and "thirty-first".
fn merge_spelled_numbers(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let word = t.word().unwrap_or("");
        if let Some(tens) = tens_value(word) {
            // Optional hyphen, then a unit or an ordinal unit.
            let k = if tokens.get(i + 1).is_some_and(|n| n.is_punct('-')) { i + 2 } else { i + 1 };
            let next = tokens.get(k).and_then(Token::word).unwrap_or("");
            if let Some(u) = unit_value(next).filter(|u| (1..10).contains(u)) {
                out.push(number(Tok::Num { value: tens + u, digits: 0 }, t, &tokens[k]));
                i = k + 1;
                continue;
            }
            if let Some(u) = ordinal_value(next).filter(|u| (1..10).contains(u)) {
                out.push(number(Tok::Ord(tens + u), t, &tokens[k]));
                i = k + 1;
                continue;
            }
            out.push(number(Tok::Num { value: tens, digits: 0 }, t, t));
        } else if let Some(u) = unit_value(word) {
            out.push(number(Tok::Num { value: u, digits: 0 }, t, t));
        } else if let Some(o) = ordinal_value(word) {
            out.push(number(Tok::Ord(o), t, t));
        } else if word == "couple" {
            // "a couple of weeks": two.
            if out.last().is_some_and(|p| p.is("a")) {
                out.pop();
            }
            out.push(number(Tok::Num { value: 2, digits: 0 }, t, t));
            if tokens.get(i + 1).is_some_and(|n| n.is("of")) {
                i += 1;
            }
        } else {
            out.push(t.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        tokenize(text).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn digits_glued_to_units_and_ordinals_are_split() {
        assert_eq!(
            kinds("3pm 1st"),
            vec![Tok::Num { value: 3, digits: 1 }, Tok::Word("pm".into()), Tok::Ord(1)]
        );
    }

    #[test]
    fn spelled_numbers_join_across_hyphens() {
        assert_eq!(kinds("forty-five"), vec![Tok::Num { value: 45, digits: 0 }]);
        assert_eq!(kinds("twenty first"), vec![Tok::Ord(21)]);
    }

    #[test]
    fn dotted_meridiem_and_typos_normalise() {
        assert_eq!(
            kinds("tmrw 3 p.m."),
            vec![Tok::Word("tomorrow".into()), Tok::Num { value: 3, digits: 1 }, Tok::Word("pm".into())]
        );
    }
}
