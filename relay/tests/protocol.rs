//! The relay protocol over real sockets: routing, store-and-forward, and every kind of
//! bad input, each answered with its error while the relay keeps serving others.

mod common;

use agentnet_core::wire::{AckStatus, ClientToRelay, ErrorCode, RelayToClient, close};
use common::*;
use std::time::Duration;

async fn relay() -> Relay {
    Relay::start(config(&[])).await
}

/// Checks that the relay still serves a fresh pair of agents.
async fn still_serves(relay: &Relay) {
    let (a, b) = (Agent::new(), Agent::new());
    let _ = a;
    let mut sa = Client::sender(relay.addr).await;
    let (mut cb, _) = Client::login(relay.addr, &b).await;
    sa.send(&b.send(mid(1), b"hi")).await;
    assert!(matches!(sa.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }));
    assert!(matches!(cb.recv().await, RelayToClient::Deliver { .. }));
}

fn error_code(frame: &RelayToClient) -> Option<ErrorCode> {
    match frame {
        RelayToClient::Error { code, .. } => Some(*code),
        _ => None,
    }
}

#[tokio::test]
async fn two_online_agents_exchange_messages_and_acks() {
    let relay = relay().await;
    let (a, b) = (Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(relay.addr, &a).await;
    let (mut cb, _) = Client::login(relay.addr, &b).await;
    let (mut sa, mut sb) = (Client::sender(relay.addr).await, Client::sender(relay.addr).await);
    sa.send(&b.send(mid(7), b"sealed")).await;
    assert_eq!(sa.recv().await, RelayToClient::Ack { message_id: mid(7), status: AckStatus::Stored });
    let RelayToClient::Deliver { delivery_id, message_id, envelope } = cb.recv().await else { panic!() };
    assert_eq!((message_id, envelope.as_slice()), (mid(7), &b"sealed"[..]));
    cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
    sb.send(&a.send(mid(8), b"back")).await;
    assert!(matches!(sb.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }));
    assert!(matches!(ca.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(8)));
}

/// Sealed sender: a Send needs no login, only a delivery key the recipient published;
/// without one it is refused, with the same answer whether the recipient exists or not.
/// A sending connection cannot log in, and a logged-in one cannot send.
#[tokio::test]
async fn a_send_needs_no_login_but_a_delivery_key_the_recipient_published() {
    let relay = relay().await;
    let (b, stranger) = (Agent::new(), Agent::new());
    let (mut cb, _) = Client::login(relay.addr, &b).await;
    let mut s = Client::sender(relay.addr).await;
    s.send(&b.send(mid(1), b"from a contact")).await;
    assert_eq!(s.recv().await, RelayToClient::Ack { message_id: mid(1), status: AckStatus::Stored });
    assert!(matches!(cb.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(1)));
    let wrong_key = ClientToRelay::Send { recipient: b.id, delivery_key: stranger.delivery.clone(), message_id: mid(2), envelope: vec![0; 300] };
    let no_such_agent = stranger.send(mid(3), &[0; 300]);
    for (frame, m) in [(wrong_key, mid(2)), (no_such_agent, mid(3))] {
        s.send(&frame).await;
        match s.recv().await {
            RelayToClient::Error { code: ErrorCode::SendRefused, message_id: Some(got), message } => {
                assert_eq!((got, message.as_str()), (m, "no delivery key the recipient gave out"));
            }
            other => panic!("{other:?}"),
        }
    }
    // Nothing of the refused sends reached the mailbox.
    drop(cb);
    let (mut cb, waiting) = Client::login(relay.addr, &b).await;
    assert_eq!(waiting, 1, "only the contact's message waits");
    assert!(matches!(cb.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(1)));
    // The roles stay apart.
    s.send(&ClientToRelay::Hello { agent_id: b.id, id_token: None }).await;
    assert_eq!(error_code(&s.recv().await), Some(ErrorCode::UnexpectedFrame));
    cb.send(&b.send(mid(4), b"to myself")).await;
    assert_eq!(error_code(&cb.recv().await), Some(ErrorCode::UnexpectedFrame));
}

/// No presence oracle: a sender gets the same answer for an online and an offline
/// recipient, and so does a stranger.
#[tokio::test]
async fn a_sender_gets_the_same_answer_whether_the_recipient_is_online_or_not() {
    let relay = relay().await;
    let b = Agent::new();
    let stranger_key = Agent::new().delivery;
    let mut answers = Vec::new();
    for online in [true, false] {
        let cb = Client::login(relay.addr, &b).await;
        if !online {
            drop(cb);
            wait_offline(&relay).await;
            answers.push(ask(&relay, &b, &stranger_key).await);
        } else {
            answers.push(ask(&relay, &b, &stranger_key).await);
            drop(cb);
        }
    }
    assert_eq!(answers[0], answers[1]);
    assert!(matches!(answers[0].0, RelayToClient::Ack { status: AckStatus::Stored, .. }), "{answers:?}");
    assert!(matches!(answers[0].1, RelayToClient::Error { code: ErrorCode::SendRefused, .. }), "{answers:?}");
}

/// A contact's Send and a stranger's 300 random bytes, each from a fresh connection.
async fn ask(relay: &Relay, b: &Agent, stranger_key: &agentnet_core::crypto::delivery_key::DeliveryKey) -> (RelayToClient, RelayToClient) {
    let mut s = Client::sender(relay.addr).await;
    s.send(&b.send(mid(1), b"hello")).await;
    let contact = s.recv().await;
    let noise: Vec<u8> = (0..300).map(|_| rand::random()).collect();
    s.send(&ClientToRelay::Send { recipient: b.id, delivery_key: stranger_key.clone(), message_id: mid(1), envelope: noise }).await;
    (contact, s.recv().await)
}

/// Until the relay has seen the agent's last connection go.
async fn wait_offline(relay: &Relay) {
    let mut probe = Client::sender(relay.addr).await;
    // The relay handles a connection's close before later frames of other connections
    // only eventually; a metrics read shows when the count is back to the probe alone.
    for _ in 0..500 {
        let metrics = metrics(relay).await;
        if metrics.contains("agentnet_relay_authenticated_connections 0") {
            probe.barrier().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the agent never went offline");
}

#[tokio::test]
async fn an_offline_recipient_gets_its_mail_in_order_and_until_it_acks() {
    let relay = relay().await;
    let (a, b) = (Agent::new(), Agent::new());
    let _ = a;
    let (cb, _) = Client::login(relay.addr, &b).await; // b publishes its key, then leaves
    drop(cb);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut sa = Client::sender(relay.addr).await;
    for i in 0..5 {
        sa.send(&b.send(mid(i), &[i as u8; 10])).await;
        assert_eq!(sa.recv().await, RelayToClient::Ack { message_id: mid(i), status: AckStatus::Stored });
    }
    // First reconnect: all five, in order; ack only the first two.
    let (mut cb, waiting) = Client::login(relay.addr, &b).await;
    assert_eq!(waiting, 5);
    let mut ids = Vec::new();
    for i in 0..5 {
        let RelayToClient::Deliver { delivery_id, message_id, .. } = cb.recv().await else { panic!() };
        assert_eq!(message_id, mid(i));
        ids.push(delivery_id);
    }
    for id in &ids[..2] {
        cb.send(&ClientToRelay::DeliverAck { delivery_id: *id }).await;
    }
    cb.send(&ClientToRelay::Ping { nonce: 1 }).await; // a round trip orders the acks first
    assert_eq!(cb.recv().await, RelayToClient::Pong { nonce: 1 });
    drop(cb);
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Second reconnect: the three unacknowledged ones, same delivery ids.
    let (mut cb, waiting) = Client::login(relay.addr, &b).await;
    assert_eq!(waiting, 3);
    for (i, id) in ids.iter().enumerate().skip(2) {
        let RelayToClient::Deliver { delivery_id, message_id, .. } = cb.recv().await else { panic!() };
        assert_eq!((delivery_id, message_id), (*id, mid(i as u32)));
    }
}

#[tokio::test]
async fn an_oversized_frame_gets_frame_too_large_and_close_1009() {
    let relay = Relay::start(config(&[("RELAY_MAX_FRAME_LEN", "2048")])).await;
    let (a, b) = (Agent::new(), Agent::new());
    let _ = (a, Client::login(relay.addr, &b).await);
    let mut sa = Client::sender(relay.addr).await;
    sa.send(&b.send(mid(1), &[0; 3000])).await;
    let (code, frames) = sa.expect_close().await;
    assert_eq!(code, close::MESSAGE_TOO_BIG);
    assert_eq!(error_code(&frames[0]), Some(ErrorCode::FrameTooLarge));
    still_serves(&relay).await;
}

#[tokio::test]
async fn garbage_bytes_get_malformed_and_close_1002() {
    let relay = relay().await;
    let mut c = Client::connect(relay.addr).await;
    c.send_raw(vec![2, 0xee, 0xde, 0xad]).await;
    let (code, frames) = c.expect_close().await;
    assert_eq!(code, close::PROTOCOL_ERROR);
    assert_eq!(error_code(&frames[0]), Some(ErrorCode::Malformed));
    let mut c = Client::connect(relay.addr).await;
    c.send_raw(vec![42, 1]).await;
    let (code, frames) = c.expect_close().await;
    assert_eq!((code, error_code(&frames[0])), (close::PROTOCOL_ERROR, Some(ErrorCode::UnsupportedVersion)));
    let mut c = Client::connect(relay.addr).await;
    futures_util::SinkExt::send(&mut c.ws, tokio_tungstenite::tungstenite::Message::Text("hi".into())).await.unwrap();
    assert_eq!(c.expect_close().await.0, close::PROTOCOL_ERROR);
    still_serves(&relay).await;
}

#[tokio::test]
async fn a_wrong_signature_gets_auth_failed_and_close_4001() {
    let relay = relay().await;
    let (a, mallory) = (Agent::new(), Agent::new());
    let mut c = Client::connect(relay.addr).await;
    c.send(&ClientToRelay::Hello { agent_id: a.id, id_token: None }).await;
    let RelayToClient::Challenge { nonce } = c.recv().await else { panic!() };
    c.send(&ClientToRelay::Auth { signature: mallory.sign(&c.origin, &nonce) }).await;
    let (code, frames) = c.expect_close().await;
    assert_eq!((code, error_code(&frames[0])), (close::AUTH_FAILED, Some(ErrorCode::AuthFailed)));
    // A signature for another relay origin fails too.
    let mut c = Client::connect(relay.addr).await;
    c.send(&ClientToRelay::Hello { agent_id: a.id, id_token: None }).await;
    let RelayToClient::Challenge { nonce } = c.recv().await else { panic!() };
    c.send(&ClientToRelay::Auth { signature: a.sign("wss://evil.example", &nonce) }).await;
    assert_eq!(c.expect_close().await.0, close::AUTH_FAILED);
    still_serves(&relay).await;
}

/// With no public origins configured, the accepted origin comes from the relay's own
/// listening address: a login signed for whatever Host the request carried is refused
/// (a relay in the middle could otherwise forward another relay's challenges).
#[tokio::test]
async fn a_login_for_a_foreign_host_is_refused_when_no_origins_are_configured() {
    let relay = relay().await;
    let a = Agent::new();
    for (host, expect_welcome) in [("evil.example", false), ("", true)] {
        let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/ws", relay.addr)).unwrap();
        if !host.is_empty() {
            req.headers_mut().insert("host", host.parse().unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        let mut c = Client { ws, origin: format!("ws://{}", if host.is_empty() { relay.addr.to_string() } else { host.to_string() }), ahead: Default::default() };
        assert!(matches!(c.recv().await, RelayToClient::ServerHello { .. }));
        c.send(&ClientToRelay::Hello { agent_id: a.id, id_token: None }).await;
        let RelayToClient::Challenge { nonce } = c.recv().await else { panic!() };
        c.send(&ClientToRelay::Auth { signature: a.sign(&c.origin, &nonce) }).await;
        if expect_welcome {
            assert!(matches!(c.recv().await, RelayToClient::Welcome { .. }), "the relay's own origin is accepted");
        } else {
            let (code, frames) = c.expect_close().await;
            assert_eq!((code, error_code(&frames[0])), (close::AUTH_FAILED, Some(ErrorCode::AuthFailed)), "signed for Host {host}");
        }
    }
}

#[tokio::test]
async fn a_replayed_challenge_signature_is_refused() {
    let relay = relay().await;
    let a = Agent::new();
    let mut first = Client::connect(relay.addr).await;
    first.send(&ClientToRelay::Hello { agent_id: a.id, id_token: None }).await;
    let RelayToClient::Challenge { nonce } = first.recv().await else { panic!() };
    let signature = a.sign(&first.origin, &nonce);
    first.send(&ClientToRelay::Auth { signature }).await;
    assert!(matches!(first.recv().await, RelayToClient::Welcome { .. }));
    // Replaying the same answer on the same connection: no challenge outstanding.
    first.send(&ClientToRelay::Auth { signature }).await;
    assert_eq!(error_code(&first.recv().await), Some(ErrorCode::UnexpectedFrame));
    // Replaying it on a new connection: that connection has a fresh nonce.
    let mut second = Client::connect(relay.addr).await;
    second.send(&ClientToRelay::Hello { agent_id: a.id, id_token: None }).await;
    let RelayToClient::Challenge { nonce: other } = second.recv().await else { panic!() };
    assert_ne!(nonce, other);
    second.send(&ClientToRelay::Auth { signature }).await;
    assert_eq!(second.expect_close().await.0, close::AUTH_FAILED);
    still_serves(&relay).await;
}

#[tokio::test]
async fn frames_before_auth_get_not_authenticated_and_the_connection_may_still_log_in() {
    let relay = relay().await;
    let (a, b) = (Agent::new(), Agent::new());
    let mut c = Client::connect(relay.addr).await;
    c.send(&ClientToRelay::DeliverAck { delivery_id: 1 }).await;
    assert_eq!(error_code(&c.recv().await), Some(ErrorCode::NotAuthenticated));
    c.send(&ClientToRelay::DeliveryKeys { hashes: vec![b.delivery.hash()] }).await;
    assert_eq!(error_code(&c.recv().await), Some(ErrorCode::NotAuthenticated));
    c.authenticate(&a).await;
}

/// A sending connection waits, silent, until its owner has something to send: the login
/// deadline is not for it.
#[tokio::test]
async fn a_sending_connection_outlives_the_login_deadline() {
    let relay = Relay::start(config(&[("RELAY_AUTH_TIMEOUT_SECS", "1")])).await;
    let b = Agent::new();
    let _cb = Client::login(relay.addr, &b).await;
    let mut s = Client::sender(relay.addr).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    s.send(&ClientToRelay::FetchPrekeys { agent_id: b.id, delivery_key: b.delivery.clone() }).await;
    assert!(matches!(s.recv().await, RelayToClient::Prekeys { .. }));
    s.send(&b.send(mid(1), b"still here")).await;
    assert!(matches!(s.recv().await, RelayToClient::Ack { .. }));
}

#[tokio::test]
async fn a_login_once_begun_must_finish_in_time() {
    let relay = Relay::start(config(&[("RELAY_AUTH_TIMEOUT_SECS", "1")])).await;
    let mut c = Client::connect(relay.addr).await;
    c.send(&ClientToRelay::Hello { agent_id: Agent::new().id, id_token: None }).await;
    assert!(matches!(c.recv().await, RelayToClient::Challenge { .. }));
    let (code, frames) = c.expect_close().await;
    assert_eq!((code, error_code(&frames[0])), (close::AUTH_FAILED, Some(ErrorCode::AuthFailed)));
}

#[tokio::test]
async fn flooding_past_the_rate_gets_rate_limited_then_close_1008() {
    let relay = Relay::start(config(&[("RELAY_CONN_RATE", "5"), ("RELAY_CONN_BURST", "5"), ("RELAY_RATE_STRIKES", "10")])).await;
    let a = Agent::new();
    let (mut c, _) = Client::login(relay.addr, &a).await; // uses 4 of the burst: Hello, Auth, DeliveryKeys, Ping
    for i in 0..40 {
        c.send(&ClientToRelay::Ping { nonce: i }).await;
    }
    let (code, frames) = c.expect_close().await;
    assert_eq!(code, close::POLICY_VIOLATION);
    let limited = frames.iter().filter(|f| error_code(f) == Some(ErrorCode::RateLimited)).count();
    let pongs = frames.iter().filter(|f| matches!(f, RelayToClient::Pong { .. })).count();
    assert_eq!(limited, 11, "{frames:?}"); // ten strikes answered, the eleventh closes
    assert_eq!(pongs, 1);
    still_serves(&relay).await;
}

#[tokio::test]
async fn an_unknown_recipient_is_refused_with_the_message_id() {
    let relay = relay().await;
    let mut c = Client::sender(relay.addr).await;
    c.send(&ClientToRelay::Send { recipient: [9; 32], delivery_key: Agent::new().delivery, message_id: mid(3), envelope: vec![1] }).await;
    match c.recv().await {
        RelayToClient::Error { code: ErrorCode::SendRefused, message_id: Some(m), .. } => assert_eq!(m, mid(3)),
        other => panic!("{other:?}"),
    }
    // The connection goes on.
    c.send(&ClientToRelay::Ping { nonce: 5 }).await;
    assert_eq!(c.recv().await, RelayToClient::Pong { nonce: 5 });
}

#[tokio::test]
async fn a_full_mailbox_refuses_more_and_accepts_again_after_acks() {
    let relay = Relay::start(config(&[("RELAY_MAILBOX_MAX_MESSAGES", "3")])).await;
    let (a, b) = (Agent::new(), Agent::new());
    let _ = a;
    drop(Client::login(relay.addr, &b).await);
    let mut ca = Client::sender(relay.addr).await;
    for i in 0..3 {
        ca.send(&b.send(mid(i), &[1])).await;
        assert!(matches!(ca.recv().await, RelayToClient::Ack { .. }));
    }
    ca.send(&b.send(mid(3), &[1])).await;
    match ca.recv().await {
        RelayToClient::Error { code: ErrorCode::MailboxFull, message_id: Some(m), .. } => assert_eq!(m, mid(3)),
        other => panic!("{other:?}"),
    }
    let (mut cb, _) = Client::login(relay.addr, &b).await;
    let RelayToClient::Deliver { delivery_id, .. } = cb.recv().await else { panic!() };
    cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
    cb.send(&ClientToRelay::Ping { nonce: 0 }).await;
    while !matches!(cb.recv().await, RelayToClient::Pong { .. }) {}
    ca.send(&b.send(mid(3), &[1])).await;
    assert!(matches!(ca.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }));
}

#[tokio::test]
async fn an_agent_over_its_connection_cap_is_closed_4005() {
    let relay = Relay::start(config(&[("RELAY_MAX_CONNS_PER_AGENT", "2")])).await;
    let a = Agent::new();
    let _one = Client::login(relay.addr, &a).await;
    let _two = Client::login(relay.addr, &a).await;
    let mut three = Client::connect(relay.addr).await;
    three.send(&ClientToRelay::Hello { agent_id: a.id, id_token: None }).await;
    let RelayToClient::Challenge { nonce } = three.recv().await else { panic!() };
    three.send(&ClientToRelay::Auth { signature: a.sign(&three.origin, &nonce) }).await;
    let (code, frames) = three.expect_close().await;
    assert_eq!((code, error_code(&frames[0])), (close::TOO_MANY_CONNECTIONS, Some(ErrorCode::TooManyConnections)));
}

#[tokio::test]
async fn a_silent_connection_is_closed_for_idleness() {
    let relay = Relay::start(config(&[("RELAY_PING_INTERVAL_SECS", "1"), ("RELAY_IDLE_TIMEOUT_SECS", "2")])).await;
    let a = Agent::new();
    let (mut c, _) = Client::login(relay.addr, &a).await;
    let (code, frames) = c.expect_close().await;
    assert_eq!(code, close::IDLE_TIMEOUT);
    assert!(frames.iter().any(|f| matches!(f, RelayToClient::Ping { .. })));
}

#[tokio::test]
async fn prekeys_are_verified_before_they_are_stored_and_then_fetched() {
    let relay = relay().await;
    let (a, b) = (Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(relay.addr, &a).await;
    let mut cb = Client::sender(relay.addr).await;
    let fetch = ClientToRelay::FetchPrekeys { agent_id: a.id, delivery_key: a.delivery.clone() };
    cb.send(&fetch).await;
    assert_eq!(cb.recv().await, RelayToClient::Prekeys { agent_id: a.id, bundle: None });
    // Garbage, someone else's bundle, and a bundle with a flipped signature bit: refused.
    ca.send(&ClientToRelay::PublishPrekeys { bundle: vec![1, 2, 3] }).await;
    assert_eq!(error_code(&ca.recv().await), Some(ErrorCode::InvalidPrekeys));
    ca.send(&ClientToRelay::PublishPrekeys { bundle: b.prekey_bundle() }).await;
    assert_eq!(error_code(&ca.recv().await), Some(ErrorCode::InvalidPrekeys));
    let mut forged = a.prekey_bundle();
    forged[40] ^= 1;
    ca.send(&ClientToRelay::PublishPrekeys { bundle: forged }).await;
    assert_eq!(error_code(&ca.recv().await), Some(ErrorCode::InvalidPrekeys));
    let bundle = a.prekey_bundle();
    ca.send(&ClientToRelay::PublishPrekeys { bundle: bundle.clone() }).await;
    assert_eq!(ca.recv().await, RelayToClient::PrekeysStored);
    cb.send(&fetch).await;
    assert_eq!(cb.recv().await, RelayToClient::Prekeys { agent_id: a.id, bundle: Some(bundle) });
    // Without one of a's delivery keys: the same answer as for an agent with no bundle.
    cb.send(&ClientToRelay::FetchPrekeys { agent_id: a.id, delivery_key: b.delivery.clone() }).await;
    assert_eq!(cb.recv().await, RelayToClient::Prekeys { agent_id: a.id, bundle: None });
}

/// Forward secrecy: each sender gets one one-time prekey nobody else gets, also after the
/// agent republished its bundle (it does on every connection); then only the signed one.
#[tokio::test]
async fn each_fetch_hands_out_its_own_one_time_prekey() {
    let relay = relay().await;
    let a = Agent::new();
    let (mut ca, _) = Client::login(relay.addr, &a).await;
    let bundle = a.prekey_bundle_with(2);
    ca.send(&ClientToRelay::PublishPrekeys { bundle: bundle.clone() }).await;
    assert_eq!(ca.recv().await, RelayToClient::PrekeysStored);
    let fetch = async || {
        let mut s = Client::sender(relay.addr).await;
        s.send(&ClientToRelay::FetchPrekeys { agent_id: a.id, delivery_key: a.delivery.clone() }).await;
        one_time_ids(&s.recv().await)
    };
    let (first, second) = (fetch().await, fetch().await);
    assert_eq!((first.len(), second.len()), (1, 1));
    assert_ne!(first, second);
    ca.send(&ClientToRelay::PublishPrekeys { bundle }).await;
    assert_eq!(ca.recv().await, RelayToClient::PrekeysStored);
    assert_eq!(fetch().await, Vec::<u32>::new(), "a republish hands nothing out twice");
}

#[tokio::test]
async fn presence_is_shown_only_to_allowed_followers() {
    let relay = relay().await;
    let (a, b, c) = (Agent::new(), Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(relay.addr, &a).await;
    ca.send(&ClientToRelay::PresenceAllow { agent_ids: vec![b.id] }).await;
    let (mut cb, _) = Client::login(relay.addr, &b).await;
    let (mut cc, _) = Client::login(relay.addr, &c).await;
    cb.send(&ClientToRelay::PresenceSubscribe { agent_ids: vec![a.id] }).await;
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: a.id, online: true });
    cc.send(&ClientToRelay::PresenceSubscribe { agent_ids: vec![a.id] }).await;
    drop(ca);
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: a.id, online: false });
    assert_eq!(cc.try_recv(Duration::from_millis(300)).await, None, "c was never allowed");
    // a comes back: its followers learn it when it allows them again.
    let (mut ca, _) = Client::login(relay.addr, &a).await;
    ca.send(&ClientToRelay::PresenceAllow { agent_ids: vec![b.id, c.id] }).await;
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: a.id, online: true });
    assert_eq!(cc.recv().await, RelayToClient::PresenceStatus { agent_id: a.id, online: true });
    // Allowing the same viewers again says nothing new.
    ca.send(&ClientToRelay::PresenceAllow { agent_ids: vec![b.id, c.id] }).await;
    assert_eq!(cb.try_recv(Duration::from_millis(200)).await, None);
}

#[tokio::test]
async fn shutdown_closes_connections_with_going_away() {
    let relay = relay().await;
    let a = Agent::new();
    let (mut c, _) = Client::login(relay.addr, &a).await;
    let shutdown = tokio::spawn(relay.shutdown());
    let (code, frames) = c.expect_close().await;
    assert_eq!((code, error_code(&frames[0])), (close::GOING_AWAY, Some(ErrorCode::ShuttingDown)));
    tokio::time::timeout(WAIT, shutdown).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_foreign_origin_is_refused_before_the_upgrade() {
    let relay = Relay::start(config(&[("RELAY_ALLOWED_ORIGINS", "https://app.example")])).await;
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/ws", relay.addr)).unwrap();
    req.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(req).await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/ws", relay.addr)).unwrap();
    req.headers_mut().insert("origin", "https://app.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());
}

#[tokio::test]
async fn a_slow_request_head_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let relay = Relay::start(config(&[("RELAY_HEADER_READ_TIMEOUT_SECS", "1")])).await;
    let mut s = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap(); // never finishes
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the relay kept a half-sent request open");
}

#[tokio::test]
async fn readyz_and_metrics_answer() {
    let relay = relay().await;
    still_serves(&relay).await;
    assert!(http_get(&relay, "/readyz").await.starts_with("HTTP/1.1 200"));
    let metrics = metrics(&relay).await;
    assert!(metrics.contains("agentnet_relay_messages_routed_total 1"), "{metrics}");
    assert!(metrics.contains("agentnet_relay_route_latency_seconds_count 1"), "{metrics}");
}
