//! The native target: tokio tasks and timers, tokio-tungstenite WebSockets.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::driver::Driver;
use super::error::StartError;
use super::link::{Link, LinkEvent, Runtime};

/// The driver's task; aborted when the client is dropped.
pub(crate) struct Task(tokio::task::JoinHandle<()>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs the driver on the current tokio runtime.
pub(crate) fn spawn(driver: Driver) -> Result<Task, StartError> {
    let handle = tokio::runtime::Handle::try_current().map_err(|_| StartError::NoRuntime)?;
    Ok(Task(handle.spawn(driver.run(Tokio))))
}

struct Tokio;

#[async_trait::async_trait]
impl Runtime for Tokio {
    type Link = Socket;

    async fn connect(&self, url: &str) -> Option<Socket> {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.ok()?;
        Some(Socket(ws))
    }

    async fn sleep(&self, duration: Duration) {
        crate::rt::sleep(duration).await;
    }
}

struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

#[async_trait::async_trait]
impl Link for Socket {
    async fn send(&mut self, frame: Vec<u8>) -> Result<(), ()> {
        self.0.send(Message::Binary(frame.into())).await.map_err(|_| ())
    }

    async fn recv(&mut self) -> LinkEvent {
        loop {
            match self.0.next().await {
                Some(Ok(Message::Binary(bytes))) => return LinkEvent::Frame(bytes.to_vec()),
                Some(Ok(Message::Close(frame))) => return LinkEvent::Closed(frame.map(|f| f.code.into())),
                // tungstenite answers WebSocket pings itself; text is not the wire.
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return LinkEvent::Closed(None),
            }
        }
    }

    async fn close(&mut self) {
        let _ = self.0.close(None).await;
    }
}
