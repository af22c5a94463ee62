//! A userspace TCP proxy between clients and the relay that misbehaves like a bad
//! network: it cuts every connection on demand, and it reads the relay's WebSocket
//! frames (server frames are unmasked, so a minimal parser suffices) to inject
//! duplicate Deliver frames and stale, out-of-order redeliveries of earlier ones.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use agentnet_core::wire::RelayToClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// What the proxy did, for the test to check it really misbehaved.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) connections: AtomicUsize,
    pub(crate) cuts: AtomicUsize,
    pub(crate) duplicated: AtomicUsize,
    pub(crate) replayed: AtomicUsize,
}

pub(crate) struct Proxy {
    pub(crate) addr: SocketAddr,
    pub(crate) stats: Arc<Stats>,
    cut: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on 127.0.0.1:`port` and forwards to `upstream`.
    pub(crate) async fn start(port: u16, upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stats = Arc::new(Stats::default());
        let (cut, cut_rx) = watch::channel(0u64);
        let task = tokio::spawn(accept_loop(listener, upstream, stats.clone(), cut_rx));
        Proxy { addr, stats, cut, task }
    }

    /// The URL clients dial.
    pub(crate) fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Drops every open connection, both sides, without a close frame.
    pub(crate) fn cut(&self) {
        self.stats.cuts.fetch_add(1, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, stats: Arc<Stats>, cut: watch::Receiver<u64>) {
    // Owns every connection's task: aborting the accept loop ends them all.
    let mut conns = JoinSet::new();
    loop {
        let Ok((client, _)) = listener.accept().await else { continue };
        while conns.try_join_next().is_some() {}
        let Ok(server) = TcpStream::connect(upstream).await else { continue };
        stats.connections.fetch_add(1, Ordering::SeqCst);
        let (stats, mut cut) = (stats.clone(), cut.clone());
        cut.mark_unchanged();
        conns.spawn(async move {
            tokio::select! {
                _ = pump(client, server, stats) => {}
                _ = cut.changed() => {} // dropping the sockets is the cut
            }
        });
    }
}

async fn pump(client: TcpStream, server: TcpStream, stats: Arc<Stats>) {
    let (mut client_rx, mut client_tx) = client.into_split();
    let (mut server_rx, mut server_tx) = server.into_split();
    let up = tokio::io::copy(&mut client_rx, &mut server_tx);
    let down = async {
        let mut mangler = Mangler { stats, head_done: false, buf: Vec::new(), delivers: 0, previous: None };
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match server_rx.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let out = mangler.feed(&chunk[..n]);
            if client_tx.write_all(&out).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

/// Rewrites the relay -> client byte stream frame by frame.
struct Mangler {
    stats: Arc<Stats>,
    head_done: bool,
    buf: Vec<u8>,
    delivers: usize,
    /// The raw bytes of the Deliver frame before the current one.
    previous: Option<Vec<u8>>,
}

impl Mangler {
    /// Takes bytes from the relay; returns the bytes to pass on.
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        if !self.head_done {
            // The HTTP upgrade response goes through untouched.
            let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") else { return out };
            out.extend(self.buf.drain(..end + 4));
            self.head_done = true;
        }
        while let Some((len, opcode, payload)) = frame_at(&self.buf) {
            let frame: Vec<u8> = self.buf.drain(..len).collect();
            let is_deliver = opcode == 2
                && matches!(RelayToClient::decode(&frame[payload]), Ok(RelayToClient::Deliver { .. }));
            out.extend_from_slice(&frame);
            if !is_deliver {
                continue;
            }
            self.delivers += 1;
            match self.delivers % 3 {
                // The same frame twice in a row.
                0 => {
                    out.extend_from_slice(&frame);
                    self.stats.duplicated.fetch_add(1, Ordering::SeqCst);
                }
                // The previous Deliver again, now after a newer one.
                1 => {
                    if let Some(previous) = &self.previous {
                        out.extend_from_slice(previous);
                        self.stats.replayed.fetch_add(1, Ordering::SeqCst);
                    }
                }
                _ => {}
            }
            self.previous = Some(frame);
        }
        out
    }
}

/// The length, opcode and payload range of the complete frame at the start of `buf`.
fn frame_at(buf: &[u8]) -> Option<(usize, u8, std::ops::Range<usize>)> {
    let [b0, b1, ..] = *buf else { return None };
    let opcode = b0 & 0x0f;
    let masked = b1 & 0x80 != 0;
    let (len, at) = match b1 & 0x7f {
        126 => (u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize, 4),
        127 => (u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize, 10),
        n => (n as usize, 2),
    };
    assert!(!masked, "a relay never masks its frames");
    let end = at + len;
    (buf.len() >= end).then_some((end, opcode, at..end))
}
