//! The relay client: a WebSocket to the relay that never loses a message.
//!
//! - **Two connections** (sealed sender): a receiving one that logs in (ServerHello,
//!   Hello, Challenge, Auth signed over [`agentnet_core::wire::auth_message`] with the
//!   origin of the URL dialled ([`relay_origin`]), Welcome) and takes the mailbox,
//!   publishes prekeys and delivery keys; and a sending one that never logs in, so the
//!   relay cannot tell who sends. Each has its own [`Machine`] and reconnects alone.
//! - **Sending**: [`RelayClient::send`] first writes the message to the [`Outbox`], then
//!   completes when the relay acks it (stored). Each Send carries the recipient's
//!   delivery key. Everything unacknowledged is sent again after each reconnect and
//!   after a restart (from the outbox, with keys from the [`KeyBook`]).
//! - **Receiving**: each Deliver goes to the [`InboundSink`] unless its message id is in
//!   [`SeenIds`]; the DeliverAck is written only after the sink stored it. Duplicates
//!   (redeliveries, resends) are acknowledged and dropped.
//! - **Reconnecting**: jittered exponential [`Backoff`], reset once a connection stayed
//!   up; a relay closing with 1001 (going away) is redialled at once. The state is a
//!   watch channel of [`ConnectionState`] for the UI.
//!
//! The protocol lives in the sans-I/O [`Machine`]; a shared driver runs it over the
//! target's WebSocket (`native.rs`: tokio-tungstenite; `web.rs`: the browser's).
//!
//! "Never loses a message" means: a message whose `send` returned `Ok` is stored by the
//! relay, and a message in the outbox is sent until the relay stores it; the recipient's
//! sink sees each message id once. What the relay stored survives the relay only when its
//! mailbox does (Redis); an in-memory relay that dies loses its mailbox.

mod client;
mod driver;
mod error;
mod inbound;
mod keybook;
mod link;
mod machine;
mod origin;
mod outbox;
mod outgoing;
mod state;

#[cfg_attr(not(wasm_browser), path = "native.rs")]
#[cfg_attr(wasm_browser, path = "web.rs")]
mod platform;

pub use crate::rt::backoff::{Backoff, BackoffConfig, Jitter, RandomJitter, SequenceJitter};
pub use client::{ClientConfig, ClientStores, RelayClient};
pub use error::{SendError, StartError};
pub use inbound::{InboundSink, MemorySeen, SeenIds, StoreSeen};
pub use keybook::{KeyBook, MemoryKeyBook};
pub use machine::{Input, Machine, Output, Phase, Role};
pub use origin::relay_origin;
pub use outbox::{MemoryOutbox, Outbox, StoreOutbox};
pub use outgoing::Outgoing;
pub use state::ConnectionState;

#[cfg(test)]
mod tests;

/// The error of the in-memory outbox and seen ids when a writer panicked mid-update.
fn memory_lock_poisoned() -> crate::store::StoreError {
    crate::store::StoreError::Backend { backend: "memory", message: "lock poisoned".into() }
}
