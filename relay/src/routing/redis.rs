//! Redis pub/sub between instances: one channel per agent, subscribed by whichever
//! instance holds a connection of that agent. The same channels carry presence
//! ([`super::signal`]).
//!
//! One task owns the pub/sub connection. If it drops, the instance reports not ready,
//! keeps its WebSockets, and reconnects with backoff; then it subscribes every agent
//! still connected here again and re-delivers the mail stored since the loss (clients
//! de-duplicate by message id), so live routing resumes without anything missed. Only if
//! Redis stays away longer than [`BROKEN_AFTER`] are connections closed (1011) so
//! clients move to a healthy instance.
//!
//! Subscriptions (what a login waits for) and presence (best effort) travel in two
//! queues, and subscriptions always go first: however much presence a client asks for,
//! a login never waits behind it. The presence queue is bounded and drops when full.

use agentnet_core::wire::{AgentIdBytes, RelayToClient};
use bytes::Bytes;
use futures_util::StreamExt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::BackendError;
use super::local::{Hub, Outbound};
use super::signal::Signal;
use crate::mailbox::conn::SharedConn;
use crate::mailbox::now_ms;
use crate::mailbox::redis::{RedisMailbox, channel, parse_announcement};
use crate::presence::Presence;
use crate::state::{Drain, Lifecycle};
use crate::task::AbortOnDrop;

/// How long Redis may stay unreachable before this instance closes its connections.
const BROKEN_AFTER: Duration = Duration::from_secs(30);
/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// Presence requests waiting for the pub/sub task; more are dropped (presence is a hint).
const PRESENCE_QUEUE: usize = 1024;

/// Subscribe or unsubscribe `agent` as the hub says.
struct Subscription {
    agent: AgentIdBytes,
    done: Option<oneshot::Sender<redis::RedisResult<()>>>,
}

enum PresenceRequest {
    /// Tell `viewers` that `target` went online/offline.
    Status { target: AgentIdBytes, online: bool, viewers: Vec<AgentIdBytes> },
    /// Ask the instances of `targets` for their status on behalf of `viewer`.
    Query { viewer: AgentIdBytes, targets: Vec<AgentIdBytes> },
}

/// The two queues to the pub/sub task.
#[derive(Clone)]
struct Queues {
    subscriptions: mpsc::UnboundedSender<Subscription>,
    presence: mpsc::Sender<PresenceRequest>,
}

impl Queues {
    fn presence(&self, request: PresenceRequest) {
        if self.presence.try_send(request).is_err() {
            tracing::debug!("presence queue full; a presence update was dropped");
        }
    }
}

/// The task's ends of [`Queues`].
struct Inboxes {
    subscriptions: mpsc::UnboundedReceiver<Subscription>,
    presence: mpsc::Receiver<PresenceRequest>,
}

pub(crate) struct RedisRouting {
    pub(crate) mailbox: Arc<RedisMailbox>,
    queues: Queues,
    _task: AbortOnDrop<()>,
}

/// What the pub/sub task needs, beyond its connection.
struct Link {
    client: redis::Client,
    conn: Arc<SharedConn>,
    hub: Arc<Hub>,
    presence: Arc<Presence>,
    life: Arc<Lifecycle>,
    mailbox: Arc<RedisMailbox>,
    queues: Queues,
}

impl RedisRouting {
    /// Connects, and starts the task that owns the subscriptions.
    pub(crate) async fn start(
        url: &str,
        mailbox_caps: (usize, usize, std::time::Duration),
        hub: Arc<Hub>,
        presence: Arc<Presence>,
        life: Arc<Lifecycle>,
    ) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let conn = Arc::new(SharedConn::connect(client.clone()).await?);
        let first = client.get_async_pubsub().await?;
        let (max_messages, max_bytes, ttl) = mailbox_caps;
        let (subscriptions, subscription_rx) = mpsc::unbounded_channel();
        let (presence_tx, presence_rx) = mpsc::channel(PRESENCE_QUEUE);
        let queues = Queues { subscriptions, presence: presence_tx };
        let mailbox = Arc::new(RedisMailbox::new(conn.clone(), max_messages, max_bytes, ttl));
        let link = Link {
            client,
            conn: conn.clone(),
            hub,
            presence,
            life,
            mailbox: mailbox.clone(),
            queues: queues.clone(),
        };
        let inboxes = Inboxes { subscriptions: subscription_rx, presence: presence_rx };
        Ok(RedisRouting {
            mailbox,
            queues,
            _task: AbortOnDrop(tokio::spawn(link.run(first, inboxes))),
        })
    }

    /// Brings the subscription of `agent` in line with the hub and waits for Redis.
    pub(crate) async fn sync_subscription(&self, agent: &AgentIdBytes) -> Result<(), BackendError> {
        let stopped = || BackendError::Redis(redis::RedisError::from((redis::ErrorKind::Io, "subscription manager stopped")));
        let (done, result) = oneshot::channel();
        self.queues.subscriptions.send(Subscription { agent: *agent, done: Some(done) }).map_err(|_| stopped())?;
        match result.await {
            Ok(r) => Ok(r?),
            Err(_) => Err(stopped()),
        }
    }

    pub(crate) fn request_sync(&self, agent: &AgentIdBytes) {
        let _ = self.queues.subscriptions.send(Subscription { agent: *agent, done: None });
    }

    /// Tells `viewers`, wherever they are connected, that `target` went online/offline.
    pub(crate) fn status(&self, target: &AgentIdBytes, online: bool, viewers: Vec<AgentIdBytes>) {
        if !viewers.is_empty() {
            self.queues.presence(PresenceRequest::Status { target: *target, online, viewers });
        }
    }

    /// Asks the instances holding `targets` to tell `viewer` their status.
    pub(crate) fn query(&self, viewer: &AgentIdBytes, targets: Vec<AgentIdBytes>) {
        if !targets.is_empty() {
            self.queues.presence(PresenceRequest::Query { viewer: *viewer, targets });
        }
    }
}

impl Link {
    async fn run(self, first: redis::aio::PubSub, mut inboxes: Inboxes) {
        let mut pubsub = Some(first);
        let mut lost_at_ms: Option<u64> = None;
        loop {
            let (mut sink, stream) = match pubsub.take() {
                Some(p) => p.split(),
                None => match self.reconnect(&mut inboxes).await {
                    Some(p) => p.split(),
                    None => return,
                },
            };
            if let Some(since) = lost_at_ms.take()
                && let Err(e) = self.restore(&mut sink, since).await
            {
                tracing::warn!(error = %e, "restoring redis subscriptions failed; reconnecting");
                lost_at_ms = Some(since);
                continue;
            }
            let dispatch = self.dispatch(stream);
            tokio::pin!(dispatch);
            loop {
                tokio::select! {
                    // In this order: a login's subscription never waits behind presence or a
                    // backlog of announcements.
                    biased;
                    sync = inboxes.subscriptions.recv() => match sync {
                        Some(sync) => self.sync(sync, &mut sink).await,
                        None => return,
                    },
                    () = &mut dispatch => break,
                    Some(req) = inboxes.presence.recv() => self.presence(req).await,
                }
            }
            tracing::error!("redis pub/sub connection lost; reconnecting");
            // A margin for announcements in flight when the connection went.
            lost_at_ms = Some(now_ms().saturating_sub(1000));
            self.life.ready.store(false, Ordering::SeqCst);
        }
    }

    /// Connects again with backoff. Meanwhile subscription requests succeed at once (the
    /// restore subscribes every agent in the hub) and presence signals are dropped.
    async fn reconnect(&self, inboxes: &mut Inboxes) -> Option<redis::aio::PubSub> {
        let since = tokio::time::Instant::now();
        let mut backoff = Duration::from_millis(50);
        loop {
            match self.client.get_async_pubsub().await {
                Ok(p) => return Some(p),
                Err(e) => tracing::warn!(error = %e, "reconnecting to redis failed"),
            }
            if since.elapsed() > BROKEN_AFTER && *self.life.drain.borrow() == Drain::Running {
                tracing::error!("redis unreachable; closing connections so clients move elsewhere");
                self.life.drain.send_replace(Drain::Broken);
            }
            let wake = tokio::time::sleep(backoff);
            tokio::pin!(wake);
            loop {
                tokio::select! {
                    () = &mut wake => break,
                    sync = inboxes.subscriptions.recv() => match sync {
                        Some(Subscription { done: Some(done), .. }) => { let _ = done.send(Ok(())); }
                        Some(_) => {}
                        None => return None,
                    },
                    Some(_) = inboxes.presence.recv() => {}
                }
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Subscribes every agent connected here again, re-delivers mail stored since
    /// `since_ms`, and reports the instance ready.
    async fn restore(&self, sink: &mut redis::aio::PubSubSink, since_ms: u64) -> redis::RedisResult<()> {
        let agents = self.hub.agents();
        if !agents.is_empty() {
            sink.subscribe(agents.iter().map(channel).collect::<Vec<_>>()).await?;
        }
        let mut redelivered = 0usize;
        for agent in &agents {
            for (id, frame) in self.mailbox.backlog_since(agent, since_ms).await? {
                redelivered += self.hub.push(agent, Outbound::Deliver { id, frame });
            }
        }
        tracing::info!(agents = agents.len(), redelivered, "redis pub/sub restored");
        self.life.drain.send_if_modified(|d| {
            let was = *d == Drain::Broken;
            if was {
                *d = Drain::Running;
            }
            was
        });
        if *self.life.drain.borrow() == Drain::Running {
            self.life.ready.store(true, Ordering::SeqCst);
        }
        Ok(())
    }

    /// Passes what arrives on the agents' channels to their connections; returns when
    /// the connection ends.
    async fn dispatch(&self, mut stream: redis::aio::PubSubStream) {
        while let Some(msg) = stream.next().await {
            let Some(hex_id) = msg.get_channel_name().strip_prefix("an:c:") else { continue };
            let mut agent = [0u8; 32];
            if hex::decode_to_slice(hex_id, &mut agent).is_err() {
                continue;
            }
            let payload = msg.get_payload_bytes();
            match Signal::parse(payload) {
                None => {
                    if let Some((id, frame)) = parse_announcement(payload) {
                        self.hub.push(&agent, Outbound::Deliver { id, frame });
                    }
                }
                Some(Signal::Status { target, online }) => {
                    if self.presence.follows(&agent, &target) {
                        let frame = RelayToClient::PresenceStatus { agent_id: target, online }.encode();
                        self.hub.push(&agent, Outbound::Frame(Bytes::from(frame)));
                    }
                }
                Some(Signal::Query { viewer }) => {
                    if self.hub.is_online(&agent) && self.presence.allows(&agent, &viewer) {
                        self.queues.presence(PresenceRequest::Status { target: agent, online: true, viewers: vec![viewer] });
                    }
                }
            }
        }
    }

    async fn sync(&self, Subscription { agent, done }: Subscription, sink: &mut redis::aio::PubSubSink) {
        // Decided from the hub's current state, so a connect racing a disconnect of the
        // same agent always ends subscribed iff the agent is still here.
        let ch = channel(&agent);
        let r = if self.hub.contains(&agent) { sink.subscribe(&ch).await } else { sink.unsubscribe(&ch).await };
        if let Err(e) = &r {
            tracing::warn!(error = %e, "redis subscription change failed");
        }
        if let Some(done) = done {
            let _ = done.send(r);
        }
    }

    async fn presence(&self, req: PresenceRequest) {
        match req {
            PresenceRequest::Status { target, online, viewers } => {
                if !online && self.online_elsewhere(&target).await {
                    return;
                }
                let payload = Signal::Status { target, online }.encode();
                let mut pipe = redis::pipe();
                for v in &viewers {
                    pipe.publish(channel(v), &payload[..]).ignore();
                }
                if let Err(e) = self.query(&pipe).await {
                    tracing::warn!(error = %e, "publishing presence failed");
                }
            }
            PresenceRequest::Query { viewer, targets } => {
                let payload = Signal::Query { viewer }.encode();
                let mut pipe = redis::pipe();
                for t in &targets {
                    pipe.publish(channel(t), &payload[..]).ignore();
                }
                if let Err(e) = self.query(&pipe).await {
                    tracing::warn!(error = %e, "asking for presence failed");
                }
            }
        }
    }

    /// Whether `agent` is connected here or subscribed by another instance (so its
    /// leaving here does not make it offline).
    async fn online_elsewhere(&self, agent: &AgentIdBytes) -> bool {
        if self.hub.contains(agent) {
            return true;
        }
        let mut l = self.conn.lease();
        let r = redis::cmd("PUBSUB").arg("NUMSUB").arg(channel(agent)).query_async(&mut l.conn).await;
        let n: redis::RedisResult<Vec<(String, i64)>> = self.conn.check(l, r).await;
        n.is_ok_and(|v| v.iter().any(|(_, n)| *n > 0))
    }

    async fn query(&self, pipe: &redis::Pipeline) -> redis::RedisResult<()> {
        let mut l = self.conn.lease();
        let r = pipe.query_async(&mut l.conn).await;
        self.conn.check(l, r).await
    }
}
