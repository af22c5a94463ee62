//! The interpreter's promise: every word that carries meaning is accounted for, or the
//! agent asks. After every reader claimed its words (times, durations, people, rules,
//! titles, places), what is left must be a word that carries no meaning of its own for
//! a request (articles, politeness, the verbs of asking to meet); anything else is
//! quoted back in a question, never dropped.

use super::token::{Tok, Token, quote};

/// Words that may stay unclaimed: they shape the sentence, not the request.
const CARRY_NO_MEANING: &[&str] = &[
    // Articles, pronouns, prepositions, conjunctions.
    "a", "an", "the", "to", "for", "with", "and", "or", "on", "at", "in", "of", "from", "into", "onto", "about", "as",
    "by", "via", "over", "up", "out", "off", "it", "its", "that", "this", "these", "those", "there", "here", "then", "so",
    "me", "my", "mine", "myself", "i", "we", "us", "our", "ours", "you", "your", "yours", "he", "she", "they", "them",
    "his", "her", "their", "one", "ones", "both", "all", "any", "some", "something", "anything", "thing", "things",
    "if", "when", "what", "which", "who", "where", "how", "whether", "than", "too", "also", "just", "only", "even",
    "still", "again", "already", "now", "right", "either", "else", "other", "another", "same", "few", "couple",
    // Politeness and chatter.
    "please", "thanks", "thank", "hey", "hi", "hello", "yo", "ok", "okay", "sure", "cool", "great", "awesome", "kindly",
    "pretty", "really", "quite", "very", "maybe", "perhaps", "possibly", "probably", "ideally", "hopefully", "actually",
    "basically", "asap", "soon", "quick", "quickly", "short", "brief", "little", "bit", "small", "new", "good", "nice",
    "get", "got", "gotta", "wanna", "gonna", "let", "lets", "need", "needs", "want", "wants", "would", "could", "can",
    "will", "should", "shall", "might", "must", "may", "like", "love", "able", "possible", "work", "works", "working",
    "try", "trying", "see", "saw", "look", "looking", "help", "do", "does", "did", "done", "doing", "have", "has", "had",
    "having", "be", "is", "am", "are", "was", "were", "been", "being", "go", "going", "goes", "come", "coming", "make",
    "making", "keep", "put", "take", "taking", "give", "know", "think", "guess", "mind", "wondering", "wonder", "time",
    "times", "day", "days", "slot", "slots", "spot", "window", "gap", "block", "chunk", "sometime", "anytime",
    "whenever", "around", "ish", "approximately", "roughly", "say",
    // Asking for, moving and dropping meetings.
    "schedule", "scheduled", "scheduling", "book", "booked", "booking", "arrange", "organise", "organize", "plan",
    "find", "grab", "pencil", "set", "setup", "hold", "reserve", "add", "create", "fit", "squeeze", "throw", "line",
    "meet", "meeting", "meetings", "call", "calls", "chat", "talk", "speak", "catch", "hop", "jump", "connect",
    "invite", "invitation", "session", "appointment", "sync", "reschedule", "move", "moved", "push", "pushed", "shift",
    "bump", "postpone", "delay", "bring", "forward", "back", "earlier", "later", "change", "instead", "rather",
    "cancel", "cancelled", "canceled", "delete", "remove", "drop", "scrap", "nix", "kill", "clear", "calendar",
    "agenda", "diary", "free", "available", "availability", "busy", "open", "openings",
    "show", "list", "tell", "check", "upcoming", "next", "week", "weeks", "month", "months", "happening",
    "planned", "lined", "everything", "anybody", "someone", "together", "each", "person", "people", "minutes",
    "hours", "long", "length", "duration", "lasting", "last", "run", "running", "start", "starting", "end", "ending",
    "finish", "between", "during", "within", "throughout", "option", "options", "suit", "suits",
    "convenient", "fine", "alright", "matter", "matters", "doesnt", "dont", "whatever", "wrap", "wrapped",
    "finished", "ended", "somewhere", "sooner", "better", "best", "preferably", "prefer", "preference",
    "needed", "required", "minimum", "maximum", "max", "min", "total", "full", "whole", "entire", "earliest", "latest",
    "soonest", "first", "sesh", "hangout", "hang", "touch", "base", "chance",
    "quickie", "real", "proper", "formal", "informal", "casual", "im", "ill", "id", "ive", "youre", "theyre",
    "lemme", "gimme", "cheers", "ta", "thx", "ty", "plz", "pls", "u", "ur", "r", "w", "btw", "fyi", "aka", "but",
    "though", "however", "although", "yet", "why", "fail", "failed", "happened", "happen", "pending", "couldnt",
    "cant", "cannot", "wont", "didnt", "isnt", "arent", "wasnt", "went", "status", "whichever", "easier", "easiest",
    "taken", "flexible", "flex", "anyday", "titled", "called", "named", "onward",
    "onwards", "somethin", "stuff", "tight", "theirs", "across", "along", "per",
    "we're", "yourself", "sorted", "arranged", "locked", "lock", "confirm", "confirmed",
    "rid", "many", "much", "events", "event", "left", "plate", "remaining", "rest", "explain", "transcript",
    "decline", "declined", "pick", "picked", "chose", "choose", "chosen", "reasoning", "negotiation", "negotiations",
    "thatd", "itd", "wed", "youd", "before", "after", "until", "till", "til", "since",
    "looks", "happy", "glad", "lean", "leaning", "towards", "toward", "ends", "request", "requests", "plans", "meetups",
    "point", "plenty", "enough", "anywhere", "doable", "feasible", "gaps", "idea", "otherwise", "failing",
    "alternatively", "came", "anymore", "rush", "hurry", "slide", "shove", "steer", "dear", "assistant", "grateful",
    "finishing", "asked", "allocate", "seeing", "trouble", "manage", "stretch", "wrapping", "sorry", "rundown",
    "overview", "ugh", "suffice", "switch", "warning", "breathing", "room", "limits", "less", "gets", "takes", "books",
    "sit", "down", "accordingly", "swing",
];

/// Words that open a condition: what follows them, to the end of the clause, is quoted
/// whole ("unless the investors call"), never only the conjunction.
const CONDITIONS: &[&str] = &["unless", "provided", "providing", "assuming", "depending", "once", "whenever"];

/// Words a preference sentence is made of, on top of [`CARRY_NO_MEANING`].
pub(crate) const PREFERENCE_WORDS: &[&str] = &[
    "hour", "workday", "workdays", "weekday", "weekdays", "weekend", "weekends", "notice", "advance", "buffer",
    "buffers", "break", "breaks", "breather", "lunch", "focus", "deep", "protect", "protected", "default", "defaults",
    "usually", "normally", "typically", "always", "never", "no", "not", "nothing", "more", "most", "least", "limit",
    "cap", "daily", "starts", "begins", "office", "stop", "late", "early", "zone", "timezone", "based", "live", "eat",
    "blocks", "leave", "every", "thru", "through", "ever", "single", "relocated", "update", "admin", "heads",
    "cushion", "padding", "pacific", "eastern", "central", "mountain", "rule", "rules",
];

/// How a clause that only tells the agent why may begin ("I have a flight", "he's hard to
/// pin down", "because we're launching").
const CONTEXT_OPENERS: &[&str] = &[
    "i", "ive", "id", "ill", "we", "were", "weve", "wed", "he", "she", "they", "theyre", "theyve", "it", "that", "my", "our",
    "his", "her", "their", "because", "cause", "since",
];

/// Words that make a clause say something about when or whether: never chatter.
const CONTEXT_MARKERS: &[&str] = &[
    "if", "unless", "only", "when", "whenever", "once", "until", "till", "til", "before", "after", "by", "except", "not", "no",
    "never", "nothing", "cant", "cannot", "dont", "doesnt", "wont", "isnt", "arent", "busy", "free", "available", "away",
    "out", "off", "back", "leave", "leaving", "gone", "travelling", "traveling", "flying", "vacation", "holiday", "sick",
    "every", "each", "weekly", "daily", "all", "day", "days", "week", "weeks", "morning", "afternoon", "evening", "night",
    "time", "zone", "earlier", "later", "late", "early", "first", "last", "instead", "rather", "prefer", "better",
];

/// Claims the clauses that only give a reason or some chatter: a clause (between
/// punctuation) that opens with a subject or sits in parentheses, in which no reader
/// claimed a word, with no number and no word of [`CONTEXT_MARKERS`]. "I have a flight",
/// "(he's still jet-lagged)", "We have a lot to catch up on". A clause a reader took a
/// word from ("I'm busy Friday") is never chatter.
pub(crate) fn claim_context(tokens: &[Token], used: &mut [bool]) {
    // A hyphen inside a word ("jet-lagged") joins; a dash between spaces separates.
    let boundary = |k: usize| match tokens[k].tok {
        Tok::Punct('-') => k == 0 || k + 1 >= tokens.len() || tokens[k - 1].at.1 != tokens[k].at.0 || tokens[k + 1].at.0 != tokens[k].at.1,
        Tok::Punct(c) => matches!(c, ',' | '.' | ';' | '!' | '?' | '(' | ')' | ':'),
        _ => false,
    };
    let mut start = 0;
    while start < tokens.len() {
        let end = (start..tokens.len()).find(|&k| boundary(k)).unwrap_or(tokens.len());
        let clause = &tokens[start..end];
        let in_parens = start > 0 && tokens[start - 1].is_punct('(') && tokens.get(end).is_some_and(|t| t.is_punct(')'));
        let opens = clause.first().and_then(Token::word).is_some_and(|w| CONTEXT_OPENERS.contains(&w));
        let quiet = !clause.is_empty()
            && (start..end).all(|k| !used[k])
            && clause.iter().all(|t| match &t.tok {
                Tok::Word(w) => !CONTEXT_MARKERS.contains(&w.as_str()),
                Tok::Punct(c) => *c == '-',
                _ => false,
            });
        if (opens || in_parens) && quiet && start > 0 {
            used[start..end].fill(true);
        }
        start = end + 1;
    }
}

/// `word` read as the no-meaning word it misses by one typo (six letters or more), so
/// "somethign" is "something"; a typo is not a reason to ask.
fn typo_of_filler(word: &str) -> bool {
    word.chars().count() >= 6 && CARRY_NO_MEANING.iter().any(|f| f.chars().count() >= 6 && super::contact::edits(word, f) <= 1)
}

/// The words left unclaimed that carry meaning (not in [`CARRY_NO_MEANING`] nor in
/// `also`), quoted as written (one phrase per run), or `None` when every word is
/// accounted for.
pub(crate) fn unaccounted_beside(text: &str, tokens: &[Token], used: &[bool], also: &[&str]) -> Option<String> {
    let meaningful = |k: usize| {
        !used[k]
            && match &tokens[k].tok {
                Tok::Word(w) => !CARRY_NO_MEANING.contains(&w.as_str()) && !also.contains(&w.as_str()) && !typo_of_filler(w),
                Tok::Num { .. } | Tok::Ord(_) => true,
                Tok::Punct(_) => false,
            }
    };
    let mut phrases: Vec<String> = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if !meaningful(k) {
            k += 1;
            continue;
        }
        // A phrase is the whole run of unclaimed words around it, up to a claimed word
        // or punctuation, ending at its last meaningful word: "when she's back from
        // leave", "unless it's raining".
        let mut start = k;
        while start > 0 && !used[start - 1] && !matches!(tokens[start - 1].tok, Tok::Punct(_)) {
            start -= 1;
        }
        let mut last = k;
        let mut j = k + 1;
        let condition = matches!(&tokens[k].tok, Tok::Word(w) if CONDITIONS.contains(&w.as_str()));
        while j < tokens.len() && (!used[j] || condition) && !matches!(tokens[j].tok, Tok::Punct(_)) {
            if meaningful(j) || condition {
                last = j;
            }
            j += 1;
        }
        phrases.push(quote(text, &tokens[start..=last]).to_string());
        k = j;
    }
    (!phrases.is_empty()).then(|| phrases.join("\" and \""))
}
