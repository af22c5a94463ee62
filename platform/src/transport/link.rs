//! What a driver needs from its target: a WebSocket ([`Link`]), a way to open one and
//! a timer ([`Runtime`]). `native.rs` and `web.rs` implement these; everything above
//! them is shared.

use std::time::Duration;

use crate::store::MaybeSendSync;

/// What reading a WebSocket gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkEvent {
    /// One binary message.
    Frame(Vec<u8>),
    /// The connection is gone, with the close code if one was received.
    Closed(Option<u16>),
}

/// One open WebSocket to the relay.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub(crate) trait Link: MaybeSendSync {
    /// Writes one binary message; `Err` once the connection is gone.
    async fn send(&mut self, frame: Vec<u8>) -> Result<(), ()>;
    /// The next binary message or the end of the connection. Cancel-safe: dropping the
    /// future loses nothing.
    async fn recv(&mut self) -> LinkEvent;
    /// Closes the connection (best effort).
    async fn close(&mut self);
}

/// Opens links and sleeps, on one target.
#[cfg_attr(not(wasm_browser), async_trait::async_trait)]
#[cfg_attr(wasm_browser, async_trait::async_trait(?Send))]
pub(crate) trait Runtime: MaybeSendSync {
    /// The target's link.
    type Link: Link;
    /// Opens a WebSocket to `url`; `None` if it could not be opened.
    async fn connect(&self, url: &str) -> Option<Self::Link>;
    /// Completes after `duration`.
    async fn sleep(&self, duration: Duration);
}
