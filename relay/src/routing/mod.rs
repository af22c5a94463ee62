//! Where a sent message goes: into the recipient's mailbox, and from there to any
//! live connection of the recipient. In memory on one instance (the embedded default);
//! with Redis, mailboxes are Redis Streams and each instance subscribes to the
//! pub/sub channel of every agent connected to it.
//!
//! Why per-agent channels rather than a presence directory with TTLs: PUBLISH returns
//! how many instances hold the recipient, which is exactly the Delivered/Queued answer,
//! in the same round trip as the store; and when an instance dies Redis drops its
//! subscriptions with its connection, so there is no directory entry to go stale and no
//! heartbeat traffic for 50,000 idle agents. The same channels carry presence between
//! instances (`signal`); `PUBSUB NUMSUB` on them tells whether an agent is still
//! connected anywhere.

pub(crate) mod local;
pub(crate) mod redis;
pub(crate) mod signal;

use agentnet_core::crypto::delivery_key::Hash;
use agentnet_core::crypto::prekey::Bundle;
use agentnet_core::wire::{AgentIdBytes, MessageId};
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::mailbox::memory::{MemoryMailbox, Refusal};
use crate::mailbox::redis::Stored;
use local::{Hub, Outbound};

/// A failure of the storage behind the relay (Redis); bad input never ends up here.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BackendError {
    #[error(transparent)]
    Redis(#[from] ::redis::RedisError),
}

/// The answer to a Send.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SendOutcome {
    /// Stored; `live` if a connection of the recipient took it at once (for the metrics
    /// only: the sender is told the same either way).
    Accepted { live: bool },
    /// The key is not one the recipient published (or the recipient is unknown).
    Refused,
    MailboxFull,
    /// The relay holds all the mail its memory budget allows (Redis: at `maxmemory`).
    OverBudget,
}

pub(crate) struct MemoryBackend {
    pub(crate) mailbox: MemoryMailbox,
    /// Per agent, the hashes of the delivery keys it published.
    delivery_keys: Mutex<HashMap<AgentIdBytes, HashSet<Hash>>>,
    prekeys: Mutex<HashMap<AgentIdBytes, Published>>,
}

/// An agent's published bundle and the one-time prekeys already handed to a sender.
struct Published {
    bundle: Vec<u8>,
    handed: HashSet<u32>,
}

impl MemoryBackend {
    pub(crate) fn new(mailbox: MemoryMailbox) -> Self {
        MemoryBackend { mailbox, delivery_keys: Mutex::default(), prekeys: Mutex::default() }
    }
}

pub(crate) enum Backend {
    Memory(MemoryBackend),
    Redis(redis::RedisRouting),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Backend {
    /// Replaces the delivery-key hashes Sends to `agent` may carry.
    pub(crate) async fn put_delivery_keys(&self, agent: &AgentIdBytes, hashes: &[Hash]) -> Result<(), BackendError> {
        match self {
            Backend::Memory(m) => {
                let mut all = lock(&m.delivery_keys);
                if hashes.is_empty() {
                    all.remove(agent);
                } else {
                    all.insert(*agent, hashes.iter().copied().collect());
                }
                Ok(())
            }
            Backend::Redis(r) => Ok(r.mailbox.put_delivery_keys(agent, hashes).await?),
        }
    }

    /// Stores a message for `recipient` if `key_hash` is one it published.
    pub(crate) async fn send(
        &self,
        hub: &Hub,
        recipient: &AgentIdBytes,
        key_hash: &Hash,
        message_id: MessageId,
        envelope: &[u8],
    ) -> Result<SendOutcome, BackendError> {
        match self {
            Backend::Memory(m) => {
                if !lock(&m.delivery_keys).get(recipient).is_some_and(|keys| keys.contains(key_hash)) {
                    return Ok(SendOutcome::Refused);
                }
                match m.mailbox.push(recipient, message_id, envelope) {
                    Err(Refusal::Full) => Ok(SendOutcome::MailboxFull),
                    Err(Refusal::OverBudget) => Ok(SendOutcome::OverBudget),
                    Ok((id, frame)) => Ok(SendOutcome::Accepted { live: hub.push(recipient, Outbound::Deliver { id, frame }) > 0 }),
                }
            }
            Backend::Redis(r) => Ok(match r.mailbox.store(recipient, key_hash, message_id, envelope).await? {
                Stored::Refused => SendOutcome::Refused,
                Stored::Full => SendOutcome::MailboxFull,
                Stored::OverBudget => SendOutcome::OverBudget,
                Stored::Kept { subscribers } => SendOutcome::Accepted { live: subscribers > 0 },
            }),
        }
    }

    /// Called after a connection attached to the hub, before the backlog is read, so
    /// nothing stored from now on can be missed.
    pub(crate) async fn attached(&self, agent: &AgentIdBytes) -> Result<(), BackendError> {
        match self {
            Backend::Memory(_) => Ok(()),
            Backend::Redis(r) => r.sync_subscription(agent).await,
        }
    }

    /// Called after the agent's last local connection left.
    pub(crate) fn detached(&self, agent: &AgentIdBytes) {
        if let Backend::Redis(r) = self {
            r.request_sync(agent);
        }
    }

    pub(crate) async fn backlog(&self, agent: &AgentIdBytes) -> Result<Vec<(u128, Bytes)>, BackendError> {
        match self {
            Backend::Memory(m) => Ok(m.mailbox.backlog(agent)),
            Backend::Redis(r) => Ok(r.mailbox.backlog(agent).await?),
        }
    }

    pub(crate) async fn ack(&self, agent: &AgentIdBytes, delivery_id: u128) -> Result<bool, BackendError> {
        match self {
            Backend::Memory(m) => Ok(m.mailbox.ack(agent, delivery_id)),
            Backend::Redis(r) => Ok(r.mailbox.ack(agent, delivery_id).await?),
        }
    }

    /// Stores `agent`'s bundle (checked). One-time prekeys already handed out stay
    /// handed out: an agent republishes its unused ones on every connection.
    pub(crate) async fn put_prekeys(&self, agent: &AgentIdBytes, bundle: &[u8]) -> Result<(), BackendError> {
        match self {
            Backend::Memory(m) => {
                let mut all = lock(&m.prekeys);
                let ids: HashSet<u32> = one_time_ids(bundle).collect();
                let mut handed = all.remove(agent).map(|p| p.handed).unwrap_or_default();
                // Ids are never reused, so one no longer published is gone for good.
                handed.retain(|id| ids.contains(id));
                all.insert(*agent, Published { bundle: bundle.to_vec(), handed });
                Ok(())
            }
            Backend::Redis(r) => Ok(r.mailbox.put_prekeys(agent, bundle).await?),
        }
    }

    /// `agent`'s bundle as one sender gets it: the signed prekey and at most one one-time
    /// prekey, which no other sender gets (so it opens one envelope and is deleted). Only
    /// for a `key_hash` the agent published: strangers cannot use up its one-time prekeys.
    pub(crate) async fn take_prekeys(&self, agent: &AgentIdBytes, key_hash: &Hash) -> Result<Option<Vec<u8>>, BackendError> {
        match self {
            Backend::Memory(m) => {
                if !lock(&m.delivery_keys).get(agent).is_some_and(|keys| keys.contains(key_hash)) {
                    return Ok(None);
                }
                let mut all = lock(&m.prekeys);
                let Some(published) = all.get_mut(agent) else { return Ok(None) };
                let id = one_time_ids(&published.bundle).find(|id| !published.handed.contains(id));
                if let Some(id) = id {
                    published.handed.insert(id);
                }
                Ok(Some(with_one_time(&published.bundle, id)))
            }
            Backend::Redis(r) => Ok(r.mailbox.take_prekeys(agent, key_hash).await?),
        }
    }
}

/// The one-time prekey ids a stored (already checked) bundle carries.
pub(crate) fn one_time_ids(bundle: &[u8]) -> impl Iterator<Item = u32> {
    Bundle::from_bytes(bundle).map(|b| b.one_time().iter().map(|k| k.id).collect::<Vec<_>>()).unwrap_or_default().into_iter()
}

/// `bundle` keeping only the one-time prekey `id` (or none).
pub(crate) fn with_one_time(bundle: &[u8], id: Option<u32>) -> Vec<u8> {
    match Bundle::from_bytes(bundle) {
        Ok(mut b) => {
            b.retain_one_time(id);
            b.to_bytes()
        }
        Err(_) => bundle.to_vec(),
    }
}
