//! Why a transport operation failed.

use agentnet_core::wire::ErrorCode;

use crate::store::StoreError;

/// Why a [`super::RelayClient::send`] did not end with a relay acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The message could not be written to the outbox, so it was not sent at all.
    #[error("recording the message in the outbox failed: {0}")]
    Outbox(#[from] StoreError),
    /// The relay refused the message for good (an unknown recipient, a frame it will
    /// never accept). It was removed from the outbox.
    #[error("the relay refused the message: {code:?}")]
    Rejected {
        /// The relay's reason.
        code: ErrorCode,
    },
    /// The client stopped before the relay acknowledged the message. It stays in the
    /// outbox and is sent again by the next client started over the same outbox.
    #[error("the relay client stopped before the message was acknowledged")]
    Stopped,
}

/// Why a [`super::RelayClient`] could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Not `ws://` or `wss://`.
    #[error("relay URL {url:?} must start with ws:// or wss://")]
    Scheme {
        /// The URL given.
        url: String,
    },
    /// No host after the scheme.
    #[error("relay URL {url:?} has no host")]
    NoHost {
        /// The URL given.
        url: String,
    },
    /// Natively the client runs on tokio: start it from inside a tokio runtime.
    #[error("the relay client must be started inside a tokio runtime")]
    NoRuntime,
}
