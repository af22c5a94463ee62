//! The model's flat `preference` object, turned into core's [`Preference`].

use agentnet_core::nlu::{PartOfDay, Preference, Weekday};
use jiff::civil::Time;

use super::error::LlmError;
use super::fields::Fields;

fn time(f: &Fields<'_>, field: &str, text: &str) -> Result<Time, LlmError> {
    text.trim().parse::<Time>().map_err(|_| LlmError::UnknownValue { field: f.path(field), value: text.to_string() })
}

fn req_time(f: &Fields<'_>, field: &str) -> Result<Time, LlmError> {
    time(f, field, f.str(field)?)
}

fn opt_time(f: &Fields<'_>, field: &str) -> Result<Option<Time>, LlmError> {
    f.opt_str(field)?.map(|t| time(f, field, t)).transpose()
}

fn weekdays(f: &Fields<'_>) -> Result<Vec<Weekday>, LlmError> {
    f.strings("weekdays", false)?.into_iter().map(|d| f.parse_enum("weekdays", &d.to_lowercase())).collect()
}

/// Reads `preference` (the object under the top-level `preference` field).
pub(crate) fn read(f: &Fields<'_>) -> Result<Preference, LlmError> {
    let kind = f.str("preference")?;
    Ok(match kind {
        "working_hours" => Preference::WorkingHours {
            start: req_time(f, "start")?,
            end: req_time(f, "end")?,
            weekdays: weekdays(f)?,
        },
        "buffer" => Preference::Buffer { minutes: f.u32("minutes")? },
        "focus_time" => Preference::FocusTime {
            weekdays: weekdays(f)?,
            part_of_day: f.opt_enum::<PartOfDay>("part_of_day")?,
            start: opt_time(f, "start")?,
            end: opt_time(f, "end")?,
        },
        "no_meetings_on" => {
            let days = weekdays(f)?;
            if days.is_empty() {
                return Err(f.missing("weekdays"));
            }
            Preference::NoMeetingsOn { weekdays: days }
        }
        "no_meetings_before" => Preference::NoMeetingsBefore { time: req_time(f, "time")? },
        "no_meetings_after" => Preference::NoMeetingsAfter { time: req_time(f, "time")? },
        "minimum_notice" => Preference::MinimumNotice { minutes: f.u32("minutes")? },
        "max_meetings_per_day" => Preference::MaxMeetingsPerDay { count: f.u32("count")? },
        "default_duration" => Preference::DefaultDuration { minutes: f.u32("minutes")? },
        "lunch_break" => Preference::LunchBreak { start: req_time(f, "start")?, end: req_time(f, "end")? },
        "time_zone" => {
            let zone = f.str("zone")?.trim();
            // Only a zone jiff knows: an invented name would break every later resolution.
            jiff::tz::TimeZone::get(zone)
                .map_err(|_| LlmError::UnknownValue { field: f.path("zone"), value: zone.to_string() })?;
            Preference::TimeZone { zone: zone.to_string() }
        }
        other => return Err(LlmError::UnknownValue { field: f.path("preference"), value: other.to_string() }),
    })
}
