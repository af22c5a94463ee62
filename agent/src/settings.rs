//! The owner's settings as stored: who they are, where their relay is, and their
//! scheduling preferences in a plain serialisable form that becomes core's
//! [`Preferences`].

use agentnet_core::nlu::{Preference, Weekday as SpokenDay};
use agentnet_core::schedule::{FocusBlock, LocalRange, PartOfDay, Preferences, WeeklyHours};
use jiff::SignedDuration;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::{AgentError, Policy};

/// One local time range on one weekday, in minutes from midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    /// 0 = Monday.
    pub weekday: u8,
    /// First minute.
    pub start: u16,
    /// End minute (exclusive).
    pub end: u16,
}

/// The owner's scheduling preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    /// When meetings may happen.
    pub working_hours: Vec<DayRange>,
    /// Free minutes kept around each meeting.
    pub buffer_minutes: u32,
    /// How far ahead a meeting must be booked, in minutes.
    pub min_notice_minutes: u32,
    /// At most this many meetings a day.
    pub max_meetings_per_day: Option<u32>,
    /// Weekly blocks kept free.
    pub focus: Vec<DayRange>,
    /// Parts of the day meetings are best in.
    pub preferred_parts: Vec<String>,
    /// The length used when a command does not say.
    pub default_duration_minutes: u32,
}

impl Default for Prefs {
    /// Monday to Friday, 9:00 to 17:00, 30-minute meetings.
    fn default() -> Self {
        Prefs {
            working_hours: (0..5).map(|weekday| DayRange { weekday, start: 9 * 60, end: 17 * 60 }).collect(),
            buffer_minutes: 0,
            min_notice_minutes: 0,
            max_meetings_per_day: None,
            focus: Vec::new(),
            preferred_parts: Vec::new(),
            default_duration_minutes: 30,
        }
    }
}

/// Everything about the owner the agent keeps (sealed in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The owner's name, as contacts see it on the card.
    pub name: String,
    /// The owner's IANA time zone.
    pub zone: String,
    /// The relay's WebSocket URL.
    pub relay: String,
    /// Scheduling preferences.
    pub prefs: Prefs,
    /// The policy new contacts start with.
    pub default_policy: Policy,
    /// The disclosure budget new contacts start with.
    pub default_budget: u32,
}

impl Settings {
    /// The owner's time zone (UTC if the stored name is unknown to this device).
    pub fn time_zone(&self) -> TimeZone {
        TimeZone::get(&self.zone).unwrap_or(TimeZone::UTC)
    }

    /// Core's preferences.
    pub fn preferences(&self) -> Preferences {
        let p = &self.prefs;
        let mut prefs = Preferences::office_hours(self.time_zone());
        let mut hours = WeeklyHours::none();
        for day in 0..7u8 {
            let ranges: Vec<LocalRange> = p
                .working_hours
                .iter()
                .filter(|r| r.weekday == day)
                .filter_map(|r| LocalRange::new(r.start, r.end).ok())
                .collect();
            hours.set(weekday(day), ranges);
        }
        prefs.working_hours = hours;
        prefs.buffer_before = SignedDuration::from_mins(i64::from(p.buffer_minutes));
        prefs.buffer_after = prefs.buffer_before;
        prefs.min_notice = SignedDuration::from_mins(i64::from(p.min_notice_minutes));
        prefs.max_meetings_per_day = p.max_meetings_per_day;
        prefs.focus_blocks = p
            .focus
            .iter()
            .filter_map(|r| Some(FocusBlock { weekday: weekday(r.weekday), range: LocalRange::new(r.start, r.end).ok()? }))
            .collect();
        prefs.preferred_parts = p.preferred_parts.iter().filter_map(|name| part(name)).collect();
        prefs
    }

    /// Applies a preference the owner stated; returns a sentence saying what changed.
    pub fn apply(&mut self, preference: &Preference) -> Result<String, AgentError> {
        let p = &mut self.prefs;
        let said = match preference {
            Preference::WorkingHours { start, end, weekdays } => {
                let days = days_or_workweek(weekdays);
                p.working_hours.retain(|r| !days.contains(&r.weekday));
                for &weekday in &days {
                    p.working_hours.push(DayRange { weekday, start: minute(*start), end: end_minute(*end) });
                }
                format!("Working hours are now {}-{} on {}.", hm(minute(*start)), hm(end_minute(*end)), day_names(&days))
            }
            Preference::Buffer { minutes } => {
                p.buffer_minutes = *minutes;
                format!("I'll keep {minutes} minutes free around each meeting.")
            }
            Preference::FocusTime { weekdays, part_of_day, start, end } => {
                let (from, to) = match (start, end, part_of_day) {
                    (Some(s), Some(e), _) => (minute(*s), end_minute(*e)),
                    (_, _, Some(part)) => {
                        let (a, b) = part.hours();
                        (a as u16 * 60, b as u16 * 60)
                    }
                    _ => return Err(AgentError::InvalidSetting { reason: "say when the focus time is".into() }),
                };
                let days = days_or_workweek(weekdays);
                p.focus.extend(days.iter().map(|&weekday| DayRange { weekday, start: from, end: to }));
                format!("Focus time {}-{} on {} is kept free.", hm(from), hm(to), day_names(&days))
            }
            Preference::NoMeetingsOn { weekdays } => {
                let days = days_or_workweek(weekdays);
                p.working_hours.retain(|r| !days.contains(&r.weekday));
                format!("No meetings on {}.", day_names(&days))
            }
            Preference::NoMeetingsBefore { time } => {
                let first = minute(*time);
                p.working_hours.iter_mut().for_each(|r| r.start = r.start.max(first));
                p.working_hours.retain(|r| r.start < r.end);
                format!("No meetings before {}.", hm(first))
            }
            Preference::NoMeetingsAfter { time } => {
                let last = end_minute(*time);
                p.working_hours.iter_mut().for_each(|r| r.end = r.end.min(last));
                p.working_hours.retain(|r| r.start < r.end);
                format!("No meetings after {}.", hm(last))
            }
            Preference::MinimumNotice { minutes } => {
                p.min_notice_minutes = *minutes;
                format!("Meetings need at least {minutes} minutes' notice.")
            }
            Preference::MaxMeetingsPerDay { count } => {
                p.max_meetings_per_day = Some(*count);
                format!("At most {count} meetings a day.")
            }
            Preference::DefaultDuration { minutes } => {
                p.default_duration_minutes = (*minutes).clamp(5, 8 * 60);
                format!("Meetings last {} minutes unless you say otherwise.", p.default_duration_minutes)
            }
            Preference::LunchBreak { start, end } => {
                let (from, to) = (minute(*start), end_minute(*end));
                p.focus.extend((0..5).map(|weekday| DayRange { weekday, start: from, end: to }));
                format!("Lunch {}-{} is kept free on weekdays.", hm(from), hm(to))
            }
            Preference::TimeZone { zone } => {
                TimeZone::get(zone).map_err(|_| AgentError::InvalidSetting { reason: format!("unknown time zone {zone:?}") })?;
                self.zone = zone.clone();
                format!("Your time zone is now {zone}.")
            }
            other => return Err(AgentError::InvalidSetting { reason: format!("{other:?} is not supported yet") }),
        };
        Ok(said)
    }
}

fn weekday(index: u8) -> Weekday {
    Weekday::from_monday_zero_offset(i8::try_from(index % 7).unwrap_or(0)).unwrap_or(Weekday::Monday)
}

fn part(name: &str) -> Option<PartOfDay> {
    match name {
        "morning" => Some(PartOfDay::Morning),
        "afternoon" => Some(PartOfDay::Afternoon),
        "evening" => Some(PartOfDay::Evening),
        _ => None,
    }
}

fn days_or_workweek(days: &[SpokenDay]) -> Vec<u8> {
    if days.is_empty() {
        return (0..5).collect();
    }
    days.iter().map(|&d| jiff::civil::Weekday::from(d).to_monday_zero_offset() as u8).collect()
}

fn minute(time: Time) -> u16 {
    time.hour() as u16 * 60 + time.minute() as u16
}

/// An exclusive end: midnight means the end of the day.
fn end_minute(time: Time) -> u16 {
    match minute(time) {
        0 => 24 * 60,
        m => m,
    }
}

fn hm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn day_names(days: &[u8]) -> String {
    days.iter().map(|&d| weekday_name(d)).collect::<Vec<_>>().join(", ")
}

/// The short English name of `weekday` (0 = Monday).
pub fn weekday_name(weekday: u8) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][usize::from(weekday % 7)]
}

impl DayRange {
    /// `Mon 09:00-17:00`.
    pub fn describe(&self) -> String {
        format!("{} {}-{}", weekday_name(self.weekday), hm(self.start), hm(self.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            name: "Ann".into(),
            zone: "Europe/Berlin".into(),
            relay: "ws://127.0.0.1:1/ws".into(),
            prefs: Prefs::default(),
            default_policy: Policy::Ask,
            default_budget: 12,
        }
    }

    #[test]
    fn stated_preferences_change_the_schedule_preferences() {
        let mut s = settings();
        s.apply(&Preference::NoMeetingsBefore { time: Time::constant(10, 0, 0, 0) }).unwrap();
        s.apply(&Preference::NoMeetingsOn { weekdays: vec![SpokenDay::Friday] }).unwrap();
        s.apply(&Preference::Buffer { minutes: 15 }).unwrap();
        let prefs = s.preferences();
        assert_eq!(prefs.working_hours.on(Weekday::Monday)[0].start_minute(), 600);
        assert!(prefs.working_hours.on(Weekday::Friday).is_empty());
        assert_eq!(prefs.buffer_before, SignedDuration::from_mins(15));
        assert!(s.apply(&Preference::TimeZone { zone: "Mars/Olympus".into() }).is_err());
    }
}
