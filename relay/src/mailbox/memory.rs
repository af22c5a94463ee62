//! The in-memory mailbox: bounded per agent in count and bytes and all together in
//! bytes (the relay's memory budget), entries expire after the TTL. The embedded
//! default; lost when the process exits.

use agentnet_core::wire::{AgentIdBytes, MessageId};
use bytes::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use super::{deliver_frame, now_ms};
use crate::metrics::Metrics;

struct Entry {
    id: u128,
    size: usize,
    frame: Bytes,
}

impl Entry {
    /// What the entry costs against the memory budget: the frame (envelope included) and
    /// the bookkeeping around it.
    fn cost(&self) -> usize {
        self.frame.len() + ENTRY_OVERHEAD
    }
}

/// Bytes an entry holds beyond its frame: the entry itself, the frame's shared header and
/// the allocator's rounding.
const ENTRY_OVERHEAD: usize = 96;

#[derive(Default)]
struct AgentBox {
    entries: VecDeque<Entry>,
    bytes: usize,
    last_id: u128,
}

/// Why a message was not stored.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The recipient's mailbox is at its count or byte cap.
    Full,
    /// All mailboxes together hold the relay's memory budget.
    OverBudget,
}

const SHARDS: usize = 64;

pub(crate) struct MemoryMailbox {
    shards: Box<[Mutex<HashMap<AgentIdBytes, AgentBox>>]>,
    max_messages: usize,
    max_bytes: usize,
    /// The memory budget of all mailboxes; what they hold is `metrics.mailbox_bytes`.
    max_total: usize,
    ttl_ms: u64,
    metrics: Arc<Metrics>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MemoryMailbox {
    pub(crate) fn new(max_messages: usize, max_bytes: usize, max_total: usize, ttl: Duration, metrics: Arc<Metrics>) -> Self {
        metrics.mailbox_budget_bytes.store(max_total as i64, Relaxed);
        MemoryMailbox {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            max_messages,
            max_bytes,
            max_total,
            ttl_ms: ttl.as_millis() as u64,
            metrics,
        }
    }

    fn shard(&self, agent: &AgentIdBytes) -> &Mutex<HashMap<AgentIdBytes, AgentBox>> {
        &self.shards[usize::from(agent[0]) % SHARDS]
    }

    fn expire(b: &mut AgentBox, now: u64, ttl_ms: u64, metrics: &Metrics) {
        let cutoff = u128::from(now.saturating_sub(ttl_ms)) << 64;
        while b.entries.front().is_some_and(|e| e.id < cutoff) {
            if let Some(e) = b.entries.pop_front() {
                Self::forget(b, &e, metrics);
            }
        }
    }

    /// Takes a removed entry out of the counts.
    fn forget(b: &mut AgentBox, e: &Entry, metrics: &Metrics) {
        b.bytes -= e.size;
        metrics.mailbox_messages.fetch_sub(1, Relaxed);
        metrics.mailbox_bytes.fetch_sub(e.cost() as i64, Relaxed);
    }

    /// Stores an envelope; returns its delivery id and encoded Deliver frame. Nothing
    /// stored is ever dropped to make room: over a cap, the new message is refused.
    pub(crate) fn push(&self, agent: &AgentIdBytes, message_id: MessageId, envelope: &[u8]) -> Result<(u128, Bytes), Refusal> {
        let now = now_ms();
        let mut shard = lock(self.shard(agent));
        let b = shard.entry(*agent).or_default();
        Self::expire(b, now, self.ttl_ms, &self.metrics);
        if b.entries.len() >= self.max_messages || b.bytes + envelope.len() > self.max_bytes {
            return Err(Refusal::Full);
        }
        let id = (u128::from(now) << 64).max(b.last_id + 1);
        let entry = Entry { id, size: envelope.len(), frame: deliver_frame(id, message_id, envelope) };
        // Reserved before it is kept, so concurrent pushes in other shards cannot all
        // squeeze past the budget together.
        let cost = entry.cost() as i64;
        let held = self.metrics.mailbox_bytes.fetch_add(cost, Relaxed);
        if held + cost > self.max_total as i64 {
            self.metrics.mailbox_bytes.fetch_sub(cost, Relaxed);
            return Err(Refusal::OverBudget);
        }
        b.last_id = id;
        b.bytes += envelope.len();
        let frame = entry.frame.clone();
        b.entries.push_back(entry);
        self.metrics.mailbox_messages.fetch_add(1, Relaxed);
        Ok((id, frame))
    }

    /// Everything waiting for `agent`, oldest first.
    pub(crate) fn backlog(&self, agent: &AgentIdBytes) -> Vec<(u128, Bytes)> {
        let mut shard = lock(self.shard(agent));
        let Some(b) = shard.get_mut(agent) else { return Vec::new() };
        Self::expire(b, now_ms(), self.ttl_ms, &self.metrics);
        b.entries.iter().map(|e| (e.id, e.frame.clone())).collect()
    }

    /// Deletes entry `id` (acknowledged by the recipient); false if it was not there.
    pub(crate) fn ack(&self, agent: &AgentIdBytes, id: u128) -> bool {
        let mut shard = lock(self.shard(agent));
        let Some(b) = shard.get_mut(agent) else { return false };
        // Acks usually come in order, so the entry is usually at the front.
        let Some(pos) = b.entries.iter().position(|e| e.id == id) else { return false };
        if let Some(e) = b.entries.remove(pos) {
            Self::forget(b, &e, &self.metrics);
        }
        // An emptied box stays until the sweeper takes it: dropping it now would
        // forget last_id, and two pushes in one millisecond could then reuse an id.
        true
    }

    /// Drops expired entries and empty mailboxes everywhere (run periodically).
    pub(crate) fn sweep(&self) {
        let now = now_ms();
        for s in self.shards.iter() {
            let mut shard = lock(s);
            shard.retain(|_, b| {
                Self::expire(b, now, self.ttl_ms, &self.metrics);
                !b.entries.is_empty()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(max_messages: usize, max_bytes: usize) -> MemoryMailbox {
        MemoryMailbox::new(max_messages, max_bytes, 1 << 20, Duration::from_secs(60), Arc::default())
    }

    #[test]
    fn entries_come_back_in_order_until_acked() {
        let m = mailbox(10, 1000);
        let a = [1; 32];
        let (id1, _) = m.push(&a, [1; 16], b"one").unwrap();
        let (id2, _) = m.push(&a, [2; 16], b"two").unwrap();
        assert!(id2 > id1);
        assert_eq!(m.backlog(&a).iter().map(|e| e.0).collect::<Vec<_>>(), vec![id1, id2]);
        assert!(m.ack(&a, id1));
        assert!(!m.ack(&a, id1));
        assert_eq!(m.backlog(&a).len(), 1);
    }

    #[test]
    fn count_and_byte_caps_refuse_more() {
        let m = mailbox(2, 1000);
        let a = [1; 32];
        m.push(&a, [1; 16], b"x").unwrap();
        m.push(&a, [2; 16], b"x").unwrap();
        assert_eq!(m.push(&a, [3; 16], b"x"), Err(Refusal::Full));
        let m = mailbox(100, 10);
        m.push(&a, [1; 16], &[0; 8]).unwrap();
        assert_eq!(m.push(&a, [2; 16], &[0; 3]), Err(Refusal::Full));
    }

    #[test]
    fn expired_entries_disappear() {
        let m = MemoryMailbox::new(10, 1000, 1 << 20, Duration::from_millis(0), Arc::default());
        let a = [1; 32];
        m.push(&a, [1; 16], b"old").unwrap();
        std::thread::sleep(Duration::from_millis(3));
        assert!(m.backlog(&a).is_empty());
        assert_eq!(m.metrics.mailbox_bytes.load(Relaxed), 0, "an expired entry gives its bytes back");
    }

    #[test]
    fn the_budget_of_all_mailboxes_refuses_more_and_acks_make_room() {
        let m = MemoryMailbox::new(100, 1 << 20, 4000, Duration::from_secs(60), Arc::default());
        let mut stored = Vec::new();
        // Each agent's own cap is far away; the sum is what stops them.
        for agent in 0..10u8 {
            match m.push(&[agent; 32], [agent; 16], &[0; 1000]) {
                Ok((id, _)) => stored.push((agent, id)),
                Err(refusal) => {
                    assert_eq!(refusal, Refusal::OverBudget);
                    break;
                }
            }
        }
        assert_eq!(stored.len(), 3, "three entries of about 1.1 KB fit in 4,000 bytes");
        assert!(m.metrics.mailbox_bytes.load(Relaxed) <= 4000);
        let (agent, id) = stored[0];
        assert!(m.ack(&[agent; 32], id));
        assert!(m.push(&[9; 32], [9; 16], &[0; 1000]).is_ok(), "an acknowledged entry's bytes are free again");
        assert_eq!(stored.iter().skip(1).map(|(agent, _)| m.backlog(&[*agent; 32]).len()).sum::<usize>(), 2, "nothing stored was dropped");
    }
}
