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

    /// Remembered entries `(timestamp, sender, id)`, oldest first, for persisting.
    pub fn iter(&self) -> impl Iterator<Item = (u64, AgentId, MessageId)> + '_ {
        self.by_time.iter().map(|&(t, (s, id))| (t, s, id))
    }
}
