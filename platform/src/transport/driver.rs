//! The driver shared by both targets: runs the [`Machine`] over a [`Runtime`]'s links,
//! performs its outputs (writes, outbox, sink, seen ids) and publishes the state.

use std::collections::{HashMap, VecDeque};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use agentnet_core::identity::Keypair;
use agentnet_core::wire::{AckStatus, AgentIdBytes, ClientToRelay, MessageId, RelayToClient};
use futures_util::FutureExt;
use futures_util::future::{Either, select};
use tokio::sync::{mpsc, oneshot, watch};

use super::error::SendError;
use super::inbound::{InboundSink, SeenIds, accept};
use super::link::{Link, LinkEvent, Runtime};
use super::machine::{Input, Machine, Output};
use super::outbox::Outbox;
use super::outgoing::Outgoing;
use super::state::ConnectionState;

/// What a waiting [`super::RelayClient::send`] is told.
pub(crate) type Reply = oneshot::Sender<Result<AckStatus, SendError>>;

/// What a waiting [`super::RelayClient::fetch_prekeys`] is told.
pub(crate) type BundleReply = oneshot::Sender<Option<Vec<u8>>>;

/// A request from the client handle to the driver.
pub(crate) enum Command {
    /// Send a message (already in the outbox) and answer when the relay acks it.
    Send { message: Outgoing, done: Reply },
    /// Publish our prekey bundle, now and on every reconnect.
    Publish { bundle: Vec<u8> },
    /// Ask for an agent's prekey bundle.
    Fetch { agent_id: AgentIdBytes, done: BundleReply },
}

/// Everything the driver owns.
pub(crate) struct Driver {
    pub(crate) url: String,
    pub(crate) identity: Keypair,
    pub(crate) machine: Machine,
    pub(crate) outbox: Arc<dyn Outbox>,
    pub(crate) seen: Arc<dyn SeenIds>,
    pub(crate) sink: Arc<dyn InboundSink>,
    pub(crate) state: watch::Sender<ConnectionState>,
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) stable_after: Duration,
    pub(crate) waiters: HashMap<MessageId, Vec<Reply>>,
    pub(crate) fetchers: HashMap<AgentIdBytes, Vec<BundleReply>>,
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
        // Whatever an earlier run left unacknowledged goes first. An unreadable outbox
        // is not a reason to stay offline; its messages wait for the next start.
        if let Ok(pending) = self.outbox.pending().await {
            for message in pending {
                self.machine.submit(message);
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
            Command::Send { message, done } => {
                self.waiters.entry(message.message_id).or_default().push(done);
                self.machine.submit(message)
            }
            Command::Publish { bundle } => self.machine.publish(bundle),
            Command::Fetch { agent_id, done } => {
                self.fetchers.entry(agent_id).or_default().push(done);
                self.machine.fetch(agent_id)
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
                    let signature = self.identity.sign(&message);
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
