//! The relay's HTTP surface.

use axum::{Router, extract::State, http::StatusCode, routing::get};
use std::sync::atomic::Ordering;

use crate::{AppState, ws};

/// Builds the relay's public routes: `/healthz`, `/readyz`, `/config` and the WebSocket
/// endpoint `/ws`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/config", get(config))
        .route("/ws", get(ws::upgrade))
        .with_state(state)
}

/// `/metrics` alone, for the operator's address (`Config::metrics_addr`).
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(state)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The instance takes connections: not draining, routing intact.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.inner.life.ready.load(Ordering::SeqCst) {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}

/// What a client must know before it connects (documented in `docs/protocol.md`): whether
/// an ID token is required, and where accounts come from.
async fn config(State(state): State<AppState>) -> axum::Json<serde_json::Value> {
    axum::Json(match &state.inner.oidc {
        Some(gate) => gate.announcement(),
        None => serde_json::json!({ "id_token_required": false }),
    })
}

async fn metrics(State(state): State<AppState>) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.inner.metrics.render(),
    )
}
