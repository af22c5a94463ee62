//! The browser target: `spawn_local`, `setTimeout` and the browser WebSocket, through
//! gloo-net. gloo-net rather than raw web-sys: its WebSocket is already a `Stream` +
//! `Sink` with the close event (and its code) in the stream, which is all a [`Link`]
//! is; 0.6 rather than 0.7 because the app's Dioxus already locks 0.6, so the web
//! bundle carries one copy.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};

use super::driver::Driver;
use super::error::StartError;
use super::link::{Link, LinkEvent, Runtime};

/// The driver's task. In the browser it cannot be aborted; it ends by itself once the
/// client handle (and with it the command channel) is gone.
pub(crate) struct Task;

/// Runs the driver on the browser's event loop.
pub(crate) fn spawn(driver: Driver) -> Result<Task, StartError> {
    wasm_bindgen_futures::spawn_local(driver.run(Browser));
    Ok(Task)
}

struct Browser;

#[async_trait::async_trait(?Send)]
impl Runtime for Browser {
    type Link = Socket;

    async fn connect(&self, url: &str) -> Option<Socket> {
        WebSocket::open(url).ok().map(Socket)
    }

    async fn sleep(&self, duration: Duration) {
        crate::rt::sleep(duration).await;
    }
}

struct Socket(WebSocket);

#[async_trait::async_trait(?Send)]
impl Link for Socket {
    async fn send(&mut self, frame: Vec<u8>) -> Result<(), ()> {
        self.0.send(Message::Bytes(frame)).await.map_err(|_| ())
    }

    async fn recv(&mut self) -> LinkEvent {
        loop {
            match self.0.next().await {
                Some(Ok(Message::Bytes(bytes))) => return LinkEvent::Frame(bytes),
                Some(Ok(Message::Text(_))) => {}
                Some(Err(WebSocketError::ConnectionClose(event))) => return LinkEvent::Closed(Some(event.code)),
                Some(Err(_)) | None => return LinkEvent::Closed(None),
            }
        }
    }

    async fn close(&mut self) {
        let _ = SinkExt::close(&mut self.0).await;
    }
}
