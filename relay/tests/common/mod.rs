//! Test helpers: a relay on a free port, a real WebSocket client that speaks the
//! wire, and a throwaway redis-server.
#![allow(dead_code, unreachable_pub)]

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::wire::{ClientToRelay, MessageId, RelayToClient, auth_message};
use std::collections::VecDeque;
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::identity::Keypair;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, tungstenite::Message};

pub const WAIT: Duration = Duration::from_secs(10);

/// A relay served in this process; stops (draining) when dropped.
pub struct Relay {
    pub addr: SocketAddr,
    /// Where its `/metrics` is served (never on `addr`).
    pub metrics: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    metrics_task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Relay {
    pub async fn start(config: agentnet_relay::Config) -> Relay {
        let state = agentnet_relay::AppState::from_config(config).await.unwrap();
        Relay::with_state(state).await
    }

    pub async fn with_state(state: agentnet_relay::AppState) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics = metrics_listener.local_addr().unwrap();
        let metrics_task = tokio::spawn(agentnet_relay::serve_metrics(metrics_listener, state.clone()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(agentnet_relay::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Relay { addr, metrics, stop: Some(stop), task, metrics_task }
    }

    /// Asks for a graceful shutdown and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
        self.metrics_task.abort();
    }
}

/// Builds a config from `RELAY_*` pairs on top of the defaults.
pub fn config(pairs: &[(&str, &str)]) -> agentnet_relay::Config {
    let env: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    agentnet_relay::Config::from_sources(None, &env).unwrap()
}

/// An agent identity and the delivery key it gives its contacts.
pub struct Agent {
    pub key: Keypair,
    pub id: [u8; 32],
    pub delivery: DeliveryKey,
}

impl Agent {
    pub fn new() -> Agent {
        let key = Keypair::from_secret_bytes(&rand::random());
        let id = *key.agent_id().as_bytes();
        Agent { key, id, delivery: DeliveryKey::from_bytes(rand::random()) }
    }

    /// A Send to this agent carrying its delivery key, as a contact would send it.
    pub fn send(&self, message_id: MessageId, envelope: &[u8]) -> ClientToRelay {
        ClientToRelay::Send { recipient: self.id, delivery_key: self.delivery.clone(), message_id, envelope: envelope.to_vec() }
    }

    pub fn sign(&self, origin: &str, nonce: &[u8; 32]) -> [u8; 64] {
        self.key.sign(&auth_message(origin, nonce, &self.id))
    }

    /// A freshly signed prekey bundle, valid now.
    pub fn prekey_bundle(&self) -> Vec<u8> {
        self.prekey_bundle_with(0)
    }

    /// A freshly signed prekey bundle with `n` one-time prekeys.
    pub fn prekey_bundle_with(&self, n: usize) -> Vec<u8> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(rand::random());
        let mut ring = Ring::new(&self.key, now, &mut rng);
        ring.add_one_time(n, now, &mut rng);
        ring.bundle(&self.key).to_bytes()
    }
}

/// The one-time prekey ids in a fetched bundle.
pub fn one_time_ids(frame: &RelayToClient) -> Vec<u32> {
    match frame {
        RelayToClient::Prekeys { bundle: Some(b), .. } => {
            let bundle = agentnet_core::crypto::prekey::Bundle::from_bytes(b).unwrap();
            bundle.one_time().iter().map(|k| k.id).collect()
        }
        other => panic!("expected a bundle, got {other:?}"),
    }
}

impl Agent {
}

pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub origin: String,
    /// Frames read ahead while waiting for a barrier, handed out first.
    pub ahead: VecDeque<RelayToClient>,
}

/// The Ping nonce `login` waits for: the relay answers it after the delivery keys.
const LOGIN_BARRIER: u64 = u64::MAX;

impl Client {
    /// Opens a WebSocket and reads the ServerHello.
    pub async fn connect(addr: SocketAddr) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
        let mut c = Client { ws, origin: format!("ws://{addr}"), ahead: VecDeque::new() };
        match c.recv().await {
            RelayToClient::ServerHello { min_version: 2, .. } => {}
            other => panic!("expected ServerHello, got {other:?}"),
        }
        c
    }

    /// Connects, authenticates and publishes the agent's delivery key (stored once this
    /// returns); returns the receiving client and its Welcome mailbox length.
    pub async fn login(addr: SocketAddr, agent: &Agent) -> (Client, u32) {
        let mut c = Client::connect(addr).await;
        let n = c.authenticate(agent).await;
        c.send(&ClientToRelay::DeliveryKeys { hashes: vec![agent.delivery.hash()] }).await;
        c.barrier().await;
        (c, n)
    }

    /// A connection that never logs in, for sending (sealed sender).
    pub async fn sender(addr: SocketAddr) -> Client {
        Client::connect(addr).await
    }

    /// A sending connection from another loopback address (127.0.0.2 and the like), as
    /// a different machine would connect.
    pub async fn sender_from(addr: SocketAddr, source: std::net::Ipv4Addr) -> Client {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(source.into(), 0)).unwrap();
        let tcp = socket.connect(addr).await.unwrap();
        let (ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), MaybeTlsStream::Plain(tcp)).await.unwrap();
        let mut c = Client { ws, origin: format!("ws://{addr}"), ahead: VecDeque::new() };
        assert!(matches!(c.recv().await, RelayToClient::ServerHello { .. }));
        c
    }

    /// Waits until the relay handled every frame sent before; frames that arrive
    /// meanwhile are kept for `recv`.
    pub async fn barrier(&mut self) {
        self.send(&ClientToRelay::Ping { nonce: LOGIN_BARRIER }).await;
        loop {
            match self.read().await {
                RelayToClient::Pong { nonce: LOGIN_BARRIER } => return,
                frame => self.ahead.push_back(frame),
            }
        }
    }

    pub async fn authenticate(&mut self, agent: &Agent) -> u32 {
        self.send(&ClientToRelay::Hello { agent_id: agent.id, id_token: None }).await;
        let RelayToClient::Challenge { nonce } = self.recv().await else { panic!("expected Challenge") };
        let signature = agent.sign(&self.origin, &nonce);
        self.send(&ClientToRelay::Auth { signature }).await;
        match self.recv().await {
            RelayToClient::Welcome { mailbox_len } => mailbox_len,
            other => panic!("expected Welcome, got {other:?}"),
        }
    }

    pub async fn send(&mut self, frame: &ClientToRelay) {
        self.send_raw(frame.encode()).await;
    }

    /// Sends without panicking; false once the connection is gone.
    pub async fn try_send(&mut self, frame: &ClientToRelay) -> bool {
        self.ws.send(Message::Binary(frame.encode().into())).await.is_ok()
    }

    pub async fn send_raw(&mut self, bytes: Vec<u8>) {
        self.ws.send(Message::Binary(bytes.into())).await.unwrap();
    }

    /// The next frame (relay Pings skipped); panics on close or after the wait.
    pub async fn recv(&mut self) -> RelayToClient {
        match self.ahead.pop_front() {
            Some(frame) => frame,
            None => self.read().await,
        }
    }

    async fn read(&mut self) -> RelayToClient {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next()).await.expect("timed out").expect("closed").unwrap();
            match msg {
                Message::Binary(b) => {
                    let frame = RelayToClient::decode(&b).unwrap();
                    if let RelayToClient::Ping { .. } = frame {
                        continue;
                    }
                    return frame;
                }
                Message::Close(c) => panic!("closed: {c:?}"),
                _ => continue,
            }
        }
    }

    /// The next frame from the socket (relay Pings skipped, nothing read ahead), or
    /// `None` once the connection is gone.
    pub async fn ws_frame(&mut self) -> Option<RelayToClient> {
        loop {
            match self.ws.next().await? {
                Ok(Message::Binary(b)) => match RelayToClient::decode(&b).ok()? {
                    RelayToClient::Ping { .. } => {}
                    frame => return Some(frame),
                },
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// The next frame, or `None` if nothing arrives within `wait`.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<RelayToClient> {
        tokio::time::timeout(wait, self.recv()).await.ok()
    }

    /// The next frame, or (if the relay closes first) the close code and the frames
    /// before it.
    pub async fn try_recv_or_close(&mut self) -> Result<RelayToClient, (u16, Vec<RelayToClient>)> {
        if let Some(frame) = self.ahead.pop_front() {
            return Ok(frame);
        }
        let first = loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next()).await.expect("timed out");
            match msg {
                Some(Ok(Message::Binary(b))) => match RelayToClient::decode(&b).unwrap() {
                    RelayToClient::Ping { .. } => continue,
                    frame => break frame,
                },
                Some(Ok(Message::Close(Some(c)))) => return Err((c.code.into(), Vec::new())),
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return Err((0, Vec::new())),
                _ => {}
            }
        };
        if !matches!(first, RelayToClient::Error { .. }) {
            return Ok(first);
        }
        let (code, mut rest) = self.expect_close().await;
        rest.insert(0, first);
        Err((code, rest))
    }

    /// Reads until the close frame; returns its code and the frames before it.
    pub async fn expect_close(&mut self) -> (u16, Vec<RelayToClient>) {
        let mut frames: Vec<RelayToClient> = self.ahead.drain(..).collect();
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next()).await.expect("timed out waiting for close");
            match msg {
                Some(Ok(Message::Binary(b))) => frames.push(RelayToClient::decode(&b).unwrap()),
                Some(Ok(Message::Close(Some(c)))) => return (c.code.into(), frames),
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return (0, frames),
                _ => {}
            }
        }
    }
}

/// A redis-server on a free loopback port, killed on drop.
pub struct RedisServer {
    pub url: String,
    child: std::process::Child,
}

impl RedisServer {
    pub async fn start() -> RedisServer {
        RedisServer::start_with(&[]).await
    }

    /// With extra `redis-server` arguments, e.g. `["--maxmemory", "8mb"]`.
    pub async fn start_with(extra: &[&str]) -> RedisServer {
        let port = free_port();
        let mut child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(extra)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (Debian package redis-server) must be installed");
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return RedisServer { url: format!("redis://127.0.0.1:{port}/"), child };
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("redis-server did not start");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn mid(n: u32) -> [u8; 16] {
    let mut m = [0u8; 16];
    m[..4].copy_from_slice(&n.to_be_bytes());
    m
}

/// A plain HTTP GET on the relay's public port; the whole response, head included.
pub async fn http_get(relay: &Relay, path: &str) -> String {
    get_from(relay.addr, path).await
}

/// The relay's metrics, from its metrics address.
pub async fn metrics(relay: &Relay) -> String {
    get_from(relay.metrics, "/metrics").await
}

async fn get_from(addr: SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).await.unwrap();
    r
}

/// A well-behaved pair beside an attack: a fresh login every second and a sealed send
/// answered by a Deliver every 0.2 s, until stopped. Returns the slowest of each. A send
/// refused with QuotaExceeded (the relay's memory budget is full) is an answer too: the
/// relay served it, and said why it could not keep it.
pub struct Canary {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<(Duration, Duration, u32)>,
}

impl Canary {
    /// Returns once the canary is logged in and connected, so counts read after it
    /// include it.
    pub async fn start(addr: SocketAddr) -> Canary {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let receiver = Agent::new();
        let (mut inbox, _) = Client::login(addr, &receiver).await;
        let mut outbox = Client::sender(addr).await;
        let task = tokio::spawn(async move {
            let (mut slowest_trip, mut slowest_login, mut trips) = (Duration::ZERO, Duration::ZERO, 0u32);
            let mut last_login = tokio::time::Instant::now();
            while !*stopped.borrow_and_update() {
                let started = tokio::time::Instant::now();
                outbox.send(&receiver.send(mid(trips), b"canary")).await;
                match outbox.recv().await {
                    RelayToClient::Ack { .. } => match inbox.recv().await {
                        RelayToClient::Deliver { delivery_id, .. } => inbox.send(&ClientToRelay::DeliverAck { delivery_id }).await,
                        other => panic!("the canary expected its message, got {other:?}"),
                    },
                    RelayToClient::Error { code: agentnet_core::wire::ErrorCode::QuotaExceeded, .. } => {}
                    other => panic!("the canary's send got {other:?}"),
                }
                slowest_trip = slowest_trip.max(started.elapsed());
                trips += 1;
                if last_login.elapsed() >= Duration::from_secs(1) {
                    let started = tokio::time::Instant::now();
                    let _ = Client::login(addr, &Agent::new()).await;
                    slowest_login = slowest_login.max(started.elapsed());
                    last_login = tokio::time::Instant::now();
                }
                let _ = tokio::time::timeout(Duration::from_millis(200), stopped.changed()).await;
            }
            (slowest_trip, slowest_login, trips)
        });
        Canary { stop, task }
    }

    /// Stops it and checks it was served throughout: at least one round trip, none and
    /// no login slower than `bound` (generous: these machines are shared).
    pub async fn finish(self, bound: Duration) {
        let _ = self.stop.send(true);
        let (trip, login, trips) = self.task.await.expect("the canary was served throughout");
        assert!(trips > 0, "the canary made no round trip");
        assert!(trip < bound && login < bound, "slowest round trip {trip:?}, slowest login {login:?}, bound {bound:?}");
    }
}

/// A relay binary in its own process, so the test can SIGKILL it.
pub struct RelayProcess {
    pub addr: std::net::SocketAddr,
    child: std::process::Child,
}

impl RelayProcess {
    pub async fn start(redis_url: &str) -> RelayProcess {
        let addr: std::net::SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentnet-relay"))
            .env("RELAY_ADDR", addr.to_string())
            .env("REDIS_URL", redis_url)
            .env("RELAY_METRICS_ADDR", "off")
            .env("RUST_LOG", "warn")
            .spawn()
            .unwrap();
        for _ in 0..250 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return RelayProcess { addr, child };
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("relay process did not start");
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL: no drain, no goodbye
        let _ = self.child.wait();
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Hello with `token`: Ok after Welcome, or the error's code, text and close code.
pub async fn login_with(addr: SocketAddr, token: Option<Vec<u8>>) -> Result<(), (agentnet_core::wire::ErrorCode, String, u16)> {
    let agent = Agent::new();
    let mut c = Client::connect(addr).await;
    c.send(&ClientToRelay::Hello { agent_id: agent.id, id_token: token }).await;
    let (code, frames) = match c.try_recv_or_close().await {
        Ok(RelayToClient::Challenge { nonce }) => {
            let signature = agent.sign(&c.origin, &nonce);
            c.send(&ClientToRelay::Auth { signature }).await;
            assert_eq!(c.recv().await, RelayToClient::Welcome { mailbox_len: 0 });
            return Ok(());
        }
        Ok(other) => panic!("expected Challenge, got {other:?}"),
        Err(closed) => closed,
    };
    match frames.as_slice() {
        [RelayToClient::Error { code: e, message, .. }] => Err((*e, message.clone(), code)),
        other => panic!("expected one Error before the close, got {other:?}"),
    }
}

/// What `login_with` returns for a token refused for `reason`.
pub fn rejected(reason: &str) -> Result<(), (agentnet_core::wire::ErrorCode, String, u16)> {
    Err((agentnet_core::wire::ErrorCode::TokenRejected, reason.to_string(), agentnet_core::wire::close::AUTH_FAILED))
}
