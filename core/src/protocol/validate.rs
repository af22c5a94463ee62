//! Checking received messages before anything acts on them.

use std::collections::BTreeSet;

use super::{Act, Message, PROTOCOL_VERSION, Part, VOCABULARY};

/// Bounds a receiver enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted message, in bytes of JSON.
    pub max_message_bytes: usize,
    /// Most slots one act may carry (the sender's disclosure budget for this contact, or
    /// the protocol-wide cap).
    pub max_slots: usize,
    /// Longest title, in characters.
    pub max_title_chars: usize,
    /// Longest meeting, in minutes.
    pub max_duration_minutes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_message_bytes: 16 * 1024, max_slots: 24, max_title_chars: 120, max_duration_minutes: 8 * 60 }
    }
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The bytes are larger than allowed.
    #[error("message is {len} bytes, limit {max}")]
    TooLarge {
        /// Size received.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// Not JSON of the message shape.
    #[error("malformed message: {detail}")]
    Malformed {
        /// The parser's explanation.
        detail: String,
    },
    /// An envelope payload kind this agent does not know.
    #[error("payload kind {kind:#04x} is not known")]
    UnknownPayload {
        /// The kind byte received.
        kind: u8,
    },
    /// A version this agent does not speak.
    #[error("protocol version {found} is not supported (this agent speaks {supported})")]
    UnsupportedVersion {
        /// Version received.
        found: u16,
        /// Version spoken here.
        supported: u16,
    },
    /// A part of a kind other than `data` (e.g. free text).
    #[error("part kind {kind:?} is not allowed, only \"data\"")]
    PartKindNotAllowed {
        /// The kind received.
        kind: String,
    },
    /// An act outside the scheduling vocabulary.
    #[error("act {act:?} is not in the scheduling vocabulary")]
    OutOfVocabulary {
        /// The act received.
        act: String,
    },
    /// Not exactly one part.
    #[error("message carries {count} parts, expected exactly one")]
    PartCount {
        /// Parts received.
        count: usize,
    },
    /// More slots than allowed.
    #[error("{act} carries {count} slots, limit {max}")]
    TooManySlots {
        /// The act.
        act: &'static str,
        /// Slots received.
        count: usize,
        /// Limit.
        max: usize,
    },
    /// An act that must offer or accept slots carries none.
    #[error("{act} carries no slots")]
    NoSlots {
        /// The act.
        act: &'static str,
    },
    /// The same slot twice.
    #[error("{act} repeats slot {index}")]
    DuplicateSlot {
        /// The act.
        act: &'static str,
        /// Position of the repeat.
        index: usize,
    },
    /// A title longer than allowed.
    #[error("title is {len} characters, limit {max}")]
    TitleTooLong {
        /// Characters received.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// A title with a control character (newlines could forge transcript lines).
    #[error("title contains control character U+{code:04X}")]
    TitleControlCharacter {
        /// The character's code point.
        code: u32,
    },
    /// A meeting length outside 1..=max minutes.
    #[error("meeting of {minutes} min is outside 1..={max}")]
    DurationOutOfRange {
        /// Minutes received.
        minutes: u32,
        /// Limit.
        max: u32,
    },
    /// A proposed slot whose length is not the meeting's.
    #[error("slot {index} lasts {found} min, the meeting {expected} min")]
    SlotLengthMismatch {
        /// Position of the slot.
        index: usize,
        /// Its length.
        found: i64,
        /// The meeting's.
        expected: u32,
    },
}

impl Message {
    /// Parses and validates received bytes. Unknown acts and part kinds are reported by
    /// name rather than as a generic parse failure, so the transcript can say what was refused.
    pub fn from_json(bytes: &[u8], limits: &Limits) -> Result<Message, ProtocolError> {
        if bytes.len() > limits.max_message_bytes {
            return Err(ProtocolError::TooLarge { len: bytes.len(), max: limits.max_message_bytes });
        }
        let malformed = |error: serde_json::Error| ProtocolError::Malformed { detail: error.to_string() };
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(malformed)?;
        if let Some(parts) = value.get("parts").and_then(|parts| parts.as_array()) {
            for part in parts {
                check_vocabulary(part)?;
            }
        }
        let message: Message = serde_json::from_value(value).map_err(malformed)?;
        message.validate(limits)?;
        Ok(message)
    }

    /// Checks version, part count, slot budgets, title and lengths.
    pub fn validate(&self, limits: &Limits) -> Result<(), ProtocolError> {
        if self.version != PROTOCOL_VERSION {
            return Err(ProtocolError::UnsupportedVersion { found: self.version, supported: PROTOCOL_VERSION });
        }
        let [Part::Data { data: act }] = self.parts.as_slice() else {
            return Err(ProtocolError::PartCount { count: self.parts.len() });
        };
        validate_act(act, limits)
    }
}

fn check_vocabulary(part: &serde_json::Value) -> Result<(), ProtocolError> {
    let kind = part.get("kind").and_then(|kind| kind.as_str()).unwrap_or_default();
    if kind != "data" {
        return Err(ProtocolError::PartKindNotAllowed { kind: kind.chars().take(32).collect() });
    }
    let act = part.get("data").and_then(|data| data.get("act")).and_then(|act| act.as_str()).unwrap_or_default();
    if !VOCABULARY.contains(&act) {
        return Err(ProtocolError::OutOfVocabulary { act: act.chars().take(32).collect() });
    }
    Ok(())
}

fn validate_act(act: &Act, limits: &Limits) -> Result<(), ProtocolError> {
    let name = act.name();
    let slots = match act {
        Act::Propose { meeting, slots } | Act::Reschedule { meeting, slots } => {
            validate_meeting(meeting, limits)?;
            for (index, slot) in slots.iter().enumerate() {
                let found = slot.duration().as_mins();
                if found != i64::from(meeting.duration_minutes) || slot.duration().as_secs() % 60 != 0 {
                    return Err(ProtocolError::SlotLengthMismatch { index, found, expected: meeting.duration_minutes });
                }
            }
            if slots.is_empty() {
                return Err(ProtocolError::NoSlots { act: name });
            }
            slots.as_slice()
        }
        Act::Accept { slots } if slots.is_empty() => return Err(ProtocolError::NoSlots { act: name }),
        Act::Accept { slots } | Act::Counter { slots } => slots.as_slice(),
        Act::Decline { .. } | Act::Confirm { .. } | Act::Cancel => &[],
    };
    if slots.len() > limits.max_slots {
        return Err(ProtocolError::TooManySlots { act: name, count: slots.len(), max: limits.max_slots });
    }
    let mut seen = BTreeSet::new();
    if let Some(index) = slots.iter().position(|slot| !seen.insert(*slot)) {
        return Err(ProtocolError::DuplicateSlot { act: name, index });
    }
    Ok(())
}

fn validate_meeting(meeting: &super::Meeting, limits: &Limits) -> Result<(), ProtocolError> {
    let len = meeting.title.chars().count();
    if len > limits.max_title_chars {
        return Err(ProtocolError::TitleTooLong { len, max: limits.max_title_chars });
    }
    if let Some(control) = meeting.title.chars().find(|c| c.is_control()) {
        return Err(ProtocolError::TitleControlCharacter { code: u32::from(control) });
    }
    if meeting.duration_minutes == 0 || meeting.duration_minutes > limits.max_duration_minutes {
        return Err(ProtocolError::DurationOutOfRange { minutes: meeting.duration_minutes, max: limits.max_duration_minutes });
    }
    Ok(())
}
