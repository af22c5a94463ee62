//! iCalendar (RFC 5545): import, export, invitations, subscriptions.
//!
//! The reader is our own rather than `icalendar` or `calcard`: importing must be all or
//! nothing with an error that names the line (both crates parse leniently and lose line
//! numbers), and recurrence and zones must come out as jiff values for the expander.
//! It handles line unfolding, parameter quoting, text escaping, `VTIMEZONE` blocks, IANA
//! and Windows `TZID`s, all-day and floating times, `RRULE`/`RDATE`/`EXDATE`,
//! `RECURRENCE-ID` overrides, `STATUS:CANCELLED` and `TRANSP:TRANSPARENT`.
//!
//! Subscriptions are fetched by [`fetch_ics`] with the same `reqwest` client on both
//! targets; callers holding the text already use [`parse_calendar`] or
//! [`IcsCalendar::from_text`].

mod error;
mod export;
mod fetch;
pub(crate) mod lines;
mod parse;
mod source;
pub(crate) mod value;
mod zone;

pub use error::{IcsError, IcsErrorKind};
pub use export::{cancellation, export_calendar, invitation};
pub use fetch::fetch_ics;
pub use parse::parse_calendar;
pub(crate) use parse::parse_recurrence_lines;
pub use source::IcsCalendar;
