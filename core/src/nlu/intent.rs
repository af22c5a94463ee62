//! What the owner wants, as a closed, serialisable vocabulary.
//!
//! Both the offline interpreter and the language-model path produce an [`Intent`], and
//! the CLI prints it, so the JSON shape is part of the contract: internally tagged by
//! `kind` (snake_case), optional fields always present (`null` when unknown). Anything
//! the interpreter cannot settle without guessing becomes
//! [`Intent::NeedsClarification`] with the question to put to the owner.

use jiff::civil::Time;
use serde::{Deserialize, Serialize};

use super::contact::Participant;
use super::constraints::Constraints;
use super::time_expr::{PartOfDay, TimeExpr, Weekday};

/// One understood command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Intent {
    /// Find a time and book a new meeting.
    Schedule {
        /// Who to meet (never empty: no one to meet is a clarification).
        participants: Vec<Participant>,
        /// Length in minutes, when stated.
        duration_minutes: Option<u32>,
        /// When to look, when stated; otherwise the soonest time that suits everyone.
        window: Option<TimeExpr>,
        /// The part of the day the meeting must be in, when stated ("in the morning",
        /// "afternoons"); a preference only is [`Constraints::prefer_part`].
        part_of_day: Option<PartOfDay>,
        /// What the meeting is about or what kind it is ("Coffee", "Q3 budget").
        title: Option<String>,
        /// Where, when stated.
        location: Option<Location>,
        /// Everything else said about when: alternatives, bounds, exclusions, a zone.
        #[serde(default)]
        constraints: Constraints,
    },
    /// Move an existing meeting.
    Reschedule {
        /// People in the meeting to move.
        participants: Vec<Participant>,
        /// When the meeting is now, when stated.
        from: Option<TimeExpr>,
        /// Where to move it, when stated (otherwise: propose new times).
        to: Option<TimeExpr>,
        /// The meeting's title or kind, when stated.
        title: Option<String>,
        /// The part of the day the new time must be in, when stated.
        #[serde(default)]
        part_of_day: Option<PartOfDay>,
        /// Everything else said about the new time.
        #[serde(default)]
        constraints: Constraints,
    },
    /// Cancel an existing meeting.
    Cancel {
        /// People in the meeting.
        participants: Vec<Participant>,
        /// When the meeting is, when stated.
        when: Option<TimeExpr>,
        /// The meeting's title or kind, when stated.
        title: Option<String>,
    },
    /// Ask when the owner (and optionally others) are free.
    AskAvailability {
        /// Whose availability, besides the owner's.
        participants: Vec<Participant>,
        /// The period asked about.
        window: Option<TimeExpr>,
        /// The length of the free time wanted, when stated.
        duration_minutes: Option<u32>,
        /// The part of the day asked about, when stated.
        #[serde(default)]
        part_of_day: Option<PartOfDay>,
        /// Everything else said about when.
        #[serde(default)]
        constraints: Constraints,
    },
    /// Change one of the owner's scheduling preferences.
    SetPreference {
        /// The preference to set.
        preference: Preference,
    },
    /// Connect to a new person's agent (by invitation).
    ConnectContact {
        /// The name the owner used for them.
        name: String,
    },
    /// List upcoming meetings.
    ListUpcoming {
        /// The period to list.
        window: Option<TimeExpr>,
        /// Only meetings with these people.
        participants: Vec<Participant>,
    },
    /// Explain a negotiation: why a time was chosen, declined or countered.
    ExplainNegotiation {
        /// The other side(s) of the negotiation.
        participants: Vec<Participant>,
    },
    /// The command cannot be acted on without asking the owner something.
    NeedsClarification {
        /// The question to ask, in plain English.
        question: String,
        /// What is missing or unclear, for a front end to offer choices.
        issue: Issue,
    },
}

impl Intent {
    /// The `kind` tag, as serialised.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Schedule { .. } => "schedule",
            Self::Reschedule { .. } => "reschedule",
            Self::Cancel { .. } => "cancel",
            Self::AskAvailability { .. } => "ask_availability",
            Self::SetPreference { .. } => "set_preference",
            Self::ConnectContact { .. } => "connect_contact",
            Self::ListUpcoming { .. } => "list_upcoming",
            Self::ExplainNegotiation { .. } => "explain_negotiation",
            Self::NeedsClarification { .. } => "needs_clarification",
        }
    }

    /// The people the intent involves (empty where it has none).
    pub fn participants(&self) -> &[Participant] {
        match self {
            Self::Schedule { participants, .. }
            | Self::Reschedule { participants, .. }
            | Self::Cancel { participants, .. }
            | Self::AskAvailability { participants, .. }
            | Self::ListUpcoming { participants, .. }
            | Self::ExplainNegotiation { participants } => participants,
            _ => &[],
        }
    }

    /// The meeting length, where the intent has one.
    pub fn duration_minutes(&self) -> Option<u32> {
        match self {
            Self::Schedule { duration_minutes, .. } | Self::AskAvailability { duration_minutes, .. } => {
                *duration_minutes
            }
            _ => None,
        }
    }
}

/// Where a meeting takes place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Location {
    /// A video call, optionally on a named service ("Zoom").
    Video {
        /// The service, when named.
        provider: Option<String>,
    },
    /// A phone call.
    Phone,
    /// In person, optionally at a named place.
    InPerson {
        /// The place, when named.
        place: Option<String>,
    },
}

/// A scheduling preference of the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "preference", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Preference {
    /// The hours meetings may be placed in.
    WorkingHours {
        /// First minute of the working day.
        start: Time,
        /// End of the working day (exclusive).
        end: Time,
        /// The days this applies to (empty: every working day).
        weekdays: Vec<Weekday>,
    },
    /// Free time to keep between meetings.
    Buffer {
        /// Minutes between two meetings.
        minutes: u32,
    },
    /// Protected time for focused work.
    FocusTime {
        /// The days (empty: every working day).
        weekdays: Vec<Weekday>,
        /// The part of the day, when stated as one.
        part_of_day: Option<PartOfDay>,
        /// Explicit hours, when stated.
        start: Option<Time>,
        /// End of the explicit hours (exclusive).
        end: Option<Time>,
    },
    /// No meetings on these days.
    NoMeetingsOn {
        /// The days to keep free.
        weekdays: Vec<Weekday>,
    },
    /// No meetings before this time of day.
    NoMeetingsBefore {
        /// The earliest start.
        time: Time,
    },
    /// No meetings after this time of day.
    NoMeetingsAfter {
        /// The latest end.
        time: Time,
    },
    /// How far ahead a meeting must be booked.
    MinimumNotice {
        /// Minimum notice in minutes.
        minutes: u32,
    },
    /// A cap on meetings per day.
    MaxMeetingsPerDay {
        /// The most meetings in one day.
        count: u32,
    },
    /// The length used when a command does not say.
    DefaultDuration {
        /// Minutes.
        minutes: u32,
    },
    /// A lunch break to keep free.
    LunchBreak {
        /// Start of the break.
        start: Time,
        /// End of the break (exclusive).
        end: Time,
    },
    /// The owner's home time zone.
    TimeZone {
        /// An IANA time zone name ("Europe/Paris").
        zone: String,
    },
}

/// What a clarification is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Issue {
    /// A name that matches nobody in the contact list.
    UnknownContact {
        /// The name as written.
        name: String,
    },
    /// A name that matches several contacts.
    AmbiguousContact {
        /// The name as written.
        name: String,
        /// The contacts it could be.
        candidates: Vec<Participant>,
    },
    /// A meeting needs at least one other person.
    MissingParticipants,
    /// Which existing meeting is meant is not said.
    MissingMeeting,
    /// A date that does not exist ("February 30").
    InvalidDate,
    /// A preference was mentioned but not understood.
    UnclearPreference,
    /// The command was not understood at all.
    NotUnderstood,
    /// Words that change what is asked and that the agent cannot act on ("unless it
    /// rains"): it asks rather than drop them.
    Unsupported {
        /// The words, as written.
        words: String,
    },
    /// A recurring meeting ("every Tuesday"): not supported yet, so not booked once.
    Recurring {
        /// The words that make it recurring, as written.
        words: String,
    },
}
