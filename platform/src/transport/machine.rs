//! The sans-I/O heart of the relay client: the handshake, the ack bookkeeping, the
//! resend after a reconnect and the reconnect schedule, as a state machine fed with
//! [`Input`]s that answers with [`Output`]s. It owns no socket, no timer and no secret:
//! the drivers (native, browser) and the unit tests feed it.
//!
//! A client runs two machines, one per connection ([`Role`]): the receiving one logs in
//! (mailbox, acks, prekeys, delivery keys, presence); the sending one never does, so the
//! relay cannot tell who sends (sealed sender).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use agentnet_core::crypto::delivery_key::{DeliveryKey, Hash};
use agentnet_core::wire::{
    AckStatus, AgentIdBytes, ClientToRelay, ErrorCode, MessageId, RelayToClient, Version, auth_message, close,
};

use super::outgoing::Outgoing;
use crate::rt::backoff::Backoff;

/// Which of the client's two connections a machine drives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Logs in as `agent_id`, signing for `origin`: receives, publishes prekeys and
    /// delivery keys.
    Receive {
        /// Our agent id.
        agent_id: AgentIdBytes,
        /// The relay origin we sign for (see [`super::relay_origin`]).
        origin: String,
    },
    /// Never logs in: sends and fetches prekeys.
    Send,
}

/// Where the current connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// No connection.
    Offline,
    /// The WebSocket is open; waiting for the relay's ServerHello.
    AwaitServerHello,
    /// (Receiving) Hello sent; waiting for the Challenge.
    AwaitChallenge,
    /// (Receiving) Auth sent; waiting for the Welcome.
    AwaitWelcome,
    /// Authenticated (receiving), or past ServerHello (sending).
    Online,
}

/// Something that happened, fed to [`Machine::handle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A WebSocket to the relay opened.
    Connected,
    /// A frame arrived from the relay.
    Frame(RelayToClient),
    /// The inbound message of this delivery is safely stored (or was a duplicate of one
    /// that is): it may be acknowledged.
    Stored {
        /// The relay's delivery id.
        delivery_id: u128,
    },
    /// The connection closed, failed, or could not be opened.
    Closed {
        /// The WebSocket close code, if the relay sent one.
        code: Option<u16>,
    },
    /// The connection has stayed up long enough to count as stable.
    Stable,
}

/// What the driver must do, returned by [`Machine::handle`] and [`Machine::submit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Write this frame to the relay.
    Write(ClientToRelay),
    /// Sign these bytes with the identity key and write them as [`ClientToRelay::Auth`].
    /// (The machine never holds the secret key.)
    Sign(Vec<u8>),
    /// Authenticated; `mailbox_len` messages wait and follow as deliveries.
    Online {
        /// Messages waiting in the relay mailbox.
        mailbox_len: u32,
    },
    /// An inbound message: store it unless its id was seen, then feed [`Input::Stored`].
    Deliver {
        /// The relay's id of this delivery, for the DeliverAck.
        delivery_id: u128,
        /// The sender's message id, for de-duplication.
        message_id: MessageId,
        /// The ciphertext.
        envelope: Vec<u8>,
    },
    /// The relay took responsibility for a sent message: drop it from the outbox.
    Acked {
        /// The message.
        message_id: MessageId,
        /// Queued or delivered.
        status: AckStatus,
    },
    /// The relay refused a sent message for good: drop it from the outbox, tell the sender.
    Rejected {
        /// The message.
        message_id: MessageId,
        /// Why.
        code: ErrorCode,
    },
    /// The relay could not take a sent message now (mailbox full, rate limit, internal
    /// error); it stays unacknowledged and goes again after the next reconnect.
    Deferred {
        /// The message.
        message_id: MessageId,
        /// Why.
        code: ErrorCode,
    },
    /// The relay answered the [`Machine::sync`] with this nonce: it handled everything
    /// this connection sent before.
    Synced {
        /// The sync's nonce.
        nonce: u64,
    },
    /// The relay answered a prekey fetch.
    Prekeys {
        /// The agent asked about.
        agent_id: AgentIdBytes,
        /// Its bundle bytes (unverified: the caller checks them), or `None` if it has none.
        bundle: Option<Vec<u8>>,
    },
    /// The relay broke the protocol: close the connection (then feed [`Input::Closed`]).
    Disconnect,
    /// Wait this long, then open a new connection and feed [`Input::Connected`].
    Reconnect {
        /// The wait.
        after: Duration,
    },
}

/// The protocol state of one connection to the relay.
#[derive(Debug)]
pub struct Machine {
    role: Role,
    phase: Phase,
    /// (Sending) Every message not yet acknowledged, in submission order, with the
    /// delivery key it goes with.
    unacked: BTreeMap<u64, (Outgoing, DeliveryKey)>,
    seq_of: HashMap<MessageId, u64>,
    next_seq: u64,
    backoff: Backoff,
    /// (Receiving) Our prekey bundle, published on every connection (the relay may have
    /// lost it).
    bundle: Option<Vec<u8>>,
    /// (Receiving) The delivery-key hashes Sends to us may carry, published likewise.
    keys: Option<Vec<Hash>>,
    /// Syncs asked for and not yet answered.
    syncs: BTreeSet<u64>,
    /// Agents whose bundles were asked for and not yet answered.
    fetches: BTreeMap<AgentIdBytes, DeliveryKey>,
}

impl Machine {
    /// A machine for one connection in `role`, offline until [`Input::Connected`].
    pub fn new(role: Role, backoff: Backoff) -> Self {
        Self {
            role,
            phase: Phase::Offline,
            unacked: BTreeMap::new(),
            seq_of: HashMap::new(),
            next_seq: 0,
            backoff,
            bundle: None,
            keys: None,
            syncs: BTreeSet::new(),
            fetches: BTreeMap::new(),
        }
    }

    /// The connection this machine drives.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// Where the connection stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The ids of the messages not yet acknowledged, oldest first.
    pub fn unacked(&self) -> Vec<MessageId> {
        self.unacked.values().map(|(m, _)| m.message_id).collect()
    }

    /// Failed connection attempts since the last stable connection.
    pub fn attempts(&self) -> u32 {
        self.backoff.attempts()
    }

    /// (Sending) Takes a message to send with the recipient's delivery key: sent at
    /// once when online, else with the next resend. A message id already waiting for
    /// its ack is not sent twice.
    pub fn submit(&mut self, message: Outgoing, key: DeliveryKey) -> Vec<Output> {
        if self.seq_of.contains_key(&message.message_id) {
            return Vec::new();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.seq_of.insert(message.message_id, seq);
        let out = if self.phase == Phase::Online { vec![Output::Write(message.frame(&key))] } else { Vec::new() };
        self.unacked.insert(seq, (message, key));
        out
    }

    /// (Receiving) Sets the prekey bundle to publish: now if online, and on every
    /// later connection.
    pub fn publish(&mut self, bundle: Vec<u8>) -> Vec<Output> {
        self.bundle = Some(bundle.clone());
        if self.phase == Phase::Online { vec![Output::Write(ClientToRelay::PublishPrekeys { bundle })] } else { Vec::new() }
    }

    /// (Receiving) Sets the delivery-key hashes to publish: now if online, and on
    /// every later connection.
    pub fn publish_keys(&mut self, hashes: Vec<Hash>) -> Vec<Output> {
        self.keys = Some(hashes.clone());
        if self.phase == Phase::Online { vec![Output::Write(ClientToRelay::DeliveryKeys { hashes })] } else { Vec::new() }
    }

    /// Asks to hear when the relay has handled everything sent so far (a Ping, whose
    /// Pong the relay sends only after it): now if online, else once online. Answered by
    /// [`Output::Synced`].
    pub fn sync(&mut self, nonce: u64) -> Vec<Output> {
        if self.syncs.insert(nonce) && self.phase == Phase::Online {
            vec![Output::Write(ClientToRelay::Ping { nonce })]
        } else {
            Vec::new()
        }
    }

    /// Asks for `agent_id`'s prekey bundle with a delivery key it gave us: now if online,
    /// else once online. Answered by [`Output::Prekeys`]; asking again before the answer
    /// sends nothing more.
    pub fn fetch(&mut self, agent_id: AgentIdBytes, key: DeliveryKey) -> Vec<Output> {
        if self.fetches.insert(agent_id, key.clone()).is_none() && self.phase == Phase::Online {
            vec![Output::Write(ClientToRelay::FetchPrekeys { agent_id, delivery_key: key })]
        } else {
            Vec::new()
        }
    }

    /// Feeds one event; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Output> {
        match input {
            Input::Connected => {
                self.phase = Phase::AwaitServerHello;
                Vec::new()
            }
            Input::Frame(frame) => self.on_frame(frame),
            Input::Stored { delivery_id } => {
                if self.phase == Phase::Online {
                    vec![Output::Write(ClientToRelay::DeliverAck { delivery_id })]
                } else {
                    // The connection that carried it is gone; the relay redelivers it.
                    Vec::new()
                }
            }
            Input::Closed { code } => {
                self.phase = Phase::Offline;
                let after = if code == Some(close::GOING_AWAY) {
                    // A draining relay: its replacement (or the next instance behind the
                    // load balancer) takes us now; a failure from there backs off as usual.
                    Duration::ZERO
                } else {
                    self.backoff.next_delay()
                };
                vec![Output::Reconnect { after }]
            }
            Input::Stable => {
                if self.phase == Phase::Online {
                    self.backoff.reset();
                }
                Vec::new()
            }
        }
    }

    fn on_frame(&mut self, frame: RelayToClient) -> Vec<Output> {
        match (self.phase, frame) {
            (_, RelayToClient::Ping { nonce }) => vec![Output::Write(ClientToRelay::Pong { nonce })],
            (Phase::AwaitServerHello, RelayToClient::ServerHello { min_version, max_version, .. }) => {
                let ours = Version::CURRENT as u8;
                if !(min_version..=max_version).contains(&ours) {
                    return vec![Output::Disconnect];
                }
                match &self.role {
                    Role::Receive { agent_id, .. } => {
                        self.phase = Phase::AwaitChallenge;
                        vec![Output::Write(ClientToRelay::Hello { agent_id: *agent_id, id_token: None })]
                    }
                    // A sending connection never logs in: it can send right away.
                    Role::Send => self.online(0),
                }
            }
            (Phase::AwaitChallenge, RelayToClient::Challenge { nonce }) => match &self.role {
                Role::Receive { agent_id, origin } => {
                    self.phase = Phase::AwaitWelcome;
                    vec![Output::Sign(auth_message(origin, &nonce, agent_id))]
                }
                Role::Send => vec![Output::Disconnect],
            },
            (Phase::AwaitWelcome, RelayToClient::Welcome { mailbox_len }) => self.online(mailbox_len),
            (Phase::Online, RelayToClient::Deliver { delivery_id, message_id, envelope }) => match self.role {
                Role::Receive { .. } => vec![Output::Deliver { delivery_id, message_id, envelope }],
                // Nothing is delivered to a connection that never logged in.
                Role::Send => vec![Output::Disconnect],
            },
            (Phase::Online, RelayToClient::Pong { nonce }) => {
                if self.syncs.remove(&nonce) { vec![Output::Synced { nonce }] } else { Vec::new() }
            }
            (Phase::Online, RelayToClient::Prekeys { agent_id, bundle }) => {
                if self.fetches.remove(&agent_id).is_some() { vec![Output::Prekeys { agent_id, bundle }] } else { Vec::new() }
            }
            (Phase::Online, RelayToClient::Ack { message_id, status }) => match self.take(&message_id) {
                Some(_) => vec![Output::Acked { message_id, status }],
                // An ack for a message acknowledged before (sent twice): nothing to do.
                None => Vec::new(),
            },
            (Phase::Online, RelayToClient::Error { code, message_id: Some(message_id), .. }) => {
                if !self.seq_of.contains_key(&message_id) {
                    return Vec::new();
                }
                // Refused for good: the key is not (or no longer) one the recipient gave.
                if matches!(code, ErrorCode::SendRefused | ErrorCode::UnknownRecipient) {
                    self.take(&message_id);
                    vec![Output::Rejected { message_id, code }]
                } else {
                    vec![Output::Deferred { message_id, code }]
                }
            }
            // Errors about the connection are followed by the relay's close; other Pongs,
            // presence and the PrekeysStored receipt are not this layer's business.
            (_, RelayToClient::Error { .. } | RelayToClient::Pong { .. }) => Vec::new(),
            (Phase::Online, _) => Vec::new(),
            // A handshake frame out of order: this is not the relay we speak to.
            (_, _) => vec![Output::Disconnect],
        }
    }

    /// The connection is ready: publish, fetch, sync and resend what it is for.
    fn online(&mut self, mailbox_len: u32) -> Vec<Output> {
        self.phase = Phase::Online;
        // Nothing sent on an earlier connection will be acknowledged on this one.
        let mut out = vec![Output::Online { mailbox_len }];
        if let Some(bundle) = &self.bundle {
            out.push(Output::Write(ClientToRelay::PublishPrekeys { bundle: bundle.clone() }));
        }
        if let Some(hashes) = &self.keys {
            out.push(Output::Write(ClientToRelay::DeliveryKeys { hashes: hashes.clone() }));
        }
        out.extend(self.fetches.iter().map(|(&agent_id, key)| Output::Write(ClientToRelay::FetchPrekeys { agent_id, delivery_key: key.clone() })));
        out.extend(self.unacked.values().map(|(m, key)| Output::Write(m.frame(key))));
        out.extend(self.syncs.iter().map(|&nonce| Output::Write(ClientToRelay::Ping { nonce })));
        out
    }

    fn take(&mut self, message_id: &MessageId) -> Option<Outgoing> {
        let seq = self.seq_of.remove(message_id)?;
        self.unacked.remove(&seq).map(|(m, _)| m)
    }
}
