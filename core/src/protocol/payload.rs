//! What an envelope carries between two agents: a scheduling [`Message`] or a contact
//! [`Card`]. One kind byte comes first so a receiver knows which parser to run:
//!
//! - `0x01` + the message's JSON ([`Message::from_json`] validates it);
//! - `0x02` + a card: `name_len (1) | name (UTF-8) | has_token (1) | token (16, if any) |
//!   delivery_key (32) | hours_len (1) | hours (hours_len bytes; none if 0) | bundle (the
//!   rest: the sender's prekey bundle)`; `hours` is [`SharedHours::to_bytes`].

use super::{Limits, Message, ProtocolError};
use crate::crypto::delivery_key::DeliveryKey;
use crate::schedule::SharedHours;

const TASK: u8 = 0x01;
const CARD: u8 = 0x02;

/// Longest display name on a card, in bytes.
pub const MAX_CARD_NAME: usize = 64;
/// Largest prekey bundle a card may carry, in bytes (100 one-time keys fit).
pub const MAX_CARD_BUNDLE: usize = 16 * 1024;

/// A one-time invite token, random, 16 bytes.
pub type InviteToken = [u8; 16];

/// An agent introducing itself: how it wants to be called, the bundle to seal to and the
/// delivery key that lets the receiver send to it through the relay. The first card to an
/// inviter answers its invite and carries the invite's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The sender's display name, as its owner chose it (data, shown, never interpreted).
    pub name: String,
    /// The invite this card answers, if any.
    pub token: Option<InviteToken>,
    /// The key Sends to the sender must carry (a secret between the two agents).
    pub delivery_key: DeliveryKey,
    /// The sender's coarse working day, if its owner shares it with the receiver.
    pub hours: Option<SharedHours>,
    /// The sender's prekey bundle bytes (verified by the receiver).
    pub bundle: Vec<u8>,
}

/// One agent-to-agent payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A step of a negotiation.
    Task(Message),
    /// An introduction.
    Card(Card),
}

impl Payload {
    /// The bytes to seal.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Payload::Task(message) => {
                let mut out = vec![TASK];
                out.extend_from_slice(&message.to_json());
                out
            }
            Payload::Card(card) => {
                let name = crate::text::truncate(&card.name, MAX_CARD_NAME);
                let mut out = Vec::with_capacity(3 + name.len() + 16 + 32 + card.bundle.len());
                out.push(CARD);
                out.push(name.len() as u8);
                out.extend_from_slice(name.as_bytes());
                match card.token {
                    Some(token) => {
                        out.push(1);
                        out.extend_from_slice(&token);
                    }
                    None => out.push(0),
                }
                out.extend_from_slice(card.delivery_key.as_bytes());
                let hours = card.hours.as_ref().map(SharedHours::to_bytes).unwrap_or_default();
                out.push(hours.len() as u8);
                out.extend_from_slice(&hours);
                out.extend_from_slice(&card.bundle);
                out
            }
        }
    }

    /// Parses and validates opened bytes; anything else is a typed error.
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Payload, ProtocolError> {
        match bytes.split_first() {
            Some((&TASK, json)) => Message::from_json(json, limits).map(Payload::Task),
            Some((&CARD, rest)) => card(rest).map(Payload::Card),
            Some((&kind, _)) => Err(ProtocolError::UnknownPayload { kind }),
            None => Err(ProtocolError::Malformed { detail: "empty payload".into() }),
        }
    }
}

fn card(bytes: &[u8]) -> Result<Card, ProtocolError> {
    let bad = |detail: &str| ProtocolError::Malformed { detail: format!("card: {detail}") };
    let (&name_len, rest) = bytes.split_first().ok_or_else(|| bad("no name"))?;
    let name_len = usize::from(name_len);
    if name_len > MAX_CARD_NAME || rest.len() < name_len + 1 {
        return Err(bad("name length out of range"));
    }
    let name = std::str::from_utf8(&rest[..name_len]).map_err(|_| bad("name is not UTF-8"))?;
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(bad("name is empty or has control characters"));
    }
    let (token, rest) = match rest[name_len] {
        0 => (None, &rest[name_len + 1..]),
        1 if rest.len() >= name_len + 17 => {
            let mut token = [0u8; 16];
            token.copy_from_slice(&rest[name_len + 1..name_len + 17]);
            (Some(token), &rest[name_len + 17..])
        }
        _ => return Err(bad("bad token field")),
    };
    let (key, rest) = rest.split_first_chunk::<32>().ok_or_else(|| bad("no delivery key"))?;
    let delivery_key = DeliveryKey::from_bytes(*key);
    let (&hours_len, rest) = rest.split_first().ok_or_else(|| bad("no hours length"))?;
    let (hours, bundle) = rest.split_at_checked(usize::from(hours_len)).ok_or_else(|| bad("hours run past the end"))?;
    let hours = match hours {
        [] => None,
        bytes => Some(SharedHours::from_bytes(bytes).map_err(|error| bad(&error.to_string()))?),
    };
    if bundle.is_empty() || bundle.len() > MAX_CARD_BUNDLE {
        return Err(bad("bundle size out of range"));
    }
    Ok(Card { name: name.to_owned(), token, delivery_key, hours, bundle: bundle.to_vec() })
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Act, ContextId, MessageId, Role, TaskId, TaskState};

    fn card() -> Card {
        let mut prefs = crate::schedule::Preferences::office_hours(jiff::tz::TimeZone::get("America/New_York").unwrap());
        prefs.working_hours.set(jiff::civil::Weekday::Saturday, vec![crate::schedule::LocalRange::hm(10, 0, 12, 30).unwrap()]);
        let hours = SharedHours::of(&prefs);
        Card { name: "Bob Martin".into(), token: Some([7; 16]), delivery_key: DeliveryKey::from_bytes([5; 32]), hours, bundle: vec![1, 2, 3] }
    }

    #[test]
    fn payloads_round_trip() {
        let message = Message::new(MessageId([1; 16]), TaskId([2; 16]), ContextId([3; 16]), Role::Agent, TaskState::Canceled, Act::Cancel);
        let plain = Card { token: None, hours: None, ..card() };
        for payload in [Payload::Task(message), Payload::Card(card()), Payload::Card(Card { token: None, ..card() }), Payload::Card(plain)] {
            assert_eq!(Payload::from_bytes(&payload.to_bytes(), &Limits::default()), Ok(payload));
        }
    }

    #[test]
    fn unknown_kinds_and_damaged_cards_are_refused_by_name() {
        let limits = Limits::default();
        assert_eq!(Payload::from_bytes(&[9, 1, 2], &limits), Err(ProtocolError::UnknownPayload { kind: 9 }));
        let bytes = Payload::Card(card()).to_bytes();
        // Everything before the bundle's first byte; the bundle itself is checked by the
        // receiver's bundle parser.
        let bundle_at = bytes.len() - card().bundle.len();
        for len in 0..=bundle_at {
            assert!(Payload::from_bytes(&bytes[..len], &limits).is_err(), "prefix of {len} bytes accepted");
        }
        let mut control = bytes.clone();
        control[2] = b'\n';
        assert!(matches!(Payload::from_bytes(&control, &limits), Err(ProtocolError::Malformed { .. })));
        // Hours that say they are longer than the card, or name no zone, are refused.
        let hours_at = 1 + 1 + "Bob Martin".len() + 1 + 16 + 32;
        let mut long = bytes.clone();
        long[hours_at] = 255;
        assert!(matches!(Payload::from_bytes(&long, &limits), Err(ProtocolError::Malformed { .. })));
        let mut zone = bytes.clone();
        zone[hours_at + 2] = b'#';
        let refused = Payload::from_bytes(&zone, &limits);
        assert!(matches!(&refused, Err(ProtocolError::Malformed { detail }) if detail.contains("time zone")), "{refused:?}");
    }
}
