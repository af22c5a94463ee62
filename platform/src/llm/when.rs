//! Times from the model, re-read by core: the model copies the owner's words and core
//! resolves them against today, so a model that cannot count days still gets them right.

use agentnet_core::nlu::{Grain, TimeExpr, resolve_time};
use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime};

use super::error::LlmError;

/// Resolves one time field: an ISO 8601 date-time with an offset (kept as that instant,
/// shown in the owner's zone), a civil date-time (in the owner's zone, minute grain), a
/// date (day grain), or an English expression core understands.
pub(crate) fn resolve(field: &str, text: &str, now: &ZonedDateTime) -> Result<TimeExpr, LlmError> {
    let text = text.trim();
    iso(text, now)
        .or_else(|| resolve_time(text, now))
        .ok_or_else(|| LlmError::UnresolvedTime { field: field.to_string(), text: text.to_string() })
}

fn iso(text: &str, now: &ZonedDateTime) -> Option<TimeExpr> {
    let tz = now.time_zone().clone();
    let point = |start: ZonedDateTime, grain| TimeExpr { start, end: None, grain };
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(point(ts.to_zoned_datetime(tz), Grain::Minute));
    }
    if text.contains(['T', 't', ' ']) {
        let dt = text.parse::<DateTime>().ok()?;
        return dt.to_zoned_datetime(tz).ok().map(|z| point(z, Grain::Minute));
    }
    let date = text.parse::<Date>().ok()?;
    date.to_zoned_datetime(tz).ok().map(|z| point(z, Grain::Day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> ZonedDateTime {
        "2026-03-04T10:30:00-05:00[America/New_York]".parse().unwrap()
    }

    #[test]
    fn iso_dates_and_times_land_in_the_owners_zone() {
        let d = resolve("when", "2026-03-10", &now()).unwrap();
        assert_eq!((d.start.to_string().as_str(), d.grain), ("2026-03-10T00:00:00-04:00[America/New_York]", Grain::Day));
        let t = resolve("when", "2026-03-10T15:00", &now()).unwrap();
        assert_eq!(t.start.to_string(), "2026-03-10T15:00:00-04:00[America/New_York]");
        let z = resolve("when", "2026-03-10T20:00:00Z", &now()).unwrap();
        assert_eq!(z.start.to_string(), "2026-03-10T16:00:00-04:00[America/New_York]");
    }

    #[test]
    fn english_is_resolved_by_core() {
        let t = resolve("when", "tomorrow afternoon", &now()).unwrap();
        assert_eq!(t, resolve_time("tomorrow afternoon", &now()).unwrap());
        assert_eq!(t.start.to_string(), "2026-03-05T12:00:00-05:00[America/New_York]");
    }

    #[test]
    fn nonsense_is_a_typed_error() {
        assert_eq!(
            resolve("to", "whenever the moon is blue", &now()),
            Err(LlmError::UnresolvedTime { field: "to".into(), text: "whenever the moon is blue".into() })
        );
        assert!(resolve("when", "2026-02-30", &now()).is_err());
    }
}
