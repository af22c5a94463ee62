//! relay-bench: load generator for the relay.
//!
//! ```text
//! relay-bench idle --url ws://127.0.0.1:8081/ws --conns 50000 --pid <relay pid>
//!     opens N authenticated idle agents (source addresses 127.0.0.2.. so more than
//!     28k connections fit the ephemeral port range); reports connections held and the
//!     relay's RSS growth per connection from /proc/<pid>/status.
//! relay-bench route --url ws://A/ws [--url2 ws://B/ws] --pairs 64 --payload 256
//!         --secs 10 [--rate MSGS_PER_SEC] [--window 64]
//!     senders on --url, receivers on --url2 (or --url); reports routed messages/s and
//!     latency (send -> Deliver at the receiver) p50/p99/p999. Without --rate senders
//!     keep --window messages in flight each (throughput); with --rate they pace.
//! ```
//! The relay under test needs generous rate limits: RELAY_CONN_RATE, RELAY_CONN_BURST,
//! RELAY_AGENT_RATE and RELAY_AGENT_BURST at 10000000, RELAY_CONN_BYTES_RATE,
//! RELAY_IP_SEND_RATE and RELAY_IP_SEND_BURST at 4000000000 (every bench connection
//! comes from loopback, so the per-address send budget would be all of them).

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::wire::{ClientToRelay, RelayToClient, auth_message};
use anyhow::{Context, bail};
use agentnet_core::identity::Keypair;
use futures_util::{SinkExt, StreamExt};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio_tungstenite::{WebSocketStream, tungstenite::Message};

type Ws = WebSocketStream<TcpStream>;

struct Args(Vec<String>);
impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().position(|a| a == name).and_then(|i| self.0.get(i + 1)).map(|s| s.as_str())
    }
    fn num(&self, name: &str, default: u64) -> anyhow::Result<u64> {
        self.get(name).map_or(Ok(default), |v| v.parse().with_context(|| format!("{name} {v}")))
    }
}

fn host_port(url: &str) -> anyhow::Result<(SocketAddr, String)> {
    let rest = url.strip_prefix("ws://").context("only ws:// URLs")?;
    let hp = rest.split('/').next().unwrap_or(rest);
    Ok((hp.parse().context("the URL host must be ip:port")?, format!("ws://{hp}")))
}

/// Connects from source address 127.0.0.{2 + n / 20000} so many connections fit.
async fn connect(url: &str, n: usize) -> anyhow::Result<Ws> {
    let (addr, _) = host_port(url)?;
    let socket = TcpSocket::new_v4()?;
    if addr.ip().is_loopback() {
        let src = Ipv4Addr::new(127, 0, (n / 20_000 / 250) as u8, 2 + ((n / 20_000) % 250) as u8);
        socket.bind(SocketAddr::new(IpAddr::V4(src), 0))?;
    }
    let tcp = socket.connect(addr).await?;
    tcp.set_nodelay(true)?;
    let (ws, _) = tokio_tungstenite::client_async(url, tcp).await?;
    Ok(ws)
}

async fn next_frame(ws: &mut Ws) -> anyhow::Result<RelayToClient> {
    loop {
        match ws.next().await.context("closed")?? {
            Message::Binary(b) => return Ok(RelayToClient::decode(&b)?),
            Message::Close(c) => bail!("closed: {c:?}"),
            _ => {}
        }
    }
}

/// The delivery key agent `n` gives its contacts.
fn delivery_key(n: usize, seed: u64) -> DeliveryKey {
    let mut bytes = [0xd0_u8; 32];
    bytes[..8].copy_from_slice(&(n as u64).to_be_bytes());
    bytes[8..16].copy_from_slice(&seed.to_be_bytes());
    DeliveryKey::from_bytes(bytes)
}

/// A sending connection: it never logs in (sealed sender).
async fn sender(url: &str, n: usize) -> anyhow::Result<Ws> {
    let mut ws = connect(url, n).await?;
    let _hello = next_frame(&mut ws).await?;
    Ok(ws)
}

/// Connects and authenticates agent `n` (key derived from n and a run seed) and
/// publishes its delivery key; returns once the relay stored it.
async fn login(url: &str, n: usize, seed: u64) -> anyhow::Result<(Ws, [u8; 32])> {
    let (_, origin) = host_port(url)?;
    let mut secret = [0u8; 32];
    secret[..8].copy_from_slice(&(n as u64).to_be_bytes());
    secret[8..16].copy_from_slice(&seed.to_be_bytes());
    let key = Keypair::from_secret_bytes(&secret);
    let id = *key.agent_id().as_bytes();
    let mut ws = connect(url, n).await?;
    let _hello = next_frame(&mut ws).await?;
    ws.send(Message::Binary(ClientToRelay::Hello { agent_id: id, id_token: None }.encode().into())).await?;
    let RelayToClient::Challenge { nonce } = next_frame(&mut ws).await? else { bail!("no challenge") };
    let signature = key.sign(&auth_message(&origin, &nonce, &id));
    ws.send(Message::Binary(ClientToRelay::Auth { signature }.encode().into())).await?;
    match next_frame(&mut ws).await? {
        RelayToClient::Welcome { .. } => {}
        other => bail!("expected Welcome, got {other:?}"),
    }
    let hashes = vec![delivery_key(n, seed).hash()];
    ws.send(Message::Binary(ClientToRelay::DeliveryKeys { hashes }.encode().into())).await?;
    ws.send(Message::Binary(ClientToRelay::Ping { nonce: 0 }.encode().into())).await?;
    while !matches!(next_frame(&mut ws).await?, RelayToClient::Pong { nonce: 0 }) {}
    Ok((ws, id))
}

fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("VmRSS value")?.parse()?)
}

async fn idle(args: &Args) -> anyhow::Result<()> {
    let url = args.get("--url").context("--url")?.to_string();
    let conns = args.num("--conns", 10_000)? as usize;
    let pid = args.get("--pid").map(|p| p.parse::<u32>()).transpose()?;
    let before = pid.map(rss_kib).transpose()?;
    let started = Instant::now();
    let seed: u64 = rand::random();
    let gate = Arc::new(Semaphore::new(256));
    let mut tasks = Vec::with_capacity(conns);
    for n in 0..conns {
        let (url, gate) = (url.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.ok()?;
            let r = login(&url, n, seed).await;
            drop(permit);
            match r {
                Ok((ws, _)) => Some(ws),
                Err(e) => {
                    eprintln!("connection {n}: {e:#}");
                    None
                }
            }
        }));
    }
    let mut held = Vec::with_capacity(conns);
    for t in tasks {
        if let Some(ws) = t.await? {
            held.push(ws);
        }
    }
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await; // let allocator and queues settle
    println!("connections held: {} of {conns} (opened in {:.1} s)", held.len(), took.as_secs_f64());
    if let (Some(pid), Some(before)) = (pid, before) {
        let after = rss_kib(pid)?;
        println!(
            "relay RSS: {before} KiB before, {after} KiB after: {:.2} KiB per connection",
            (after.saturating_sub(before)) as f64 / held.len().max(1) as f64
        );
    }
    // Keep them open while someone looks (e.g. at /metrics).
    let hold = args.num("--hold", 0)?;
    tokio::time::sleep(Duration::from_secs(hold)).await;
    Ok(())
}

async fn route(args: &Args) -> anyhow::Result<()> {
    let url = args.get("--url").context("--url")?.to_string();
    let url2 = args.get("--url2").unwrap_or(&url).to_string();
    let pairs = args.num("--pairs", 64)? as usize;
    let payload = args.num("--payload", 256)?.max(8) as usize;
    let secs = args.num("--secs", 10)?;
    let window = args.num("--window", 64)? as usize;
    let rate = args.num("--rate", 0)?;
    let seed: u64 = rand::random();
    let t0 = Instant::now();
    let delivered = Arc::new(AtomicU64::new(0));
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut receivers = Vec::new();
    let mut senders = Vec::new();
    for p in 0..pairs {
        let (rx_ws, rx_id) = login(&url2, 2 * p, seed).await?;
        let tx_ws = sender(&url, 2 * p + 1).await?;
        receivers.push((rx_ws, rx_id));
        senders.push(tx_ws);
    }
    println!("{pairs} pairs connected ({} -> {})", url, url2);
    // Latency histogram in 10 us buckets up to 1 s (+ overflow), shared by receivers.
    let hist: Arc<Vec<AtomicU64>> = Arc::new((0..100_001).map(|_| AtomicU64::new(0)).collect());
    let mut handles = Vec::new();
    let mut ids = Vec::new();
    for (ws, id) in receivers {
        ids.push(id);
        let (mut sink, mut stream) = ws.split();
        let (delivered, measuring, hist) = (delivered.clone(), measuring.clone(), hist.clone());
        handles.push(tokio::spawn(async move {
            use futures_util::FutureExt;
            'outer: while let Some(Ok(first)) = stream.next().await {
                let mut next = Some(first);
                while let Some(msg) = next.take() {
                    if let Message::Binary(b) = msg
                        && let Ok(RelayToClient::Deliver { delivery_id, envelope, .. }) = RelayToClient::decode(&b)
                    {
                        let sent_us = u64::from_be_bytes(envelope[..8].try_into().unwrap_or([0; 8]));
                        if measuring.load(Relaxed) {
                            delivered.fetch_add(1, Relaxed);
                            let us = (t0.elapsed().as_micros() as u64).saturating_sub(sent_us);
                            hist[((us / 10) as usize).min(100_000)].fetch_add(1, Relaxed);
                        }
                        let ack = ClientToRelay::DeliverAck { delivery_id }.encode();
                        if sink.feed(Message::Binary(ack.into())).await.is_err() {
                            break 'outer;
                        }
                    }
                    // Acks go out in one write once nothing more is waiting to be read.
                    next = match stream.next().now_or_never() {
                        Some(Some(Ok(m))) => Some(m),
                        Some(_) => break 'outer,
                        None => None,
                    };
                }
                if sink.flush().await.is_err() {
                    break;
                }
            }
        }));
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for (p, ws) in senders.into_iter().enumerate() {
        let recipient = ids[p];
        let key = delivery_key(2 * p, seed);
        let stop = stop.clone();
        let (mut sink, mut stream) = ws.split();
        let permits = Arc::new(Semaphore::new(window));
        let reader_permits = permits.clone();
        handles.push(tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                if let Message::Binary(b) = msg
                    && let Ok(RelayToClient::Ack { .. } | RelayToClient::Error { .. }) = RelayToClient::decode(&b)
                {
                    reader_permits.add_permits(1);
                }
            }
        }));
        handles.push(tokio::spawn(async move {
            let mut envelope = vec![0xab; payload];
            let mut n: u32 = 0;
            let mut tick = (rate > 0).then(|| {
                let period = Duration::from_secs_f64(pairs as f64 / rate as f64);
                let mut i = tokio::time::interval(period);
                i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                i
            });
            while !stop.load(Relaxed) {
                if let Some(t) = &mut tick {
                    t.tick().await;
                }
                let permit = match permits.try_acquire() {
                    Ok(p) => p,
                    Err(_) => {
                        // Window full: push out what was fed, then wait for Acks.
                        if sink.flush().await.is_err() {
                            break;
                        }
                        let Ok(p) = permits.acquire().await else { break };
                        p
                    }
                };
                permit.forget();
                n = n.wrapping_add(1);
                envelope[..8].copy_from_slice(&(t0.elapsed().as_micros() as u64).to_be_bytes());
                let mut message_id = [0u8; 16];
                message_id[..4].copy_from_slice(&n.to_be_bytes());
                let frame = ClientToRelay::Send { recipient, delivery_key: key.clone(), message_id, envelope: envelope.clone() }.encode();
                let sent = if tick.is_some() {
                    sink.send(Message::Binary(frame.into())).await
                } else {
                    sink.feed(Message::Binary(frame.into())).await
                };
                if sent.is_err() {
                    break;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // warm-up
    measuring.store(true, Relaxed);
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    measuring.store(false, Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    stop.store(true, Relaxed);
    let count = delivered.load(Relaxed);
    for h in &handles {
        h.abort();
    }
    let counts: Vec<u64> = hist.iter().map(|c| c.load(Relaxed)).collect();
    let total: u64 = counts.iter().sum();
    let q = |p: f64| {
        let target = (total as f64 * p).ceil() as u64;
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= target.max(1) {
                return (i as u64 + 1) * 10; // upper bound of the bucket
            }
        }
        0
    };
    println!(
        "routed {count} msgs in {elapsed:.1} s: {:.0} msgs/s; latency p50 {} us, p99 {} us, p999 {} us (n={})",
        count as f64 / elapsed,
        q(0.50),
        q(0.99),
        q(0.999),
        total
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args(std::env::args().collect());
    match args.0.get(1).map(|s| s.as_str()) {
        Some("idle") => idle(&args).await,
        Some("route") => route(&args).await,
        _ => bail!("usage: relay-bench idle|route --url ws://ip:port/ws ... (see the source header)"),
    }
}
