//! Clients that misbehave on purpose (they stop reading, flood WebSocket pings, break
//! the WebSocket framing, read the metrics): each is dealt with while a well-behaved
//! pair beside it keeps being served.

mod common;

use agentnet_core::wire::{AckStatus, RelayToClient};
use common::*;
use std::time::Duration;

/// The canary's bound: generous, the point is "served", not "fast".
const SERVED_WITHIN: Duration = Duration::from_secs(3);

/// A relay with the per-connection and per-address rates out of the way, so only the
/// limit a test is about applies; `extra` on top (later settings win).
fn unthrottled(extra: &[(&str, &str)]) -> agentnet_relay::Config {
    let mut pairs = vec![
        ("RELAY_CONN_RATE", "100000"),
        ("RELAY_CONN_BURST", "100000"),
        ("RELAY_CONN_BYTES_RATE", "1000000000"),
        ("RELAY_IP_SEND_BURST", "100000000"),
    ];
    pairs.extend_from_slice(extra);
    config(&pairs)
}

async fn metric(relay: &Relay, name: &str) -> u64 {
    let metrics = metrics(relay).await;
    let line = metrics.lines().find(|line| line.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("no {name} in {metrics}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// A client that logs in and then never reads again: once its socket is full and a write
/// takes no headway for the write timeout, the relay drops it; everything it was sent
/// stays in its mailbox for its next login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_and_keeps_its_mail() {
    let relay = Relay::start(unthrottled(&[("RELAY_WRITE_TIMEOUT_SECS", "2")])).await;
    let canary = Canary::start(relay.addr).await;
    let stuck = Agent::new();
    let (stopped_reading, _) = Client::login(relay.addr, &stuck).await;
    let baseline = metric(&relay, "agentnet_relay_authenticated_connections").await;

    // 466 deliveries of 30 kB: far more than the socket buffers on both sides hold.
    let mut sender = Client::sender(relay.addr).await;
    let sent = 466u32;
    for n in 0..sent {
        sender.send(&stuck.send(mid(n), &[7; 30_000])).await;
    }
    for _ in 0..sent {
        assert!(matches!(sender.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }));
    }

    // Dropped within the write timeout and a wide margin: one fewer authenticated
    // connection, and a write that timed out.
    let mut dropped = false;
    for _ in 0..150 {
        if metric(&relay, "agentnet_relay_authenticated_connections").await < baseline {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(dropped, "the client that stopped reading is still connected 15 s later");
    assert_eq!(metric(&relay, "agentnet_relay_write_timeouts_total").await, 1);
    drop(stopped_reading);

    // Nothing was lost: it was never acknowledged, so it all waits for the next login.
    let (_, waiting) = Client::login(relay.addr, &stuck).await;
    assert_eq!(waiting, sent);
    canary.finish(SERVED_WITHIN).await;
}

/// WebSocket pings cost the relay a read and a Pong each: they count against the frame
/// rate like relay frames, and a flood of them ends the connection with 1008.
#[tokio::test]
async fn a_flood_of_websocket_pings_is_rate_limited_then_closed_1008() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let relay = Relay::start(config(&[("RELAY_CONN_RATE", "5"), ("RELAY_CONN_BURST", "5"), ("RELAY_RATE_STRIKES", "10")])).await;
    let canary = Canary::start(relay.addr).await;
    let (mut flooder, _) = Client::login(relay.addr, &Agent::new()).await;
    for _ in 0..40 {
        flooder.ws.send(Message::Ping(vec![0; 16].into())).await.unwrap();
    }
    let (code, _) = flooder.expect_close().await;
    assert_eq!(code, agentnet_core::wire::close::POLICY_VIOLATION);
    assert!(metric(&relay, "agentnet_relay_rate_limited_total").await >= 11);
    canary.finish(SERVED_WITHIN).await;
}

/// The metrics say how many agents are online and how much the relay carries: strangers
/// on the public port get 404, the operator's metrics address gets the figures.
#[tokio::test]
async fn metrics_are_not_served_on_the_public_port() {
    let relay = Relay::start(config(&[])).await;
    let public = http_get(&relay, "/metrics").await;
    assert!(public.starts_with("HTTP/1.1 404"), "{public}");
    assert!(!public.contains("agentnet_relay_"), "{public}");
    let private = metrics(&relay).await;
    assert!(private.starts_with("HTTP/1.1 200") && private.contains("agentnet_relay_authenticated_connections 0"), "{private}");
}

/// Writes one raw WebSocket frame under the client library, with a zero mask (client
/// frames must be masked; a zero key leaves the payload as it is).
async fn raw_frame(client: &mut Client, head: &[u8], payload: &[u8]) {
    use tokio::io::AsyncWriteExt;
    use tokio_tungstenite::MaybeTlsStream;
    let MaybeTlsStream::Plain(tcp) = client.ws.get_mut() else { panic!("plain TCP in tests") };
    let mut bytes = head.to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes.extend_from_slice(payload);
    tcp.write_all(&bytes).await.unwrap();
}

/// Frames the WebSocket layer refuses close with the RFC 6455 code for what was wrong,
/// on a logged-in connection, while others are served.
#[tokio::test]
async fn websocket_violations_close_with_their_rfc_6455_codes() {
    use agentnet_core::wire::close;
    let relay = Relay::start(config(&[])).await;
    let canary = Canary::start(relay.addr).await;
    let cases: [(&str, Vec<u8>, Vec<u8>, u16); 5] = [
        // FIN + text, masked, 2 bytes: not UTF-8.
        ("text that is not UTF-8", vec![0x81, 0x82], vec![0xff, 0xfe], close::INVALID_PAYLOAD),
        // FIN + RSV1 + binary: no extension was negotiated.
        ("a reserved bit", vec![0xc2, 0x81], vec![0x00], close::PROTOCOL_ERROR),
        // FIN + opcode 3: reserved.
        ("a reserved opcode", vec![0x83, 0x81], vec![0x00], close::PROTOCOL_ERROR),
        // A ping without FIN: control frames may not be fragmented.
        ("a fragmented ping", vec![0x09, 0x81], vec![0x00], close::PROTOCOL_ERROR),
        // Binary, declared 1 MiB: far above the WebSocket layer's limit.
        ("a frame of 1 MiB", vec![0x82, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0], Vec::new(), close::MESSAGE_TOO_BIG),
    ];
    for (what, head, payload, expected) in cases {
        let (mut client, _) = Client::login(relay.addr, &Agent::new()).await;
        raw_frame(&mut client, &head, &payload).await;
        let (code, _) = client.expect_close().await;
        assert_eq!(code, expected, "{what}");
    }
    canary.finish(SERVED_WITHIN).await;
}

/// Throwaway identities filling their own mailboxes from many connections: every
/// mailbox stays under its own cap, so only the budget of all mailboxes together stops
/// them. Over it, sends get QuotaExceeded with their message id, what the relay holds
/// stays within the budget, and nothing already stored is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throwaway_identities_cannot_hold_more_than_the_memory_budget() {
    use agentnet_core::wire::ErrorCode;
    const BUDGET: u64 = 4 << 20;
    let relay = Relay::start(unthrottled(&[("RELAY_MAILBOX_TOTAL_BYTES", &BUDGET.to_string())])).await;
    let canary = Canary::start(relay.addr).await;
    let identities: Vec<Agent> = (0..10).map(|_| Agent::new()).collect();
    for agent in &identities {
        let _ = Client::login(relay.addr, agent).await; // publishes its key, then leaves
    }

    // 16 connections, 170 envelopes of 60 kB: about 10 MB, 1 MB per mailbox.
    let mut senders = Vec::new();
    for _ in 0..16 {
        senders.push(Client::sender(relay.addr).await);
    }
    let mut sent = Vec::new();
    for n in 0..170u32 {
        let to = &identities[n as usize % identities.len()];
        senders[n as usize % 16].send(&to.send(mid(n), &[n as u8; 60_000])).await;
        sent.push(n);
    }
    let (mut stored, mut refused) = (0u32, 0u32);
    for n in sent {
        match senders[n as usize % 16].recv().await {
            RelayToClient::Ack { message_id, status: AckStatus::Stored } if message_id == mid(n) => stored += 1,
            RelayToClient::Error { code: ErrorCode::QuotaExceeded, message_id: Some(m), .. } if m == mid(n) => refused += 1,
            other => panic!("send {n}: {other:?}"),
        }
    }
    assert!(refused > 0 && stored > 0, "stored {stored}, refused {refused}");
    assert!(u64::from(stored) * 60_000 <= BUDGET, "stored {stored} envelopes of 60 kB in a budget of {BUDGET}");
    let held = metric(&relay, "agentnet_relay_mailbox_bytes").await;
    assert!(held <= BUDGET, "the relay holds {held} bytes, budget {BUDGET}");

    // Everything acknowledged is still there for its recipient.
    let mut waiting = 0;
    for agent in &identities {
        let (_, n) = Client::login(relay.addr, agent).await;
        waiting += n;
    }
    assert_eq!(waiting, stored);
    canary.finish(SERVED_WITHIN).await;
}

/// One address sending from many connections is held to its own send budget: past it,
/// its sends get RateLimited with their message id, while a sender from another address
/// is stored as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_send_past_its_budget_from_many_connections() {
    use agentnet_core::wire::ErrorCode;
    let relay = Relay::start(unthrottled(&[("RELAY_IP_SEND_RATE", "1024"), ("RELAY_IP_SEND_BURST", "600000")])).await;
    let canary = Canary::start(relay.addr).await; // from 127.0.0.1
    let victim = Agent::new();
    let _inbox = Client::login(relay.addr, &victim).await;
    let attacker: std::net::Ipv4Addr = "127.0.0.2".parse().unwrap();
    let mut senders = Vec::new();
    for _ in 0..8 {
        senders.push(Client::sender_from(relay.addr, attacker).await);
    }
    // 8 connections x 4 envelopes of 60 kB: 1.9 MB against a burst of 600 kB.
    let (mut stored, mut limited) = (0, 0);
    for n in 0..32u32 {
        let sender = &mut senders[n as usize % 8];
        sender.send(&victim.send(mid(n), &[1; 60_000])).await;
        match sender.recv().await {
            RelayToClient::Ack { status: AckStatus::Stored, .. } => stored += 1,
            RelayToClient::Error { code: ErrorCode::RateLimited, message_id: Some(m), .. } if m == mid(n) => limited += 1,
            other => panic!("send {n}: {other:?}"),
        }
    }
    assert_eq!(stored, 10, "600 kB of burst holds ten envelopes of 60 kB, whatever the connection");
    assert_eq!(limited, 22);
    // Another address is not held to it.
    let mut elsewhere = Client::sender(relay.addr).await;
    elsewhere.send(&victim.send(mid(100), &[1; 60_000])).await;
    assert!(matches!(elsewhere.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }));
    canary.finish(SERVED_WITHIN).await;
}
