//! [`SeenIds`]: which envelopes were already opened, in bounded memory.

use std::collections::{BTreeSet, HashSet};

use crate::crypto::envelope::MessageId;
use crate::identity::AgentId;

type Key = (AgentId, MessageId);

/// Remembers `(sender, message id)` of opened envelopes so a replay is refused.
///
/// Memory is bounded by `capacity`. When full, the entry with the oldest timestamp is
/// forgotten and its timestamp becomes the *floor*: from then on any envelope stamped at or
/// before the floor is refused as a possible replay, because we can no longer tell. Entries
/// older than the envelope age limit are dropped by [`SeenIds::prune`] first, so the floor
/// only rises if more than `capacity` envelopes arrive within that limit.
#[derive(Clone, Debug)]
pub struct SeenIds {
    capacity: usize,
    by_time: BTreeSet<(u64, Key)>,
    ids: HashSet<Key>,
    floor: Option<u64>,
}

impl Default for SeenIds {
    /// Room for 10,000 envelopes (about 1.5 MB).
    fn default() -> Self {
        Self::new(10_000)
    }
}

impl SeenIds {
    /// An empty set holding at most `capacity` ids (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), by_time: BTreeSet::new(), ids: HashSet::new(), floor: None }
    }

    /// Whether an envelope could be new: not seen and stamped after the floor.
    pub fn is_fresh(&self, sender: &AgentId, id: &MessageId, timestamp: u64) -> bool {
        !self.ids.contains(&(*sender, *id)) && self.floor.is_none_or(|floor| timestamp > floor)
    }

    /// Records an opened envelope, forgetting the oldest if full.
    pub fn insert(&mut self, sender: AgentId, id: MessageId, timestamp: u64) {
        if !self.ids.insert((sender, id)) {
            return;
        }
        self.by_time.insert((timestamp, (sender, id)));
        while self.ids.len() > self.capacity {
            let Some((t, key)) = self.by_time.pop_first() else { break };
            self.ids.remove(&key);
            self.floor = Some(self.floor.map_or(t, |f| f.max(t)));
        }
    }

    /// Forgets entries stamped before `oldest`: envelopes that old are refused anyway.
    pub fn prune(&mut self, oldest: u64) {
        while let Some(&(t, key)) = self.by_time.first() {
            if t >= oldest {
                break;
            }
            self.by_time.pop_first();
            self.ids.remove(&key);
        }
    }

    /// Number of remembered ids.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Envelopes stamped at or before this are refused (set once the capacity overflowed).
    pub fn floor(&self) -> Option<u64> {
        self.floor
    }

    /// Remembered entries `(timestamp, sender, id)`, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (u64, AgentId, MessageId)> + '_ {
        self.by_time.iter().map(|&(t, (s, id))| (t, s, id))
    }

    /// The whole memory as bytes, to keep across restarts (a replay must be refused
    /// after one too): `version (1) = 0x01 | capacity (4) | has_floor (1) | floor (8) |
    /// n (4) | n times timestamp (8) || sender (32) || message id (16)`, oldest first.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(18 + ENTRY_LEN * self.ids.len());
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&(self.capacity.min(u32::MAX as usize) as u32).to_be_bytes());
        out.push(u8::from(self.floor.is_some()));
        out.extend_from_slice(&self.floor.unwrap_or(0).to_be_bytes());
        out.extend_from_slice(&(self.by_time.len() as u32).to_be_bytes());
        for (t, sender, id) in self.iter() {
            out.extend_from_slice(&t.to_be_bytes());
            out.extend_from_slice(sender.as_bytes());
            out.extend_from_slice(&id.0);
        }
        out
    }

    /// Reads what [`SeenIds::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let head = bytes.get(..18).ok_or(DecodeError::Truncated)?;
        if head[0] != FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion(head[0]));
        }
        let capacity = u32::from_be_bytes(head[1..5].try_into().unwrap_or_default()) as usize;
        let floor = match head[5] {
            0 => None,
            1 => Some(u64::from_be_bytes(head[6..14].try_into().unwrap_or_default())),
            _ => return Err(DecodeError::Malformed),
        };
        let n = u32::from_be_bytes(head[14..18].try_into().unwrap_or_default()) as usize;
        let body = &bytes[18..];
        if body.len() != n.checked_mul(ENTRY_LEN).ok_or(DecodeError::Malformed)? {
            return Err(if body.len() < n.saturating_mul(ENTRY_LEN) { DecodeError::Truncated } else { DecodeError::Malformed });
        }
        let mut seen = SeenIds::new(capacity);
        for entry in body.chunks_exact(ENTRY_LEN) {
            let t = u64::from_be_bytes(entry[..8].try_into().unwrap_or_default());
            let sender = AgentId::from_bytes(entry[8..40].try_into().unwrap_or_default()).map_err(|_| DecodeError::Malformed)?;
            let id = MessageId(entry[40..56].try_into().unwrap_or_default());
            seen.insert(sender, id, t);
        }
        seen.floor = match (floor, seen.floor) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(seen)
    }
}

const FORMAT_VERSION: u8 = 1;
const ENTRY_LEN: usize = 8 + 32 + 16;

/// Why stored replay memory could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Fewer bytes than the header or its entries need.
    #[error("replay memory is truncated")]
    Truncated,
    /// A format this version does not read.
    #[error("replay memory has unsupported version {0}")]
    UnsupportedVersion(u8),
    /// A flag, length or sender id that is not valid.
    #[error("replay memory is malformed")]
    Malformed,
}
