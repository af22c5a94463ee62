//! The agents connected to this instance, and delivery to their connections.
//!
//! Each connection has a bounded send queue. A push never waits: when a queue is full
//! the connection is a slow consumer, its handle is dropped here, and the connection
//! sees its queue end and closes with 4004, so one slow reader never stalls others.

use agentnet_core::wire::AgentIdBytes;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

use crate::limits::TokenBucket;
use crate::metrics::Metrics;

/// What the relay queues for a connection.
#[derive(Debug, Clone)]
pub(crate) enum Outbound {
    /// A Deliver frame of mailbox entry `id` (skipped if the backlog already sent it).
    Deliver { id: u128, frame: Bytes },
    /// Any other encoded frame.
    Frame(Bytes),
}

#[derive(Debug)]
struct ConnHandle {
    id: u64,
    tx: mpsc::Sender<Outbound>,
}

#[derive(Debug)]
struct AgentEntry {
    conns: Vec<ConnHandle>,
    bucket: Arc<Mutex<TokenBucket>>,
}

/// Why a connection could not attach.
#[derive(Debug)]
pub(crate) struct TooManyConnections;

/// What a connection gets when it attaches.
pub(crate) struct Attached {
    pub(crate) rx: mpsc::Receiver<Outbound>,
    pub(crate) agent_bucket: Arc<Mutex<TokenBucket>>,
    /// This is the agent's first connection here.
    pub(crate) first: bool,
}

const SHARDS: usize = 64;

/// Local connections by agent, sharded to keep lock contention low.
pub(crate) struct Hub {
    shards: Box<[Mutex<HashMap<AgentIdBytes, AgentEntry>>]>,
    metrics: Arc<Metrics>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a shard lock leaves plain data behind: keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Hub {
    pub(crate) fn new(metrics: Arc<Metrics>) -> Self {
        Hub { shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(), metrics }
    }

    fn shard(&self, agent: &AgentIdBytes) -> &Mutex<HashMap<AgentIdBytes, AgentEntry>> {
        &self.shards[usize::from(agent[0]) % SHARDS]
    }

    /// Registers connection `id` of `agent` with a send queue of `queue` frames.
    pub(crate) fn attach(
        &self,
        agent: &AgentIdBytes,
        id: u64,
        queue: usize,
        max_conns: usize,
        (rate, burst): (u32, u32),
    ) -> Result<Attached, TooManyConnections> {
        let mut shard = lock(self.shard(agent));
        let entry = shard
            .entry(*agent)
            .or_insert_with(|| AgentEntry { conns: Vec::new(), bucket: Arc::new(Mutex::new(TokenBucket::new(rate, burst))) });
        if entry.conns.len() >= max_conns {
            return Err(TooManyConnections);
        }
        let first = entry.conns.is_empty();
        let (tx, rx) = mpsc::channel(queue);
        entry.conns.push(ConnHandle { id, tx });
        Ok(Attached { rx, agent_bucket: entry.bucket.clone(), first })
    }

    /// Removes connection `id`; true if `agent` has no connection here any more.
    pub(crate) fn detach(&self, agent: &AgentIdBytes, id: u64) -> bool {
        let mut shard = lock(self.shard(agent));
        let Some(entry) = shard.get_mut(agent) else { return true };
        entry.conns.retain(|c| c.id != id);
        if entry.conns.is_empty() {
            shard.remove(agent);
            true
        } else {
            false
        }
    }

    /// Whether `agent` is registered here (has or just lost a connection).
    pub(crate) fn contains(&self, agent: &AgentIdBytes) -> bool {
        lock(self.shard(agent)).contains_key(agent)
    }

    /// Every agent registered here.
    pub(crate) fn agents(&self) -> Vec<AgentIdBytes> {
        self.shards.iter().flat_map(|s| lock(s).keys().copied().collect::<Vec<_>>()).collect()
    }

    /// Whether `agent` has a live connection here.
    pub(crate) fn is_online(&self, agent: &AgentIdBytes) -> bool {
        lock(self.shard(agent)).get(agent).is_some_and(|e| !e.conns.is_empty())
    }

    /// Queues `item` to every connection of `agent`; returns how many took it.
    pub(crate) fn push(&self, agent: &AgentIdBytes, item: Outbound) -> usize {
        let mut shard = lock(self.shard(agent));
        let Some(entry) = shard.get_mut(agent) else { return 0 };
        let mut delivered = 0;
        entry.conns.retain(|c| match c.tx.try_send(item.clone()) {
            Ok(()) => {
                delivered += 1;
                self.metrics.send_queue_depth.fetch_add(1, Relaxed);
                true
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.metrics.slow_consumers.fetch_add(1, Relaxed);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
        delivered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_drops_only_that_connection() {
        let hub = Hub::new(Arc::default());
        let a = [1u8; 32];
        let mut slow = hub.attach(&a, 1, 1, 8, (10, 10)).unwrap();
        let mut fast = hub.attach(&a, 2, 8, 8, (10, 10)).unwrap();
        assert_eq!(hub.push(&a, Outbound::Frame(Bytes::from_static(b"1"))), 2);
        assert!(fast.rx.recv().await.is_some());
        // The slow one never read: its queue of 1 is full, so it is dropped.
        assert_eq!(hub.push(&a, Outbound::Frame(Bytes::from_static(b"2"))), 1);
        assert!(slow.rx.recv().await.is_some());
        assert!(slow.rx.recv().await.is_none(), "the slow consumer's queue ends");
        assert!(fast.rx.recv().await.is_some());
    }

    #[test]
    fn the_connection_cap_per_agent_holds() {
        let hub = Hub::new(Arc::default());
        let a = [2u8; 32];
        let _one = hub.attach(&a, 1, 4, 1, (10, 10)).unwrap();
        assert!(hub.attach(&a, 2, 4, 1, (10, 10)).is_err());
        assert!(hub.detach(&a, 1));
        assert!(hub.attach(&a, 3, 4, 1, (10, 10)).is_ok());
    }
}
