//! Times as the owner reads them.

use agentnet_core::schedule::Interval;
use jiff::tz::TimeZone;

/// A slot as people read it: "Tue 1 Dec 14:00-14:30 (Europe/Berlin)".
pub fn when(slot: &Interval, zone: &TimeZone) -> String {
    let start = slot.start().to_zoned_datetime(zone.clone());
    let end = slot.end().to_zoned_datetime(zone.clone());
    format!("{}-{} ({})", start.strftime("%a %-d %b %H:%M"), end.strftime("%H:%M"), zone.iana_name().unwrap_or("UTC"))
}
