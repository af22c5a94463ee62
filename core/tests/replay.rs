//! Bounded replay memory.

mod common;

use agentnet_core::crypto::envelope::MessageId;
use agentnet_core::crypto::replay::SeenIds;
use common::keypair;

#[test]
fn remembers_up_to_capacity_then_raises_the_floor() {
    let alice = keypair(1).agent_id();
    let mut seen = SeenIds::new(2);
    for t in 1..=3u8 {
        assert!(seen.is_fresh(&alice, &MessageId([t; 16]), u64::from(t)));
        seen.insert(alice, MessageId([t; 16]), u64::from(t));
    }
    assert_eq!(seen.len(), 2);
    // The oldest (t=1) was forgotten, so anything stamped at or before 1 is refused.
    assert_eq!(seen.floor(), Some(1));
    assert!(!seen.is_fresh(&alice, &MessageId([1; 16]), 1));
    assert!(!seen.is_fresh(&alice, &MessageId([9; 16]), 1));
    assert!(!seen.is_fresh(&alice, &MessageId([3; 16]), 3));
    assert!(seen.is_fresh(&alice, &MessageId([9; 16]), 2));
}

#[test]
fn same_id_from_another_sender_is_not_a_replay() {
    let (alice, bob) = (keypair(1).agent_id(), keypair(2).agent_id());
    let mut seen = SeenIds::default();
    seen.insert(alice, MessageId([1; 16]), 10);
    assert!(!seen.is_fresh(&alice, &MessageId([1; 16]), 10));
    assert!(seen.is_fresh(&bob, &MessageId([1; 16]), 10));
}

#[test]
fn prune_forgets_old_entries_without_raising_the_floor() {
    let alice = keypair(1).agent_id();
    let mut seen = SeenIds::new(10);
    seen.insert(alice, MessageId([1; 16]), 5);
    seen.insert(alice, MessageId([2; 16]), 50);
    seen.prune(10);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen.floor(), None);
    assert_eq!(seen.iter().next().map(|(t, _, _)| t), Some(50));
}

#[test]
fn the_memory_survives_bytes_with_its_floor_and_refuses_damage() {
    let (alice, bob) = (keypair(1).agent_id(), keypair(2).agent_id());
    let mut seen = SeenIds::new(2);
    seen.insert(alice, MessageId([1; 16]), 5);
    seen.insert(bob, MessageId([2; 16]), 6);
    seen.insert(alice, MessageId([3; 16]), 7);
    let bytes = seen.to_bytes();
    let back = SeenIds::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.floor(), Some(5));
    assert!(!back.is_fresh(&bob, &MessageId([2; 16]), 6), "a remembered id is still a replay");
    assert!(!back.is_fresh(&bob, &MessageId([9; 16]), 5), "the floor is kept");
    assert!(back.is_fresh(&bob, &MessageId([9; 16]), 8));
    for cut in 0..bytes.len() {
        assert!(SeenIds::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(SeenIds::from_bytes(&longer).is_err());
}
