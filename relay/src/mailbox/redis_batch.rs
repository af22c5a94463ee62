//! Batches this instance's mailbox writes into few Redis script calls.
//!
//! Every Send is one store-and-announce (XADD + PUBLISH and the cap checks) and every
//! DeliverAck one delete; as one script call each, Redis spends most of its time entering
//! and leaving Lua. Here all connections of the instance queue their operations to one
//! task, which sends whatever has gathered as one `SEND_MANY` / `ACK_MANY` call, with a
//! few calls in flight. Under light load a batch is one operation and waits for nothing;
//! under heavy load batches grow, which is what raises throughput. Each operation is still
//! its own atomic unit inside the script, with its own answer.

use agentnet_core::wire::{AgentIdBytes, MessageId};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use redis::{RedisResult, Script};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::conn::SharedConn;
use super::now_ms;
use super::redis::{Stored, bytes_key, channel, delivery_keys_key, stream_key};

/// Script calls in flight at once.
const MAX_IN_FLIGHT: usize = 4;
/// Operations per script call.
const MAX_BATCH: usize = 256;
/// Envelope bytes per script call (a batch closes early above it).
const MAX_BATCH_BYTES: usize = 1 << 20;

/// KEYS: per message its stream, byte counter and delivery-key set. ARGV: max count, max
/// bytes, ttl ms, expiry cutoff ms, then per message: delivery-key hash, message id,
/// envelope, channel. Returns per message -1 refused (the hash is not in the recipient's
/// set), -2 full, else the subscriber count.
///
/// Per message the delivery key is checked (senders differ); per mailbox and call the
/// expiry trim, the count and the byte counter are read once and the counter and expiries written once; per message there is
/// only XADD and PUBLISH. Messages for one mailbox are checked against its caps in order,
/// exactly as one call each would be.
///
/// The shebang makes Redis check its memory before the call instead of at the first
/// write: at `maxmemory` the whole call is refused (OOM) and nothing of it is written.
const SEND_MANY: &str = r#"#!lua
local maxn, maxb, ttl, cutoff = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local out, boxes = {}, {}
for i = 1, #KEYS / 3 do
  local sk, bk, dk, a = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i], 4 + (i - 1) * 4
  local mid, env = ARGV[a + 2], ARGV[a + 3]
  if redis.call('SISMEMBER', dk, ARGV[a + 1]) == 0 then
    out[i] = -1
  else
    local box = boxes[sk]
    if box == nil then
      local gone = 0
      for _, e in ipairs(redis.call('XRANGE', sk, '-', cutoff, 'COUNT', 100)) do
        gone = gone + string.len(e[2][4])
        redis.call('XDEL', sk, e[1])
      end
      if gone > 0 then redis.call('DECRBY', bk, gone) end
      box = { bk = bk, n = redis.call('XLEN', sk), b = tonumber(redis.call('GET', bk) or '0'), add = 0 }
      boxes[sk] = box
    end
    local size = string.len(env)
    if box.n >= maxn or box.b + size > maxb then
      out[i] = -2
    else
      local id = redis.call('XADD', sk, '*', 'm', mid, 'e', env)
      box.n, box.b, box.add = box.n + 1, box.b + size, box.add + size
      out[i] = redis.call('PUBLISH', ARGV[a + 4], id .. '\n' .. mid .. env)
    end
  end
end
for sk, box in pairs(boxes) do
  if box and box.add > 0 then
    redis.call('INCRBY', box.bk, box.add)
    redis.call('PEXPIRE', sk, ttl)
    redis.call('PEXPIRE', box.bk, ttl)
  end
end
return out
"#;

/// KEYS: per entry its stream and byte counter. ARGV: per entry its stream id.
/// Returns per entry 1 if deleted, 0 if it was not there. Byte counters are written once
/// per mailbox and call. Allowed at `maxmemory`: acknowledging is what frees memory.
const ACK_MANY: &str = r#"#!lua flags=allow-oom
local out, freed = {}, {}
for i = 1, #ARGV do
  local sk, bk = KEYS[2 * i - 1], KEYS[2 * i]
  local e = redis.call('XRANGE', sk, ARGV[i], ARGV[i])
  if #e == 0 then
    out[i] = 0
  else
    redis.call('XDEL', sk, ARGV[i])
    freed[bk] = (freed[bk] or 0) + string.len(e[1][2][4])
    out[i] = 1
  end
end
for bk, n in pairs(freed) do redis.call('DECRBY', bk, n) end
return out
"#;

enum Job {
    Store { recipient: AgentIdBytes, key_hash: [u8; 32], message_id: MessageId, envelope: Vec<u8>, reply: oneshot::Sender<RedisResult<Stored>> },
    Ack { agent: AgentIdBytes, stream_id: String, reply: oneshot::Sender<RedisResult<bool>> },
}

/// Mailbox caps, as the scripts need them.
#[derive(Clone, Copy)]
pub(crate) struct Caps {
    pub(crate) max_messages: usize,
    pub(crate) max_bytes: usize,
    pub(crate) ttl: Duration,
}

/// The handle connections use; the task stops when the last handle is dropped.
pub(crate) struct Batcher {
    jobs: mpsc::UnboundedSender<Job>,
}

fn stopped() -> redis::RedisError {
    redis::RedisError::from((redis::ErrorKind::Io, "mailbox batcher stopped"))
}

impl Batcher {
    /// Starts the batching task (owned by the returned guard) on the current runtime.
    pub(crate) fn start(conn: Arc<SharedConn>, caps: Caps) -> (Batcher, crate::task::AbortOnDrop<()>) {
        let (jobs, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(rx, conn, caps));
        (Batcher { jobs }, crate::task::AbortOnDrop(task))
    }

    pub(crate) async fn store(&self, recipient: &AgentIdBytes, key_hash: &[u8; 32], message_id: MessageId, envelope: &[u8]) -> RedisResult<Stored> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Store { recipient: *recipient, key_hash: *key_hash, message_id, envelope: envelope.to_vec(), reply };
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    pub(crate) async fn ack(&self, agent: &AgentIdBytes, stream_id: String) -> RedisResult<bool> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Ack { agent: *agent, stream_id, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

type StoreJob = (AgentIdBytes, [u8; 32], MessageId, Vec<u8>, oneshot::Sender<RedisResult<Stored>>);
type AckJob = (AgentIdBytes, String, oneshot::Sender<RedisResult<bool>>);

async fn run(mut rx: mpsc::UnboundedReceiver<Job>, conn: Arc<SharedConn>, caps: Caps) {
    let send = Arc::new(Script::new(SEND_MANY));
    let ack = Arc::new(Script::new(ACK_MANY));
    let mut in_flight = FuturesUnordered::new();
    loop {
        tokio::select! {
            job = rx.recv(), if in_flight.len() < MAX_IN_FLIGHT => {
                let Some(first) = job else { break };
                let (mut stores, mut acks): (Vec<StoreJob>, Vec<AckJob>) = (Vec::new(), Vec::new());
                let mut bytes = 0;
                let mut next = Some(first);
                while let Some(job) = next.take() {
                    match job {
                        Job::Store { recipient, key_hash, message_id, envelope, reply } => {
                            bytes += envelope.len();
                            stores.push((recipient, key_hash, message_id, envelope, reply));
                        }
                        Job::Ack { agent, stream_id, reply } => acks.push((agent, stream_id, reply)),
                    }
                    if stores.len() + acks.len() < MAX_BATCH && bytes < MAX_BATCH_BYTES {
                        next = rx.try_recv().ok();
                    }
                }
                if !stores.is_empty() {
                    in_flight.push(futures_util::future::Either::Left(store_many(conn.clone(), send.clone(), caps, stores)));
                }
                if !acks.is_empty() {
                    in_flight.push(futures_util::future::Either::Right(ack_many(conn.clone(), ack.clone(), acks)));
                }
            }
            Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
        }
    }
    while in_flight.next().await.is_some() {}
}

async fn store_many(conn: Arc<SharedConn>, script: Arc<Script>, caps: Caps, jobs: Vec<StoreJob>) {
    let ttl = caps.ttl.as_millis() as u64;
    let mut inv = script.prepare_invoke();
    inv.arg(caps.max_messages)
        .arg(caps.max_bytes)
        .arg(ttl)
        .arg(now_ms().saturating_sub(ttl));
    for (recipient, key_hash, message_id, envelope, _) in &jobs {
        inv.key(stream_key(recipient))
            .key(bytes_key(recipient))
            .key(delivery_keys_key(recipient))
            .arg(&key_hash[..])
            .arg(&message_id[..])
            .arg(&envelope[..])
            .arg(channel(recipient));
    }
    let mut lease = conn.lease();
    let r: RedisResult<Vec<i64>> = inv.invoke_async(&mut lease.conn).await;
    match conn.check(lease, r).await {
        Ok(answers) if answers.len() == jobs.len() => {
            for ((.., reply), n) in jobs.into_iter().zip(answers) {
                let _ = reply.send(Ok(match n {
                    -1 => Stored::Refused,
                    -2 => Stored::Full,
                    n => Stored::Kept { subscribers: n },
                }));
            }
        }
        Ok(_) => fail(jobs.into_iter().map(|j| j.4), redis::RedisError::from((redis::ErrorKind::Parse, "SEND_MANY answer count"))),
        // Redis at its maxmemory refused the call before writing anything.
        Err(e) if e.code() == Some("OOM") => {
            for (.., reply) in jobs {
                let _ = reply.send(Ok(Stored::OverBudget));
            }
        }
        Err(e) => fail(jobs.into_iter().map(|j| j.4), e),
    }
}

async fn ack_many(conn: Arc<SharedConn>, script: Arc<Script>, jobs: Vec<AckJob>) {
    let mut inv = script.prepare_invoke();
    for (agent, stream_id, _) in &jobs {
        inv.key(stream_key(agent)).key(bytes_key(agent)).arg(stream_id);
    }
    let mut lease = conn.lease();
    let r: RedisResult<Vec<i64>> = inv.invoke_async(&mut lease.conn).await;
    match conn.check(lease, r).await {
        Ok(answers) if answers.len() == jobs.len() => {
            for ((.., reply), n) in jobs.into_iter().zip(answers) {
                let _ = reply.send(Ok(n == 1));
            }
        }
        Ok(_) => fail(jobs.into_iter().map(|j| j.2), redis::RedisError::from((redis::ErrorKind::Parse, "ACK_MANY answer count"))),
        Err(e) => fail(jobs.into_iter().map(|j| j.2), e),
    }
}

fn fail<T>(replies: impl Iterator<Item = oneshot::Sender<RedisResult<T>>>, e: redis::RedisError) {
    for reply in replies {
        let _ = reply.send(Err(e.clone()));
    }
}
