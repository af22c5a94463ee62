//! [`RelayClient`]: the handle the agent runtime holds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentnet_core::crypto::delivery_key::{DeliveryKey, Hash};
use agentnet_core::identity::Keypair;
use agentnet_core::wire::{AckStatus, AgentIdBytes};
use tokio::sync::{mpsc, oneshot, watch};

use super::driver::{Command, Driver};
use super::error::{SendError, StartError};
use super::inbound::{InboundSink, SeenIds};
use super::keybook::KeyBook;
use super::machine::{Machine, Role};
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
    /// The jitter of the receiving connection's schedule ([`RandomJitter`]; tests pass
    /// a fixed sequence). The sending connection's is random.
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
/// that takes inbound messages; and where it finds recipients' delivery keys.
#[derive(Clone)]
pub struct ClientStores {
    /// Sent, not yet acknowledged.
    pub outbox: Arc<dyn Outbox>,
    /// Recipients' delivery keys, for what the outbox kept across a restart.
    pub keys: Arc<dyn KeyBook>,
    /// Ids of messages already stored.
    pub seen: Arc<dyn SeenIds>,
    /// Takes each new inbound message.
    pub sink: Arc<dyn InboundSink>,
}

/// The two connections to one relay (receiving, logged in; sending, never logged in)
/// that keep themselves up. Dropping it stops the client; unacknowledged messages stay
/// in the outbox for the next start.
pub struct RelayClient {
    receiving: mpsc::UnboundedSender<Command>,
    sending: mpsc::UnboundedSender<Command>,
    state: watch::Receiver<ConnectionState>,
    outbox: Arc<dyn Outbox>,
    _tasks: (Task, Task),
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
        let role = Role::Receive { agent_id: *identity.agent_id().as_bytes(), origin };
        let receive = Machine::new(role, Backoff::new(config.backoff, config.jitter));
        let send = Machine::new(Role::Send, Backoff::new(config.backoff, Box::new(RandomJitter)));
        let (receiving, state, receiver) = driver(&config.url, config.stable_after, Some(identity), receive, &stores);
        let (sending, _, sender) = driver(&config.url, config.stable_after, None, send, &stores);
        let tasks = (platform::spawn(receiver)?, platform::spawn(sender)?);
        Ok(Self { receiving, sending, state, outbox: stores.outbox, _tasks: tasks })
    }

    /// The receiving connection's state: read it now, or await its changes
    /// (`changed().await`).
    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Sends a sealed envelope with the delivery key its recipient gave us: writes it to
    /// the outbox, then completes when the relay acknowledges it (stored in the
    /// recipient's mailbox). Across disconnections it is sent again until acknowledged;
    /// the recipient's client drops the copies by message id.
    pub async fn send(&self, message: Outgoing, key: DeliveryKey) -> Result<AckStatus, SendError> {
        self.outbox.record(&message).await?;
        let (done, answer) = oneshot::channel();
        self.sending.send(Command::Send { message, key, done }).map_err(|_| SendError::Stopped)?;
        answer.await.map_err(|_| SendError::Stopped)?
    }

    /// Like [`RelayClient::send`], but returns as soon as the message is in the outbox
    /// (durable) and handed to the connection, without waiting for the relay's ack: for
    /// senders that must not wait on the network (the agent runtime, possibly offline).
    pub async fn enqueue(&self, message: Outgoing, key: DeliveryKey) -> Result<(), SendError> {
        self.outbox.record(&message).await?;
        let (done, _ignored) = oneshot::channel();
        self.sending.send(Command::Send { message, key, done }).map_err(|_| SendError::Stopped)
    }

    /// Publishes our prekey bundle now (if online) and again on every reconnect.
    pub fn publish_prekeys(&self, bundle: Vec<u8>) -> Result<(), SendError> {
        self.receiving.send(Command::Publish { bundle }).map_err(|_| SendError::Stopped)
    }

    /// Publishes the hashes of the delivery keys Sends to us may carry (replacing the
    /// previous set) now (if online) and again on every reconnect.
    pub fn publish_delivery_keys(&self, hashes: Vec<Hash>) -> Result<(), SendError> {
        self.receiving.send(Command::PublishKeys { hashes }).map_err(|_| SendError::Stopped)
    }

    /// Completes once the relay has handled everything published before (prekeys,
    /// delivery keys): waits until the receiving connection is online.
    pub async fn sync(&self) -> Result<(), SendError> {
        let (done, answer) = oneshot::channel();
        self.receiving.send(Command::Sync { done }).map_err(|_| SendError::Stopped)?;
        answer.await.map_err(|_| SendError::Stopped)
    }

    /// Another agent's prekey bundle as the relay hands it to holders of `key`, a delivery
    /// key that agent gave us (`None`: it published none, or the key is not one of its),
    /// asked on the sending connection so the relay cannot tell who asks. Waits until
    /// online. The bytes are unverified: check them before use.
    pub async fn fetch_prekeys(&self, agent_id: AgentIdBytes, key: DeliveryKey) -> Result<Option<Vec<u8>>, SendError> {
        let (done, answer) = oneshot::channel();
        self.sending.send(Command::Fetch { agent_id, key, done }).map_err(|_| SendError::Stopped)?;
        answer.await.map_err(|_| SendError::Stopped)
    }
}

/// One connection's driver and the handles to it: its command channel and its state.
fn driver(
    url: &str,
    stable_after: Duration,
    identity: Option<Keypair>,
    machine: Machine,
    stores: &ClientStores,
) -> (mpsc::UnboundedSender<Command>, watch::Receiver<ConnectionState>, Driver) {
    let (commands, commands_rx) = mpsc::unbounded_channel();
    let (state_tx, state) = watch::channel(ConnectionState::Connecting);
    let driver = Driver {
        url: url.to_owned(),
        identity,
        machine,
        outbox: stores.outbox.clone(),
        keys: stores.keys.clone(),
        seen: stores.seen.clone(),
        sink: stores.sink.clone(),
        state: state_tx,
        commands: commands_rx,
        stable_after,
        waiters: HashMap::new(),
        fetchers: HashMap::new(),
        syncers: HashMap::new(),
        next_sync: 0,
    };
    (commands, state, driver)
}
