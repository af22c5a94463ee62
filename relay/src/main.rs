//! The standalone relay binary: `agentnet-relay`, configured by `RELAY_CONFIG` (a TOML
//! file) and `RELAY_*` / `REDIS_URL` environment variables (see `Config`).

use anyhow::Context;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = agentnet_relay::Config::from_env().context("reading configuration")?;
    let addr = config.addr;
    let state = agentnet_relay::AppState::from_config(config).await.context("starting")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!(addr = %listener.local_addr()?, config = ?state.config(), "relay listening");
    agentnet_relay::serve(listener, state, async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    })
    .await
    .context("serving")
}
