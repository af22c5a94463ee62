//! ICS errors: always with the line (of the file, before unfolding) where reading stopped.

use crate::calendar::recur::RuleError;

/// An ICS file could not be read; nothing from it was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct IcsError {
    /// 1-based line of the file where the offending content line starts.
    pub line: usize,
    /// What is wrong there.
    pub kind: IcsErrorKind,
}

/// What is wrong with an ICS file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IcsErrorKind {
    /// The text holds no `BEGIN:VCALENDAR`.
    #[error("not an iCalendar file (no BEGIN:VCALENDAR)")]
    NotACalendar,
    /// A content line without the `:` between name and value.
    #[error("content line has no ':' between name and value")]
    MissingColon,
    /// A parameter without `=` or with an unterminated quote.
    #[error("malformed parameter {param:?}")]
    BadParameter {
        /// The parameter text.
        param: String,
    },
    /// A property outside any component.
    #[error("property {name} outside BEGIN:VCALENDAR ... END:VCALENDAR")]
    OutsideCalendar {
        /// The property name.
        name: String,
    },
    /// `END` does not close the innermost open component.
    #[error("END:{found} while {expected} is open")]
    MismatchedEnd {
        /// The component that is open.
        expected: String,
        /// The component the line closes.
        found: String,
    },
    /// The file ends inside a component.
    #[error("BEGIN:{name} is never closed")]
    Unclosed {
        /// The component left open.
        name: String,
    },
    /// A required property is missing from a component.
    #[error("{component} has no {property}")]
    MissingProperty {
        /// The component (`VEVENT`).
        component: &'static str,
        /// The property (`UID`, `DTSTART`).
        property: &'static str,
    },
    /// A date, date-time or duration value that does not parse.
    #[error("{property} has an invalid {expected} value {value:?}")]
    BadValue {
        /// The property.
        property: String,
        /// What was expected (`date`, `date-time`, `duration`, `integer`).
        expected: &'static str,
        /// The value found.
        value: String,
    },
    /// A `TZID` that is neither an IANA or Windows zone name nor defined in a `VTIMEZONE`.
    #[error("unknown time zone {tzid:?}")]
    UnknownTimeZone {
        /// The zone id.
        tzid: String,
    },
    /// A `VTIMEZONE` whose rules cannot be turned into a zone.
    #[error("VTIMEZONE {tzid:?} cannot be read: {reason}")]
    BadTimeZone {
        /// The zone id.
        tzid: String,
        /// Why.
        reason: &'static str,
    },
    /// An `RRULE` that does not parse or uses parts this reader does not expand.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// `DTEND` before `DTSTART`, or a date start with a date-time end.
    #[error("DTEND/DURATION does not fit DTSTART: {reason}")]
    BadEnd {
        /// Why.
        reason: &'static str,
    },
}

impl IcsError {
    pub(crate) fn at(line: usize, kind: IcsErrorKind) -> IcsError {
        IcsError { line, kind }
    }
}
