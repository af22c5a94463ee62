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

/// Whether the command ends with a question mark.
fn ends_in_question(tokens: &[Token]) -> bool {
    tokens.last().is_some_and(|t| t.is_punct('?'))
}

/// Classifies a tokenized command.
pub(crate) fn kind(tokens: &[Token]) -> Kind {
    let w = Words(tokens.iter().filter_map(Token::word).collect());
    let books = (w.any(BOOK) && !w.seq(&["find", "out"])) || w.seq(&["set", "up"]);
    if w.any(&["why", "explain", "transcript", "reasoning"])
        || w.seq(&["what", "happened"])
        || w.seq(&["how", "did"]) && w.any(&["negotiation", "negotiate", "go", "end"])
        || w.seq(&["how", "come"])
        || w.seq(&["what", "went", "wrong"])
        || w.has("never") && w.near(&["got"], &["scheduled", "booked", "set", "arranged"])
    {
        return Kind::Explain;
    }
    if w.has("connect")
        || w.any(&["add", "save", "link"]) && w.any(&["contact", "contacts"])
        || w.seq(&["new", "contact"])
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
    // "when will I see Oliver again", "when am I meeting Alice", "any meetings with Mei
    // this week?", "what's scheduled for today": questions about the calendar.
    let asks_free = w.any(&["free", "available", "availability", "open", "openings", "busy"]);
    if !asks_free && w.seq(&["when", "will", "i"]) || !asks_free && w.seq(&["when", "am", "i"]) || w.seq(&["when", "do", "i"]) || w.seq(&["when", "is", "my"])
        || w.seq(&["when", "is", "the"]) || w.seq(&["when", "are", "we"]) || w.seq(&["when", "was"])
        || (w.0.first().is_some_and(|f| matches!(*f, "any" | "anything"))
            && !books
            && !w.any(&["free", "available", "open", "openings", "time", "works", "work", "gaps", "gap"])
            && (ends_in_question(tokens) || w.any(&["meetings", "meeting", "calls", "events", "plans", "booked", "scheduled", "on"])))
        || w.seq(&["what", "is", "scheduled"]) || w.seq(&["what", "is", "booked"]) || w.seq(&["what", "is", "planned"])
        || w.seq(&["what", "scheduled"]) || w.seq(&["what", "booked"]) || w.seq(&["what", "planned"])
        || w.0.first() == Some(&"what") && w.0.get(1) == Some(&"on")
        || w.seq(&["coming", "up"]) && !books
        || w.has("how") && w.any(&["schedule", "calendar", "day", "week", "agenda"]) && w.any(&["look", "looking", "looks"])
        || w.seq(&["who", "am", "i"]) || w.seq(&["who", "do", "i"])
        || w.seq(&["do", "i", "have", "anything"]) || w.seq(&["is", "there", "anything"])
        || w.seq(&["how", "busy"])
        || w.seq(&["next", "time", "i"])
        || w.seq(&["what", "is", "happening"])
        || w.seq(&["what", "happening"])
        || ends_in_question(tokens) && w.0.first().is_some_and(|f| *f == "next") && w.any(&["meeting", "call", "appointment"])
        || w.0.first() == Some(&"my") && w.any(&["schedule", "calendar", "agenda", "day"]) && !w.any(&["hours", "starts", "ends", "set"]) && w.0.len() <= 6
        || w.any(&["rundown", "overview"]) && !books
        || ends_in_question(tokens) && w.0.first().is_some_and(|f| *f == "i") && w.near(&["have"], &["meetings", "meeting", "calls", "anything"])
        || w.0.first() == Some(&"what") && w.near(&["on"], &["calendar", "schedule", "agenda", "diary", "plate"]) && w.has("my")
    {
        return Kind::List;
    }
    if w.any(&["cancel", "scrap", "nix", "delete", "cancelled", "canceled", "unbook", "unschedule"])
        || w.has("take") && w.has("off") && !w.has("offsite") && w.any(&["calendar", "schedule", "agenda", "diary", "it", "the", "my"])
        || w.seq(&["get", "rid"])
        || w.seq(&["call", "off"])
        || w.near(&["remove", "drop", "kill", "clear"], &["meeting", "call", "lunch", "coffee", "sync", "standup", "my", "the", "it"])
            && !w.has("buffer")
        || w.near(&["cant", "cannot", "cant"], &["make"])
    {
        // "I can't make Thursday, can we do Friday instead?": a move.
        if (w.has("instead") || w.any(&["move", "reschedule", "postpone", "shift", "push"])) && !w.any(&["cancel", "delete", "remove"]) {
            return Kind::Reschedule;
        }
        return Kind::Cancel;
    }
    if w.any(&["reschedule", "move", "postpone", "rebook", "rearrange", "delay", "shift", "bump", "moved", "slide", "shove"])
        || w.near(&["push", "pull", "bring"], &["back", "forward", "to", "my", "the", "it", "meeting", "out", "by", "everything", "all", "our"])
        || w.near(&["change"], &["time", "day", "date"])
        // "we were meeting today, can we do tomorrow instead".
        || w.has("instead") && (w.seq(&["can", "we", "do"]) || w.any(&["were", "was"]))
    {
        return Kind::Reschedule;
    }
    // "am I busy Friday?" asks; "Bob Friday, I'm busy in the afternoon" tells.
    let asks_busy = w.has("busy") && (ends_in_question(tokens) || w.0.first().is_some_and(|f| matches!(*f, "am" | "are" | "is" | "how")));
    let free_words = w.any(&["free", "available", "availability", "open", "openings", "gaps", "gap", "booked"]) || asks_busy;
    // "is my afternoon clear?", "is Friday clear".
    let clear = w.has("clear") && (w.0.first() == Some(&"is") || w.seq(&["is", "my"]));
    // "mon, tue or thu, whichever is free" books; it does not ask.
    if (free_words && !books && !w.has("whichever")) || clear
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
    let first = w.0.first().copied().unwrap_or_default();
    w.seq(&["working", "hours"])
        || w.seq(&["my", "hours"])
        || w.near(&["i"], &["work"]) && !w.any(&["with", "meet", "meeting"])
        || w.seq(&["take", "lunch"]) || w.seq(&["eat", "lunch"]) || w.seq(&["have", "lunch"]) && w.has("i")
        || w.any(&["notice"])
        || w.seq(&["earliest", "meeting"]) || w.seq(&["latest", "meeting"])
        || first == "hours"
        || w.seq(&["hours", "are"])
        || w.seq(&["work", "day"])
        || w.seq(&["working", "day"])
        || w.seq(&["workday"])
        || w.near(&["take", "eat", "have"], &["lunch"]) && w.0.first().is_some_and(|f| matches!(*f, "i" | "my" | "lunch"))
        || w.seq(&["stop", "booking"])
        || w.seq(&["stop", "scheduling"])
        || w.near(&["dont", "not"], &["mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "weekends"])
        || w.seq(&["i", "am", "off"])
        || first == "earliest" || first == "latest"
        || w.seq(&["back", "to", "back"])
        || w.any(&["gap", "gaps"]) && w.any(&["meetings", "calls"])
        || w.seq(&["work", "hours"])
        || w.seq(&["office", "hours"])
        || w.seq(&["i", "work"])
        || w.seq(&["i", "start"]) && w.any(&["finish", "end", "stop"])
        || w.seq(&["my", "day", "starts"])
        || w.seq(&["my", "day", "ends"])
        || w.seq(&["day", "ends"])
        || w.seq(&["start", "work"])
        || w.seq(&["finish", "work"])
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
        || w.near(&["between"], &["meetings", "calls"]) && w.any(&["leave", "keep", "always", "buffer", "cushion", "padding"])
        || w.near(&["not", "dont"], &["want"]) && w.any(&["meetings", "calls"])
        || w.any(&["cushion", "padding", "breathing", "warning"])
        || w.seq(&["off", "limits"])
        || w.seq(&["meetings", "should", "be"])
        || w.near(&["day"], &["starts", "begins"]) && w.has("my")
        || w.near(&["pacific", "eastern", "central", "mountain"], &["time"]) && w.any(&["i", "my"]) && !w.any(&["with", "meet", "meeting", "call"])
        || w.has("lunch") && w.any(&["is", "from"]) && w.0.first() == Some(&"lunch")
}
