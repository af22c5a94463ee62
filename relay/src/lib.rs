//! agentnet-relay: the only server of agentnet.
//!
//! It routes opaque ciphertext between agents and never sees plaintext or the
//! sender of a message. The library exposes [`router`] so the app's fullstack
//! server can mount it, and [`serve`] so tests bind port 0 and need no sleeps.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

mod router;
mod state;
mod ws;

pub use router::router;
pub use state::AppState;

use std::future::Future;
use tokio::net::TcpListener;

/// Serves the relay on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
