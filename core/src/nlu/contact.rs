//! Who the owner is talking about: names and nicknames matched against the owner's
//! contact list, and the names that match nobody or more than one person.
//!
//! One matcher serves both paths: [`match_contact`] resolves a whole name (the
//! language-model path checks every name the model returns with it), and `find` looks
//! for the same names among the words of a command. Both build the same aliases per
//! contact (full name, first name, last name, nicknames), normalised the same way: the
//! tokenizer's lower-case words with common Latin diacritics folded away, so "Zoë" is
//! found as "zoe" and "Jose" finds "José". A name that fits several contacts is never
//! settled by a guess: the owner is asked.
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

/// Whom a name refers to among the owner's contacts: the answer of [`match_contact`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// Exactly one contact answers to the name.
    One(Participant),
    /// Two or more contacts answer to it, in contact-list order: the owner must choose.
    Several(Vec<Participant>),
    /// Nobody in the contact list does.
    Nobody,
}

/// Finds the contacts a whole name refers to.
///
/// A contact answers to its full name, its first name, its last name and each of its
/// nicknames. Case, spacing, punctuation and the diacritics of common Latin letters are
/// ignored ("bob  martin", "Jose" for "José"). Every contact the name fits counts alike:
/// a name that is one contact's nickname and another's first name is
/// [`NameMatch::Several`], never a silent pick. The offline interpreter matches the
/// words of a command against the same aliases; only there must a name that is also an
/// ordinary word ("Frank", "Will") be capitalised. A name without letters ("007")
/// matches only a full name or nickname written the same way.
///
/// ```
/// use agentnet_core::nlu::{Contact, NameMatch, match_contact};
///
/// let c = |id: &str, name: &str, nicknames: &[&str]| Contact {
///     id: id.into(),
///     name: name.into(),
///     nicknames: nicknames.iter().map(|n| n.to_string()).collect(),
/// };
/// let contacts = [
///     c("bob", "Bob Martin", &["Bobby"]),
///     c("d1", "Dan Brooks", &[]),
///     c("d2", "Dan Wu", &[]),
///     c("zoe", "Zoë Ortiz", &[]),
/// ];
/// assert!(matches!(match_contact("bobby", &contacts), NameMatch::One(p) if p.id == "bob"));
/// assert!(matches!(match_contact("Wu", &contacts), NameMatch::One(p) if p.id == "d2"));
/// assert!(matches!(match_contact("Zoe", &contacts), NameMatch::One(p) if p.id == "zoe"));
/// assert!(matches!(match_contact("Dan", &contacts), NameMatch::Several(v) if v.len() == 2));
/// assert_eq!(match_contact("Alice Smith", &contacts), NameMatch::Nobody);
/// ```
pub fn match_contact(name: &str, contacts: &[Contact]) -> NameMatch {
    let wanted = name_words(name);
    if wanted.is_empty() {
        return match_verbatim(name, contacts);
    }
    let ids: Vec<usize> = aliases(contacts).into_iter().filter(|a| a.words == wanted).map(|a| a.contact).collect();
    matched(&ids, contacts)
}

/// A name without a single word ("007", an emoji) can only be a whole name or nickname
/// written the same way, case, spacing and accents aside.
fn match_verbatim(name: &str, contacts: &[Contact]) -> NameMatch {
    let plain = |s: &str| s.split_whitespace().map(|w| fold(&w.to_lowercase())).collect::<Vec<_>>();
    let said = plain(name);
    if said.is_empty() {
        return NameMatch::Nobody;
    }
    let ids: Vec<usize> = contacts
        .iter()
        .enumerate()
        .filter(|(_, c)| plain(&c.name) == said || c.nicknames.iter().any(|n| plain(n) == said))
        .map(|(k, _)| k)
        .collect();
    matched(&ids, contacts)
}

/// The decision both paths share: which contacts (by index) a name fit.
fn matched(ids: &[usize], contacts: &[Contact]) -> NameMatch {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut people: Vec<Participant> = ids.iter().filter_map(|&k| contacts.get(k)).map(Participant::from).collect();
    match people.len() {
        0 => NameMatch::Nobody,
        1 => NameMatch::One(people.remove(0)),
        _ => NameMatch::Several(people),
    }
}

/// One mention of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mention {
    Known(Participant),
    Ambiguous { said: String, candidates: Vec<Participant> },
    Unknown { said: String },
}

/// The contacts one of whose one-word names `word` misses by a small typo: one edit
/// (an insertion, a deletion, a substitution or two letters swapped) for names of four
/// letters or more, two for names of eight or more. `None` when it is close to nobody.
fn near_miss(word: &str, aliases: &[Alias], contacts: &[Contact]) -> Option<NameMatch> {
    let word = fold(word);
    if word.chars().count() < 4 {
        return None;
    }
    let ids: Vec<usize> = aliases
        .iter()
        .filter(|a| a.words.len() == 1)
        .filter(|a| {
            let name = &a.words[0];
            let len = name.chars().count();
            let allowed = if len >= 8 { 2 } else if len >= 4 { 1 } else { 0 };
            allowed > 0 && edits(&word, name) <= allowed
        })
        .map(|a| a.contact)
        .collect();
    (!ids.is_empty()).then(|| matched(&ids, contacts))
}

/// The optimal string alignment distance: insertions, deletions, substitutions and
/// swaps of two neighbouring letters.
pub(crate) fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=b.len() {
        d[0][j] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
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
    "less", "more",
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
    "any", "either", "both", "neither", "whichever", "whoever", "day", "days", "anyday", "weekday", "weekdays",
    "slot", "once", "twice", "again", "only", "but", "except", "week", "titled", "called", "named",
];

/// One name a contact answers to, as normalised words.
struct Alias {
    words: Vec<String>,
    contact: usize,
    needs_capital: bool,
}

/// Every name each contact answers to: the full name, the first and last name (as
/// words, and as the first and last space-separated parts, so "Mary-Jane" is a first
/// name of "Mary-Jane Watson"), and the nicknames. Grouped by contact, in list order.
fn aliases(contacts: &[Contact]) -> Vec<Alias> {
    let mut out = Vec::new();
    for (k, c) in contacts.iter().enumerate() {
        let full = name_words(&c.name);
        let mut names = vec![full.clone()];
        if full.len() > 1 {
            names.push(vec![full[0].clone()]);
            names.push(vec![full[full.len() - 1].clone()]);
        }
        let parts: Vec<Vec<String>> = c.name.split_whitespace().map(name_words).filter(|w| !w.is_empty()).collect();
        if let [first, .., last] = parts.as_slice() {
            names.push(first.clone());
            names.push(last.clone());
        }
        names.extend(c.nicknames.iter().map(|n| name_words(n)));
        let mut seen: Vec<Vec<String>> = Vec::with_capacity(names.len());
        for words in names {
            if words.is_empty() || seen.contains(&words) {
                continue;
            }
            seen.push(words.clone());
            let needs_capital = words.len() == 1 && COMMON_WORDS.contains(&words[0].as_str());
            out.push(Alias { words, contact: k, needs_capital });
        }
    }
    out
}

/// The normalised words of a name: the tokenizer's lower-case words, folded.
fn name_words(name: &str) -> Vec<String> {
    tokenize(name).iter().filter_map(|t| t.word().map(fold)).collect()
}

/// `word` with the diacritics of common Latin letters taken off ("zoë" -> "zoe",
/// "straße" -> "strasse"), so a name is found however its accents were typed. Expects
/// the tokenizer's lower-case words; combining marks left by decomposed text go too.
pub(crate) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match unaccented(c) {
            Some(base) => out.push_str(base),
            None if ('\u{300}'..='\u{36f}').contains(&c) => {}
            None => out.push(c),
        }
    }
    out
}

/// The plain letters for a lower-case Latin letter with a diacritic.
fn unaccented(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ơ' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ư' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// The longest alias match at `i`: its length and the contacts it names. `keys` are the
/// tokens' words normalised like names (folded), one per token.
fn match_at(tokens: &[Token], keys: &[Option<String>], i: usize, aliases: &[Alias]) -> Option<(usize, Vec<usize>)> {
    // A name that is also a word ("frank", "grace") counts lower-case where only a person
    // can stand: first in the command, or after "with", "and", "meet".
    let person_place = i == 0
        || tokens[i - 1].is_punct(',')
        || tokens[i - 1].is_punct('&')
        || tokens[i - 1].is_punct(':')
        || tokens[i - 1].word().is_some_and(|w| matches!(w, "with" | "and" | "meet" | "see" | "invite" | "ping" | "call" | "book" | "schedule" | "reschedule" | "plus" | "w"));
    let mut best: Option<(usize, Vec<usize>)> = None;
    for a in aliases {
        let n = a.words.len();
        let Some(slice) = keys.get(i..i + n) else { continue };
        let hit = slice.iter().zip(&a.words).all(|(k, w)| k.as_deref() == Some(w.as_str()))
            && (!a.needs_capital || tokens[i].capital || person_place);
        if !hit {
            continue;
        }
        match &mut best {
            Some((len, ids)) if *len == n => ids.push(a.contact),
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
                // "with scheduling the call": a verb, lower case, is nobody's name.
                && !(w.ends_with("ing") && !t.capital)
                && super::time_expr::Weekday::parse(w).is_none()
                && super::time_parse::part_of_day_word(w).is_none()
        }
        _ => false,
    }
}

/// Every mention of a person, in text order. `skip` marks tokens that belong to time
/// expressions or durations.
pub(crate) fn find(tokens: &[Token], skip: &[bool], contacts: &[Contact]) -> Vec<(Mention, usize, usize)> {
    let aliases = aliases(contacts);
    let keys: Vec<Option<String>> = tokens.iter().map(|t| t.word().map(fold)).collect();
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
        if let Some((len, ids)) = match_at(tokens, &keys, i, &aliases) {
            end = i + len;
            let said = raw_span(tokens, i, end);
            let mention = match matched(&ids, contacts) {
                NameMatch::One(p) => Mention::Known(p),
                NameMatch::Several(candidates) => Mention::Ambiguous { said, candidates },
                NameMatch::Nobody => Mention::Unknown { said },
            };
            // "Ben O.": an initial after a name belongs to it.
            if matches!(mention, Mention::Known(_)) && tokens.get(end).is_some_and(|t| t.capital && t.raw.chars().count() == 1) {
                end += 1;
                if tokens.get(end).is_some_and(|t| t.is_punct('.')) {
                    end += 1;
                }
            }
            out.push((mention, i, end));
        } else {
            let word = tokens[i].word().unwrap_or("");
            if TRIGGERS.contains(&word) {
                in_list = true;
                i += 1;
                continue;
            }
            if !in_list {
                // "prya and mei 30m tomorrow": a name one slip from a contact's, where a
                // person may stand at the start, is that contact; anything else is skipped.
                let starts = i == 0 || tokens[i - 1].is_punct(',') || tokens[i - 1].is_punct(':');
                let listed = tokens.get(i + 1).is_some_and(|t| t.is("and") || t.is_punct(',') || t.is_punct('&'));
                if starts && listed && name_like(&tokens[i])
                    && let Some(NameMatch::One(p)) = near_miss(word, &aliases, contacts)
                {
                    out.push((Mention::Known(p), i, i + 1));
                    in_list = true;
                    i += 2;
                    continue;
                }
                i += 1;
                continue;
            }
            if SELF.contains(&word) {
                // The owner: nothing to resolve, the list goes on.
            } else if matches!(word, "my" | "the" | "our" | "his" | "her" | "their") && match_at(tokens, &keys, i + 1, &aliases).is_some() {
                // "the Carol meeting": the article is not part of the name.
                i += 1;
                continue;
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
                out.push((Mention::Unknown { said: raw_span(tokens, i, end) }, i, end));
            } else if VAGUE.contains(&word) {
                out.push((Mention::Unknown { said: tokens[i].raw.clone() }, i, end));
            } else if name_like(&tokens[i]) {
                // "Zed Shaw": capitalised words run together as one name.
                if tokens[i].capital {
                    while end < tokens.len()
                        && tokens[end].capital
                        && name_like(&tokens[end])
                        && match_at(tokens, &keys, end, &aliases).is_none()
                    {
                        end += 1;
                    }
                }
                let said = raw_span(tokens, i, end);
                let mention = match (end == i + 1).then(|| near_miss(word, &aliases, contacts)).flatten() {
                    Some(NameMatch::One(p)) => Mention::Known(p),
                    Some(NameMatch::Several(candidates)) => Mention::Ambiguous { said, candidates },
                    _ => Mention::Unknown { said },
                };
                out.push((mention, i, end));
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

    fn c(id: &str, name: &str, nick: &[&str]) -> Contact {
        Contact { id: id.into(), name: name.into(), nicknames: nick.iter().map(|n| n.to_string()).collect() }
    }

    fn contacts() -> Vec<Contact> {
        vec![c("bob", "Bob Martin", &["Bobby"]), c("dan1", "Dan Brooks", &[]), c("dan2", "Dan Wu", &[])]
    }

    fn mentions_among(text: &str, contacts: &[Contact]) -> Vec<Mention> {
        let t = tokenize(text);
        find(&t, &vec![false; t.len()], contacts).into_iter().map(|(m, _, _)| m).collect()
    }

    fn mentions(text: &str) -> Vec<Mention> {
        mentions_among(text, &contacts())
    }

    fn one(id: &str, name: &str) -> NameMatch {
        NameMatch::One(Participant { id: id.into(), name: name.into() })
    }

    fn ids(m: &NameMatch) -> Vec<&str> {
        match m {
            NameMatch::One(p) => vec![p.id.as_str()],
            NameMatch::Several(ps) => ps.iter().map(|p| p.id.as_str()).collect(),
            NameMatch::Nobody => vec![],
        }
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

    #[test]
    fn a_whole_name_matches_full_names_nicknames_and_unique_first_or_last_names() {
        assert_eq!(match_contact("bob  martin", &contacts()), one("bob", "Bob Martin"));
        assert_eq!(match_contact("Bobby", &contacts()), one("bob", "Bob Martin"));
        assert_eq!(match_contact("Bob", &contacts()), one("bob", "Bob Martin"));
        assert_eq!(match_contact("Wu", &contacts()), one("dan2", "Dan Wu"));
        assert_eq!(match_contact("DAN BROOKS", &contacts()), one("dan1", "Dan Brooks"));
        assert_eq!(match_contact("Alice Smith", &contacts()), NameMatch::Nobody);
        assert_eq!(match_contact("  ", &contacts()), NameMatch::Nobody);
    }

    #[test]
    fn a_name_without_words_matches_only_as_written() {
        let bond = [c("jb", "James Bond", &["007"]), c("r2", "R2", &[])];
        assert_eq!(match_contact("007", &bond), one("jb", "James Bond"));
        assert_eq!(match_contact("7", &bond), NameMatch::Nobody);
        assert_eq!(match_contact("r2", &bond), one("r2", "R2"));
    }

    #[test]
    fn a_name_several_contacts_answer_to_is_several_in_list_order() {
        let m = match_contact("dan", &contacts());
        assert!(matches!(m, NameMatch::Several(_)));
        assert_eq!(ids(&m), ["dan1", "dan2"]);
        // A nickname does not outrank another contact's first name: both are asked about.
        let sams = [c("sam_l", "Sam Lee", &[]), c("sam_o", "Samantha Ortiz", &["Sam"])];
        assert_eq!(ids(&match_contact("Sam", &sams)), ["sam_l", "sam_o"]);
        let m = mentions_among("lunch with Sam", &sams);
        assert!(matches!(&m[0], Mention::Ambiguous { candidates, .. } if candidates.len() == 2));
    }

    #[test]
    fn space_separated_parts_of_a_name_are_first_and_last_names() {
        let mj = [c("mj", "Mary-Jane Watson", &[])];
        for name in ["Mary-Jane", "mary jane", "Mary", "Watson", "Mary-Jane Watson"] {
            assert_eq!(match_contact(name, &mj), one("mj", "Mary-Jane Watson"), "{name}");
        }
    }

    #[test]
    fn a_name_that_is_a_word_counts_lower_case_only_where_a_person_stands() {
        let frank = [c("frank", "Frank Li", &[])];
        assert_eq!(match_contact("frank", &frank), one("frank", "Frank Li"));
        assert!(matches!(&mentions_among("meet Frank", &frank)[0], Mention::Known(p) if p.id == "frank"));
        assert!(matches!(&mentions_among("lunch with frank", &frank)[0], Mention::Known(p) if p.id == "frank"));
        assert!(matches!(&mentions_among("frank tomorrow at 3", &frank)[0], Mention::Known(p) if p.id == "frank"));
        assert!(!mentions_among("to be frank it is late", &frank).iter().any(|m| matches!(m, Mention::Known(_))));
    }

    #[test]
    fn a_small_typo_finds_the_one_contact_it_is_close_to() {
        let people = [c("grace", "Grace Hopper", &[]), c("priya", "Priya Patel", &[]), c("dan_b", "Dan Brooks", &[]), c("dan_w", "Dan Wu", &[])];
        assert!(matches!(&mentions_among("meeting with Grcae next week", &people)[0], Mention::Known(p) if p.id == "grace"));
        assert!(matches!(&mentions_among("lunch with pryia", &people)[0], Mention::Known(p) if p.id == "priya"));
        // Too short to correct, and never a guess between two.
        assert!(matches!(&mentions_among("lunch with dam", &people)[0], Mention::Unknown { .. }));
        assert_eq!(edits("grcae", "grace"), 1);
        assert_eq!(edits("priya", "pryia"), 1);
    }

    #[test]
    fn fold_takes_common_latin_diacritics_off() {
        assert_eq!(fold("zoë"), "zoe");
        assert_eq!(fold("josé"), "jose");
        assert_eq!(fold("núñez"), "nunez");
        assert_eq!(fold("łukasz"), "lukasz");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(fold("søren"), "soren");
        assert_eq!(fold("e\u{301}"), "e");
        assert_eq!(fold("bob"), "bob");
        assert_eq!(fold("李"), "李");
    }

    #[test]
    fn accents_are_ignored_both_ways() {
        let people = [c("zoe", "Zoë Ortiz", &[]), c("jose", "José Núñez", &[]), c("rene", "Rene Dubois", &[])];
        assert_eq!(match_contact("Zoe", &people), one("zoe", "Zoë Ortiz"));
        assert_eq!(match_contact("jose nunez", &people), one("jose", "José Núñez"));
        assert_eq!(match_contact("René", &people), one("rene", "Rene Dubois"));
        let m = mentions_among("lunch with Zoe and Jose Nunez", &people);
        assert_eq!(m.len(), 2);
        assert!(matches!(&m[0], Mention::Known(p) if p.id == "zoe"));
        assert!(matches!(&m[1], Mention::Known(p) if p.id == "jose"));
        assert!(matches!(&mentions_among("meet René", &people)[0], Mention::Known(p) if p.id == "rene"));
    }

    #[test]
    fn names_equal_once_accents_are_gone_stay_ambiguous() {
        let zoes = [c("z1", "Zoë Ortiz", &[]), c("z2", "Zoe Park", &[])];
        assert_eq!(ids(&match_contact("Zoë", &zoes)), ["z1", "z2"]);
        let m = mentions_among("meet Zoe", &zoes);
        assert!(matches!(&m[0], Mention::Ambiguous { candidates, .. } if candidates.len() == 2));
    }
}
