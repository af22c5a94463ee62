//! The standalone relay binary: `agentnet-relay`, listening on `RELAY_ADDR`.

use anyhow::Context;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let addr = std::env::var("RELAY_ADDR").unwrap_or_else(|_| "127.0.0.1:8081".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!(addr = %listener.local_addr()?, "relay listening");
    agentnet_relay::serve(listener, agentnet_relay::AppState::new(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("serving")
}
