//! The browser relay client (gloo-net WebSocket) against the real relay binary, in
//! headless Chromium: two clients authenticate, each sends the other a message, the relay
//! acknowledges it and the recipient stores it once.
//!
//! A wasm test cannot start a process, so the relay runs outside the browser: `./x test`
//! (function `browser_relay_test`) starts the binary on a free port and builds this test
//! with the URL in `AGENTNET_TEST_RELAY_URL`, read at compile time. Without it the test
//! fails and says so, rather than passing without a relay.

#![cfg(wasm_browser)]

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::identity::Keypair;
use agentnet_core::wire::{AckStatus, MessageId};
use agentnet_platform::store::StoreError;
use agentnet_platform::transport::{
    ClientConfig, ClientStores, ConnectionState, InboundSink, MemoryKeyBook, MemoryOutbox, MemorySeen, Outbox, Outgoing,
    RelayClient,
};
use futures_util::future::{Either, select};
use tokio::sync::watch;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A guard against hanging forever, not a timing assumption: each wait ends by an event
/// long before it. Shorter than wasm-bindgen-test-runner's own timeout (20 s), so a
/// missing relay fails with the name of what it was waiting for.
const GUARD: Duration = Duration::from_secs(10);

fn relay_url() -> &'static str {
    option_env!("AGENTNET_TEST_RELAY_URL")
        .expect("AGENTNET_TEST_RELAY_URL is not set: run this test through `./x test` or `./x test-browser`")
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// `future`, or a panic naming `what` if it takes longer than [`GUARD`].
async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match select(pin!(future), pin!(gloo_timers::future::sleep(GUARD))).await {
        Either::Left((value, _)) => value,
        Either::Right(_) => panic!("{what}: nothing within {GUARD:?}"),
    }
}

/// The recipient's store: what the client handed over, in order.
struct Inbox {
    messages: Mutex<Vec<(MessageId, Vec<u8>)>>,
    count: watch::Sender<usize>,
}

#[async_trait::async_trait(?Send)]
impl InboundSink for Inbox {
    async fn store(&self, message_id: MessageId, envelope: Vec<u8>) -> Result<(), StoreError> {
        let n = {
            let mut messages = self.messages.lock().map_err(|_| StoreError::Closed)?;
            messages.push((message_id, envelope));
            messages.len()
        };
        self.count.send_replace(n);
        Ok(())
    }
}

struct Agent {
    id: [u8; 32],
    delivery: DeliveryKey,
    client: RelayClient,
    inbox: Arc<Inbox>,
    outbox: Arc<MemoryOutbox>,
}

impl Agent {
    fn start(seed: u8) -> Agent {
        let key = Keypair::from_secret_bytes(&[seed; 32]);
        let id = *key.agent_id().as_bytes();
        let inbox = Arc::new(Inbox { messages: Mutex::new(Vec::new()), count: watch::channel(0).0 });
        let outbox = Arc::new(MemoryOutbox::new());
        let stores = ClientStores {
            outbox: outbox.clone(),
            keys: Arc::new(MemoryKeyBook::new()),
            seen: Arc::new(MemorySeen::new()),
            sink: inbox.clone(),
        };
        let client = RelayClient::start(ClientConfig::new(relay_url()), key, stores).expect("a ws:// URL");
        let delivery = DeliveryKey::from_bytes([seed; 32]);
        client.publish_delivery_keys(vec![delivery.hash()]).expect("client running");
        Agent { id, delivery, client, inbox, outbox }
    }

    /// Online, with its delivery key stored by the relay.
    async fn online(&self) {
        let mut state = self.client.state();
        within("coming online", state.wait_for(|s| *s == ConnectionState::Online)).await.expect("client stopped");
        within("the relay's sync", self.client.sync()).await.expect("client stopped");
    }

    fn to(&self, message_id: MessageId, envelope: &[u8]) -> Outgoing {
        Outgoing { recipient: self.id, message_id, envelope: envelope.to_vec() }
    }

    async fn received(&self, n: usize) -> Vec<(MessageId, Vec<u8>)> {
        let mut count = self.inbox.count.subscribe();
        within("a delivery", count.wait_for(|c| *c >= n)).await.expect("inbox gone");
        self.inbox.messages.lock().unwrap().clone()
    }
}

#[wasm_bindgen_test]
async fn browser_clients_authenticate_exchange_and_get_acks_from_the_real_relay() {
    let start = now_ms();
    let (alice, bob) = (Agent::start(1), Agent::start(2));
    alice.online().await;
    bob.online().await;
    let online_ms = now_ms() - start;

    let (to_bob, to_alice) = ([1u8; 16], [2u8; 16]);
    let start = now_ms();
    let ack = within("the relay's ack", alice.client.send(bob.to(to_bob, b"lunch on tuesday?"), bob.delivery.clone())).await;
    assert_eq!(ack.expect("send failed"), AckStatus::Stored);
    assert_eq!(bob.received(1).await, [(to_bob, b"lunch on tuesday?".to_vec())]);
    let ack = within("the relay's ack", bob.client.send(alice.to(to_alice, b"yes, 12:30"), alice.delivery.clone())).await;
    assert_eq!(ack.expect("send failed"), AckStatus::Stored);
    assert_eq!(alice.received(1).await, [(to_alice, b"yes, 12:30".to_vec())]);
    let exchange_ms = now_ms() - start;

    assert!(alice.outbox.pending().await.unwrap().is_empty(), "acknowledged messages leave the outbox");
    assert!(bob.outbox.pending().await.unwrap().is_empty());
    console_log!("browser relay client: both online in {online_ms:.1} ms; send, ack and delivery both ways in {exchange_ms:.1} ms");
}
