//! The resolved form of a time expression, shared by the offline interpreter and the
//! language-model path.

use jiff::ZonedDateTime;
use serde::{Deserialize, Serialize};

/// A resolved time: a point with a precision, or an interval.
///
/// A point ("tomorrow", "3pm", "next week") has `end: None` and means "the `grain`
/// that starts at `start`". An interval ("2-4pm", "tomorrow afternoon") has an
/// exclusive `end`. Times serialise as RFC 9557 strings (RFC 3339 plus the zone name),
/// so a round trip keeps the owner's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpr {
    /// The first instant covered.
    pub start: ZonedDateTime,
    /// The first instant no longer covered, for intervals.
    pub end: Option<ZonedDateTime>,
    /// How precisely the expression was stated.
    pub grain: Grain,
}

impl TimeExpr {
    /// The same expression `days` calendar days later (earlier when negative), at the same
    /// wall-clock times; `None` past the end of time.
    pub(crate) fn shifted(&self, days: i64) -> Option<TimeExpr> {
        let shift = jiff::Span::new().days(days);
        let end = match &self.end {
            Some(end) => Some(end.checked_add(shift).ok()?),
            None => None,
        };
        Some(TimeExpr { start: self.start.checked_add(shift).ok()?, end, grain: self.grain })
    }

    /// The same expression on `date`.
    pub(crate) fn on(&self, date: jiff::civil::Date) -> Option<TimeExpr> {
        self.shifted(i64::from((date - self.start.date()).get_days()))
    }
}

/// The precision of a time expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    /// Stated to the minute: "9:30", "in 20 minutes".
    Minute,
    /// Stated to the hour: "3pm", "noon", "this afternoon".
    Hour,
    /// A calendar day: "tomorrow", "the 1st of March".
    Day,
    /// A Monday-to-Sunday week: "next week".
    Week,
    /// A calendar month: "in April", "next month".
    Month,
}

/// A part of the day, as owners use them to narrow a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartOfDay {
    /// 08:00 to 12:00.
    Morning,
    /// 12:00 to 13:00.
    Lunch,
    /// 12:00 to 17:00.
    Afternoon,
    /// 17:00 to 21:00.
    Evening,
    /// 21:00 to midnight.
    Night,
}

impl PartOfDay {
    /// The hours covered, start inclusive and end exclusive (24 = midnight).
    pub const fn hours(self) -> (i8, i8) {
        match self {
            Self::Morning => (8, 12),
            Self::Lunch => (12, 13),
            Self::Afternoon => (12, 17),
            Self::Evening => (17, 21),
            Self::Night => (21, 24),
        }
    }
}

/// The coarse part the scheduler ranks slots by, for a part of day the owner said.
///
/// The scheduler knows three parts (morning before 12:00, afternoon 12:00 to 17:00,
/// evening from 17:00); the finer spoken parts fall into the one containing their hours:
/// `Lunch` (12-13) is an afternoon and `Night` (21-24) an evening.
///
/// ```
/// use agentnet_core::{nlu, schedule};
///
/// assert_eq!(schedule::PartOfDay::from(nlu::PartOfDay::Lunch), schedule::PartOfDay::Afternoon);
/// assert_eq!(schedule::PartOfDay::from(nlu::PartOfDay::Night), schedule::PartOfDay::Evening);
/// ```
impl From<PartOfDay> for crate::schedule::PartOfDay {
    fn from(part: PartOfDay) -> Self {
        use crate::schedule::PartOfDay as Coarse;
        match part {
            PartOfDay::Morning => Coarse::Morning,
            PartOfDay::Lunch | PartOfDay::Afternoon => Coarse::Afternoon,
            PartOfDay::Evening | PartOfDay::Night => Coarse::Evening,
        }
    }
}

/// A day of the week, for recurring preferences ("no meetings on Fridays").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // The names say it all.
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<Weekday> for jiff::civil::Weekday {
    fn from(day: Weekday) -> Self {
        use jiff::civil::Weekday as J;
        match day {
            Weekday::Monday => J::Monday,
            Weekday::Tuesday => J::Tuesday,
            Weekday::Wednesday => J::Wednesday,
            Weekday::Thursday => J::Thursday,
            Weekday::Friday => J::Friday,
            Weekday::Saturday => J::Saturday,
            Weekday::Sunday => J::Sunday,
        }
    }
}

impl Weekday {
    /// Monday through Friday.
    pub const WORKDAYS: [Weekday; 5] =
        [Self::Monday, Self::Tuesday, Self::Wednesday, Self::Thursday, Self::Friday];

    /// Reads "monday", "mondays" (the normalised words of the tokenizer).
    pub(crate) fn parse(word: &str) -> Option<(Weekday, bool)> {
        let (stem, plural) = match word.strip_suffix('s') {
            Some(stem) if stem.ends_with("day") => (stem, true),
            _ => (word, false),
        };
        let day = match stem {
            "monday" => Self::Monday,
            "tuesday" => Self::Tuesday,
            "wednesday" => Self::Wednesday,
            "thursday" => Self::Thursday,
            "friday" => Self::Friday,
            "saturday" => Self::Saturday,
            "sunday" => Self::Sunday,
            _ => return None,
        };
        Some((day, plural))
    }
}

#[cfg(test)]
mod tests {
    use super::PartOfDay;
    use crate::schedule::PartOfDay as Coarse;

    #[test]
    fn every_spoken_part_lies_inside_the_coarse_part_it_converts_to() {
        let all = [PartOfDay::Morning, PartOfDay::Lunch, PartOfDay::Afternoon, PartOfDay::Evening, PartOfDay::Night];
        for part in all {
            let (start, end) = part.hours();
            let first = u16::try_from(start).unwrap() * 60;
            let last = u16::try_from(end).unwrap() * 60 - 1;
            let coarse = Coarse::from(part);
            assert_eq!(Coarse::of_minute(first), coarse, "{part:?} starts outside {coarse:?}");
            assert_eq!(Coarse::of_minute(last), coarse, "{part:?} ends outside {coarse:?}");
        }
        assert_eq!(Coarse::from(PartOfDay::Lunch), Coarse::Afternoon);
        assert_eq!(Coarse::from(PartOfDay::Night), Coarse::Evening);
    }
}
