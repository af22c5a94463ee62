//! The in-memory mailbox: bounded per agent in count and bytes, entries expire after
//! the TTL. The embedded default; lost when the process exits.

use agentnet_core::wire::{AgentIdBytes, MessageId};
use bytes::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use super::{deliver_frame, now_ms};
use crate::metrics::Metrics;

struct Entry {
    id: u128,
    size: usize,
    frame: Bytes,
}

#[derive(Default)]
struct AgentBox {
    entries: VecDeque<Entry>,
    bytes: usize,
    last_id: u128,
}

/// The mailbox is at its count or byte cap.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MailboxFull;

const SHARDS: usize = 64;

pub(crate) struct MemoryMailbox {
    shards: Box<[Mutex<HashMap<AgentIdBytes, AgentBox>>]>,
    max_messages: usize,
    max_bytes: usize,
    ttl_ms: u64,
    metrics: Arc<Metrics>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MemoryMailbox {
    pub(crate) fn new(max_messages: usize, max_bytes: usize, ttl: Duration, metrics: Arc<Metrics>) -> Self {
        MemoryMailbox {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            max_messages,
            max_bytes,
            ttl_ms: ttl.as_millis() as u64,
            metrics,
        }
    }

    fn shard(&self, agent: &AgentIdBytes) -> &Mutex<HashMap<AgentIdBytes, AgentBox>> {
        &self.shards[usize::from(agent[0]) % SHARDS]
    }

    fn expire(b: &mut AgentBox, now: u64, ttl_ms: u64, gauge: &AtomicI64) {
        let cutoff = u128::from(now.saturating_sub(ttl_ms)) << 64;
        while b.entries.front().is_some_and(|e| e.id < cutoff) {
            if let Some(e) = b.entries.pop_front() {
                b.bytes -= e.size;
                gauge.fetch_sub(1, Relaxed);
            }
        }
    }

    /// Stores an envelope; returns its delivery id and encoded Deliver frame.
    pub(crate) fn push(&self, agent: &AgentIdBytes, message_id: MessageId, envelope: &[u8]) -> Result<(u128, Bytes), MailboxFull> {
        let now = now_ms();
        let mut shard = lock(self.shard(agent));
        let b = shard.entry(*agent).or_default();
        Self::expire(b, now, self.ttl_ms, &self.metrics.mailbox_messages);
        if b.entries.len() >= self.max_messages || b.bytes + envelope.len() > self.max_bytes {
            return Err(MailboxFull);
        }
        let id = (u128::from(now) << 64).max(b.last_id + 1);
        b.last_id = id;
        let frame = deliver_frame(id, message_id, envelope);
        b.bytes += envelope.len();
        b.entries.push_back(Entry { id, size: envelope.len(), frame: frame.clone() });
        self.metrics.mailbox_messages.fetch_add(1, Relaxed);
        Ok((id, frame))
    }

    /// Everything waiting for `agent`, oldest first.
    pub(crate) fn backlog(&self, agent: &AgentIdBytes) -> Vec<(u128, Bytes)> {
        let mut shard = lock(self.shard(agent));
        let Some(b) = shard.get_mut(agent) else { return Vec::new() };
        Self::expire(b, now_ms(), self.ttl_ms, &self.metrics.mailbox_messages);
        b.entries.iter().map(|e| (e.id, e.frame.clone())).collect()
    }

    /// Deletes entry `id` (acknowledged by the recipient); false if it was not there.
    pub(crate) fn ack(&self, agent: &AgentIdBytes, id: u128) -> bool {
        let mut shard = lock(self.shard(agent));
        let Some(b) = shard.get_mut(agent) else { return false };
        // Acks usually come in order, so the entry is usually at the front.
        let Some(pos) = b.entries.iter().position(|e| e.id == id) else { return false };
        if let Some(e) = b.entries.remove(pos) {
            b.bytes -= e.size;
            self.metrics.mailbox_messages.fetch_sub(1, Relaxed);
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
                Self::expire(b, now, self.ttl_ms, &self.metrics.mailbox_messages);
                !b.entries.is_empty()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(max_messages: usize, max_bytes: usize) -> MemoryMailbox {
        MemoryMailbox::new(max_messages, max_bytes, Duration::from_secs(60), Arc::default())
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
        assert_eq!(m.push(&a, [3; 16], b"x"), Err(MailboxFull));
        let m = mailbox(100, 10);
        m.push(&a, [1; 16], &[0; 8]).unwrap();
        assert_eq!(m.push(&a, [2; 16], &[0; 3]), Err(MailboxFull));
    }

    #[test]
    fn expired_entries_disappear() {
        let m = MemoryMailbox::new(10, 1000, Duration::from_millis(0), Arc::default());
        let a = [1; 32];
        m.push(&a, [1; 16], b"old").unwrap();
        std::thread::sleep(Duration::from_millis(3));
        assert!(m.backlog(&a).is_empty());
    }
}
