//! The relay answers health checks and greets WebSocket clients, over real sockets.

use futures_util::StreamExt;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

async fn start() -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(agentnet_relay::serve(listener, agentnet_relay::AppState::new(), async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

#[tokio::test]
async fn healthz_answers_ok() {
    let (addr, _stop) = start().await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");
}

#[tokio::test]
async fn websocket_clients_are_greeted_with_the_wire_version() {
    let (addr, _stop) = start().await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    let first = socket.next().await.unwrap().unwrap();
    let Message::Binary(bytes) = first else { panic!("expected a binary frame, got {first:?}") };
    // What the e2e browser test checks: the first byte of the first frame is the version.
    assert_eq!(bytes[0], agentnet_core::WIRE_VERSION);
}
