//! agentnet-relay: the only server of agentnet.
//!
//! It routes opaque ciphertext between agents and never sees plaintext or the
//! sender of a message. The library exposes [`router`] so the app's fullstack
//! server can mount it, and [`serve`] so tests bind port 0 and need no sleeps.
//!
//! Every task the relay spawns is owned by a handle that aborts it on drop
//! (`task::AbortOnDrop`, the connection `JoinSet` in [`serve`]), and connections
//! watch the drain signal, so nothing outlives the server that started it.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

mod auth;
pub mod config;
mod connection;
mod limits;
mod mailbox;
mod metrics;
mod oidc;
mod prekeys;
mod presence;
mod router;
mod routing;
mod senders;
mod state;
mod task;
mod write_deadline;
mod ws;

pub use config::Config;
pub use router::{metrics_router, router};
pub use state::{AppState, StartError};

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::atomic::Ordering;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// Serves `/metrics` on `listener` until dropped. The relay's public listener never
/// does: the figures tell how many agents are online.
pub async fn serve_metrics(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, metrics_router(state)).await
}

/// Serves the relay on `listener` until `shutdown` resolves, then drains: stops
/// accepting, lets every connection finish the frame in hand (so Acks are flushed),
/// closes them with 1001 going away, and waits up to the drain timeout.
///
/// Each HTTP connection gets a header-read timeout, so a client that trickles its
/// request head (slowloris) cannot hold a socket.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Dropping `serve` (or returning) aborts every HTTP connection task; upgraded
    // WebSocket tasks follow the drain signal this guard raises.
    struct DrainOnDrop(AppState);
    impl Drop for DrainOnDrop {
        fn drop(&mut self) {
            self.0.drain();
        }
    }
    state.listening_on(listener.local_addr()?);
    let guard = DrainOnDrop(state.clone());
    let app = router(state.clone());
    let mut conns: JoinSet<()> = JoinSet::new();
    let header_timeout = state.config().header_read_timeout;
    tokio::pin!(shutdown);
    loop {
        while conns.try_join_next().is_some() {}
        let (tcp, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        // Each request learns where its connection comes from (per-address send budgets).
        let service = TowerToHyperService::new(tower::ServiceExt::map_request(app.clone(), move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ws::Peer(peer.ip()));
            request
        }));
        conns.spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let _ = http.serve_connection(TokioIo::new(tcp), service).with_upgrades().await;
        });
    }
    drop(listener);
    tracing::info!("draining");
    state.drain();
    let deadline = tokio::time::Instant::now() + state.config().drain_timeout;
    while state.inner.metrics.connections.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    drop(guard);
    Ok(())
}
