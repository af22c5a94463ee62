//! Faults under load: two relay processes sharing a real redis-server while a sender
//! streams uniquely numbered messages to a receiver on the other instance. Redis is
//! frozen (SIGSTOP) for 5 s, killed and restarted, one relay's connection to Redis is cut
//! and restored through a TCP proxy the test controls, and a relay is SIGKILLed
//! mid-burst. The clients behave like real ones: the sender resends what was not
//! acknowledged and reconnects elsewhere, the receiver reconnects and de-duplicates by
//! message id. Asserted: no acknowledged message lost, and each fault recovered from;
//! repeated deliveries (which the client's de-duplication keeps from the app) are counted; the figures are printed for the issue note
//! (`cargo test -p agentnet-relay --test chaos -- --nocapture`).

mod common;

use agentnet_core::wire::{ClientToRelay, RelayToClient};
use common::*;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// A redis-server whose data survives a SIGKILL (append-only file, fsync on every write),
/// so it can be frozen, killed and started again on the same port.
struct ChaosRedis {
    port: u16,
    dir: std::path::PathBuf,
    child: std::process::Child,
}

impl ChaosRedis {
    async fn start() -> ChaosRedis {
        let dir = std::env::temp_dir().join(format!("agentnet-chaos-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let child = Self::spawn(port, &dir).await;
        ChaosRedis { port, dir, child }
    }

    async fn spawn(port: u16, dir: &std::path::Path) -> std::process::Child {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always", "--dir"])
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (Debian package redis-server) must be installed");
        for _ in 0..250 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("redis-server did not start");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill {signal}");
    }

    async fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = Self::spawn(self.port, &self.dir).await;
    }
}

impl Drop for ChaosRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A TCP proxy in front of Redis: `cut` closes every connection through it and refuses
/// new ones until `restore`.
struct Proxy {
    addr: SocketAddr,
    open: Arc<tokio::sync::watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: u16) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let open = Arc::new(tokio::sync::watch::channel(true).0);
        let gate = open.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { return };
                if !*gate.borrow() {
                    continue; // dropped: refused while cut
                }
                let mut cut = gate.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|open| !*open) => {}
                    }
                });
            }
        });
        Proxy { addr, open, task }
    }

    fn cut(&self) {
        self.open.send_replace(false);
    }

    fn restore(&self) {
        self.open.send_replace(true);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the clients saw, shared with the test.
#[derive(Default)]
struct Log {
    /// When each message was first sent.
    sent_at: HashMap<u32, Instant>,
    acked: HashSet<u32>,
    /// When each message first reached the app.
    shown_at: HashMap<u32, Instant>,
    deliveries: u64,
    /// The relay the sender is connected to now (an index into the relays).
    sender_on: usize,
}

fn number(message_id: &[u8; 16]) -> u32 {
    u32::from_be_bytes(message_id[..4].try_into().unwrap())
}

/// Connects to the first relay of `relays` that answers, starting at `prefer`; logs in
/// as `receiver` if given.
async fn connect(relays: &[SocketAddr], prefer: usize, receiver: Option<&Arc<Agent>>) -> (Client, usize) {
    let mut at = prefer;
    loop {
        let addr = relays[at % relays.len()];
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            at += 1;
            continue; // that relay is gone
        }
        let agent = receiver.cloned();
        // The test client panics on a relay that dies under it: in its own task, a panic
        // is just a failed attempt.
        let attempt = tokio::spawn(async move {
            match agent {
                Some(agent) => Client::login(addr, &agent).await.0,
                None => Client::sender(addr).await,
            }
        });
        if let Ok(Ok(client)) = tokio::time::timeout(Duration::from_secs(5), attempt).await {
            return (client, at % relays.len());
        }
        at += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends `receiver` message after message, each until acknowledged, every 5 ms.
async fn sender(relays: Vec<SocketAddr>, receiver: Arc<Agent>, log: Arc<Mutex<Log>>, stop: tokio::sync::watch::Receiver<bool>) {
    let (mut client, mut at) = connect(&relays, 0, None).await;
    log.lock().unwrap().sender_on = at;
    let mut n = 0u32;
    while !*stop.borrow() {
        log.lock().unwrap().sent_at.insert(n, Instant::now());
        loop {
            // A resend after a lost or late Ack may store the message twice: the receiver
            // de-duplicates, as a real one does.
            let sent = client.try_send(&receiver.send(mid(n), &n.to_be_bytes())).await;
            let answer = tokio::time::timeout(Duration::from_secs(2), async {
                if !sent {
                    return false;
                }
                loop {
                    match client.ws_frame().await {
                        Some(RelayToClient::Ack { message_id, .. }) if number(&message_id) == n => return true,
                        Some(RelayToClient::Error { .. }) | None => return false,
                        Some(_) => {} // a late Ack of an earlier copy
                    }
                }
            })
            .await;
            match answer {
                Ok(true) => break,
                Ok(false) | Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    (client, at) = connect(&relays, at + 1, None).await;
                    log.lock().unwrap().sender_on = at;
                }
            }
        }
        log.lock().unwrap().acked.insert(n);
        n += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Receives, acknowledges and shows each message once; reconnects when cut off.
async fn receiver(relays: Vec<SocketAddr>, agent: Arc<Agent>, log: Arc<Mutex<Log>>, stop: tokio::sync::watch::Receiver<bool>) {
    let (mut client, mut at) = connect(&relays, 1, Some(&agent)).await;
    while !*stop.borrow() {
        let frame = match client.ahead.pop_front() {
            Some(frame) => Ok(Some(frame)),
            None => tokio::time::timeout(Duration::from_millis(500), client.ws_frame()).await,
        };
        match frame {
            Ok(Some(RelayToClient::Deliver { delivery_id, message_id, .. })) => {
                {
                    let mut log = log.lock().unwrap();
                    log.deliveries += 1;
                    log.shown_at.entry(number(&message_id)).or_insert_with(Instant::now);
                }
                // If the connection is gone, the Ack is lost and the message comes again.
                let _ = client.try_send(&ClientToRelay::DeliverAck { delivery_id }).await;
            }
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => (client, at) = connect(&relays, at, Some(&agent)).await,
        }
    }
}

/// From `since`, how long until a message first sent after `since` reached the app.
fn recovery(log: &Log, since: Instant) -> Option<Duration> {
    log.sent_at
        .iter()
        .filter(|(_, sent)| **sent >= since)
        .filter_map(|(n, _)| log.shown_at.get(n))
        .min()
        .map(|shown| shown.duration_since(since))
}

/// Waits until a message sent after `since` reached the app (at most 30 s).
async fn recovered(log: &Arc<Mutex<Log>>, since: Instant) -> Duration {
    for _ in 0..300 {
        let took = recovery(&log.lock().unwrap(), since);
        if let Some(took) = took {
            return took;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no message got through within 30 s of the fault");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_under_load_lose_no_acknowledged_message() {
    let mut redis = ChaosRedis::start().await;
    let proxy = Proxy::start(redis.port).await;
    let one = RelayProcess::start(&redis.url()).await;
    let two = RelayProcess::start(&format!("redis://{}/", proxy.addr)).await;
    let relays = vec![one.addr, two.addr];
    let mut processes = [one, two];
    let agent = Arc::new(Agent::new());
    let log = Arc::new(Mutex::new(Log::default()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let receiving = tokio::spawn(receiver(relays.clone(), agent.clone(), log.clone(), stopped.clone()));
    // The receiver publishes its delivery key before anything is sent to it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sending = tokio::spawn(sender(relays.clone(), agent.clone(), log.clone(), stopped));
    tokio::time::sleep(Duration::from_secs(1)).await;

    let mut figures = Vec::new();
    // Redis frozen for 5 s.
    redis.signal("-STOP");
    tokio::time::sleep(Duration::from_secs(5)).await;
    redis.signal("-CONT");
    let at = Instant::now();
    figures.push(("redis paused 5 s (SIGSTOP)", recovered(&log, at).await));
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The second relay's connections to Redis cut for 3 s.
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.restore();
    let at = Instant::now();
    figures.push(("relay two cut off from redis 3 s", recovered(&log, at).await));
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Redis killed and started again (its append-only file keeps what it acknowledged).
    redis.restart().await;
    let at = Instant::now();
    figures.push(("redis killed and restarted", recovered(&log, at).await));
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The sender's relay killed mid-burst.
    let sender_on = log.lock().unwrap().sender_on;
    processes[sender_on].kill();
    let at = Instant::now();
    figures.push(("the sender's relay SIGKILLed", recovered(&log, at).await));
    tokio::time::sleep(Duration::from_secs(2)).await;

    stop.send_replace(true);
    sending.await.unwrap();
    // Whatever is still waiting reaches the receiver.
    tokio::time::sleep(Duration::from_secs(2)).await;
    receiving.abort();

    let log = log.lock().unwrap();
    let lost: Vec<u32> = log.acked.iter().filter(|n| !log.shown_at.contains_key(n)).copied().collect();
    let redelivered = log.deliveries - log.shown_at.len() as u64;
    println!(
        "chaos: {} messages acknowledged, {} lost; {} deliveries, {redelivered} of them repeats that the client's de-duplication by message id kept from the app",
        log.acked.len(),
        lost.len(),
        log.deliveries
    );
    for (fault, took) in &figures {
        println!("chaos: {fault}: recovered in {} ms", took.as_millis());
    }
    assert!(log.acked.len() > 100, "the workload ran ({} acknowledged)", log.acked.len());
    assert!(lost.is_empty(), "acknowledged but never delivered: {lost:?}");
}
