//! A contact's old card, replayed byte for byte after the agent restarted, is refused and
//! leaves the contact's keys as they are; an older bundle in a fresh envelope is refused
//! too: a contact's prekeys only move forward.

mod profile;

use agentnet_core::crypto::envelope::{MessageId, seal};
use agentnet_core::crypto::prekey::{Bundle, Ring};
use agentnet_core::identity::Keypair;
use agentnet_core::protocol::{Card, Payload};
use agentnet_platform::store::{Collection, Query, Record, Store};
use agentnet_platform::vault::Vault;
use profile::*;

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The owner's own prekey bundle, read from the vault as the relay would hand it out.
async fn own_bundle(dir: &TempDir) -> Bundle {
    let mut vault = Vault::open(store(dir).await).await.unwrap();
    vault.unlock(PASSPHRASE).await.unwrap();
    let identity = vault.identity().await.unwrap();
    let ring = Ring::from_bytes(&vault.secret("prekeys").await.unwrap()).unwrap();
    ring.bundle(&identity)
}

/// Bob's card with `bundle`, sealed to Ann under message id `[n; 16]`.
fn card_envelope(bob: &Keypair, ann: &Bundle, bundle: &Bundle, token: Option<[u8; 16]>, n: u8) -> Vec<u8> {
    let delivery_key = agentnet_core::crypto::delivery_key::DeliveryKey::from_bytes([3; 32]);
    let card = Card { name: "Bob".into(), token, delivery_key, hours: None, bundle: bundle.to_bytes() };
    let ann = ann.clone().verified(unix_now()).unwrap();
    let mut rng = agentnet_platform::rt::rng();
    seal(bob, &ann, MessageId([n; 16]), unix_now(), &Payload::Card(card).to_bytes(), &mut rng).unwrap().into()
}

/// Puts `envelope` in the agent's inbox, as the relay client does, and lets it act.
async fn deliver(dir: &TempDir, agent: &agentnet_agent::Agent<agentnet_platform::store::SqliteStore>, envelope: Vec<u8>, n: u8) {
    store(dir).await.put(Collection::Inbox, Record::new(hex::encode([n; 16]), 0, envelope)).await.unwrap();
    assert_eq!(agent.process_inbox().await.unwrap(), 1);
}

async fn refusals(agent: &agentnet_agent::Agent<agentnet_platform::store::SqliteStore>) -> Vec<String> {
    let all = agent.entries(Query::all()).await.unwrap();
    all.into_iter().map(|e| e.sentence).filter(|s| s.starts_with("Refused")).collect()
}

#[tokio::test]
async fn a_replayed_card_after_a_restart_is_refused_and_keys_stay() {
    let dir = TempDir::new("replay-restart");
    create(&dir, "Ann").await;
    let ann_bundle = own_bundle(&dir).await;
    let bob = Keypair::from_secret_bytes(&[2; 32]);
    let mut rng = agentnet_platform::rt::rng();
    let first = Ring::new(&bob, unix_now() - 60, &mut rng).bundle(&bob);
    let second = Ring::new(&bob, unix_now(), &mut rng).bundle(&bob);

    let ann = open(&dir).await;
    let token = ann.invite().await.unwrap().token;
    let first_card = card_envelope(&bob, &ann_bundle, &first, Some(token), 1);
    deliver(&dir, &ann, first_card.clone(), 1).await;
    assert_eq!(ann.contact("Bob").await.unwrap().bundle, first.to_bytes(), "the invite's card made Bob a contact");
    deliver(&dir, &ann, card_envelope(&bob, &ann_bundle, &second, None, 2), 2).await;
    assert_eq!(ann.contact("Bob").await.unwrap().bundle, second.to_bytes(), "a newer card updates Bob's keys");
    drop(ann);

    let ann = open(&dir).await;
    deliver(&dir, &ann, first_card, 3).await;
    assert_eq!(ann.contact("Bob").await.unwrap().bundle, second.to_bytes(), "the replay rolled Bob's keys back");
    let refused = refusals(&ann).await;
    assert!(refused.iter().any(|s| s.contains("already received")), "{refused:?}");

    // The same old bundle in an envelope never seen before: still not taken.
    deliver(&dir, &ann, card_envelope(&bob, &ann_bundle, &first, None, 4), 4).await;
    assert_eq!(ann.contact("Bob").await.unwrap().bundle, second.to_bytes());
    let refused = refusals(&ann).await;
    assert!(refused.iter().any(|s| s.contains("older prekeys")), "{refused:?}");
    assert_eq!(store(&dir).await.list(Collection::Inbox, Query::all()).await.unwrap().len(), 0);
}
