//! Which kind of request a command is, from its words alone.
//!
//! Checked in a fixed order, most specific first: "don't schedule meetings before 10"
//! is a preference even though it says "schedule", "move my meeting" is a reschedule
//! even though it says "meeting", and a question about free time is availability
//! unless the owner also asks to book something.

use super::token::Token;

/// The kind of request, before its details are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Explain,
    Connect,
    Preference,
    Cancel,
    Reschedule,
    Availability,
    List,
    Schedule,
    Unknown,
}

struct Words<'a>(Vec<&'a str>);

impl Words<'_> {
    fn has(&self, w: &str) -> bool {
        self.0.contains(&w)
    }
    fn any(&self, ws: &[&str]) -> bool {
        ws.iter().any(|w| self.has(w))
    }
    fn seq(&self, s: &[&str]) -> bool {
        self.0.windows(s.len()).any(|win| win == s)
    }
    /// `a` followed by `b` within four words.
    fn near(&self, a: &[&str], b: &[&str]) -> bool {
        self.0.iter().enumerate().any(|(i, w)| {
            a.contains(w) && self.0.iter().skip(i + 1).take(4).any(|x| b.contains(x))
        })
    }
}

const BOOK: &[&str] = &["schedule", "book", "arrange", "organize", "organise", "plan", "find", "grab", "pencil", "setting"];
const MEETING_WORDS: &[&str] =
    &["meeting", "call", "lunch", "coffee", "dinner", "breakfast", "drinks", "sync", "chat", "oneonone", "time"];

/// Classifies a tokenized command.
pub(crate) fn kind(tokens: &[Token]) -> Kind {
    let w = Words(tokens.iter().filter_map(Token::word).collect());
    let books = (w.any(BOOK) && !w.seq(&["find", "out"])) || w.seq(&["set", "up"]);
    if w.any(&["why", "explain", "transcript", "reasoning"])
        || w.seq(&["what", "happened"])
        || w.seq(&["how", "did"]) && w.any(&["negotiation", "negotiate", "go", "end"])
        || w.seq(&["how", "come"])
    {
        return Kind::Explain;
    }
    if w.has("connect")
        || w.any(&["add", "save"]) && w.any(&["contact", "contacts"])
        || w.seq(&["invite", "link"])
        || w.seq(&["invitation", "link"])
        || w.has("pair")
        || w.near(&["accept"], &["invite", "invitation", "request"])
        || (w.has("send") && w.any(&["invite", "invitation"]) && !w.any(MEETING_WORDS))
    {
        return Kind::Connect;
    }
    if is_preference(&w) {
        return Kind::Preference;
    }
    if w.any(&["cancel", "scrap", "nix", "delete", "cancelled", "canceled"])
        || w.seq(&["call", "off"])
        || w.near(&["remove", "drop", "kill", "clear"], &["meeting", "call", "lunch", "coffee", "sync", "standup", "my", "the"])
            && !w.has("buffer")
        || w.near(&["cant", "cannot", "cant"], &["make"])
    {
        return Kind::Cancel;
    }
    if w.any(&["reschedule", "move", "postpone", "rebook", "rearrange", "delay", "shift", "bump", "moved"])
        || w.near(&["push", "pull", "bring"], &["back", "forward", "to", "my", "the", "it", "meeting", "out", "by"])
        || w.near(&["change"], &["time", "day", "date"])
    {
        return Kind::Reschedule;
    }
    let free_words = w.any(&["free", "available", "availability", "busy", "open", "openings", "gaps", "gap", "booked"]);
    if (free_words && !books)
        || w.seq(&["when", "can"])
        || w.near(&["have"], &["time"]) && w.any(&["do", "any"]) && !books
    {
        return Kind::Availability;
    }
    if w.any(&["agenda", "upcoming", "list", "show", "whats"])
        || w.seq(&["what", "is", "on"])
        || w.seq(&["what", "do", "i", "have"])
        || w.seq(&["what", "have", "i", "got"])
        || w.seq(&["do", "i", "have"]) && !books
        || w.near(&["what", "when"], &["my", "next", "meetings"]) && !books
        || w.seq(&["how", "many"])
        || w.seq(&["anything", "on"])
        || w.seq(&["look", "like"])
    {
        return Kind::List;
    }
    if books
        || w.any(&[
            "meet", "meeting", "call", "lunch", "coffee", "dinner", "breakfast", "drinks", "sync", "oneonone",
            "chat", "put", "invite", "hop", "talk", "interview", "demo", "standup", "catch", "lets", "hold",
            "block", "need", "want", "get", "setup", "session", "huddle", "brainstorm", "review",
        ])
    {
        return Kind::Schedule;
    }
    Kind::Unknown
}

fn is_preference(w: &Words<'_>) -> bool {
    w.seq(&["working", "hours"])
        || w.seq(&["work", "hours"])
        || w.seq(&["office", "hours"])
        || w.seq(&["i", "work"])
        || w.seq(&["my", "day", "starts"])
        || w.any(&["buffer", "buffers", "focus", "notice", "prefer", "preference", "timezone", "default", "never", "protect"])
        || w.seq(&["deep", "work"])
        || w.seq(&["time", "zone"])
        || w.seq(&["no", "meetings"])
        || w.seq(&["no", "calls"])
        || w.near(&["dont", "nothing", "never"], &["book", "schedule", "meetings", "calls", "before", "after"])
        || w.seq(&["no", "more", "than"])
        || w.seq(&["at", "most"])
        || w.near(&["max", "maximum", "limit", "cap"], &["meetings", "calls", "per", "a", "day"])
        || w.seq(&["lunch", "break"])
        || w.near(&["keep"], &["free", "clear", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "mornings", "afternoons", "lunch"])
        || w.near(&["block", "reserve"], &["mornings", "afternoons", "evenings", "every"])
        || w.seq(&["between", "meetings"])
}
