//! Forward secrecy for first messages: the relay hands the invitee one of the inviter's
//! one-time prekeys, the invitee's card is sealed to it, and once the inviter opened the
//! card the key's secret is gone from its ring at rest. The invitee keeps no copy of it.

mod profile;

use std::time::Duration;

use agentnet_agent::{Agent, NewProfile};
use agentnet_core::crypto::prekey::{Bundle, Ring};
use agentnet_platform::llm::Understand;
use agentnet_platform::store::SqliteStore;
use agentnet_platform::vault::Vault;
use profile::*;

async fn agent(dir: &TempDir, name: &str, relay: &str) -> Agent<SqliteStore> {
    let profile = NewProfile { name: name.into(), zone: "Europe/Berlin".into(), relay: relay.into() };
    Agent::create(store(dir).await, PASSPHRASE, profile, TEST_KDF).await.unwrap();
    Agent::open(store(dir).await, PASSPHRASE, true, Understand::offline()).await.unwrap()
}

/// The one-time prekeys left in the ring the vault holds.
async fn one_time_left(dir: &TempDir) -> usize {
    let mut vault = Vault::open(store(dir).await).await.unwrap();
    vault.unlock(PASSPHRASE).await.unwrap();
    Ring::from_bytes(&vault.secret("prekeys").await.unwrap()).unwrap().one_time_count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_card_opens_with_a_one_time_prekey_that_is_then_deleted() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    tokio::spawn(agentnet_relay::serve(listener, agentnet_relay::AppState::new(), std::future::pending()));
    let (ann_dir, bob_dir) = (TempDir::new("otk-ann"), TempDir::new("otk-bob"));
    let ann = agent(&ann_dir, "Ann", &url).await;
    let bob = agent(&bob_dir, "Bob", &url).await;
    let before = one_time_left(&ann_dir).await;
    assert!(before > 0, "a new profile publishes one-time prekeys");

    let invite = ann.invite().await.unwrap();
    let ann_as_contact = bob.accept(&invite.code(), None).await.unwrap();
    let kept = Bundle::from_bytes(&ann_as_contact.bundle).unwrap();
    assert!(kept.one_time().is_empty(), "the invitee keeps no one-time prekey after its one use");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while ann.contacts().await.unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "Bob's card never arrived");
        ann.process_inbox().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(one_time_left(&ann_dir).await, before - 1, "the one-time prekey that opened the card is deleted at rest");
}
