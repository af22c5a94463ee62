//! Understanding what the owner asks, offline.
//!
//! [`interpret`] turns an English command into an [`Interpretation`]: a typed
//! [`Intent`] and the first time expression found, resolved against a reference
//! "now" and time zone passed in by the caller (core has no clock). The language-model
//! path in `agentnet-platform` produces the same types.
//!
//! ```
//! use agentnet_core::nlu::{interpret, Contact, Context, Intent};
//!
//! let now = "2026-03-04T10:30:00-05:00[America/New_York]".parse().unwrap();
//! let contacts = vec![Contact { id: "c1".into(), name: "Bob Martin".into(), nicknames: vec![] }];
//! let got = interpret("find 30 minutes with Bob next week, afternoons", &Context { now, contacts });
//! assert!(matches!(got.intent, Intent::Schedule { duration_minutes: Some(30), .. }));
//! ```
//!
//! # Conventions
//!
//! A careful person reading the command would resolve it this way; where English is
//! ambiguous the choice is written down here rather than hidden in code.
//!
//! - **Weeks** run Monday to Sunday. "next week" is the week starting next Monday
//!   (grain week); "this week" the current one, even if it started in the past.
//! - **Weekdays**: a bare "Tuesday" is the next Tuesday *after* today. "this Tuesday"
//!   includes today. "next Tuesday" is the Tuesday of next week (so on a Monday it is
//!   eight days away, not tomorrow; on a Saturday it is three days away). "last
//!   Tuesday" is the most recent one before today. "Tuesday next week" = "next Tuesday".
//! - **Dates without a year** ("March 1", "3/15") are the next such date, today
//!   included. "3/15" is month/day; "15/3" (first number above 12) is day/month.
//!   "the 15th" is the next 15th, this month if not passed.
//! - **Clock times without am/pm** follow business hours: 1-7 are afternoon
//!   ("at 3" -> 15:00), 8-11 morning, 12 noon. A part of day decides instead ("tonight
//!   at 8" -> 20:00, "Monday morning at 7" -> 07:00). "09:00" and "15:30" are 24-hour.
//!   In a range the end is the first matching time after the start ("2-4" ->
//!   14:00-16:00, "10-2" -> 10:00-14:00, "11-1pm" -> 11:00-13:00).
//! - **Grain**: a clock time is minute-grained when minutes are written ("3:00",
//!   "9:30"), otherwise hour-grained ("3pm", "noon"). Ranges and parts of day are
//!   intervals with an exclusive end.
//! - **Parts of day**: morning 08-12, lunch 12-13 ("at lunch"), afternoon 12-17,
//!   after lunch 13-17, evening 17-21 ("tonight" is this evening), night 21-24.
//!   Plurals ("afternoons") are a preference for the search, not a time.
//! - **Past times**: a time of day without a date that has already passed today is
//!   tomorrow's ("at 9" said at 10:30). A part of day is today's until it is over.
//! - **EOD** / "end of day" / "close of business": today 17:00, hour grain. "end of
//!   the week": Friday; "end of the month": its last day (day grain). "early next
//!   week": Monday to Wednesday; "later this week": Thursday and Friday; "the weekend":
//!   Saturday and Sunday (intervals, day grain).
//! - **Offsets**: "in 20 minutes" / "in 2 hours" are now plus the offset, truncated to
//!   the minute (minute grain); "in two weeks", "in 3 days" are that calendar day (day
//!   grain); "in a month" the same day next month.
//! - **A time of day next to a week or a month** ("next week at 3") keeps only the
//!   week: the search window is the week.
//! - **Durations** ("for 45 minutes", "half an hour", "an hour and a half") are meeting
//!   lengths in minutes and never times.
//! - **People**: names and nicknames are matched against the owner's contacts
//!   (first name, last name, full name, nickname; names that are ordinary words such
//!   as "Frank" or "Will" only when capitalised; case and the accents of Latin letters
//!   ignored, so "Zoe" finds "Zoë"); [`match_contact`] applies the same rules to a
//!   whole name from elsewhere (the language model). A name matching nobody or several
//!   contacts, a vague reference ("my manager", "him"), a meeting with nobody, or a
//!   cancel/reschedule that does not say which meeting is answered with
//!   [`Intent::NeedsClarification`], never with a guess. A schedule without a time is
//!   not a clarification: the agent looks for the soonest slot that suits everyone.

mod assemble;
mod classify;
mod constraints;
mod contact;
mod duration;
pub mod eval;
mod intent;
mod leftover;
mod preference;
mod rules;
mod summary;
mod time_expr;
mod time_parse;
mod time_resolve;
mod title;
mod token;
mod windows;

use jiff::ZonedDateTime;
use serde::{Deserialize, Serialize};

pub use contact::{Contact, NameMatch, Participant, match_contact};
pub use constraints::{Constraints, allowed, covered};
pub use intent::{Intent, Issue, Location, Preference};
pub use summary::summary;
pub use time_expr::{Grain, PartOfDay, TimeExpr, Weekday};

/// What the interpreter needs to know besides the text.
#[derive(Debug, Clone)]
pub struct Context {
    /// The reference "now", in the owner's time zone: relative expressions resolve
    /// against it and results are in its zone.
    pub now: ZonedDateTime,
    /// The owner's contacts, to resolve names.
    pub contacts: Vec<Contact>,
}

/// The result of interpreting one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpretation {
    /// What the owner wants.
    pub intent: Intent,
    /// The first time expression in the command, if any.
    pub time: Option<TimeExpr>,
}

/// Interprets one command. Never fails: what cannot be understood is an
/// [`Intent::NeedsClarification`].
pub fn interpret(text: &str, ctx: &Context) -> Interpretation {
    assemble::interpret(text, ctx)
}

/// Whether `text` says what kind of request it is ("find…", "cancel…", "what's on…"),
/// rather than being a bare detail ("with Bob", "45 minutes next Tuesday") that only
/// makes sense as the answer to a question the agent asked.
///
/// ```
/// use agentnet_core::nlu::names_a_request;
///
/// assert!(names_a_request("find 30 minutes with Bob"));
/// assert!(names_a_request("what's on next week"));
/// assert!(!names_a_request("with Bob"));
/// assert!(!names_a_request("45 minutes next Tuesday afternoon"));
/// ```
pub fn names_a_request(text: &str) -> bool {
    classify::kind(&token::tokenize(text)) != classify::Kind::Unknown
}

/// Resolves the first time expression in `text` ("next Tuesday afternoon"), without
/// reading an intent. Used to check times produced elsewhere (the language model).
pub fn resolve_time(text: &str, now: &ZonedDateTime) -> Option<TimeExpr> {
    assemble::first_time(text, now)
}
