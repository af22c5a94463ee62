//! Two relay instances joined by a real redis-server (started by the test on a free
//! loopback port): routing both ways, mail picked up on another instance, and no
//! acknowledged message lost when an instance is killed mid-stream.

mod common;

use agentnet_core::wire::{AckStatus, ClientToRelay, RelayToClient};
use common::*;
use std::collections::HashSet;
use std::time::Duration;

async fn redis_relay(redis: &RedisServer) -> Relay {
    Relay::start(config(&[("REDIS_URL", &redis.url)])).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_on_two_instances_exchange_messages_both_ways() {
    let redis = RedisServer::start().await;
    let (one, two) = (redis_relay(&redis).await, redis_relay(&redis).await);
    let (a, b) = (Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(one.addr, &a).await;
    let (mut cb, _) = Client::login(two.addr, &b).await;
    let (mut sa, mut sb) = (Client::sender(one.addr).await, Client::sender(two.addr).await);
    for i in 0..20 {
        sa.send(&b.send(mid(i), &[i as u8; 64])).await;
        assert_eq!(sa.recv().await, RelayToClient::Ack { message_id: mid(i), status: AckStatus::Stored });
        let RelayToClient::Deliver { delivery_id, message_id, envelope } = cb.recv().await else { panic!() };
        assert_eq!((message_id, envelope), (mid(i), vec![i as u8; 64]));
        cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
        sb.send(&a.send(mid(100 + i), &[1])).await;
        assert!(matches!(sb.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }));
        assert!(matches!(ca.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(100 + i)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_for_an_agent_offline_on_one_instance_arrives_on_the_other() {
    let redis = RedisServer::start().await;
    let (one, two) = (redis_relay(&redis).await, redis_relay(&redis).await);
    let (a, b) = (Agent::new(), Agent::new());
    drop(Client::login(one.addr, &b).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = a;
    let mut ca = Client::sender(one.addr).await;
    for i in 0..3 {
        ca.send(&b.send(mid(i), &[i as u8])).await;
        assert_eq!(ca.recv().await, RelayToClient::Ack { message_id: mid(i), status: AckStatus::Stored });
    }
    let (mut cb, waiting) = Client::login(two.addr, &b).await;
    assert_eq!(waiting, 3);
    for i in 0..3 {
        let RelayToClient::Deliver { delivery_id, message_id, .. } = cb.recv().await else { panic!() };
        assert_eq!(message_id, mid(i));
        cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
    }
    cb.send(&ClientToRelay::Ping { nonce: 0 }).await;
    assert_eq!(cb.recv().await, RelayToClient::Pong { nonce: 0 });
    drop(cb);
    assert_eq!(Client::login(one.addr, &b).await.1, 0, "acknowledged mail is gone everywhere");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prekeys_published_on_one_instance_are_fetched_on_the_other() {
    let redis = RedisServer::start().await;
    let (one, two) = (redis_relay(&redis).await, redis_relay(&redis).await);
    let (a, b) = (Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(one.addr, &a).await;
    let bundle = a.prekey_bundle_with(2);
    ca.send(&ClientToRelay::PublishPrekeys { bundle: bundle.clone() }).await;
    assert_eq!(ca.recv().await, RelayToClient::PrekeysStored);
    let _ = b;
    // Each instance hands out a different one-time prekey, then none.
    let mut handed = Vec::new();
    for addr in [two.addr, one.addr, two.addr] {
        let mut s = Client::sender(addr).await;
        s.send(&ClientToRelay::FetchPrekeys { agent_id: a.id, delivery_key: a.delivery.clone() }).await;
        handed.push(one_time_ids(&s.recv().await));
    }
    assert_eq!((handed[0].len(), handed[1].len(), handed[2].len()), (1, 1, 0), "{handed:?}");
    assert_ne!(handed[0], handed[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_an_instance_mid_stream_loses_no_acknowledged_message() {
    const N: u32 = 300;
    let redis = RedisServer::start().await;
    let one = RelayProcess::start(&redis.url).await;
    let mut two = RelayProcess::start(&redis.url).await;
    let (sender, receiver) = (Agent::new(), Agent::new());
    let (mut rx, _) = Client::login(two.addr, &receiver).await;
    let _ = sender;
    let mut tx = Client::sender(one.addr).await;

    let frames: Vec<ClientToRelay> = (0..N).map(|i| receiver.send(mid(i), &[0; 256])).collect();
    let sending = tokio::spawn(async move {
        let mut acked = HashSet::new();
        for frame in frames {
            tx.send(&frame).await;
            if let RelayToClient::Ack { message_id, .. } = tx.recv().await {
                acked.insert(message_id);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        acked
    });
    // The application: stores each message id once, however often it is delivered.
    let mut app: HashSet<[u8; 16]> = HashSet::new();
    let mut deliveries = 0;
    let mut killed = false;
    loop {
        // Frames read ahead by the login's barrier come first.
        let next = match rx.ahead.pop_front() {
            Some(frame) => Ok(Some(frame)),
            None => tokio::time::timeout(Duration::from_secs(3), rx.ws_frame()).await,
        };
        match next {
            Ok(Some(RelayToClient::Deliver { delivery_id, message_id, .. })) => {
                deliveries += 1;
                app.insert(message_id);
                rx.send(&ClientToRelay::DeliverAck { delivery_id }).await;
                if app.len() == 60 && !killed {
                    two.kill();
                    killed = true;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                // Our instance died: reconnect to the survivor and pick up the mailbox.
                rx = Client::login(one.addr, &receiver).await.0;
            }
            Err(_) => break, // quiet for 3 s: the sender is done
        }
    }
    let acked = sending.await.unwrap();
    assert!(killed);
    assert_eq!(acked.len(), N as usize, "the surviving instance acked every send");
    let lost: Vec<_> = acked.difference(&app).collect();
    assert!(lost.is_empty(), "{} acknowledged messages lost", lost.len());
    eprintln!("{deliveries} deliveries for {} messages (redeliveries deduplicated by id)", app.len());
}

/// Sends a Ping and waits for its Pong: everything sent before has been handled.
async fn barrier(c: &mut Client) {
    c.send(&ClientToRelay::Ping { nonce: 42 }).await;
    assert_eq!(c.recv().await, RelayToClient::Pong { nonce: 42 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_crosses_instances_only_to_allowed_followers() {
    let redis = RedisServer::start().await;
    let (one, two) = (redis_relay(&redis).await, redis_relay(&redis).await);
    let (a, b, c, d) = (Agent::new(), Agent::new(), Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(one.addr, &a).await;
    ca.send(&ClientToRelay::PresenceAllow { agent_ids: vec![b.id] }).await;
    barrier(&mut ca).await;
    let (mut cb, _) = Client::login(two.addr, &b).await;
    let (mut cc, _) = Client::login(two.addr, &c).await;
    // b on instance two follows a on instance one: its instance asks a's.
    cb.send(&ClientToRelay::PresenceSubscribe { agent_ids: vec![a.id] }).await;
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: a.id, online: true });
    cc.send(&ClientToRelay::PresenceSubscribe { agent_ids: vec![a.id] }).await;
    drop(ca);
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: a.id, online: false });
    // An agent that comes online after the subscription, on the other instance.
    cb.send(&ClientToRelay::PresenceSubscribe { agent_ids: vec![a.id, d.id] }).await;
    cc.send(&ClientToRelay::PresenceSubscribe { agent_ids: vec![a.id, d.id] }).await;
    barrier(&mut cb).await;
    let (mut cd, _) = Client::login(one.addr, &d).await;
    cd.send(&ClientToRelay::PresenceAllow { agent_ids: vec![b.id] }).await;
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: d.id, online: true });
    // d is connected to both instances: leaving one does not make it offline.
    let (mut cd2, _) = Client::login(two.addr, &d).await;
    cd2.send(&ClientToRelay::PresenceAllow { agent_ids: vec![b.id] }).await;
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: d.id, online: true });
    drop(cd2);
    assert_eq!(cb.try_recv(Duration::from_millis(300)).await, None, "d is still online on instance one");
    drop(cd);
    assert_eq!(cb.recv().await, RelayToClient::PresenceStatus { agent_id: d.id, online: false });
    assert_eq!(cc.try_recv(Duration::from_millis(300)).await, None, "c was never allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubsub_subscriptions_come_back_after_the_redis_connection_is_killed() {
    let redis = RedisServer::start().await;
    let (one, two) = (redis_relay(&redis).await, redis_relay(&redis).await);
    let (a, b) = (Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(one.addr, &a).await;
    let (mut cb, _) = Client::login(two.addr, &b).await;
    let (mut sa, mut sb) = (Client::sender(one.addr).await, Client::sender(two.addr).await);
    sa.send(&b.send(mid(0), &[0])).await;
    assert_eq!(sa.recv().await, RelayToClient::Ack { message_id: mid(0), status: AckStatus::Stored });
    assert!(matches!(cb.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(0)));

    // Cut every pub/sub connection (both instances'); command connections stay.
    let admin = redis::Client::open(redis.url.as_str()).unwrap();
    let mut admin = admin.get_multiplexed_async_connection().await.unwrap();
    let killed: i64 = redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub").query_async(&mut admin).await.unwrap();
    assert_eq!(killed, 2);

    // Keep sending until b, still on its old connection, gets a Deliver again: the
    // subscriptions are back (the sender's Acks say the same either way).
    let mut sent = HashSet::new();
    let mut got = HashSet::new();
    let mut i = 1;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        assert!(tokio::time::Instant::now() < deadline, "live routing did not come back");
        sa.send(&b.send(mid(i), &[1])).await;
        let RelayToClient::Ack { message_id, .. } = sa.recv().await else { panic!("expected Ack") };
        sent.insert(message_id);
        i += 1;
        if let Some(RelayToClient::Deliver { message_id, delivery_id, .. }) = cb.try_recv(Duration::from_millis(5)).await {
            got.insert(message_id);
            cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
            break;
        }
    }
    // b gets every one of them (the ones stored meanwhile are re-delivered when the
    // subscriptions come back).
    while !sent.is_subset(&got) {
        match cb.recv().await {
            RelayToClient::Deliver { message_id, delivery_id, .. } => {
                got.insert(message_id);
                cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // And the other direction works too. (A message stored while the subscription came
    // back may arrive both live and re-delivered: the client de-duplicates by id.)
    sb.send(&a.send(mid(999), &[2])).await;
    assert_eq!(sb.recv().await, RelayToClient::Ack { message_id: mid(999), status: AckStatus::Stored });
    assert!(matches!(ca.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(999)));
    eprintln!("{} sends before live routing returned", sent.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_redis_connections_come_back_after_they_are_killed() {
    let redis = RedisServer::start().await;
    let (one, two) = (redis_relay(&redis).await, redis_relay(&redis).await);
    let (a, b) = (Agent::new(), Agent::new());
    let (mut ca, _) = Client::login(one.addr, &a).await;
    let (mut cb, _) = Client::login(two.addr, &b).await;
    let (mut sa, mut sb) = (Client::sender(one.addr).await, Client::sender(two.addr).await);

    // Every connection of both instances: the command ones and the pub/sub ones.
    let admin = redis::Client::open(redis.url.as_str()).unwrap();
    let mut admin = admin.get_multiplexed_async_connection().await.unwrap();
    let normal: i64 = redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes").query_async(&mut admin).await.unwrap();
    let pubsub: i64 = redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub").query_async(&mut admin).await.unwrap();
    assert_eq!((normal, pubsub), (2, 2));

    // A Send may fail while its connection is replaced; the client resends the same id.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut failures = 0;
    for i in 0..20 {
        loop {
            assert!(tokio::time::Instant::now() < deadline, "routing did not come back");
            sa.send(&b.send(mid(i), &[3])).await;
            match sa.recv().await {
                RelayToClient::Ack { message_id, .. } if message_id == mid(i) => break,
                RelayToClient::Error { code: agentnet_core::wire::ErrorCode::Internal, .. } => failures += 1,
                other => panic!("unexpected {other:?}"),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let mut got = HashSet::new();
    while got.len() < 20 {
        match cb.recv().await {
            RelayToClient::Deliver { message_id, delivery_id, .. } => {
                got.insert(message_id);
                cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    sb.send(&a.send(mid(999), &[2])).await;
    assert_eq!(sb.recv().await, RelayToClient::Ack { message_id: mid(999), status: AckStatus::Stored });
    loop {
        match ca.recv().await {
            RelayToClient::Deliver { message_id, .. } if message_id == mid(999) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    eprintln!("{failures} sends failed while the connections were replaced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_caps_hold_for_a_burst_of_sends_stored_together() {
    let redis = RedisServer::start().await;
    let relay = Relay::start(config(&[
        ("REDIS_URL", &redis.url),
        ("RELAY_MAILBOX_MAX_MESSAGES", "5"),
        ("RELAY_MAILBOX_MAX_BYTES", "2048"),
    ]))
    .await;
    let (a, b, c) = (Agent::new(), Agent::new(), Agent::new());
    drop(Client::login(relay.addr, &b).await);
    drop(Client::login(relay.addr, &c).await);
    let _ = a;
    let mut ca = Client::sender(relay.addr).await;
    // Sent without waiting, so they reach Redis in few batches: b by count, c by bytes.
    for i in 0..10 {
        ca.send(&b.send(mid(i), &[1; 10])).await;
        ca.send(&c.send(mid(100 + i), &[2; 500])).await;
    }
    let (mut queued, mut full) = (HashSet::new(), HashSet::new());
    for _ in 0..20 {
        match ca.recv().await {
            RelayToClient::Ack { message_id, status: AckStatus::Stored } => queued.insert(message_id),
            RelayToClient::Error { code: agentnet_core::wire::ErrorCode::MailboxFull, message_id: Some(id), .. } => full.insert(id),
            other => panic!("unexpected {other:?}"),
        };
    }
    let want_b: HashSet<_> = (0..5).map(mid).collect();
    let want_c: HashSet<_> = (100..104).map(mid).collect();
    assert_eq!(queued, want_b.union(&want_c).copied().collect(), "the first 5 for b, the first 4 (2000 bytes) for c");
    assert_eq!(full.len(), 11);
    // Acknowledged mail frees its room.
    let (mut cb, waiting) = Client::login(relay.addr, &b).await;
    assert_eq!(waiting, 5);
    for _ in 0..5 {
        let RelayToClient::Deliver { delivery_id, .. } = cb.recv().await else { panic!() };
        cb.send(&ClientToRelay::DeliverAck { delivery_id }).await;
    }
    barrier(&mut cb).await;
    ca.send(&b.send(mid(50), &[1; 10])).await;
    assert_eq!(ca.recv().await, RelayToClient::Ack { message_id: mid(50), status: AckStatus::Stored });
}

/// Sends stored together in one script call are judged one by one: those with the
/// recipient's delivery key are kept, the others refused, and nothing of them stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_mixing_keyed_and_unkeyed_sends_keeps_only_the_keyed_ones() {
    let redis = RedisServer::start().await;
    let relay = redis_relay(&redis).await;
    let (b, stranger) = (Agent::new(), Agent::new());
    drop(Client::login(relay.addr, &b).await);
    let mut s = Client::sender(relay.addr).await;
    for i in 0..10 {
        let key = if i % 2 == 0 { b.delivery.clone() } else { stranger.delivery.clone() };
        s.send(&ClientToRelay::Send { recipient: b.id, delivery_key: key, message_id: mid(i), envelope: vec![i as u8] }).await;
    }
    let (mut stored, mut refused) = (HashSet::new(), HashSet::new());
    for _ in 0..10 {
        match s.recv().await {
            RelayToClient::Ack { message_id, .. } => stored.insert(message_id),
            RelayToClient::Error { code: agentnet_core::wire::ErrorCode::SendRefused, message_id: Some(id), .. } => refused.insert(id),
            other => panic!("unexpected {other:?}"),
        };
    }
    assert_eq!(stored, (0..10).step_by(2).map(mid).collect());
    assert_eq!(refused, (1..10).step_by(2).map(mid).collect());
    let (mut cb, waiting) = Client::login(relay.addr, &b).await;
    assert_eq!(waiting, 5);
    for i in (0..10).step_by(2) {
        assert!(matches!(cb.recv().await, RelayToClient::Deliver { message_id, .. } if message_id == mid(i)));
    }
}

/// With Redis, its `maxmemory` (policy `noeviction`, as compose runs it) is the relay's
/// memory budget: at it, sends get QuotaExceeded and nothing stored is evicted; an
/// acknowledgement still goes through and makes room again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_redis_maxmemory_sends_get_quota_exceeded_and_acks_make_room() {
    use agentnet_core::wire::ErrorCode;
    let redis = RedisServer::start_with(&["--maxmemory", "6mb", "--maxmemory-policy", "noeviction"]).await;
    let relay = Relay::start(config(&[
        ("REDIS_URL", &redis.url),
        ("RELAY_CONN_BYTES_RATE", "1000000000"),
        ("RELAY_CONN_RATE", "100000"),
        ("RELAY_CONN_BURST", "100000"),
        ("RELAY_IP_SEND_BURST", "100000000"),
    ]))
    .await;
    let recipients: Vec<Agent> = (0..8).map(|_| Agent::new()).collect();
    for agent in &recipients {
        let _ = Client::login(relay.addr, agent).await;
    }
    let mut sender = Client::sender(relay.addr).await;
    let (mut stored, mut refused) = (0u32, 0u32);
    for n in 0..200u32 {
        sender.send(&recipients[n as usize % recipients.len()].send(mid(n), &[n as u8; 60_000])).await;
        match sender.recv().await {
            RelayToClient::Ack { status: AckStatus::Stored, .. } => stored += 1,
            RelayToClient::Error { code: ErrorCode::QuotaExceeded, message_id: Some(m), .. } if m == mid(n) => refused += 1,
            other => panic!("send {n}: {other:?}"),
        }
    }
    assert!(stored > 0 && refused > 0, "stored {stored}, refused {refused}");

    // Nothing was evicted: every stored message waits for its recipient, who acknowledges
    // it even though Redis is at its limit.
    let mut waiting = 0;
    for agent in &recipients {
        let (mut c, n) = Client::login(relay.addr, agent).await;
        waiting += n;
        for _ in 0..n {
            let RelayToClient::Deliver { delivery_id, .. } = c.recv().await else { panic!("a Deliver") };
            c.send(&ClientToRelay::DeliverAck { delivery_id }).await;
        }
        c.barrier().await;
    }
    assert_eq!(waiting, stored);
    // The acknowledgements freed room for most of it again (Redis's own overhead varies).
    for n in 0..stored * 3 / 4 {
        sender.send(&recipients[n as usize % recipients.len()].send(mid(1000 + n), &[1; 60_000])).await;
        assert!(matches!(sender.recv().await, RelayToClient::Ack { status: AckStatus::Stored, .. }), "acknowledged mail made room ({n} of {stored})");
    }
}

/// Clients flooding presence lists of 1,000 ids (each new id a PUBLISH to the other
/// instances) get RateLimited, and logins on the same instance beside them stay fast: a
/// login's subscription never waits behind presence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_floods_are_rate_limited_and_never_hold_up_logins() {
    use agentnet_core::wire::ErrorCode;
    let redis = RedisServer::start().await;
    // Flooders are never closed for it here, and only the presence limit applies: the
    // flood goes on for the whole test.
    let flooded = || {
        config(&[
            ("REDIS_URL", &redis.url),
            ("RELAY_RATE_STRIKES", "1000000"),
            ("RELAY_CONN_RATE", "100000"),
            ("RELAY_CONN_BURST", "100000"),
            ("RELAY_CONN_BYTES_RATE", "1000000000"),
            ("RELAY_AGENT_RATE", "100000"),
            ("RELAY_AGENT_BURST", "100000"),
        ])
    };
    let (one, two) = (Relay::start(flooded()).await, redis_relay(&redis).await);
    let _elsewhere = Client::login(two.addr, &Agent::new()).await;
    let canary = Canary::start(one.addr).await;
    let mut flooders = Vec::new();
    for f in 0..4u8 {
        let (client, _) = Client::login(one.addr, &Agent::new()).await;
        flooders.push(tokio::spawn(async move {
            let mut client = client;
            let mut limited = 0;
            // Two disjoint lists in turn: every list is all new ids.
            let lists: Vec<Vec<[u8; 32]>> = (0..2u8).map(|l| (0..1000u16).map(|i| {
                let mut id = [f; 32];
                id[1] = l;
                id[2..4].copy_from_slice(&i.to_be_bytes());
                id
            }).collect()).collect();
            let started = tokio::time::Instant::now();
            let mut n = 0;
            while started.elapsed() < Duration::from_secs(4) {
                client.send(&ClientToRelay::PresenceSubscribe { agent_ids: lists[n % 2].clone() }).await;
                n += 1;
                client.barrier().await;
                limited += client.ahead.drain(..).filter(|f| matches!(f, RelayToClient::Error { code: ErrorCode::RateLimited, .. })).count();
            }
            limited
        }));
    }
    let mut limited = 0;
    for flooder in flooders {
        limited += flooder.await.unwrap();
    }
    assert!(limited > 0, "presence floods were rate limited");
    canary.finish(Duration::from_secs(2)).await;
}
