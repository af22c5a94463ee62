//! The WebSocket endpoint agents connect to.

use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{Message, WebSocket},
    },
    response::Response,
};
use futures_util::{SinkExt, StreamExt};

use crate::AppState;

pub(crate) async fn upgrade(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    ws.on_upgrade(move |socket| connection(socket, state))
}

/// Greets the client with the wire version it speaks, then serves it until it leaves.
async fn connection(socket: WebSocket, _state: AppState) {
    let (mut tx, mut rx) = socket.split();
    let hello = vec![agentnet_core::WIRE_VERSION];
    if tx.send(Message::Binary(hello.into())).await.is_err() {
        return;
    }
    while let Some(Ok(message)) = rx.next().await {
        if let Message::Close(_) = message {
            break;
        }
    }
}
