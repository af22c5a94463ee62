//! The relay client against the real relay binary: messages both ways, a relay
//! SIGKILLed and restarted mid-stream (mailbox in a real redis-server), and a proxy that
//! cuts connections and injects duplicate and out-of-order deliveries. In each, every
//! message reaches the recipient's store exactly once.

#![cfg(not(all(target_family = "wasm", target_os = "unknown")))]

#[path = "transport/proxy.rs"]
mod proxy;
#[path = "transport/relay.rs"]
mod relay;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::identity::Keypair;
use agentnet_core::wire::{AckStatus, MessageId};
use agentnet_platform::store::{SqliteStore, StoreError};
use agentnet_platform::transport::{
    BackoffConfig, ClientConfig, ClientStores, ConnectionState, InboundSink, MemoryKeyBook, MemoryOutbox, MemorySeen,
    Outbox, Outgoing, RelayClient, SequenceJitter, StoreOutbox, StoreSeen,
};
use proxy::Proxy;
use relay::{RedisServer, RelayProcess};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// A guard against hanging forever, not a timing assumption: every wait below ends by
/// an event long before it.
const GUARD: Duration = Duration::from_secs(90);

/// The recipient's store: every message the client handed over, in order.
struct Inbox {
    ids: Mutex<Vec<MessageId>>,
    count: watch::Sender<usize>,
}

impl Inbox {
    fn new() -> Arc<Inbox> {
        Arc::new(Inbox { ids: Mutex::new(Vec::new()), count: watch::channel(0).0 })
    }

    async fn wait_for(&self, n: usize) {
        let mut count = self.count.subscribe();
        tokio::time::timeout(GUARD, count.wait_for(|c| *c >= n)).await.expect("messages did not arrive").unwrap();
    }

    /// Asserts every id in `expected` was stored exactly once, and nothing else.
    fn assert_exactly_once(&self, expected: &HashSet<MessageId>) {
        let ids = self.ids.lock().unwrap();
        let unique: HashSet<_> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "a message reached the store twice");
        assert_eq!(&unique, expected, "the stored messages are not the sent ones");
    }
}

#[async_trait::async_trait]
impl InboundSink for Inbox {
    async fn store(&self, message_id: MessageId, envelope: Vec<u8>) -> Result<(), StoreError> {
        assert_eq!(envelope, envelope_of(&message_id), "the envelope arrived changed");
        let n = {
            let mut ids = self.ids.lock().unwrap();
            ids.push(message_id);
            ids.len()
        };
        self.count.send_replace(n);
        Ok(())
    }
}

fn envelope_of(id: &MessageId) -> Vec<u8> {
    id.iter().cycle().take(200).copied().collect()
}

fn id(from: u8, n: u32) -> MessageId {
    let mut m = [0u8; 16];
    m[0] = from;
    m[1..5].copy_from_slice(&n.to_be_bytes());
    m
}

struct Agent {
    id: [u8; 32],
    /// What Sends to this agent must carry.
    delivery: DeliveryKey,
    client: Arc<RelayClient>,
    inbox: Arc<Inbox>,
    outbox: Arc<dyn Outbox>,
}

impl Agent {
    fn start(url: &str, outbox: Arc<dyn Outbox>, seen: Arc<dyn agentnet_platform::transport::SeenIds>) -> Agent {
        let key = Keypair::from_secret_bytes(&rand::random());
        let id = *key.agent_id().as_bytes();
        let inbox = Inbox::new();
        let mut config = ClientConfig::new(url);
        config.backoff = BackoffConfig { base: Duration::from_millis(20), max: Duration::from_millis(300) };
        config.jitter = Box::new(SequenceJitter::new(vec![0.2, 0.9, 0.5]));
        let stores = ClientStores { outbox: outbox.clone(), keys: Arc::new(MemoryKeyBook::new()), seen, sink: inbox.clone() };
        let client = Arc::new(RelayClient::start(config, key, stores).unwrap());
        let delivery = DeliveryKey::from_bytes(rand::random());
        client.publish_delivery_keys(vec![delivery.hash()]).unwrap();
        Agent { id, delivery, client, inbox, outbox }
    }

    fn in_memory(url: &str) -> Agent {
        Agent::start(url, Arc::new(MemoryOutbox::new()), Arc::new(MemorySeen::new()))
    }

    /// Online, with its delivery key stored by the relay.
    async fn online(&self) {
        let mut state = self.client.state();
        tokio::time::timeout(GUARD, state.wait_for(|s| *s == ConnectionState::Online))
            .await
            .expect("never came online")
            .unwrap();
        tokio::time::timeout(GUARD, self.client.sync()).await.expect("the relay never answered").unwrap();
    }

    /// Sends `ids` to `to` with up to `window` unacknowledged at once; returns the acks.
    fn send_all(&self, to: &Agent, ids: Vec<MessageId>, window: usize) -> tokio::task::JoinHandle<Vec<AckStatus>> {
        let client = self.client.clone();
        let (to, key) = (to.id, to.delivery.clone());
        tokio::spawn(async move {
            let mut in_flight = JoinSet::new();
            let mut acks = Vec::new();
            for mid in ids {
                if in_flight.len() >= window {
                    acks.push(in_flight.join_next().await.unwrap().unwrap());
                }
                let (client, key) = (client.clone(), key.clone());
                let message = Outgoing { recipient: to, message_id: mid, envelope: envelope_of(&mid) };
                in_flight.spawn(async move { client.send(message, key).await.expect("send failed") });
            }
            while let Some(ack) = in_flight.join_next().await {
                acks.push(ack.unwrap());
            }
            acks
        })
    }

    /// Sends one last message and waits for it: whatever duplicate the relay or the
    /// network held back arrives before it (one connection delivers in order).
    async fn barrier(&self, to: &Agent, marker: MessageId, total: usize) {
        let message = Outgoing { recipient: to.id, message_id: marker, envelope: envelope_of(&marker) };
        self.client.send(message, to.delivery.clone()).await.unwrap();
        to.inbox.wait_for(total).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_exchange_messages_both_ways_each_stored_once() {
    const N: u32 = 40;
    let relay = RelayProcess::start(None).await;
    let (a, b) = (Agent::in_memory(&relay.url()), Agent::in_memory(&relay.url()));
    a.online().await;
    b.online().await;
    let to_b: Vec<_> = (0..N).map(|n| id(1, n)).collect();
    let to_a: Vec<_> = (0..N).map(|n| id(2, n)).collect();
    let (sent_ab, sent_ba) = (a.send_all(&b, to_b.clone(), 8), b.send_all(&a, to_a.clone(), 8));
    let (acks_ab, acks_ba) = (sent_ab.await.unwrap(), sent_ba.await.unwrap());
    assert_eq!((acks_ab.len(), acks_ba.len()), (N as usize, N as usize));
    assert!(acks_ab.iter().chain(&acks_ba).all(|s| *s == AckStatus::Stored), "every one was stored");
    a.barrier(&b, id(9, 0), N as usize + 1).await;
    b.barrier(&a, id(9, 1), N as usize + 1).await;
    let mut expect_b: HashSet<_> = to_b.into_iter().collect();
    expect_b.insert(id(9, 0));
    let mut expect_a: HashSet<_> = to_a.into_iter().collect();
    expect_a.insert(id(9, 1));
    b.inbox.assert_exactly_once(&expect_b);
    a.inbox.assert_exactly_once(&expect_a);
    assert!(a.outbox.pending().await.unwrap().is_empty(), "acknowledged messages leave the outbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_killed_and_restarted_mid_stream_loses_nothing() {
    const N: u32 = 120;
    let redis = RedisServer::start().await;
    let mut relay = RelayProcess::start(Some(&redis.url)).await;
    // The sender keeps its outbox and the receiver its seen ids in SQLite, as an app does.
    let store_a = Arc::new(SqliteStore::open_in_memory().await.unwrap());
    let store_b = Arc::new(SqliteStore::open_in_memory().await.unwrap());
    let a = Agent::start(&relay.url(), Arc::new(StoreOutbox::new(store_a.clone())), Arc::new(StoreSeen::new(store_a)));
    let b = Agent::start(&relay.url(), Arc::new(StoreOutbox::new(store_b.clone())), Arc::new(StoreSeen::new(store_b)));
    a.online().await;
    b.online().await;

    let ids: Vec<_> = (0..N).map(|n| id(1, n)).collect();
    let (first, second) = ids.split_at(N as usize / 2);
    let sending = a.send_all(&b, first.to_vec(), 16);
    b.inbox.wait_for(20).await;
    relay.kill();
    // The relay is gone and cannot come back until started again: the clients see it.
    let mut a_state = a.client.state();
    tokio::time::timeout(GUARD, a_state.wait_for(|s| *s != ConnectionState::Online))
        .await
        .expect("the sender never noticed the kill")
        .unwrap();
    // The sender keeps sending while the relay is down: these wait in the outbox.
    let sending_more = a.send_all(&b, second.to_vec(), 16);
    relay.start_again().await;
    a.online().await;
    let more = tokio::time::timeout(GUARD, sending_more).await.expect("sends never completed").unwrap();
    assert_eq!(more.len(), second.len());
    let acks = tokio::time::timeout(GUARD, sending).await.expect("sends never completed").unwrap();
    assert_eq!(acks.len(), first.len(), "every message was acknowledged in the end");
    a.barrier(&b, id(9, 0), N as usize + 1).await;
    let mut expected: HashSet<_> = ids.into_iter().collect();
    expected.insert(id(9, 0));
    b.inbox.assert_exactly_once(&expected);
    assert!(a.outbox.pending().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cuts_duplicates_and_reordering_still_store_each_message_once() {
    const N: u32 = 90;
    // The relay takes logins signed for the proxy's address, the one the clients dial.
    let port = relay::free_port();
    let relay = RelayProcess::behind(&format!("ws://127.0.0.1:{port}")).await;
    let proxy = Proxy::start(port, relay.addr).await;
    let (a, b) = (Agent::in_memory(&proxy.url()), Agent::in_memory(&proxy.url()));
    a.online().await;
    b.online().await;
    let ids: Vec<_> = (0..N).map(|n| id(1, n)).collect();
    let back: Vec<_> = (0..N / 3).map(|n| id(2, n)).collect();
    let sending = a.send_all(&b, ids.clone(), 16);
    let replying = b.send_all(&a, back.clone(), 4);
    for at in [10, 30, 50, 70] {
        b.inbox.wait_for(at).await;
        proxy.cut();
    }
    let acks = tokio::time::timeout(GUARD, sending).await.expect("sends never completed").unwrap();
    assert_eq!(acks.len(), N as usize);
    assert_eq!(tokio::time::timeout(GUARD, replying).await.unwrap().unwrap().len(), back.len());
    a.barrier(&b, id(9, 0), N as usize + 1).await;
    b.barrier(&a, id(9, 1), back.len() + 1).await;

    let mut expected: HashSet<_> = ids.into_iter().collect();
    expected.insert(id(9, 0));
    b.inbox.assert_exactly_once(&expected);
    let mut expected_a: HashSet<_> = back.into_iter().collect();
    expected_a.insert(id(9, 1));
    a.inbox.assert_exactly_once(&expected_a);
    let stats = &proxy.stats;
    use std::sync::atomic::Ordering::SeqCst;
    assert_eq!(stats.cuts.load(SeqCst), 4);
    assert!(stats.connections.load(SeqCst) >= 2 + 4, "every cut forced both clients to reconnect");
    assert!(stats.duplicated.load(SeqCst) > 0 && stats.replayed.load(SeqCst) > 0, "the proxy did inject");
}
