//! [`RelayClient`]: the handle the agent runtime holds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentnet_core::identity::Keypair;
use agentnet_core::wire::{AckStatus, AgentIdBytes, MessageId};
use tokio::sync::{mpsc, oneshot, watch};

use super::driver::{Command, Driver};
use super::error::{SendError, StartError};
use super::inbound::{InboundSink, SeenIds};
use super::machine::Machine;
use super::origin::relay_origin;
use super::outbox::Outbox;
use super::outgoing::Outgoing;
use super::platform::{self, Task};
use super::state::ConnectionState;
use crate::rt::backoff::{Backoff, BackoffConfig, Jitter, RandomJitter};

/// How to reach the relay and how to come back after losing it.
pub struct ClientConfig {
    /// The relay's WebSocket URL (`wss://relay.example.org/ws`).
    pub url: String,
    /// The reconnect schedule.
    pub backoff: BackoffConfig,
    /// How long a connection must stay up before the schedule starts over.
    pub stable_after: Duration,
    /// The jitter of the schedule ([`RandomJitter`]; tests pass a fixed sequence).
    pub jitter: Box<dyn Jitter>,
}

impl ClientConfig {
    /// The defaults for `url`: 250 ms to 30 s backoff, stable after 10 s, random jitter.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            backoff: BackoffConfig::default(),
            stable_after: Duration::from_secs(10),
            jitter: Box::new(RandomJitter),
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("url", &self.url)
            .field("backoff", &self.backoff)
            .field("stable_after", &self.stable_after)
            .finish_non_exhaustive()
    }
}

/// Where the client keeps what must survive: the outbox, the seen ids, and the sink
/// that takes inbound messages.
#[derive(Clone)]
pub struct ClientStores {
    /// Sent, not yet acknowledged.
    pub outbox: Arc<dyn Outbox>,
    /// Ids of messages already stored.
    pub seen: Arc<dyn SeenIds>,
    /// Takes each new inbound message.
    pub sink: Arc<dyn InboundSink>,
}

/// A connection to one relay that keeps itself up. Dropping it stops the client;
/// unacknowledged messages stay in the outbox for the next start.
pub struct RelayClient {
    commands: mpsc::UnboundedSender<Command>,
    state: watch::Receiver<ConnectionState>,
    outbox: Arc<dyn Outbox>,
    _task: Task,
}

impl std::fmt::Debug for RelayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayClient").field("state", &*self.state.borrow()).finish_non_exhaustive()
    }
}

impl RelayClient {
    /// Starts connecting as `identity` and keeps connected until dropped. Whatever the
    /// outbox holds from an earlier run is sent once online.
    pub fn start(config: ClientConfig, identity: Keypair, stores: ClientStores) -> Result<Self, StartError> {
        let origin = relay_origin(&config.url)?;
        let agent_id = *identity.agent_id().as_bytes();
        let machine = Machine::new(agent_id, origin, Backoff::new(config.backoff, config.jitter));
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(ConnectionState::Connecting);
        let driver = Driver {
            url: config.url,
            identity,
            machine,
            outbox: stores.outbox.clone(),
            seen: stores.seen,
            sink: stores.sink,
            state: state_tx,
            commands: commands_rx,
            stable_after: config.stable_after,
            waiters: HashMap::new(),
            fetchers: HashMap::new(),
        };
        let task = platform::spawn(driver)?;
        Ok(Self { commands, state, outbox: stores.outbox, _task: task })
    }

    /// The connection state: read it now, or await its changes (`changed().await`).
    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Sends a sealed envelope: writes it to the outbox, then completes when the relay
    /// acknowledges it (queued in the recipient's mailbox or delivered live). Across
    /// disconnections it is sent again until acknowledged; the recipient's client drops
    /// the copies by message id.
    pub async fn send(
        &self,
        recipient: AgentIdBytes,
        message_id: MessageId,
        envelope: Vec<u8>,
    ) -> Result<AckStatus, SendError> {
        let message = Outgoing { recipient, message_id, envelope };
        self.outbox.record(&message).await?;
        let (done, answer) = oneshot::channel();
        self.commands.send(Command::Send { message, done }).map_err(|_| SendError::Stopped)?;
        answer.await.map_err(|_| SendError::Stopped)?
    }

    /// Like [`RelayClient::send`], but returns as soon as the message is in the outbox
    /// (durable) and handed to the connection, without waiting for the relay's ack: for
    /// senders that must not wait on the network (the agent runtime, possibly offline).
    pub async fn enqueue(&self, recipient: AgentIdBytes, message_id: MessageId, envelope: Vec<u8>) -> Result<(), SendError> {
        let message = Outgoing { recipient, message_id, envelope };
        self.outbox.record(&message).await?;
        let (done, _ignored) = oneshot::channel();
        self.commands.send(Command::Send { message, done }).map_err(|_| SendError::Stopped)
    }

    /// Publishes our prekey bundle now (if online) and again on every reconnect.
    pub fn publish_prekeys(&self, bundle: Vec<u8>) -> Result<(), SendError> {
        self.commands.send(Command::Publish { bundle }).map_err(|_| SendError::Stopped)
    }

    /// Another agent's prekey bundle as the relay holds it (`None`: it never published
    /// one). Waits until online. The bytes are unverified: check them before use.
    pub async fn fetch_prekeys(&self, agent_id: AgentIdBytes) -> Result<Option<Vec<u8>>, SendError> {
        let (done, answer) = oneshot::channel();
        self.commands.send(Command::Fetch { agent_id, done }).map_err(|_| SendError::Stopped)?;
        answer.await.map_err(|_| SendError::Stopped)
    }
}
