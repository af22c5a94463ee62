//! What an owner wants from their week: hours, zones, buffers, caps, protected time.

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;

/// A stretch of local wall-clock time within one day, `[start, end)` in minutes after
/// midnight (`end` may be 1440, midnight at the end of the day).
///
/// Local, not UTC, on purpose: "9:00 to 17:00" must stay 9:00 to 17:00 across a DST switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalRange {
    start_minute: u16,
    end_minute: u16,
}

/// A local range that is empty, reversed or beyond the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("local range {start_minute}..{end_minute} (minutes after midnight) is not within one day")]
pub struct InvalidLocalRange {
    /// Requested start, minutes after midnight.
    pub start_minute: u16,
    /// Requested end, minutes after midnight.
    pub end_minute: u16,
}

/// Minutes in a civil day.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

impl LocalRange {
    /// `[start_minute, end_minute)`; needs `start < end <= 1440`.
    pub fn new(start_minute: u16, end_minute: u16) -> Result<Self, InvalidLocalRange> {
        if start_minute < end_minute && end_minute <= MINUTES_PER_DAY {
            Ok(LocalRange { start_minute, end_minute })
        } else {
            Err(InvalidLocalRange { start_minute, end_minute })
        }
    }

    /// From hours and minutes, e.g. `hm(9, 0, 17, 30)`.
    pub fn hm(start_hour: u16, start_min: u16, end_hour: u16, end_min: u16) -> Result<Self, InvalidLocalRange> {
        LocalRange::new(start_hour * 60 + start_min, end_hour * 60 + end_min)
    }

    /// Start, minutes after midnight.
    pub fn start_minute(&self) -> u16 {
        self.start_minute
    }

    /// End, minutes after midnight.
    pub fn end_minute(&self) -> u16 {
        self.end_minute
    }

    /// The local start and end on `date` (the end may fall on the next day at 00:00).
    pub fn on(&self, date: Date) -> (DateTime, DateTime) {
        (minute_on(date, self.start_minute), minute_on(date, self.end_minute))
    }
}

fn minute_on(date: Date, minute: u16) -> DateTime {
    let midnight = date.to_datetime(Time::midnight());
    midnight.checked_add(SignedDuration::from_mins(i64::from(minute))).unwrap_or(midnight)
}

/// Coarse parts of the day people state preferences in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartOfDay {
    /// Before 12:00.
    Morning,
    /// 12:00 to 17:00.
    Afternoon,
    /// From 17:00.
    Evening,
}

impl PartOfDay {
    /// The part a local minute-of-day falls in.
    pub fn of_minute(minute: u16) -> PartOfDay {
        match minute {
            0..720 => PartOfDay::Morning,
            720..1020 => PartOfDay::Afternoon,
            _ => PartOfDay::Evening,
        }
    }
}

/// A recurring weekly block of local time the owner keeps free of meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocusBlock {
    /// Which day of the week.
    pub weekday: Weekday,
    /// Which local hours.
    pub range: LocalRange,
}

/// A planned stay in another zone: on local dates `first_day..=last_day` the owner's working
/// hours, days and caps are read in `zone` instead of the home zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Travel {
    /// First local date away.
    pub first_day: Date,
    /// Last local date away (inclusive).
    pub last_day: Date,
    /// The zone the owner lives in meanwhile.
    pub zone: TimeZone,
}

/// Working hours for each weekday; several ranges per day (e.g. a lunch break between).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyHours {
    by_weekday: [Vec<LocalRange>; 7],
}

impl WeeklyHours {
    /// No working hours at all.
    pub fn none() -> Self {
        WeeklyHours::default()
    }

    /// The same ranges Monday to Friday, weekends off.
    pub fn weekdays(ranges: &[LocalRange]) -> Self {
        let mut hours = WeeklyHours::none();
        for offset in 0..5 {
            hours.by_weekday[offset] = ranges.to_vec();
        }
        hours
    }

    /// Replaces the ranges of one weekday.
    pub fn set(&mut self, weekday: Weekday, ranges: Vec<LocalRange>) {
        self.by_weekday[weekday_index(weekday)] = ranges;
    }

    /// The ranges of one weekday.
    pub fn on(&self, weekday: Weekday) -> &[LocalRange] {
        &self.by_weekday[weekday_index(weekday)]
    }
}

fn weekday_index(weekday: Weekday) -> usize {
    usize::try_from(weekday.to_monday_zero_offset()).unwrap_or(0)
}

/// Everything an owner told their agent about when meetings may happen.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// Where the owner lives; travel overrides it on some dates.
    pub home_zone: TimeZone,
    /// When the owner works, in local time.
    pub working_hours: WeeklyHours,
    /// Stays in other zones.
    pub travel: Vec<Travel>,
    /// Free time wanted before each meeting (after whatever came before).
    pub buffer_before: SignedDuration,
    /// Free time wanted after each meeting.
    pub buffer_after: SignedDuration,
    /// How far ahead of now a meeting must start.
    pub min_notice: SignedDuration,
    /// At most this many meetings a local day.
    pub max_meetings_per_day: Option<u32>,
    /// At most this many meeting minutes a local day.
    pub max_meeting_minutes_per_day: Option<u32>,
    /// Weekly local blocks kept free.
    pub focus_blocks: Vec<FocusBlock>,
    /// Parts of the day the owner likes meetings in (empty: no preference).
    pub preferred_parts: Vec<PartOfDay>,
    /// Local dates without any meetings.
    pub days_off: Vec<Date>,
    /// Whether tentative events block time (the safe default: yes).
    pub tentative_blocks: bool,
}

impl Preferences {
    /// Monday to Friday 9:00-17:00 in `home_zone`, no buffers, caps or notice.
    pub fn office_hours(home_zone: TimeZone) -> Self {
        let nine_to_five = LocalRange::hm(9, 0, 17, 0).unwrap_or(LocalRange { start_minute: 540, end_minute: 1020 });
        Preferences {
            home_zone,
            working_hours: WeeklyHours::weekdays(&[nine_to_five]),
            travel: Vec::new(),
            buffer_before: SignedDuration::ZERO,
            buffer_after: SignedDuration::ZERO,
            min_notice: SignedDuration::ZERO,
            max_meetings_per_day: None,
            max_meeting_minutes_per_day: None,
            focus_blocks: Vec::new(),
            preferred_parts: Vec::new(),
            days_off: Vec::new(),
            tentative_blocks: true,
        }
    }

    /// The zone the owner lives in on local `date`: a travel zone, or home.
    pub fn zone_on(&self, date: Date) -> &TimeZone {
        self.travel
            .iter()
            .rev()
            .find(|stay| stay.first_day <= date && date <= stay.last_day)
            .map_or(&self.home_zone, |stay| &stay.zone)
    }
}
