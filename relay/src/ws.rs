//! The WebSocket endpoint agents connect to.

use axum::{
    Extension,
    extract::{State, WebSocketUpgrade},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use std::sync::atomic::Ordering::Relaxed;

use agentnet_core::wire::close;

use crate::connection::{self, ConnInfo, ReadError};
use crate::AppState;

/// The address a connection comes from, put on each request by [`crate::serve`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub(crate) std::net::IpAddr);

/// Checks the browser Origin and the instance's connection cap, then upgrades with
/// WebSocket limits far below the library defaults (64 MiB messages, 128 KiB buffers).
/// The 16 KiB write buffer lets a burst of frames leave in one write.
pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    peer: Option<Extension<Peer>>,
    State(state): State<AppState>,
) -> Response {
    let cfg = &state.inner.config;
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").trim_end_matches('/').to_lowercase();
        if !cfg.allowed_origins.is_empty() && !cfg.allowed_origins.contains(&origin) {
            // Refused before the upgrade: nothing is allocated for a foreign page.
            return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
        }
    }
    if state.inner.metrics.connections.load(Relaxed) >= cfg.max_connections as i64 {
        return (StatusCode::SERVICE_UNAVAILABLE, "relay full").into_response();
    }
    let info = ConnInfo { origins: state.accepted_origins(), peer: peer.map(|Extension(Peer(ip))| ip) };
    // Twice the frame limit at the WebSocket layer: frames between the two get a typed
    // FrameTooLarge error, larger ones are cut off by the WebSocket layer itself.
    let ws_max = cfg.max_frame_len * 2 + 64;
    ws.read_buffer_size(cfg.ws_read_buffer)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(ws_max * 4)
        .max_message_size(ws_max)
        .max_frame_size(ws_max)
        .on_upgrade(move |socket| {
            let (sink, stream) = socket.split();
            connection::run(sink, stream, state, info)
        })
}

/// The RFC 6455 close code for a WebSocket-level violation the library refused: invalid
/// UTF-8 in a text message 1007, a broken frame 1002, a frame or message above the limits
/// 1009. I/O errors get none: there is nobody left to tell.
impl ReadError for axum::Error {
    fn close_code(&self) -> Option<u16> {
        use std::error::Error as _;
        use tungstenite::Error;
        match self.source()?.downcast_ref::<Error>()? {
            Error::Utf8(_) => Some(close::INVALID_PAYLOAD),
            Error::Protocol(_) => Some(close::PROTOCOL_ERROR),
            Error::Capacity(_) => Some(close::MESSAGE_TOO_BIG),
            _ => None,
        }
    }
}
