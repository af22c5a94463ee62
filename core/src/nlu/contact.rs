//! Who the owner is talking about: names and nicknames matched against the owner's
//! contact list, and the names that match nobody or more than one person.
//!
//! Unknown names are only looked for where a person is expected ("with X", "meet X",
//! "X and Y"): a capitalised word elsewhere is as likely a project or a place.

use serde::{Deserialize, Serialize};

use super::token::{Tok, Token, tokenize};

/// A person in the owner's contact list, as the interpreter needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Stable identifier (the agent runtime's contact id).
    pub id: String,
    /// Display name, usually "First Last".
    pub name: String,
    /// Other names the owner uses for them.
    #[serde(default)]
    pub nicknames: Vec<String>,
}

/// A contact resolved from the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// The contact's id.
    pub id: String,
    /// The contact's display name.
    pub name: String,
}

impl From<&Contact> for Participant {
    fn from(c: &Contact) -> Self {
        Self { id: c.id.clone(), name: c.name.clone() }
    }
}

/// One mention of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mention {
    Known(Participant),
    Ambiguous { said: String, candidates: Vec<Participant> },
    Unknown { said: String },
}

/// Names that are also ordinary words: they only count when capitalised.
const COMMON_WORDS: &[&str] = &[
    "will", "may", "mark", "bill", "sue", "pat", "rob", "grace", "joy", "art", "june", "april", "hope", "frank",
    "sunny", "max", "jack", "rose", "faith", "dawn", "summer", "chase", "hunter", "guy", "am", "sat", "sun", "don",
];

/// Words that open a list of people.
const TRIGGERS: &[&str] = &["with", "meet", "call", "ping", "invite", "see", "include", "add"];

/// Words referring to the owner: fine in a list, nobody to resolve.
const SELF: &[&str] = &["me", "us", "myself", "i", "we"];

/// People words that cannot be resolved without asking.
const VAGUE: &[&str] = &[
    "him", "her", "them", "someone", "somebody", "everyone", "everybody", "team", "client", "boss", "manager",
    "folks", "people", "guys", "anyone", "anybody",
];

/// Words that end a list of people without being one.
const NOT_NAMES: &[&str] = &[
    "a", "an", "for", "at", "on", "in", "about", "to", "re", "regarding", "and", "or", "please", "asap", "soon",
    "some", "up", "if", "when", "what", "is", "are", "was", "by", "via", "over", "next", "this", "that", "it",
    "so", "then", "also", "sometime", "today", "tomorrow", "tonight", "time", "free", "lunch", "coffee",
    "meeting", "call", "video", "zoom", "teams", "phone", "minutes", "hours", "week", "weeks", "month",
    "during", "before", "after", "around", "from", "until", "after", "anytime", "again", "instead", "too",
    "later", "earlier", "back", "out", "as", "who", "where", "why", "how", "am", "pm", "dinner", "breakfast",
    "drinks", "quick", "sync", "chat", "catch", "discuss", "go", "over", "early", "late", "the", "talk", "be",
    "each", "other", "every", "first", "thing", "noon", "eod", "end", "start", "beginning", "do", "does", "did",
    "have", "has", "can", "could", "would", "should", "right", "now", "already", "just", "only", "not",
    "nothing", "anything", "something", "available", "busy", "slot", "slots", "meetings", "calls", "block",
    "focus", "work", "prep", "review", "link", "invite", "person", "office", "remote", "online", "off",
    "request", "requests", "proposal", "invitation", "negotiation", "calendar", "schedule", "agenda", "plate",
];

struct Alias {
    words: Vec<String>,
    contact: usize,
    needs_capital: bool,
}

fn aliases(contacts: &[Contact]) -> Vec<Alias> {
    let mut out = Vec::new();
    for (k, c) in contacts.iter().enumerate() {
        let full: Vec<String> = words_of(&c.name);
        let mut names = vec![full.clone()];
        if full.len() > 1 {
            names.push(vec![full[0].clone()]);
            names.push(vec![full[full.len() - 1].clone()]);
        }
        names.extend(c.nicknames.iter().map(|n| words_of(n)));
        for words in names.into_iter().filter(|w| !w.is_empty()) {
            let needs_capital = words.len() == 1 && COMMON_WORDS.contains(&words[0].as_str());
            out.push(Alias { words, contact: k, needs_capital });
        }
    }
    out
}

fn words_of(name: &str) -> Vec<String> {
    tokenize(name).into_iter().filter_map(|t| t.word().map(str::to_string)).collect()
}

/// The longest alias match at `i`: its length and the contacts it names.
fn match_at(tokens: &[Token], i: usize, aliases: &[Alias]) -> Option<(usize, Vec<usize>)> {
    let mut best: Option<(usize, Vec<usize>)> = None;
    for a in aliases {
        let n = a.words.len();
        let Some(slice) = tokens.get(i..i + n) else { continue };
        let hit = slice.iter().zip(&a.words).all(|(t, w)| t.word() == Some(w.as_str()))
            && (!a.needs_capital || slice[0].capital);
        if !hit {
            continue;
        }
        match &mut best {
            Some((len, ids)) if *len == n => {
                if !ids.contains(&a.contact) {
                    ids.push(a.contact);
                }
            }
            Some((len, _)) if *len > n => {}
            _ => best = Some((n, vec![a.contact])),
        }
    }
    best
}

fn raw_span(tokens: &[Token], start: usize, end: usize) -> String {
    tokens[start..end].iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" ")
}

fn name_like(t: &Token) -> bool {
    match &t.tok {
        Tok::Word(w) => {
            !NOT_NAMES.contains(&w.as_str())
                && super::time_expr::Weekday::parse(w).is_none()
                && super::time_parse::part_of_day_word(w).is_none()
        }
        _ => false,
    }
}

/// Every mention of a person, in text order. `skip` marks tokens that belong to time
/// expressions or durations.
pub(crate) fn find(tokens: &[Token], skip: &[bool], contacts: &[Contact]) -> Vec<Mention> {
    let aliases = aliases(contacts);
    let mut out = Vec::new();
    let mut in_list = false;
    let mut i = 0;
    let joins = |k: usize| {
        tokens.get(k).is_some_and(|t| t.is("and") || t.is_punct(',') || t.is_punct('&') || t.is("plus"))
    };
    while i < tokens.len() {
        if skip.get(i).copied().unwrap_or(false) {
            in_list = false;
            i += 1;
            continue;
        }
        let mut end = i + 1;
        if let Some((len, ids)) = match_at(tokens, i, &aliases) {
            end = i + len;
            let said = raw_span(tokens, i, end);
            out.push(match ids.as_slice() {
                [one] => Mention::Known(Participant::from(&contacts[*one])),
                _ => Mention::Ambiguous {
                    said,
                    candidates: ids.iter().map(|k| Participant::from(&contacts[*k])).collect(),
                },
            });
        } else {
            let word = tokens[i].word().unwrap_or("");
            if TRIGGERS.contains(&word) {
                in_list = true;
                i += 1;
                continue;
            }
            if !in_list {
                i += 1;
                continue;
            }
            if SELF.contains(&word) {
                // The owner: nothing to resolve, the list goes on.
            } else if matches!(word, "my" | "the" | "our" | "his" | "her" | "their") {
                let mut k = i + 1;
                while k < tokens.len() && k < i + 4 && name_like(&tokens[k]) && !joins(k) {
                    k += 1;
                }
                if k == i + 1 {
                    in_list = false;
                    i += 1;
                    continue;
                }
                end = k;
                out.push(Mention::Unknown { said: raw_span(tokens, i, end) });
            } else if VAGUE.contains(&word) {
                out.push(Mention::Unknown { said: tokens[i].raw.clone() });
            } else if name_like(&tokens[i]) {
                // "Zed Shaw": capitalised words run together as one name.
                if tokens[i].capital {
                    while end < tokens.len()
                        && tokens[end].capital
                        && name_like(&tokens[end])
                        && match_at(tokens, end, &aliases).is_none()
                    {
                        end += 1;
                    }
                }
                out.push(Mention::Unknown { said: raw_span(tokens, i, end) });
            } else {
                in_list = false;
                i += 1;
                continue;
            }
        }
        in_list = true;
        if joins(end) {
            end += 1;
        } else if !tokens.get(end).is_some_and(|t| t.word().is_some_and(|w| TRIGGERS.contains(&w))) {
            in_list = false;
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contacts() -> Vec<Contact> {
        let c = |id: &str, name: &str, nick: &[&str]| Contact {
            id: id.into(),
            name: name.into(),
            nicknames: nick.iter().map(|n| n.to_string()).collect(),
        };
        vec![c("bob", "Bob Martin", &["Bobby"]), c("dan1", "Dan Brooks", &[]), c("dan2", "Dan Wu", &[])]
    }

    fn mentions(text: &str) -> Vec<Mention> {
        let t = tokenize(text);
        find(&t, &vec![false; t.len()], &contacts())
    }

    #[test]
    fn nicknames_and_full_names_resolve() {
        let m = mentions("lunch with bobby and Dan Wu");
        assert_eq!(m.len(), 2);
        assert!(matches!(&m[0], Mention::Known(p) if p.id == "bob"));
        assert!(matches!(&m[1], Mention::Known(p) if p.id == "dan2"));
    }

    #[test]
    fn a_shared_first_name_is_ambiguous() {
        let m = mentions("meet Dan");
        assert!(matches!(&m[0], Mention::Ambiguous { candidates, .. } if candidates.len() == 2));
    }

    #[test]
    fn an_unknown_name_after_with_is_reported() {
        let m = mentions("coffee with Zed Shaw about the launch");
        assert_eq!(m, vec![Mention::Unknown { said: "Zed Shaw".into() }]);
    }
}
