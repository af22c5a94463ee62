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

/// Tokenizes and normalises `text`.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let raw = split(text);
    let merged = merge_meridiem(raw);
    let words = merged.into_iter().flat_map(normalise_word).collect();
    merge_spelled_numbers(words)
}

fn split(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
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
                out.push(Token { tok: Tok::Ord(value), raw: format!("{digits}{suffix}"), capital: false });
                i = suffix_end;
            } else {
                let len = u8::try_from(digits.len()).unwrap_or(u8::MAX);
                out.push(Token { tok: Tok::Num { value, digits: len }, raw: digits, capital: false });
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
            out.push(Token { tok: Tok::Word(word), raw, capital });
        } else {
            out.push(Token { tok: Tok::Punct(c), raw: c.to_string(), capital: false });
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
            out.push(Token { tok: Tok::Word(word.into()), raw: word.into(), capital: false });
            i += if next_is(3, '.') { 4 } else { 3 };
        } else if t.is("w") && next_is(1, '/') {
            out.push(Token { tok: Tok::Word("with".into()), raw: "w/".into(), capital: false });
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
        "nxt" => &["next"],
        "shedule" | "schedual" | "scedule" | "schedul" | "shcedule" => &["schedule"],
        "resched" | "reschedual" | "reshedule" => &["reschedule"],
        "cancle" | "cancell" => &["cancel"],
        "aftrnoon" | "afternon" | "arvo" => &["afternoon"],
        "mornin" | "morn" => &["morning"],
        "evening" | "evenin" | "eve" => &["evening"],
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
        _ => return vec![token],
    };
    replacement
        .iter()
        .map(|w| Token { tok: Tok::Word((*w).to_string()), raw: token.raw.clone(), capital: token.capital })
        .collect()
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
                out.push(Token { tok: Tok::Num { value: tens + u, digits: 0 }, raw: t.raw.clone(), capital: false });
                i = k + 1;
                continue;
            }
            if let Some(u) = ordinal_value(next).filter(|u| (1..10).contains(u)) {
                out.push(Token { tok: Tok::Ord(tens + u), raw: t.raw.clone(), capital: false });
                i = k + 1;
                continue;
            }
            out.push(Token { tok: Tok::Num { value: tens, digits: 0 }, raw: t.raw.clone(), capital: false });
        } else if let Some(u) = unit_value(word) {
            out.push(Token { tok: Tok::Num { value: u, digits: 0 }, raw: t.raw.clone(), capital: false });
        } else if let Some(o) = ordinal_value(word) {
            out.push(Token { tok: Tok::Ord(o), raw: t.raw.clone(), capital: false });
        } else if word == "couple" {
            // "a couple of weeks": two.
            if out.last().is_some_and(|p| p.is("a")) {
                out.pop();
            }
            out.push(Token { tok: Tok::Num { value: 2, digits: 0 }, raw: t.raw.clone(), capital: false });
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
