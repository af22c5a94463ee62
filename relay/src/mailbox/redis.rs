//! Mailboxes in Redis Streams, one stream per recipient (`an:m:<hex id>`), with a byte
//! counter beside it (`an:mb:<hex id>`). Storing and announcing a message happen in one
//! Lua script: XADD, then PUBLISH on the recipient's channel, so the instance holding the
//! recipient learns of it in the same round trip and a crash between the two cannot
//! leave an announced message unstored. Stores and acknowledgements go through
//! [`super::redis_batch`], which packs many into one script call.

use agentnet_core::wire::{AgentIdBytes, MessageId};
use bytes::Bytes;
use redis::AsyncCommands;
use std::sync::Arc;
use std::time::Duration;

use super::conn::SharedConn;
use super::redis_batch::{Batcher, Caps};
use crate::task::AbortOnDrop;
use super::{deliver_frame, now_ms};

pub(crate) fn stream_key(agent: &AgentIdBytes) -> String {
    format!("an:m:{}", hex::encode(agent))
}
pub(crate) fn bytes_key(agent: &AgentIdBytes) -> String {
    format!("an:mb:{}", hex::encode(agent))
}
pub(crate) fn channel(agent: &AgentIdBytes) -> String {
    format!("an:c:{}", hex::encode(agent))
}
fn prekey_key(agent: &AgentIdBytes) -> String {
    format!("an:pk:{}", hex::encode(agent))
}
/// The one-time prekey ids of the agent already handed to a sender.
fn handed_key(agent: &AgentIdBytes) -> String {
    format!("an:pkh:{}", hex::encode(agent))
}
/// The set of delivery-key hashes Sends to the agent may carry.
pub(crate) fn delivery_keys_key(agent: &AgentIdBytes) -> String {
    format!("an:dk:{}", hex::encode(agent))
}

/// What storing a message in Redis did.
pub(crate) enum Stored {
    /// The key is not one the recipient published.
    Refused,
    Full,
    /// Redis is at its `maxmemory` (policy `noeviction`): the relay's memory budget.
    OverBudget,
    /// Stored; `subscribers` instances hold a connection of the recipient.
    Kept { subscribers: i64 },
}

pub(crate) struct RedisMailbox {
    conn: Arc<SharedConn>,
    batch: Batcher,
    max_messages: usize,
    ttl: Duration,
    _batcher: AbortOnDrop<()>,
}

/// One XRANGE entry: stream id and field/value pairs.
type StreamEntry = (String, Vec<(String, Vec<u8>)>);

/// `ms-seq` to the delivery id `ms << 64 | seq`.
pub(crate) fn parse_stream_id(id: &str) -> Option<u128> {
    let (ms, seq) = id.split_once('-')?;
    Some(u128::from(ms.parse::<u64>().ok()?) << 64 | u128::from(seq.parse::<u64>().ok()?))
}

fn stream_id(delivery_id: u128) -> String {
    format!("{}-{}", (delivery_id >> 64) as u64, delivery_id as u64)
}

/// Parses a channel payload `ms-seq \n message id(16) envelope` into a Deliver frame.
pub(crate) fn parse_announcement(payload: &[u8]) -> Option<(u128, Bytes)> {
    let nl = payload.iter().position(|b| *b == b'\n')?;
    let id = parse_stream_id(std::str::from_utf8(&payload[..nl]).ok()?)?;
    let rest = &payload[nl + 1..];
    if rest.len() < 16 {
        return None;
    }
    let mut mid = [0u8; 16];
    mid.copy_from_slice(&rest[..16]);
    Some((id, deliver_frame(id, mid, &rest[16..])))
}

impl RedisMailbox {
    /// Needs a runtime: starts the batching task.
    pub(crate) fn new(conn: Arc<SharedConn>, max_messages: usize, max_bytes: usize, ttl: Duration) -> Self {
        let (batch, task) = Batcher::start(conn.clone(), Caps { max_messages, max_bytes, ttl });
        RedisMailbox { conn, batch, max_messages, ttl, _batcher: task }
    }

    /// Replaces the agent's delivery-key hashes in one transaction.
    pub(crate) async fn put_delivery_keys(&self, agent: &AgentIdBytes, hashes: &[[u8; 32]]) -> redis::RedisResult<()> {
        let key = delivery_keys_key(agent);
        let mut pipe = redis::pipe();
        pipe.atomic().del(&key).ignore();
        if !hashes.is_empty() {
            pipe.sadd(&key, hashes.iter().map(|h| h.to_vec()).collect::<Vec<_>>()).ignore();
        }
        let mut l = self.conn.lease();
        let r = pipe.query_async(&mut l.conn).await;
        self.conn.check(l, r).await
    }

    pub(crate) async fn store(&self, recipient: &AgentIdBytes, key_hash: &[u8; 32], message_id: MessageId, envelope: &[u8]) -> redis::RedisResult<Stored> {
        self.batch.store(recipient, key_hash, message_id, envelope).await
    }

    pub(crate) async fn backlog(&self, agent: &AgentIdBytes) -> redis::RedisResult<Vec<(u128, Bytes)>> {
        self.backlog_since(agent, 0).await
    }

    /// The waiting entries stored at or after `since_ms`, oldest first.
    pub(crate) async fn backlog_since(&self, agent: &AgentIdBytes, since_ms: u64) -> redis::RedisResult<Vec<(u128, Bytes)>> {
        let cutoff = now_ms().saturating_sub(self.ttl.as_millis() as u64);
        let mut l = self.conn.lease();
        let r = redis::cmd("XRANGE")
            .arg(stream_key(agent))
            .arg(format!("{since_ms}-0"))
            .arg("+")
            .arg("COUNT")
            .arg(self.max_messages)
            .query_async(&mut l.conn)
            .await;
        let entries: Vec<StreamEntry> = self.conn.check(l, r).await?;
        let mut out = Vec::with_capacity(entries.len());
        for (id, fields) in entries {
            let Some(did) = parse_stream_id(&id) else { continue };
            if ((did >> 64) as u64) < cutoff {
                continue;
            }
            let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_slice());
            let (Some(mid), Some(env)) = (get("m"), get("e")) else { continue };
            let Ok(mid) = <[u8; 16]>::try_from(mid) else { continue };
            out.push((did, deliver_frame(did, mid, env)));
        }
        Ok(out)
    }

    pub(crate) async fn ack(&self, agent: &AgentIdBytes, delivery_id: u128) -> redis::RedisResult<bool> {
        self.batch.ack(agent, stream_id(delivery_id)).await
    }

    pub(crate) async fn put_prekeys(&self, agent: &AgentIdBytes, bundle: &[u8]) -> redis::RedisResult<()> {
        let mut l = self.conn.lease();
        let r = l.conn.set(prekey_key(agent), bundle).await;
        self.conn.check(l, r).await
    }

    /// The bundle with at most one one-time prekey, claimed for this sender alone: SADD
    /// to the handed-out set answers 1 only to the first claim of an id.
    pub(crate) async fn take_prekeys(&self, agent: &AgentIdBytes, key_hash: &[u8; 32]) -> redis::RedisResult<Option<Vec<u8>>> {
        let mut l = self.conn.lease();
        let r = l.conn.sismember(delivery_keys_key(agent), &key_hash[..]).await;
        let allowed: bool = self.conn.check(l, r).await?;
        if !allowed {
            return Ok(None);
        }
        let mut l = self.conn.lease();
        let r = l.conn.get(prekey_key(agent)).await;
        let Some(bundle): Option<Vec<u8>> = self.conn.check(l, r).await? else { return Ok(None) };
        let mut claimed = None;
        for id in crate::routing::one_time_ids(&bundle) {
            let mut l = self.conn.lease();
            let r = l.conn.sadd(handed_key(agent), id).await;
            let added: i64 = self.conn.check(l, r).await?;
            if added == 1 {
                claimed = Some(id);
                break;
            }
        }
        Ok(Some(crate::routing::with_one_time(&bundle, claimed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_ids_map_to_delivery_ids_and_back() {
        let id = parse_stream_id("1700000000123-7").unwrap();
        assert_eq!(stream_id(id), "1700000000123-7");
        assert!(parse_stream_id("x-1").is_none());
    }

    #[test]
    fn announcements_become_deliver_frames() {
        let mut payload = b"5-1\n".to_vec();
        payload.extend([9u8; 16]);
        payload.extend(b"env");
        let (id, frame) = parse_announcement(&payload).unwrap();
        assert_eq!(id, 5 << 64 | 1);
        assert_eq!(frame, deliver_frame(id, [9; 16], b"env"));
        assert!(parse_announcement(b"garbage").is_none());
    }
}
