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
    // Metrics are for the operator and secondary: an address already taken (several relays
    // on one machine, all on the default) costs the metrics, not the relay.
    let metrics = match state.config().metrics_addr {
        Some(at) => match tokio::net::TcpListener::bind(at).await {
            Ok(metrics) => {
                tracing::info!(addr = %at, "metrics listening");
                Some(tokio::spawn(agentnet_relay::serve_metrics(metrics, state.clone())))
            }
            Err(e) => {
                tracing::warn!(addr = %at, error = %e, "metrics not served: cannot bind RELAY_METRICS_ADDR");
                None
            }
        },
        None => None,
    };
    let served = agentnet_relay::serve(listener, state, async {
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
    .await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    served.context("serving")
}
