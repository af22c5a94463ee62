//! Redis pub/sub between instances: one channel per agent, subscribed by whichever
//! instance holds a connection of that agent.

use agentnet_core::wire::AgentIdBytes;
use futures_util::StreamExt;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

use super::BackendError;
use super::local::{Hub, Outbound};
use crate::mailbox::redis::{RedisMailbox, channel, parse_announcement};
use crate::task::AbortOnDrop;

struct SyncRequest {
    agent: AgentIdBytes,
    done: Option<oneshot::Sender<redis::RedisResult<()>>>,
}

pub(crate) struct RedisRouting {
    pub(crate) mailbox: RedisMailbox,
    sync: mpsc::UnboundedSender<SyncRequest>,
    _tasks: [AbortOnDrop<()>; 2],
}

impl RedisRouting {
    /// Connects, and starts the subscription manager and the dispatcher. `on_lost` runs
    /// if the pub/sub connection ends: live routing is then broken for this instance.
    pub(crate) async fn start(
        url: &str,
        mailbox_caps: (usize, usize, std::time::Duration),
        hub: Arc<Hub>,
        on_lost: impl FnOnce() + Send + 'static,
    ) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let conn = client.get_multiplexed_async_connection().await?;
        let (mut sink, mut stream) = client.get_async_pubsub().await?.split();

        let dispatch_hub = hub.clone();
        let dispatcher = tokio::spawn(async move {
            while let Some(msg) = stream.next().await {
                let Some(hex_id) = msg.get_channel_name().strip_prefix("an:c:") else { continue };
                let mut agent = [0u8; 32];
                if hex::decode_to_slice(hex_id, &mut agent).is_err() {
                    continue;
                }
                if let Some((id, frame)) = parse_announcement(msg.get_payload_bytes()) {
                    dispatch_hub.push(&agent, Outbound::Deliver { id, frame });
                }
            }
            tracing::error!("redis pub/sub connection lost; this instance can no longer route live");
            on_lost();
        });

        // One task owns the subscriptions and decides from the hub's current state, so a
        // connect racing a disconnect of the same agent always ends subscribed iff the
        // agent is still here.
        let (sync, mut requests) = mpsc::unbounded_channel::<SyncRequest>();
        let manager = tokio::spawn(async move {
            while let Some(SyncRequest { agent, done }) = requests.recv().await {
                let ch = channel(&agent);
                let r = if hub.contains(&agent) { sink.subscribe(&ch).await } else { sink.unsubscribe(&ch).await };
                if let Err(e) = &r {
                    tracing::warn!(error = %e, "redis subscription change failed");
                }
                if let Some(done) = done {
                    let _ = done.send(r);
                }
            }
        });
        let (max_messages, max_bytes, ttl) = mailbox_caps;
        Ok(RedisRouting {
            mailbox: RedisMailbox::new(conn, max_messages, max_bytes, ttl),
            sync,
            _tasks: [AbortOnDrop(dispatcher), AbortOnDrop(manager)],
        })
    }

    /// Brings the subscription of `agent` in line with the hub and waits for Redis.
    pub(crate) async fn sync_subscription(&self, agent: &AgentIdBytes, wait: bool) -> Result<(), BackendError> {
        if !wait {
            self.request_sync(agent);
            return Ok(());
        }
        let (done, result) = oneshot::channel();
        if self.sync.send(SyncRequest { agent: *agent, done: Some(done) }).is_err() {
            return Err(BackendError::Redis(redis::RedisError::from((redis::ErrorKind::Io, "subscription manager stopped"))));
        }
        match result.await {
            Ok(r) => Ok(r?),
            Err(_) => Err(BackendError::Redis(redis::RedisError::from((redis::ErrorKind::Io, "subscription manager stopped")))),
        }
    }

    pub(crate) fn request_sync(&self, agent: &AgentIdBytes) {
        let _ = self.sync.send(SyncRequest { agent: *agent, done: None });
    }
}
