//! Unit tests of the sans-I/O machine and the shared receive path, without sockets.

use std::sync::Mutex;
use std::time::Duration;

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::wire::{AckStatus, ClientToRelay, ErrorCode, MessageId, RelayToClient, auth_message, close};

use super::inbound::accept;
use super::*;
use crate::store::StoreError;

const ME: [u8; 32] = [7; 32];
const ORIGIN: &str = "ws://relay.test:1";

fn backoff() -> Backoff {
    let config = BackoffConfig { base: Duration::from_millis(100), max: Duration::from_secs(1) };
    Backoff::new(config, Box::new(SequenceJitter::new(vec![0.0])))
}

/// The receiving connection's machine.
fn machine() -> Machine {
    Machine::new(Role::Receive { agent_id: ME, origin: ORIGIN.into() }, backoff())
}

/// The sending connection's machine.
fn sender() -> Machine {
    Machine::new(Role::Send, backoff())
}

fn msg(n: u8) -> Outgoing {
    Outgoing { recipient: [9; 32], message_id: [n; 16], envelope: vec![n; 4] }
}

fn key() -> DeliveryKey {
    DeliveryKey::from_bytes([4; 32])
}

const HELLO: RelayToClient = RelayToClient::ServerHello { min_version: 2, max_version: 2, max_frame_len: 65536 };

fn sends(outputs: &[Output]) -> Vec<MessageId> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Write(ClientToRelay::Send { message_id, .. }) => Some(*message_id),
            _ => None,
        })
        .collect()
}

/// Runs the handshake; returns the outputs of going online (the Welcome's, or for the
/// sending connection the ServerHello's).
fn connect(m: &mut Machine) -> Vec<Output> {
    assert!(m.handle(Input::Connected).is_empty());
    if *m.role() == Role::Send {
        let online = m.handle(Input::Frame(HELLO));
        assert_eq!(online.first(), Some(&Output::Online { mailbox_len: 0 }), "a sending connection never logs in");
        assert_eq!(m.phase(), Phase::Online);
        return online;
    }
    let hello = m.handle(Input::Frame(HELLO));
    assert_eq!(hello, vec![Output::Write(ClientToRelay::Hello { agent_id: ME, id_token: None })]);
    let nonce = [3; 32];
    let sign = m.handle(Input::Frame(RelayToClient::Challenge { nonce }));
    assert_eq!(sign, vec![Output::Sign(auth_message(ORIGIN, &nonce, &ME))]);
    assert_eq!(m.phase(), Phase::AwaitWelcome);
    let welcome = m.handle(Input::Frame(RelayToClient::Welcome { mailbox_len: 0 }));
    assert_eq!(welcome.first(), Some(&Output::Online { mailbox_len: 0 }));
    assert_eq!(m.phase(), Phase::Online);
    welcome
}

#[test]
fn handshake_signs_the_origin_and_nonce_and_goes_online() {
    let mut m = machine();
    assert_eq!(connect(&mut m).len(), 1);
}

#[test]
fn a_relay_without_our_version_is_dropped() {
    let mut m = machine();
    m.handle(Input::Connected);
    let out = m.handle(Input::Frame(RelayToClient::ServerHello { min_version: 3, max_version: 4, max_frame_len: 1 }));
    assert_eq!(out, vec![Output::Disconnect]);
}

#[test]
fn a_handshake_frame_out_of_order_disconnects() {
    let mut m = machine();
    m.handle(Input::Connected);
    assert_eq!(m.handle(Input::Frame(RelayToClient::Welcome { mailbox_len: 0 })), vec![Output::Disconnect]);
}

#[test]
fn messages_submitted_offline_go_out_in_order_once_online() {
    let mut m = sender();
    assert!(m.submit(msg(1), key()).is_empty());
    assert!(m.submit(msg(2), key()).is_empty());
    assert_eq!(sends(&connect(&mut m)), vec![[1; 16], [2; 16]]);
    let now = m.submit(msg(3), key());
    assert_eq!(sends(&now), vec![[3; 16]], "online: sent at once");
    assert_eq!(now, vec![Output::Write(msg(3).frame(&key()))], "with the recipient's delivery key");
}

#[test]
fn the_sending_connection_never_logs_in_and_takes_no_deliveries() {
    let mut m = sender();
    connect(&mut m);
    let deliver = RelayToClient::Deliver { delivery_id: 1, message_id: [1; 16], envelope: vec![] };
    assert_eq!(m.handle(Input::Frame(deliver)), vec![Output::Disconnect]);
}

#[test]
fn delivery_keys_are_published_on_every_login_and_a_sync_waits_for_its_pong() {
    let mut m = machine();
    assert!(m.publish_keys(vec![[1; 32]]).is_empty(), "offline: nothing written yet");
    assert!(m.sync(7).is_empty());
    let welcome = connect(&mut m);
    let keys = welcome.iter().position(|o| *o == Output::Write(ClientToRelay::DeliveryKeys { hashes: vec![[1; 32]] }));
    let ping = welcome.iter().position(|o| *o == Output::Write(ClientToRelay::Ping { nonce: 7 }));
    assert!(keys.is_some() && ping > keys, "the sync's Ping follows what it waits for: {welcome:?}");
    assert_eq!(m.handle(Input::Frame(RelayToClient::Pong { nonce: 7 })), vec![Output::Synced { nonce: 7 }]);
    assert!(m.handle(Input::Frame(RelayToClient::Pong { nonce: 7 })).is_empty(), "answered once");
    m.handle(Input::Closed { code: None });
    assert!(connect(&mut m).contains(&Output::Write(ClientToRelay::DeliveryKeys { hashes: vec![[1; 32]] })));
}

#[test]
fn acks_settle_messages_and_the_rest_are_resent_after_a_reconnect() {
    let mut m = sender();
    connect(&mut m);
    for n in 1..=3 {
        m.submit(msg(n), key());
    }
    let ack = m.handle(Input::Frame(RelayToClient::Ack { message_id: [2; 16], status: AckStatus::Stored }));
    assert_eq!(ack, vec![Output::Acked { message_id: [2; 16], status: AckStatus::Stored }]);
    // A second ack for the same id (it was sent twice) changes nothing.
    assert!(m.handle(Input::Frame(RelayToClient::Ack { message_id: [2; 16], status: AckStatus::Stored })).is_empty());
    assert_eq!(m.unacked(), vec![[1; 16], [3; 16]]);
    m.handle(Input::Closed { code: None });
    assert_eq!(m.phase(), Phase::Offline);
    assert_eq!(sends(&connect(&mut m)), vec![[1; 16], [3; 16]]);
}

#[test]
fn resubmitting_an_unacked_id_does_not_send_it_twice() {
    let mut m = sender();
    connect(&mut m);
    assert_eq!(sends(&m.submit(msg(1), key())).len(), 1);
    assert!(m.submit(msg(1), key()).is_empty());
    assert_eq!(m.unacked().len(), 1);
}

#[test]
fn a_refused_send_is_rejected_for_good_and_mailbox_full_defers() {
    let mut m = sender();
    connect(&mut m);
    m.submit(msg(1), key());
    m.submit(msg(2), key());
    let err = |code, n: u8| RelayToClient::Error { code, message_id: Some([n; 16]), message: String::new() };
    assert_eq!(
        m.handle(Input::Frame(err(ErrorCode::SendRefused, 1))),
        vec![Output::Rejected { message_id: [1; 16], code: ErrorCode::SendRefused }]
    );
    assert_eq!(
        m.handle(Input::Frame(err(ErrorCode::MailboxFull, 2))),
        vec![Output::Deferred { message_id: [2; 16], code: ErrorCode::MailboxFull }]
    );
    assert_eq!(m.unacked(), vec![[2; 16]]);
}

#[test]
fn deliveries_are_acknowledged_only_after_they_are_stored() {
    let mut m = machine();
    connect(&mut m);
    let out = m.handle(Input::Frame(RelayToClient::Deliver { delivery_id: 5, message_id: [1; 16], envelope: vec![1] }));
    assert_eq!(out, vec![Output::Deliver { delivery_id: 5, message_id: [1; 16], envelope: vec![1] }]);
    assert_eq!(m.handle(Input::Stored { delivery_id: 5 }), vec![Output::Write(ClientToRelay::DeliverAck { delivery_id: 5 })]);
    // Stored after the connection died: the relay will deliver again, nothing to ack.
    m.handle(Input::Closed { code: None });
    assert!(m.handle(Input::Stored { delivery_id: 6 }).is_empty());
}

#[test]
fn relay_pings_are_answered() {
    let mut m = machine();
    connect(&mut m);
    assert_eq!(m.handle(Input::Frame(RelayToClient::Ping { nonce: 9 })), vec![Output::Write(ClientToRelay::Pong { nonce: 9 })]);
}

#[test]
fn reconnect_backs_off_resets_when_stable_and_going_away_redials_now() {
    let mut m = machine();
    let delay = |m: &mut Machine, code| match m.handle(Input::Closed { code }).as_slice() {
        [Output::Reconnect { after }] => *after,
        other => panic!("expected a reconnect, got {other:?}"),
    };
    assert_eq!(delay(&mut m, None), Duration::from_millis(50));
    assert_eq!(delay(&mut m, None), Duration::from_millis(100));
    assert_eq!(delay(&mut m, Some(close::GOING_AWAY)), Duration::ZERO);
    assert_eq!(delay(&mut m, None), Duration::from_millis(200), "going away does not count as a failure");
    connect(&mut m);
    m.handle(Input::Stable);
    assert_eq!(m.attempts(), 0);
    assert_eq!(delay(&mut m, None), Duration::from_millis(50));
}

#[test]
fn stable_before_online_does_not_reset() {
    let mut m = machine();
    m.handle(Input::Closed { code: None });
    m.handle(Input::Connected);
    m.handle(Input::Stable);
    assert_eq!(m.attempts(), 1);
}

/// A sink that records every message it is handed.
#[derive(Default)]
struct Recording(Mutex<Vec<MessageId>>);

#[async_trait::async_trait]
impl InboundSink for Recording {
    async fn store(&self, message_id: MessageId, _envelope: Vec<u8>) -> Result<(), StoreError> {
        self.0.lock().unwrap().push(message_id);
        Ok(())
    }
}

/// A sink that always fails.
struct Failing;

#[async_trait::async_trait]
impl InboundSink for Failing {
    async fn store(&self, _: MessageId, _: Vec<u8>) -> Result<(), StoreError> {
        Err(StoreError::Closed)
    }
}

#[test]
fn duplicates_reach_the_sink_once() {
    let (sink, seen) = (Recording::default(), MemorySeen::new());
    futures_executor::block_on(async {
        assert!(accept(&sink, &seen, [1; 16], vec![]).await.unwrap());
        assert!(!accept(&sink, &seen, [1; 16], vec![]).await.unwrap());
        assert!(accept(&sink, &seen, [2; 16], vec![]).await.unwrap());
    });
    assert_eq!(*sink.0.lock().unwrap(), vec![[1; 16], [2; 16]]);
}

#[test]
fn a_message_the_sink_failed_to_store_is_not_marked_seen() {
    let seen = MemorySeen::new();
    futures_executor::block_on(async {
        assert!(accept(&Failing, &seen, [1; 16], vec![]).await.is_err());
        assert!(!seen.contains(&[1; 16]).await.unwrap());
    });
}

#[test]
fn store_backed_outbox_and_seen_ids_round_trip() {
    futures_executor::block_on(async {
        let store = std::sync::Arc::new(crate::store::SqliteStore::open_in_memory().await.unwrap());
        let (outbox, seen) = (StoreOutbox::new(store.clone()), StoreSeen::new(store));
        outbox.record(&msg(1)).await.unwrap();
        outbox.record(&msg(2)).await.unwrap();
        outbox.remove(&[1; 16]).await.unwrap();
        outbox.remove(&[1; 16]).await.unwrap();
        assert_eq!(outbox.pending().await.unwrap(), vec![msg(2)]);
        assert!(!seen.contains(&[5; 16]).await.unwrap());
        seen.insert(&[5; 16]).await.unwrap();
        assert!(seen.contains(&[5; 16]).await.unwrap());
    });
}

#[test]
fn memory_outbox_keeps_order_and_replaces_by_id() {
    let outbox = MemoryOutbox::new();
    futures_executor::block_on(async {
        for n in [3, 1, 2] {
            outbox.record(&msg(n)).await.unwrap();
        }
        outbox.record(&msg(3)).await.unwrap();
        let ids: Vec<_> = outbox.pending().await.unwrap().iter().map(|m| m.message_id).collect();
        assert_eq!(ids, vec![[1; 16], [2; 16], [3; 16]]);
    });
}

#[test]
fn the_bundle_is_published_on_every_connection_and_fetches_wait_for_one() {
    let mut m = machine();
    assert!(m.publish(vec![1, 2]).is_empty(), "offline: nothing written yet");
    assert!(m.fetch([5; 32], key()).is_empty());
    let welcome = connect(&mut m);
    assert!(welcome.contains(&Output::Write(ClientToRelay::PublishPrekeys { bundle: vec![1, 2] })));
    assert!(welcome.contains(&Output::Write(ClientToRelay::FetchPrekeys { agent_id: [5; 32], delivery_key: key() })));
    assert!(m.fetch([5; 32], key()).is_empty(), "one question in flight per agent");
    let answer = m.handle(Input::Frame(RelayToClient::Prekeys { agent_id: [5; 32], bundle: Some(vec![9]) }));
    assert_eq!(answer, vec![Output::Prekeys { agent_id: [5; 32], bundle: Some(vec![9]) }]);
    let unasked = m.handle(Input::Frame(RelayToClient::Prekeys { agent_id: [6; 32], bundle: None }));
    assert!(unasked.is_empty(), "an answer nobody asked for is dropped");
    m.handle(Input::Closed { code: None });
    let again = connect(&mut m);
    assert!(again.contains(&Output::Write(ClientToRelay::PublishPrekeys { bundle: vec![1, 2] })));
    assert!(!again.iter().any(|o| matches!(o, Output::Write(ClientToRelay::FetchPrekeys { .. }))));
}
