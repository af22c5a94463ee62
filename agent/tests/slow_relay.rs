//! No lock across the network: while the agent waits 3 s for a contact's fresh prekeys
//! from a slow relay, the reads every screen makes (`use_live`'s loads: negotiations,
//! their summaries, contacts, the transcript) answer within 50 ms, and the command's
//! change is already committed.
//!
//! A real relay in this process, behind a TCP proxy that holds back everything the relay
//! says for 3 s once the test turns it slow.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use agentnet_agent::{Agent, Contact, NewProfile, Policy};
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::vault::KdfParams;
use agentnet_core::identity::Keypair;
use agentnet_platform::llm::Understand;
use agentnet_platform::rt::{rng, unix_secs};
use agentnet_platform::store::SqliteStore;
use agentnet_platform::transport::ConnectionState;
use agentnet_platform::vault::Vault;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASSPHRASE: &[u8] = b"correct horse battery staple";
const RELAY_DELAY: Duration = Duration::from_secs(3);
const READ_BUDGET: Duration = Duration::from_millis(50);

/// Forwards TCP both ways; once `slow` is set, each chunk from the relay waits
/// [`RELAY_DELAY`] before it goes on.
async fn proxy(relay: std::net::SocketAddr, slow: Arc<AtomicBool>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = TcpStream::connect(relay).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut relay_read, mut relay_write) = upstream.into_split();
            tokio::spawn(async move { tokio::io::copy(&mut client_read, &mut relay_write).await });
            let slow = slow.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                while let Ok(n) = relay_read.read(&mut buffer).await {
                    if n == 0 {
                        break;
                    }
                    if slow.load(Ordering::SeqCst) {
                        tokio::time::sleep(RELAY_DELAY).await;
                    }
                    if client_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

/// Bob, as Ann's contact, with the prekeys he had two months ago: expired, so sending to
/// him needs his current ones from the relay.
fn bob_with_expired_keys() -> Contact {
    let bob = Keypair::from_secret_bytes(&[7; 32]);
    let long_ago = unix_secs(jiff::Timestamp::now()) - 60 * 24 * 3600;
    let ring = Ring::new(&bob, long_ago, &mut rng());
    Contact {
        id: hex::encode(bob.agent_id().as_bytes()),
        name: "Bob".into(),
        bundle: ring.bundle(&bob).to_bytes(),
        policy: Policy::Auto,
        disclosure_budget: 12,
        verified: true,
        blocked: false,
        added_ms: 0,
        delivery_key: Some(agentnet_core::crypto::delivery_key::DeliveryKey::from_bytes([8; 32])),
        invite_key: None,
        hours: None,
        share_hours: true,
    }
}

/// Reads what the screens read, and how long that took.
async fn screen_reads(agent: &Agent<SqliteStore>) -> Duration {
    let started = Instant::now();
    let all = agent.negotiations().await.unwrap();
    agent.summaries(&all).await.unwrap();
    agent.contacts().await.unwrap();
    if let Some(n) = all.first() {
        agent.transcript(&n.id).await.unwrap();
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screens_answer_while_a_contacts_keys_are_fetched_from_a_slow_relay() {
    let relay_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_addr = relay_listener.local_addr().unwrap();
    let slow = Arc::new(AtomicBool::new(false));
    let proxy_addr = proxy(relay_addr, slow.clone()).await;
    // Clients dial the proxy, so logins are signed for its address.
    let state = agentnet_relay::AppState::new();
    state.listening_on(proxy_addr);
    tokio::spawn(agentnet_relay::serve(relay_listener, state, std::future::pending()));

    // Ann's profile, with Bob added as the profile's owner would have him.
    let dir = std::env::temp_dir().join(format!("agentnet-slow-relay-{}-{}", std::process::id(), jiff::Timestamp::now().as_nanosecond()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("agent.sqlite3");
    let profile = NewProfile { name: "Ann".into(), zone: "Europe/Berlin".into(), relay: format!("ws://{proxy_addr}/ws") };
    Agent::create(SqliteStore::open_path(&file).await.unwrap(), PASSPHRASE, profile, KdfParams { m_kib: 64, t: 1, p: 1 }).await.unwrap();
    {
        let mut vault = Vault::open(SqliteStore::open_path(&file).await.unwrap()).await.unwrap();
        vault.unlock(PASSPHRASE).await.unwrap();
        let contact = bob_with_expired_keys();
        let record = agentnet_platform::store::Record::json(contact.id.clone(), 0, &contact).unwrap().with_text(&contact.name);
        vault.put(agentnet_platform::store::Collection::Contacts, record).await.unwrap();
    }
    let agent = Arc::new(Agent::open(SqliteStore::open_path(&file).await.unwrap(), PASSPHRASE, true, Understand::offline()).await.unwrap());
    let mut connection = agent.connection().unwrap();
    tokio::time::timeout(Duration::from_secs(10), connection.wait_for(|state| matches!(state, ConnectionState::Online))).await.unwrap().unwrap();

    slow.store(true, Ordering::SeqCst);
    let asked = Instant::now();
    let ask = tokio::spawn({
        let agent = agent.clone();
        async move { agent.ask("find 30 minutes with Bob next week").await }
    });

    // The negotiation is committed before the fetch: it shows while the fetch waits.
    let mut changes = agent.changes();
    let negotiation = loop {
        if let Some(n) = agent.negotiations().await.unwrap().into_iter().next() {
            break n;
        }
        tokio::time::timeout(Duration::from_secs(2), changes.changed()).await.expect("the negotiation shows before the slow relay answers").unwrap();
    };
    assert!(asked.elapsed() < RELAY_DELAY / 2, "the negotiation showed only after {:?}", asked.elapsed());

    // For a second of the wait, every screen's reads answer within the budget.
    let mut slowest = Duration::ZERO;
    while asked.elapsed() < RELAY_DELAY / 2 + Duration::from_secs(1) {
        slowest = slowest.max(screen_reads(&agent).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("slowest screen reads while the fetch waited: {slowest:?}");
    assert!(!ask.is_finished(), "the ask was still waiting for Bob's keys");
    assert!(slowest < READ_BUDGET, "a screen's reads took {slowest:?} while a fetch waited");

    // The fetch did wait on the relay, and its outcome is told in the transcript: the
    // relay has no keys of Bob's, so the proposal could not go yet.
    let answer = ask.await.unwrap().unwrap();
    assert!(asked.elapsed() >= RELAY_DELAY, "the fetch answered after {:?}", asked.elapsed());
    assert_eq!(answer.negotiation.as_deref(), Some(negotiation.id.as_str()));
    let lines = agent.transcript(&negotiation.id).await.unwrap();
    assert!(lines.iter().any(|e| e.sentence.starts_with("Could not send to Bob's agent yet")), "{lines:#?}");
    std::fs::remove_dir_all(&dir).ok();
}
