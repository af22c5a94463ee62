//! [`ConnectionState`]: what the UI shows about the relay connection.

use std::time::Duration;

/// The relay connection as the owner sees it. Published through a watch channel
/// ([`super::RelayClient::state`]): read the current value, await changes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Opening the WebSocket.
    Connecting,
    /// Connected; proving the identity (Hello, Challenge, Auth).
    Authenticating,
    /// Authenticated: messages flow.
    Online,
    /// Not connected; the next attempt starts after `retry_in`.
    Offline {
        /// The wait before the next attempt.
        retry_in: Duration,
        /// The relay's WebSocket close code, if it closed cleanly.
        close_code: Option<u16>,
    },
    /// The client was stopped and will not reconnect.
    Stopped,
}
