//! Mailboxes in Redis Streams, one stream per recipient (`an:m:<hex id>`), with a byte
//! counter beside it (`an:mb:<hex id>`). Storing and announcing a message is one Lua
//! script: XADD, then PUBLISH on the recipient's channel, so the instance holding the
//! recipient learns of it in the same round trip and a crash between the two cannot
//! leave an announced message unstored.

use agentnet_core::wire::{AgentIdBytes, MessageId};
use bytes::Bytes;
use redis::{AsyncCommands, Script};
use std::sync::Arc;
use std::time::Duration;

use super::conn::SharedConn;
use super::{deliver_frame, now_ms};

/// Redis key of the set of agents that have authenticated at least once.
const KNOWN: &str = "an:known";

pub(crate) fn stream_key(agent: &AgentIdBytes) -> String {
    format!("an:m:{}", hex::encode(agent))
}
fn bytes_key(agent: &AgentIdBytes) -> String {
    format!("an:mb:{}", hex::encode(agent))
}
pub(crate) fn channel(agent: &AgentIdBytes) -> String {
    format!("an:c:{}", hex::encode(agent))
}
fn prekey_key(agent: &AgentIdBytes) -> String {
    format!("an:pk:{}", hex::encode(agent))
}

/// KEYS: known set, stream, byte counter. ARGV: recipient hex, message id, envelope,
/// max count, max bytes, ttl ms, channel, now ms.
/// Returns {-1, ""} unknown recipient, {-2, ""} full, else {subscribers, stream id}.
const SEND: &str = r#"
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return {-1, ''} end
local cutoff = tonumber(ARGV[8]) - tonumber(ARGV[6])
if cutoff > 0 then
  local old = redis.call('XRANGE', KEYS[2], '-', tostring(cutoff), 'COUNT', 100)
  for _, e in ipairs(old) do
    redis.call('DECRBY', KEYS[3], string.len(e[2][4]))
    redis.call('XDEL', KEYS[2], e[1])
  end
end
local size = string.len(ARGV[3])
local bytes = tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[4]) or bytes + size > tonumber(ARGV[5]) then return {-2, ''} end
local id = redis.call('XADD', KEYS[2], '*', 'm', ARGV[2], 'e', ARGV[3])
redis.call('INCRBY', KEYS[3], size)
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
local n = redis.call('PUBLISH', ARGV[7], id .. '\n' .. ARGV[2] .. ARGV[3])
return {n, id}
"#;

/// KEYS: stream, byte counter. ARGV: stream id. Returns 1 if deleted.
const ACK: &str = r#"
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('DECRBY', KEYS[2], string.len(e[1][2][4]))
return 1
"#;

/// What storing a message in Redis did.
pub(crate) enum Stored {
    UnknownRecipient,
    Full,
    /// Stored; `subscribers` instances hold a connection of the recipient.
    Kept { subscribers: i64 },
}

pub(crate) struct RedisMailbox {
    conn: Arc<SharedConn>,
    send: Script,
    ack: Script,
    max_messages: usize,
    max_bytes: usize,
    ttl: Duration,
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
    pub(crate) fn new(conn: Arc<SharedConn>, max_messages: usize, max_bytes: usize, ttl: Duration) -> Self {
        RedisMailbox { conn, send: Script::new(SEND), ack: Script::new(ACK), max_messages, max_bytes, ttl }
    }

    pub(crate) async fn mark_known(&self, agent: &AgentIdBytes) -> redis::RedisResult<()> {
        let mut l = self.conn.lease();
        let r = l.conn.sadd(KNOWN, hex::encode(agent)).await;
        self.conn.check(l, r).await
    }

    pub(crate) async fn store(&self, recipient: &AgentIdBytes, message_id: MessageId, envelope: &[u8]) -> redis::RedisResult<Stored> {
        let mut l = self.conn.lease();
        let r = self
            .send
            .key(KNOWN)
            .key(stream_key(recipient))
            .key(bytes_key(recipient))
            .arg(hex::encode(recipient))
            .arg(&message_id[..])
            .arg(envelope)
            .arg(self.max_messages)
            .arg(self.max_bytes)
            .arg(self.ttl.as_millis() as u64)
            .arg(channel(recipient))
            .arg(now_ms())
            .invoke_async(&mut l.conn)
            .await;
        let (n, _id): (i64, String) = self.conn.check(l, r).await?;
        Ok(match n {
            -1 => Stored::UnknownRecipient,
            -2 => Stored::Full,
            n => Stored::Kept { subscribers: n },
        })
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
        let mut l = self.conn.lease();
        let r = self
            .ack
            .key(stream_key(agent))
            .key(bytes_key(agent))
            .arg(stream_id(delivery_id))
            .invoke_async(&mut l.conn)
            .await;
        let n: i64 = self.conn.check(l, r).await?;
        Ok(n == 1)
    }

    pub(crate) async fn put_prekeys(&self, agent: &AgentIdBytes, bundle: &[u8]) -> redis::RedisResult<()> {
        let mut l = self.conn.lease();
        let r = l.conn.set(prekey_key(agent), bundle).await;
        self.conn.check(l, r).await
    }

    pub(crate) async fn get_prekeys(&self, agent: &AgentIdBytes) -> redis::RedisResult<Option<Vec<u8>>> {
        let mut l = self.conn.lease();
        let r = l.conn.get(prekey_key(agent)).await;
        self.conn.check(l, r).await
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
