//! Times as the owner reads them, in their own time zone.

use agentnet_core::schedule::Interval;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// "Tue 26 Nov, 14:00–14:30".
pub(crate) fn slot(slot: &Interval, zone: &TimeZone) -> String {
    let start = slot.start().to_zoned_datetime(zone.clone());
    let end = slot.end().to_zoned_datetime(zone.clone());
    if start.date() == end.date() {
        format!("{}–{}", start.strftime("%a %-d %b, %H:%M"), end.strftime("%H:%M"))
    } else {
        format!("{} – {}", start.strftime("%a %-d %b, %H:%M"), end.strftime("%a %-d %b, %H:%M"))
    }
}

/// "14:02:31" for a transcript line.
pub(crate) fn clock(at_ms: i64, zone: &TimeZone) -> String {
    Timestamp::from_millisecond(at_ms).map(|t| t.to_zoned_datetime(zone.clone()).strftime("%a %H:%M:%S").to_string()).unwrap_or_default()
}
