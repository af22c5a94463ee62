//! Every protocol message as one readable English sentence, in the reader's time zone.
//!
//! Owners read these to see exactly what their agent said and heard: the transcript is
//! the audit trail of a negotiation.

use jiff::tz::TimeZone;

use crate::protocol::{Act, DeclineReason, Meeting, Message};
use crate::schedule::Interval;

/// Who said it and how to show times.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// The sender's display name, e.g. "Alice".
    pub sender: &'a str,
    /// The reader's zone; every time is shown in it.
    pub zone: &'a TimeZone,
    /// The meeting, for acts that do not carry it (accept, confirm, cancel).
    pub meeting: Option<&'a Meeting>,
}

/// The sentence for `message`.
pub fn sentence(message: &Message, reader: &Reader<'_>) -> String {
    let agent = format!("{}'s agent", reader.sender);
    let zone = reader.zone.iana_name().unwrap_or("UTC");
    let about = |meeting: Option<&Meeting>| meeting.map(|m| format!(" for '{}', {} min", m.title, m.duration_minutes)).unwrap_or_default();
    let titled = |meeting: Option<&Meeting>| meeting.map(|m| format!(" '{}'", m.title)).unwrap_or_else(|| " the meeting".to_owned());
    let Some(act) = message.act() else { return format!("{agent} sent an empty message.") };
    match act {
        Act::Propose { meeting, slots } => {
            format!("{agent} proposed {} ({zone}){}.", times(slots, reader.zone), about(Some(meeting)))
        }
        Act::Reschedule { meeting, slots } => {
            format!("{agent} asked to move '{}' to {} ({zone}), {} min.", meeting.title, times(slots, reader.zone), meeting.duration_minutes)
        }
        Act::Counter { slots } if slots.is_empty() => format!("{agent} could do none of those times and has no others to offer."),
        Act::Counter { slots } => format!("{agent} could do none of those times and suggested {} ({zone}) instead.", times(slots, reader.zone)),
        Act::Accept { slots } if slots.len() == 1 => format!("{agent} accepted {} ({zone}).", times(slots, reader.zone)),
        Act::Accept { slots } => format!(
            "{agent} accepted {} ({zone}), preferring {}.",
            times(slots, reader.zone),
            slots.first().map(|slot| time(slot, reader.zone)).unwrap_or_default()
        ),
        Act::Decline { reason } => format!("{agent} declined{} ({}).", titled(reader.meeting), decline_reason(*reason)),
        Act::Confirm { slot } => format!("{agent} confirmed {} ({zone}){}.", time(slot, reader.zone), about(reader.meeting)),
        Act::Cancel => format!("{agent} cancelled{}.", titled(reader.meeting)),
    }
}

fn decline_reason(reason: DeclineReason) -> &'static str {
    match reason {
        DeclineReason::Policy => "its owner does not take meetings from this contact",
        DeclineReason::Owner => "its owner said no",
        DeclineReason::NotAgreed => "that time was not one it agreed to",
    }
}

/// "Tue 3 Mar 14:00, Tue 3 Mar 15:30 or Wed 4 Mar 10:00": always with the date, so a time
/// months away never reads as this week's.
fn times(slots: &[Interval], zone: &TimeZone) -> String {
    let shown: Vec<String> = slots.iter().map(|slot| time(slot, zone)).collect();
    match shown.as_slice() {
        [] => "no times".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn time(slot: &Interval, zone: &TimeZone) -> String {
    zone.to_datetime(slot.start()).strftime("%a %-d %b %H:%M").to_string()
}
