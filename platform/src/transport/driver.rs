//! The driver shared by both targets: runs one [`Machine`] (one of the client's two
//! connections) over a [`Runtime`]'s links, performs its outputs (writes, outbox, sink,
//! seen ids) and publishes the state.

use std::collections::{HashMap, VecDeque};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use agentnet_core::crypto::delivery_key::{DeliveryKey, Hash};
use agentnet_core::identity::Keypair;
use agentnet_core::wire::{AckStatus, AgentIdBytes, ClientToRelay, MessageId, RelayToClient};
use futures_util::FutureExt;
use futures_util::future::{Either, select};
use tokio::sync::{mpsc, oneshot, watch};

use super::error::SendError;
use super::inbound::{InboundSink, SeenIds, accept};
use super::keybook::KeyBook;
use super::link::{Link, LinkEvent, Runtime};
use super::machine::{Input, Machine, Output, Role};
use super::outbox::Outbox;
use super::outgoing::Outgoing;
use super::state::ConnectionState;

/// What a waiting [`super::RelayClient::send`] is told.
pub(crate) type Reply = oneshot::Sender<Result<AckStatus, SendError>>;

/// What a waiting [`super::RelayClient::fetch_prekeys`] is told.
pub(crate) type BundleReply = oneshot::Sender<Option<Vec<u8>>>;

/// A request from the client handle to the driver.
pub(crate) enum Command {
    /// (Sending) Send a message (already in the outbox) with the recipient's delivery
    /// key and answer when the relay acks it.
    Send { message: Outgoing, key: DeliveryKey, done: Reply },
    /// (Receiving) Publish our prekey bundle, now and on every reconnect.
    Publish { bundle: Vec<u8> },
    /// (Receiving) Publish the delivery-key hashes Sends to us may carry.
    PublishKeys { hashes: Vec<Hash> },
    /// (Sending) Ask for an agent's prekey bundle.
    Fetch { agent_id: AgentIdBytes, key: DeliveryKey, done: BundleReply },
    /// Answer once the relay handled everything this connection sent before.
    Sync { done: oneshot::Sender<()> },
}

/// Everything the driver owns.
pub(crate) struct Driver {
    pub(crate) url: String,
    /// Signs the receiving connection's login; the sending one has none.
    pub(crate) identity: Option<Keypair>,
    pub(crate) machine: Machine,
    pub(crate) outbox: Arc<dyn Outbox>,
    pub(crate) keys: Arc<dyn KeyBook>,
    pub(crate) seen: Arc<dyn SeenIds>,
    pub(crate) sink: Arc<dyn InboundSink>,
    pub(crate) state: watch::Sender<ConnectionState>,
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) stable_after: Duration,
    pub(crate) waiters: HashMap<MessageId, Vec<Reply>>,
    pub(crate) fetchers: HashMap<AgentIdBytes, Vec<BundleReply>>,
    pub(crate) syncers: HashMap<u64, oneshot::Sender<()>>,
    pub(crate) next_sync: u64,
}

/// The client handle is gone: stop.
struct Stop;

/// What woke a session up.
enum Wake {
    Link(LinkEvent),
    Command(Option<Command>),
    Stable,
}

impl Driver {
    /// Connects, serves and reconnects until the client handle is dropped.
    pub(crate) async fn run<R: Runtime>(mut self, rt: R) {
        // Whatever an earlier run left unacknowledged goes first, with each recipient's
        // key looked up again. An unreadable outbox is not a reason to stay offline; its
        // messages wait for the next start. A message for someone who gave us no key
        // (no longer a contact) can never be sent: it is dropped.
        if *self.machine.role() == Role::Send
            && let Ok(pending) = self.outbox.pending().await
        {
            for message in pending {
                match self.keys.delivery_key(&message.recipient).await {
                    Ok(Some(key)) => {
                        self.machine.submit(message, key);
                    }
                    Ok(None) => {
                        let _ = self.outbox.remove(&message.message_id).await;
                    }
                    Err(_) => {}
                }
            }
        }
        let url = self.url.clone();
        loop {
            self.state.send_replace(ConnectionState::Connecting);
            let code = match self.until(rt.connect(&url)).await {
                Err(Stop) => break,
                Ok(None) => None,
                Ok(Some(link)) => match self.session(&rt, link).await {
                    Err(Stop) => break,
                    Ok(code) => code,
                },
            };
            let after = self
                .machine
                .handle(Input::Closed { code })
                .into_iter()
                .find_map(|o| match o {
                    Output::Reconnect { after } => Some(after),
                    _ => None,
                })
                .unwrap_or_default();
            self.state.send_replace(ConnectionState::Offline { retry_in: after, close_code: code });
            if !after.is_zero() && self.until(rt.sleep(after)).await.is_err() {
                break;
            }
        }
        self.state.send_replace(ConnectionState::Stopped);
        // Dropping the waiters' senders tells each pending send that the client stopped.
    }

    /// Awaits `fut` while taking commands (sends queue up while offline).
    async fn until<F: Future>(&mut self, fut: F) -> Result<F::Output, Stop> {
        let mut fut = pin!(fut);
        loop {
            let command = {
                let next = pin!(self.commands.recv());
                match select(fut.as_mut(), next).await {
                    Either::Left((out, _)) => return Ok(out),
                    Either::Right((command, _)) => command,
                }
            };
            let Some(command) = command else { return Err(Stop) };
            self.take(command);
        }
    }

    fn take(&mut self, command: Command) -> Vec<Output> {
        match command {
            Command::Send { message, key, done } => {
                self.waiters.entry(message.message_id).or_default().push(done);
                self.machine.submit(message, key)
            }
            Command::Publish { bundle } => self.machine.publish(bundle),
            Command::PublishKeys { hashes } => self.machine.publish_keys(hashes),
            Command::Fetch { agent_id, key, done } => {
                self.fetchers.entry(agent_id).or_default().push(done);
                self.machine.fetch(agent_id, key)
            }
            Command::Sync { done } => {
                self.next_sync += 1;
                self.syncers.insert(self.next_sync, done);
                self.machine.sync(self.next_sync)
            }
        }
    }

    /// Serves one connection; returns its close code when it ends.
    async fn session<R: Runtime>(&mut self, rt: &R, mut link: R::Link) -> Result<Option<u16>, Stop> {
        self.machine.handle(Input::Connected);
        self.state.send_replace(ConnectionState::Authenticating);
        let mut stable = rt.sleep(self.stable_after).fuse();
        loop {
            let wake = {
                let recv = link.recv();
                let next = pin!(self.commands.recv());
                match select(select(recv, next), &mut stable).await {
                    Either::Left((Either::Left((event, _)), _)) => Wake::Link(event),
                    Either::Left((Either::Right((command, _)), _)) => Wake::Command(command),
                    Either::Right(((), _)) => Wake::Stable,
                }
            };
            let outputs = match wake {
                Wake::Link(LinkEvent::Closed(code)) => return Ok(code),
                Wake::Link(LinkEvent::Frame(bytes)) => match RelayToClient::decode(&bytes) {
                    Ok(frame) => self.machine.handle(Input::Frame(frame)),
                    Err(_) => vec![Output::Disconnect],
                },
                Wake::Command(None) => {
                    link.close().await;
                    return Err(Stop);
                }
                Wake::Command(Some(command)) => self.take(command),
                Wake::Stable => self.machine.handle(Input::Stable),
            };
            if let Some(code) = self.perform(&mut link, outputs).await {
                return Ok(code);
            }
        }
    }

    /// Carries out the machine's outputs; `Some(close code)` when the connection ended.
    async fn perform<L: Link>(&mut self, link: &mut L, outputs: Vec<Output>) -> Option<Option<u16>> {
        let mut queue = VecDeque::from(outputs);
        while let Some(output) = queue.pop_front() {
            match output {
                Output::Write(frame) => {
                    if link.send(frame.encode()).await.is_err() {
                        return Some(None);
                    }
                }
                Output::Sign(message) => {
                    let Some(identity) = &self.identity else {
                        link.close().await;
                        return Some(None);
                    };
                    let signature = identity.sign(&message);
                    if link.send(ClientToRelay::Auth { signature }.encode()).await.is_err() {
                        return Some(None);
                    }
                }
                Output::Online { .. } => {
                    self.state.send_replace(ConnectionState::Online);
                }
                Output::Deliver { delivery_id, message_id, envelope } => {
                    match accept(self.sink.as_ref(), self.seen.as_ref(), message_id, envelope).await {
                        Ok(_) => {
                            for o in self.machine.handle(Input::Stored { delivery_id }).into_iter().rev() {
                                queue.push_front(o);
                            }
                        }
                        // Not stored, so not acknowledged: reconnect (with backoff) and
                        // let the relay deliver it again.
                        Err(_) => queue.push_front(Output::Disconnect),
                    }
                }
                Output::Acked { message_id, status } => {
                    // If this fails the message is sent again by a later run and dropped
                    // as a duplicate by the recipient.
                    let _ = self.outbox.remove(&message_id).await;
                    self.answer(&message_id, Ok(status));
                }
                Output::Rejected { message_id, code } => {
                    let _ = self.outbox.remove(&message_id).await;
                    self.answer(&message_id, Err(SendError::Rejected { code }));
                }
                Output::Synced { nonce } => {
                    if let Some(done) = self.syncers.remove(&nonce) {
                        let _ = done.send(());
                    }
                }
                Output::Prekeys { agent_id, bundle } => {
                    for done in self.fetchers.remove(&agent_id).unwrap_or_default() {
                        let _ = done.send(bundle.clone());
                    }
                }
                Output::Deferred { .. } | Output::Reconnect { .. } => {}
                Output::Disconnect => {
                    link.close().await;
                    return Some(None);
                }
            }
        }
        None
    }

    fn answer(&mut self, message_id: &MessageId, result: Result<AckStatus, SendError>) {
        for done in self.waiters.remove(message_id).unwrap_or_default() {
            let _ = done.send(result.clone());
        }
    }
}
