//! One client connection, from ServerHello to close.
//!
//! The loop is generic over a `Sink<Message>` and a `Stream<Item = Result<Message, _>>`
//! so unit tests drive it through channels. One task per connection does everything
//! (reads, its send queue, pings, drain), which keeps idle connections small.

use agentnet_core::crypto::delivery_key::Hash;
use agentnet_core::wire::{
    AckStatus, AgentIdBytes, ClientToRelay, ErrorCode, MessageId, RelayToClient, Version, WireError, close,
};
use axum::extract::ws::{CloseFrame, Message};
use bytes::Bytes;
use futures_util::{FutureExt, Sink, SinkExt, Stream, StreamExt};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc;

use crate::auth;
use crate::oidc::TokenError;
use crate::limits::TokenBucket;
use crate::routing::{Backend, BackendError, SendOutcome};
use futures_util::stream::FuturesOrdered;
use crate::routing::local::Outbound;
use crate::state::{AppState, Drain};
use crate::write_deadline::WriteDeadline;

/// Most delivery-key hashes one agent may publish: its own key, a previous one while
/// contacts catch up, and its open invites.
const MAX_DELIVERY_KEYS: usize = 64;

/// Redis operations a connection may have in flight at once: Sends are pipelined so
/// one connection is not limited to one Redis round trip per message.
const MAX_PENDING: usize = 64;

/// A backend operation started by a frame and finished later.
type PendingOp = std::pin::Pin<Box<dyn std::future::Future<Output = Completed> + Send>>;

enum Completed {
    Send { message_id: MessageId, started: Instant, result: Result<SendOutcome, BackendError> },
    Ack(Result<bool, BackendError>),
    /// A Pong queued behind earlier operations: Ping works as a barrier.
    Pong(u64),
}

/// What the HTTP layer learned about the connection.
pub(crate) struct ConnInfo {
    /// Origins the client may have signed the challenge for.
    pub(crate) origins: Vec<String>,
    /// The address the connection comes from, when the server knows it (`serve` does;
    /// a router mounted elsewhere may not).
    pub(crate) peer: Option<std::net::IpAddr>,
}

enum Phase {
    AwaitHello,
    Challenged { agent: AgentIdBytes, nonce: [u8; 32] },
    Ready(Session),
    /// A connection that sent without logging in (sealed sender): it may only Send and
    /// fetch prekeys, and never logs in, so nothing ties its sends to an agent.
    Sending,
}

struct Session {
    agent: AgentIdBytes,
    agent_bucket: Arc<Mutex<TokenBucket>>,
    /// Highest delivery id sent from the backlog; live copies at or below it are skipped.
    backlog_max: u128,
}

/// Why the loop ends.
struct Closing {
    code: u16,
    error: Option<(ErrorCode, &'static str)>,
}

impl Closing {
    fn with(code: u16, error: ErrorCode, text: &'static str) -> Self {
        Closing { code, error: Some((error, text)) }
    }
}

struct Conn<Si> {
    sink: Si,
    state: AppState,
    id: u64,
    info: ConnInfo,
    phase: Phase,
    frames: TokenBucket,
    bytes: TokenBucket,
    /// Presence ids subscribed (each may cost a Redis PUBLISH).
    presence_ids: TokenBucket,
    strikes: u32,
    pending: FuturesOrdered<PendingOp>,
}

/// Counts the connection in the metrics for as long as it lives.
struct Gauge(AppState);
impl Drop for Gauge {
    fn drop(&mut self) {
        self.0.inner.metrics.connections.fetch_sub(1, Relaxed);
    }
}

async fn recv(rx: &mut Option<mpsc::Receiver<Outbound>>) -> Option<Outbound> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// An error reading the connection, and the close code it deserves (a WebSocket protocol
/// violation has one; a broken socket has nobody left to tell).
pub(crate) trait ReadError {
    fn close_code(&self) -> Option<u16>;
}

/// The unit tests' channels break only by closing.
impl ReadError for () {
    fn close_code(&self) -> Option<u16> {
        None
    }
}

/// Serves one connection until it closes, the relay drains, or a limit ends it.
pub(crate) async fn run<Si, St, E: ReadError>(sink: Si, mut stream: St, state: AppState, info: ConnInfo)
where
    Si: Sink<Message> + Unpin,
    St: Stream<Item = Result<Message, E>> + Unpin,
{
    let cfg = state.inner.config.clone();
    let m = state.inner.metrics.clone();
    m.connections.fetch_add(1, Relaxed);
    m.connections_total.fetch_add(1, Relaxed);
    let _gauge = Gauge(state.clone());
    let mut drain = state.inner.life.drain.subscribe();
    let mut c = Conn {
        sink: WriteDeadline::new(sink, cfg.write_timeout),
        id: state.next_conn_id(),
        state: state.clone(),
        info,
        phase: Phase::AwaitHello,
        frames: TokenBucket::new(cfg.conn_rate, cfg.conn_burst),
        presence_ids: TokenBucket::new(cfg.presence_rate, (cfg.max_presence_list as u32).saturating_mul(2).max(cfg.presence_rate)),
        bytes: TokenBucket::new(cfg.conn_bytes_rate, cfg.conn_bytes_rate.max(cfg.max_frame_len as u32)),
        strikes: 0,
        pending: FuturesOrdered::new(),
    };
    let mut rx: Option<mpsc::Receiver<Outbound>> = None;
    let hello = RelayToClient::ServerHello {
        min_version: Version::V2 as u8,
        max_version: Version::CURRENT as u8,
        max_frame_len: cfg.max_frame_len as u32,
    };
    let closing = if c.write_now(&hello).await.is_err() {
        None
    } else {
        // Armed by Hello: a login, once begun, must finish in time. A connection that never
        // logs in (a sending one) is ended by the idle timeout like any other.
        let auth_deadline = tokio::time::sleep(cfg.auth_timeout);
        tokio::pin!(auth_deadline);
        let mut armed = false;
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + cfg.ping_interval, cfg.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_rx = Instant::now();
        let mut ping_nonce = 0u64;
        loop {
            // Check before waiting: a connection that arrives during a drain leaves at once.
            if *drain.borrow_and_update() != Drain::Running {
                break Some(drain_closing(*drain.borrow()));
            }
            let logging_in = matches!(c.phase, Phase::Challenged { .. });
            if logging_in && !armed {
                auth_deadline.as_mut().reset(tokio::time::Instant::now() + cfg.auth_timeout);
                armed = true;
            }
            tokio::select! {
                changed = drain.changed() => {
                    if changed.is_err() {
                        break Some(Closing::with(close::GOING_AWAY, ErrorCode::ShuttingDown, "relay stopped"));
                    }
                }
                done = c.pending.next(), if !c.pending.is_empty() => {
                    let mut flow = match done {
                        Some(done) => Box::pin(c.complete(done)).await,
                        None => Ok(()),
                    };
                    while flow.is_ok() {
                        match c.pending.next().now_or_never() {
                            Some(Some(done)) => flow = Box::pin(c.complete(done)).await,
                            _ => break,
                        }
                    }
                    if flow.is_ok() && c.sink.flush().await.is_err() {
                        flow = Err(None);
                    }
                    match flow {
                        Ok(()) => {}
                        Err(Some(closing)) => break Some(closing),
                        Err(None) => break None,
                    }
                }
                msg = stream.next(), if c.pending.len() < MAX_PENDING => match msg {
                    None => break None,
                    Some(Err(e)) => break e.close_code().map(|code| Closing { code, error: None }),
                    Some(Ok(msg)) => {
                        last_rx = Instant::now();
                        // Boxed: the handling future is large and short-lived; inline it would
                        // sit in every idle connection's task.
                        let mut flow = Box::pin(c.on_message(msg, &mut rx)).await;
                        // Handle what else is already readable, then flush the replies once:
                        // one write syscall per burst instead of one per Ack.
                        let mut burst = 0;
                        while flow.is_ok() && burst < 64 {
                            match stream.next().now_or_never() {
                                Some(Some(Ok(msg))) => flow = Box::pin(c.on_message(msg, &mut rx)).await,
                                Some(Some(Err(e))) => flow = Err(e.close_code().map(|code| Closing { code, error: None })),
                                Some(None) => flow = Err(None),
                                None => break,
                            }
                            burst += 1;
                        }
                        if flow.is_ok() && c.sink.flush().await.is_err() {
                            flow = Err(None);
                        }
                        match flow {
                            Ok(()) => {}
                            Err(Some(closing)) => break Some(closing),
                            Err(None) => break None,
                        }
                    }
                },
                item = recv(&mut rx) => match item {
                    Some(item) => {
                        if Box::pin(c.write_queued(item, &mut rx)).await.is_err() {
                            break None;
                        }
                    }
                    None => {
                        break Some(Closing { code: close::SLOW_CONSUMER, error: None });
                    }
                },
                _ = &mut auth_deadline, if logging_in => {
                    m.auth_failures.fetch_add(1, Relaxed);
                    break Some(Closing::with(close::AUTH_FAILED, ErrorCode::AuthFailed, "authentication timed out"));
                }
                _ = ping.tick() => {
                    if last_rx.elapsed() >= cfg.idle_timeout {
                        break Some(Closing { code: close::IDLE_TIMEOUT, error: None });
                    }
                    ping_nonce += 1;
                    if c.write_now(&RelayToClient::Ping { nonce: ping_nonce }).await.is_err() {
                        break None;
                    }
                }
            }
        }
    };
    if let Some(closing) = closing {
        // Flush the Acks of operations already in flight before saying goodbye, so a
        // drain never leaves a stored message unacknowledged.
        while let Some(done) = c.pending.next().await {
            if Box::pin(c.complete(done)).await.is_err() {
                break;
            }
        }
        if let Some((code, text)) = closing.error {
            let _ = c.write(&RelayToClient::error(code, None, text)).await;
        }
        let _ = c.sink.send(Message::Close(Some(CloseFrame { code: closing.code, reason: "".into() }))).await;
    }
    let _ = c.sink.close().await;
    if c.sink.expired() {
        // It stopped reading: what it was sent stays in its mailbox until acknowledged.
        m.write_timeouts.fetch_add(1, Relaxed);
        tracing::debug!(conn = c.id, "closed: the client stopped reading");
    }
    if let Some(rx) = &mut rx {
        // Frames still queued were never written; keep the gauge honest.
        let mut left = 0;
        while rx.try_recv().is_ok() {
            left += 1;
        }
        m.send_queue_depth.fetch_sub(left, Relaxed);
    }
    if let Phase::Ready(session) = &c.phase {
        c.leave(&session.agent);
    }
}

fn drain_closing(d: Drain) -> Closing {
    match d {
        Drain::Broken => Closing::with(close::INTERNAL_ERROR, ErrorCode::Internal, "relay routing unavailable"),
        _ => Closing::with(close::GOING_AWAY, ErrorCode::ShuttingDown, "relay shutting down"),
    }
}

type Flow = Result<(), Option<Closing>>;

impl<Si: Sink<Message> + Unpin> Conn<Si> {
    async fn write(&mut self, frame: &RelayToClient) -> Result<(), ()> {
        if let RelayToClient::Error { .. } = frame {
            self.state.inner.metrics.errors_sent.fetch_add(1, Relaxed);
        }
        self.write_bytes(Bytes::from(frame.encode())).await
    }

    async fn write_bytes(&mut self, bytes: Bytes) -> Result<(), ()> {
        let m = &self.state.inner.metrics;
        m.frames_out.fetch_add(1, Relaxed);
        m.bytes_out.fetch_add(bytes.len() as u64, Relaxed);
        // Fed, not sent: the loop flushes once per burst of frames.
        self.sink.feed(Message::Binary(bytes)).await.map_err(|_| ())
    }

    async fn write_now(&mut self, frame: &RelayToClient) -> Result<(), ()> {
        self.write(frame).await?;
        self.sink.flush().await.map_err(|_| ())
    }

    /// Writes a queued item and whatever else is already queued, then flushes once.
    async fn write_queued(&mut self, first: Outbound, rx: &mut Option<mpsc::Receiver<Outbound>>) -> Result<(), ()> {
        let m = self.state.inner.metrics.clone();
        let mut item = Some(first);
        let mut n = 0;
        while let Some(next) = item.take() {
            m.send_queue_depth.fetch_sub(1, Relaxed);
            let bytes = match next {
                Outbound::Deliver { id, frame } => match &self.phase {
                    Phase::Ready(s) if id <= s.backlog_max => None,
                    _ => Some(frame),
                },
                Outbound::Frame(frame) => Some(frame),
            };
            if let Some(bytes) = bytes {
                m.frames_out.fetch_add(1, Relaxed);
                m.bytes_out.fetch_add(bytes.len() as u64, Relaxed);
                self.sink.feed(Message::Binary(bytes)).await.map_err(|_| ())?;
            }
            n += 1;
            if n < 64 {
                item = rx.as_mut().and_then(|rx| rx.try_recv().ok());
            }
        }
        self.sink.flush().await.map_err(|_| ())
    }

    /// Counts a frame over the rate; past the tolerated number, the connection ends 1008.
    fn strike(&mut self, m: &crate::metrics::Metrics) -> Flow {
        m.rate_limited.fetch_add(1, Relaxed);
        self.strikes += 1;
        if self.strikes > self.state.inner.config.rate_strikes {
            return Err(Some(Closing::with(close::POLICY_VIOLATION, ErrorCode::RateLimited, "rate limit exceeded repeatedly")));
        }
        Ok(())
    }

    async fn reply_error(&mut self, code: ErrorCode, message_id: Option<MessageId>, text: &str) -> Flow {
        self.write(&RelayToClient::error(code, message_id, text)).await.map_err(|_| None)
    }

    async fn on_message(&mut self, msg: Message, rx: &mut Option<mpsc::Receiver<Outbound>>) -> Flow {
        let cfg = &self.state.inner.config;
        let m = self.state.inner.metrics.clone();
        let data = match msg {
            Message::Binary(data) => data,
            Message::Text(_) => {
                return Err(Some(Closing::with(close::PROTOCOL_ERROR, ErrorCode::Malformed, "text messages are not frames")));
            }
            Message::Close(_) => return Err(None),
            // The WebSocket layer answers pings itself, but they are paid for like any
            // frame: each is read, and each Ping makes a Pong to write.
            Message::Ping(data) | Message::Pong(data) => {
                let now = Instant::now();
                if self.frames.try_take(1.0, now) && self.bytes.try_take(data.len() as f64, now) {
                    return Ok(());
                }
                return self.strike(&m);
            }
        };
        m.frames_in.fetch_add(1, Relaxed);
        m.bytes_in.fetch_add(data.len() as u64, Relaxed);
        if data.len() > cfg.max_frame_len {
            return Err(Some(Closing::with(close::MESSAGE_TOO_BIG, ErrorCode::FrameTooLarge, "frame exceeds the relay limit")));
        }
        let now = Instant::now();
        let mut allowed = self.frames.try_take(1.0, now) && self.bytes.try_take(data.len() as f64, now);
        if let Phase::Ready(s) = &self.phase {
            allowed = allowed && s.agent_bucket.lock().map(|mut b| b.try_take(1.0, now)).unwrap_or(true);
        }
        let frame = match ClientToRelay::decode_with_limit(&data, cfg.max_frame_len) {
            Ok(frame) => frame,
            Err(e) => {
                let code = ErrorCode::from(&e);
                let close_code = match e {
                    WireError::FrameTooLarge { .. } => close::MESSAGE_TOO_BIG,
                    _ => close::PROTOCOL_ERROR,
                };
                let text = match e {
                    WireError::UnsupportedVersion(_) => "unsupported wire version",
                    _ => "malformed frame",
                };
                return Err(Some(Closing::with(close_code, code, text)));
            }
        };
        if !allowed {
            self.strike(&m)?;
            let mid = match &frame {
                ClientToRelay::Send { message_id, .. } => Some(*message_id),
                _ => None,
            };
            return self.reply_error(ErrorCode::RateLimited, mid, "slow down").await;
        }
        match frame {
            ClientToRelay::Ping { nonce } => {
                if self.pending.is_empty() {
                    self.write(&RelayToClient::Pong { nonce }).await.map_err(|_| None)
                } else {
                    // Answer only after everything received before the Ping is done.
                    self.pending.push_back(Box::pin(std::future::ready(Completed::Pong(nonce))));
                    Ok(())
                }
            }
            ClientToRelay::Pong { .. } => Ok(()),
            ClientToRelay::Send { recipient, delivery_key, message_id, envelope } => match self.phase {
                Phase::AwaitHello | Phase::Sending => {
                    self.phase = Phase::Sending;
                    self.on_send(recipient, delivery_key.hash(), message_id, envelope, now).await
                }
                _ => {
                    let text = "send on a connection that does not log in (sealed sender)";
                    self.reply_error(ErrorCode::UnexpectedFrame, Some(message_id), text).await
                }
            },
            ClientToRelay::FetchPrekeys { agent_id, delivery_key } if !matches!(self.phase, Phase::Ready(_)) => {
                self.phase = Phase::Sending;
                self.on_fetch(agent_id, delivery_key.hash()).await
            }
            ClientToRelay::Hello { .. } if matches!(self.phase, Phase::Sending) => {
                self.reply_error(ErrorCode::UnexpectedFrame, None, "a connection that sent does not log in").await
            }
            ClientToRelay::Hello { agent_id, id_token } => match self.phase {
                Phase::AwaitHello => {
                    let inner = self.state.inner.clone();
                    if let Some(gate) = &inner.oidc
                        && let Err(e) = gate.verify(id_token.as_deref()).await
                    {
                        m.auth_failures.fetch_add(1, Relaxed);
                        tracing::debug!(conn = self.id, reason = %e, "ID token refused");
                        return Err(Some(match e {
                            // The relay's fault: clients retry, possibly elsewhere.
                            TokenError::KeysUnavailable | TokenError::AccountsUnavailable => {
                                Closing::with(close::INTERNAL_ERROR, ErrorCode::Internal, "cannot verify ID tokens now")
                            }
                            e => Closing::with(close::AUTH_FAILED, ErrorCode::TokenRejected, e.reason()),
                        }));
                    }
                    let nonce = auth::new_nonce();
                    self.phase = Phase::Challenged { agent: agent_id, nonce };
                    self.write(&RelayToClient::Challenge { nonce }).await.map_err(|_| None)
                }
                _ => self.reply_error(ErrorCode::UnexpectedFrame, None, "already said hello").await,
            },
            ClientToRelay::Auth { signature } => match std::mem::replace(&mut self.phase, Phase::AwaitHello) {
                Phase::Challenged { agent, nonce } => {
                    // The nonce is consumed by this one attempt, right or wrong.
                    if !auth::verify(&self.info.origins, &nonce, &agent, &signature) {
                        m.auth_failures.fetch_add(1, Relaxed);
                        return Err(Some(Closing::with(close::AUTH_FAILED, ErrorCode::AuthFailed, "signature does not verify")));
                    }
                    self.authenticated(agent, rx).await
                }
                other => {
                    self.phase = other;
                    self.reply_error(ErrorCode::UnexpectedFrame, None, "no challenge outstanding").await
                }
            },
            frame => {
                let Phase::Ready(session) = &self.phase else {
                    return self.reply_error(ErrorCode::NotAuthenticated, None, "send Hello and Auth first").await;
                };
                let agent = session.agent;
                self.on_session_frame(agent, frame).await
            }
        }
    }

    async fn authenticated(&mut self, agent: AgentIdBytes, rx: &mut Option<mpsc::Receiver<Outbound>>) -> Flow {
        let inner = self.state.inner.clone();
        let cfg = &inner.config;
        let attached = match inner.hub.attach(
            &agent,
            self.id,
            cfg.send_queue,
            cfg.max_conns_per_agent,
            (cfg.agent_rate, cfg.agent_burst),
        ) {
            Ok(a) => a,
            Err(_) => {
                return Err(Some(Closing::with(
                    close::TOO_MANY_CONNECTIONS,
                    ErrorCode::TooManyConnections,
                    "too many connections for this agent",
                )));
            }
        };
        // From here on the hub entry exists and must be removed on every exit.
        self.phase = Phase::Ready(Session { agent, agent_bucket: attached.agent_bucket, backlog_max: 0 });
        *rx = Some(attached.rx);
        let setup = async {
            inner.backend.attached(&agent).await?;
            inner.backend.backlog(&agent).await
        };
        let backlog = match setup.await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "setting up an authenticated connection failed");
                return Err(Some(Closing::with(close::INTERNAL_ERROR, ErrorCode::Internal, "internal error")));
            }
        };
        inner.metrics.authenticated.fetch_add(1, Relaxed);
        tracing::debug!(conn = self.id, "authenticated");
        let welcome = RelayToClient::Welcome { mailbox_len: backlog.len() as u32 };
        self.write(&welcome).await.map_err(|_| None)?;
        let mut max = 0;
        for (id, frame) in backlog {
            max = id;
            self.write_bytes(frame).await.map_err(|_| None)?;
        }
        if let Phase::Ready(s) = &mut self.phase {
            s.backlog_max = max;
        }
        if attached.first {
            self.announce(&agent, true);
        }
        Ok(())
    }

    /// Tells the allowed followers of `agent` that it came online or went offline.
    fn announce(&self, agent: &AgentIdBytes, online: bool) {
        let inner = &self.state.inner;
        match &inner.backend {
            // Through Redis even for viewers here: it reaches all their instances.
            Backend::Redis(r) => r.status(agent, online, inner.presence.allowed(agent)),
            Backend::Memory(_) => {
                let frame = Bytes::from(RelayToClient::PresenceStatus { agent_id: *agent, online }.encode());
                for viewer in inner.presence.watchers(agent) {
                    inner.hub.push(&viewer, Outbound::Frame(frame.clone()));
                }
            }
        }
    }

    fn leave(&self, agent: &AgentIdBytes) {
        let inner = &self.state.inner;
        inner.metrics.authenticated.fetch_sub(1, Relaxed);
        if inner.hub.detach(agent, self.id) {
            inner.backend.detached(agent);
            self.announce(agent, false);
            inner.presence.forget(agent);
        }
    }

    /// Answers a finished backend operation.
    async fn complete(&mut self, done: Completed) -> Flow {
        let inner = self.state.inner.clone();
        match done {
            Completed::Send { message_id, started, result } => match result {
                Ok(SendOutcome::Accepted { live }) => {
                    let counter = if live { &inner.metrics.messages_routed } else { &inner.metrics.messages_queued };
                    counter.fetch_add(1, Relaxed);
                    // The same answer online or not: a sender learns nothing about presence.
                    let r = self.write(&RelayToClient::Ack { message_id, status: AckStatus::Stored }).await.map_err(|_| None);
                    inner.metrics.observe_route_latency(started.elapsed());
                    r
                }
                Ok(SendOutcome::Refused) => {
                    tracing::debug!(conn = self.id, "send refused");
                    self.reply_error(ErrorCode::SendRefused, Some(message_id), "no delivery key the recipient gave out").await
                }
                Ok(SendOutcome::MailboxFull) => {
                    self.reply_error(ErrorCode::MailboxFull, Some(message_id), "recipient mailbox is full").await
                }
                Ok(SendOutcome::OverBudget) => {
                    self.reply_error(ErrorCode::QuotaExceeded, Some(message_id), "the relay holds all the mail it may; retry later").await
                }
                Err(e) => {
                    tracing::error!(error = %e, "storing a message failed");
                    self.reply_error(ErrorCode::Internal, Some(message_id), "internal error").await
                }
            },
            Completed::Ack(Ok(_)) => Ok(()),
            Completed::Pong(nonce) => self.write(&RelayToClient::Pong { nonce }).await.map_err(|_| None),
            Completed::Ack(Err(e)) => {
                tracing::error!(error = %e, "deleting an acknowledged message failed");
                self.reply_error(ErrorCode::Internal, None, "internal error").await
            }
        }
    }

    /// A Send, from a connection that did not log in: nothing here names the sender.
    async fn on_send(&mut self, recipient: AgentIdBytes, key_hash: Hash, message_id: MessageId, envelope: Vec<u8>, started: Instant) -> Flow {
        // The connection number only: it never logged in, so there is nobody to name.
        tracing::debug!(conn = self.id, "sealed send");
        let inner = self.state.inner.clone();
        // Paid by the address, over all its connections: one source cannot fill the
        // relay's memory budget for everyone else at its own pace.
        if let Some(ip) = self.info.peer
            && !inner.senders.try_take(ip, envelope.len(), started)
        {
            inner.metrics.rate_limited.fetch_add(1, Relaxed);
            return self.reply_error(ErrorCode::RateLimited, Some(message_id), "this address sends too much; slow down").await;
        }
        if let Backend::Redis(_) = inner.backend {
            self.pending.push_back(Box::pin(async move {
                let result = inner.backend.send(&inner.hub, &recipient, &key_hash, message_id, &envelope).await;
                Completed::Send { message_id, started, result }
            }));
            return Ok(());
        }
        let result = inner.backend.send(&inner.hub, &recipient, &key_hash, message_id, &envelope).await;
        self.complete(Completed::Send { message_id, started, result }).await
    }

    /// A bundle for whoever holds one of the agent's delivery keys; for anyone else the
    /// same answer as for an agent that published none.
    async fn on_fetch(&mut self, agent_id: AgentIdBytes, key_hash: Hash) -> Flow {
        match self.state.inner.backend.take_prekeys(&agent_id, &key_hash).await {
            Ok(bundle) => self.write(&RelayToClient::Prekeys { agent_id, bundle }).await.map_err(|_| None),
            Err(e) => {
                tracing::error!(error = %e, "reading prekeys failed");
                self.reply_error(ErrorCode::Internal, None, "internal error").await
            }
        }
    }

    async fn on_session_frame(&mut self, agent: AgentIdBytes, frame: ClientToRelay) -> Flow {
        let inner = self.state.inner.clone();
        let cfg = &inner.config;
        if let ClientToRelay::PresenceAllow { agent_ids } | ClientToRelay::PresenceSubscribe { agent_ids } = &frame {
            if agent_ids.len() > cfg.max_presence_list {
                return self.reply_error(ErrorCode::LimitExceeded, None, "presence list too long").await;
            }
            // Paid per id before anything changes: a refused list changes nothing.
            if !self.presence_ids.try_take(agent_ids.len() as f64, Instant::now()) {
                self.strike(&inner.metrics)?;
                return self.reply_error(ErrorCode::RateLimited, None, "presence lists too often").await;
            }
        }
        match frame {
            ClientToRelay::DeliveryKeys { hashes } => {
                if hashes.len() > MAX_DELIVERY_KEYS {
                    return self.reply_error(ErrorCode::LimitExceeded, None, "too many delivery keys").await;
                }
                match inner.backend.put_delivery_keys(&agent, &hashes).await {
                    Ok(()) => {
                        tracing::debug!(conn = self.id, count = hashes.len(), "delivery keys stored");
                        Ok(())
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "storing delivery keys failed");
                        self.reply_error(ErrorCode::Internal, None, "internal error").await
                    }
                }
            }
            ClientToRelay::DeliverAck { delivery_id } => {
                if let Backend::Redis(_) = inner.backend {
                    self.pending.push_back(Box::pin(async move { Completed::Ack(inner.backend.ack(&agent, delivery_id).await) }));
                    return Ok(());
                }
                let result = inner.backend.ack(&agent, delivery_id).await;
                self.complete(Completed::Ack(result)).await
            }
            ClientToRelay::PublishPrekeys { bundle } => {
                let now = crate::mailbox::now_ms() / 1000;
                if let Err(why) = crate::prekeys::check(&agent, &bundle, cfg.max_prekey_bundle, now) {
                    return self.reply_error(ErrorCode::InvalidPrekeys, None, why).await;
                }
                match inner.backend.put_prekeys(&agent, &bundle).await {
                    Ok(()) => self.write(&RelayToClient::PrekeysStored).await.map_err(|_| None),
                    Err(e) => {
                        tracing::error!(error = %e, "storing prekeys failed");
                        self.reply_error(ErrorCode::Internal, None, "internal error").await
                    }
                }
            }
            ClientToRelay::FetchPrekeys { agent_id, delivery_key } => self.on_fetch(agent_id, delivery_key.hash()).await,
            ClientToRelay::PresenceAllow { agent_ids } => {
                let newly = inner.presence.set_allow(&agent, &agent_ids);
                // Followers allowed just now learn that the agent is online.
                match &inner.backend {
                    Backend::Redis(r) => r.status(&agent, true, newly),
                    Backend::Memory(_) => {
                        let frame = Bytes::from(RelayToClient::PresenceStatus { agent_id: agent, online: true }.encode());
                        for viewer in newly.iter().filter(|v| inner.presence.follows(v, &agent)) {
                            inner.hub.push(viewer, Outbound::Frame(frame.clone()));
                        }
                    }
                }
                Ok(())
            }
            ClientToRelay::PresenceSubscribe { agent_ids } => {
                let (here, added) = inner.presence.subscribe(&agent, &agent_ids);
                for target in &here {
                    let online = inner.hub.is_online(target);
                    self.write(&RelayToClient::PresenceStatus { agent_id: *target, online }).await.map_err(|_| None)?;
                }
                // Targets followed just now may be connected to other instances: ask them.
                // (Later changes are pushed, so a repeated list asks nothing again.)
                if let Backend::Redis(r) = &inner.backend {
                    let here: std::collections::HashSet<_> = here.into_iter().collect();
                    r.query(&agent, added.into_iter().filter(|t| !here.contains(t)).collect());
                }
                Ok(())
            }
            ClientToRelay::Hello { .. } | ClientToRelay::Auth { .. } => {
                self.reply_error(ErrorCode::UnexpectedFrame, None, "already authenticated").await
            }
            _ => self.reply_error(ErrorCode::UnexpectedFrame, None, "frame not handled by this relay").await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentnet_core::wire::auth_message;
    use agentnet_core::identity::Keypair;

    /// Runs a connection over channels; returns (frames to the relay, frames from it).
    fn channel_conn(state: &AppState) -> (mpsc::Sender<Message>, mpsc::Receiver<Message>, tokio::task::JoinHandle<()>) {
        let (to_relay, from_client) = mpsc::channel::<Message>(64);
        let (to_client, from_relay) = mpsc::channel::<Message>(64);
        let stream = futures_util::stream::unfold(from_client, |mut rx| async move {
            rx.recv().await.map(|m| (Ok::<_, ()>(m), rx))
        });
        let sink = futures_util::sink::unfold(to_client, |tx, m: Message| async move {
            tx.send(m).await.map_err(|_| ())?;
            Ok::<_, ()>(tx)
        });
        let info = ConnInfo { origins: vec!["wss://relay.test".into()], peer: None };
        let task = tokio::spawn(run(Box::pin(sink), Box::pin(stream), state.clone(), info));
        (to_relay, from_relay, task)
    }

    async fn next(rx: &mut mpsc::Receiver<Message>) -> RelayToClient {
        match rx.recv().await {
            Some(Message::Binary(b)) => RelayToClient::decode(&b).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    fn bin(f: ClientToRelay) -> Message {
        Message::Binary(f.encode().into())
    }

    #[tokio::test]
    async fn the_loop_authenticates_and_routes_over_channels() {
        let state = AppState::new();
        let key = Keypair::from_secret_bytes(&[7; 32]);
        let id = *key.agent_id().as_bytes();
        let (tx, mut rx, _task) = channel_conn(&state);
        assert!(matches!(next(&mut rx).await, RelayToClient::ServerHello { .. }));
        tx.send(bin(ClientToRelay::Ping { nonce: 1 })).await.unwrap();
        assert_eq!(next(&mut rx).await, RelayToClient::Pong { nonce: 1 });
        tx.send(bin(ClientToRelay::Hello { agent_id: id, id_token: None })).await.unwrap();
        let RelayToClient::Challenge { nonce } = next(&mut rx).await else { panic!() };
        let signature = key.sign(&auth_message("wss://relay.test", &nonce, &id));
        tx.send(bin(ClientToRelay::Auth { signature })).await.unwrap();
        assert_eq!(next(&mut rx).await, RelayToClient::Welcome { mailbox_len: 0 });
        let key = agentnet_core::crypto::delivery_key::DeliveryKey::from_bytes([3; 32]);
        tx.send(bin(ClientToRelay::DeliveryKeys { hashes: vec![key.hash()] })).await.unwrap();
        tx.send(bin(ClientToRelay::Ping { nonce: 2 })).await.unwrap();
        assert_eq!(next(&mut rx).await, RelayToClient::Pong { nonce: 2 });
        // A second connection sends without logging in; the Deliver reaches the first.
        let (stx, mut srx, _sending) = channel_conn(&state);
        assert!(matches!(next(&mut srx).await, RelayToClient::ServerHello { .. }));
        stx.send(bin(ClientToRelay::Send { recipient: id, delivery_key: key, message_id: [5; 16], envelope: vec![1, 2] })).await.unwrap();
        assert_eq!(next(&mut srx).await, RelayToClient::Ack { message_id: [5; 16], status: AckStatus::Stored });
        assert!(matches!(next(&mut rx).await, RelayToClient::Deliver { message_id, envelope, .. } if message_id == [5; 16] && envelope == [1, 2]));
    }

    #[test]
    fn an_idle_connection_task_stays_small() {
        let info = ConnInfo { origins: Vec::new(), peer: None };
        let stream = futures_util::stream::pending::<Result<Message, ()>>();
        let fut = run(futures_util::sink::drain(), stream, AppState::new(), info);
        // The budget for 50,000 idle agents is 10 KiB each, sockets and buffers included.
        let size = std::mem::size_of_val(&fut);
        assert!(size <= 2048, "connection future is {size} bytes");
    }

    #[tokio::test]
    async fn draining_closes_the_loop_with_going_away() {
        let state = AppState::new();
        let (_tx, mut rx, task) = channel_conn(&state);
        assert!(matches!(next(&mut rx).await, RelayToClient::ServerHello { .. }));
        state.drain();
        assert!(matches!(next(&mut rx).await, RelayToClient::Error { code: ErrorCode::ShuttingDown, .. }));
        match rx.recv().await {
            Some(Message::Close(Some(c))) => assert_eq!(c.code, close::GOING_AWAY),
            other => panic!("{other:?}"),
        }
        task.await.unwrap();
    }
}
