//! The relay's HTTP surface.

use axum::{Router, routing::get};

use crate::{AppState, ws};

/// Builds the relay's routes: `/healthz` and the WebSocket endpoint `/ws`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/ws", get(ws::upgrade))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}
