//! Identity keys, their text forms, fingerprints and safety numbers.

mod common;

use agentnet_core::identity::{AgentId, Error, Keypair, SafetyNumber};
use common::keypair;
use proptest::prelude::*;

#[test]
fn agent_id_text_is_52_lowercase_base32_chars() {
    let id = keypair(1).agent_id();
    let text = id.to_string();
    assert_eq!(text.len(), 52);
    assert!(text.chars().all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c)), "{text}");
}

#[test]
fn parsing_ignores_case_dashes_and_spaces() {
    let id = keypair(2).agent_id();
    let text = id.to_string().to_uppercase();
    let grouped: Vec<String> = text.as_bytes().chunks(4).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    assert_eq!(grouped.join("-").parse::<AgentId>().unwrap(), id);
    assert_eq!(grouped.join(" ").parse::<AgentId>().unwrap(), id);
}

#[test]
fn parsing_rejects_bad_text() {
    let text = keypair(3).agent_id().to_string();
    assert_eq!(text[1..].parse::<AgentId>(), Err(Error::Length { expected: 52, got: 51 }));
    let bad = format!("1{}", &text[1..]);
    assert_eq!(bad.parse::<AgentId>(), Err(Error::BadChar { ch: '1', at: 0 }));
    // 52 characters carry 260 bits for 256: the last one's low 4 bits must be zero.
    let last = text.as_bytes()[51];
    assert!(last == b'a' || last == b'q', "{text}");
    let non_canonical = format!("{}{}", &text[..51], (last + 1) as char);
    assert_eq!(non_canonical.parse::<AgentId>(), Err(Error::NonCanonical));
}

#[test]
fn small_order_and_invalid_keys_are_refused() {
    // y = 1 is the identity point, y = 0 a point of order 4: both let anyone forge.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(AgentId::from_bytes(identity), Err(Error::InvalidKey));
    assert_eq!(AgentId::from_bytes([0; 32]), Err(Error::InvalidKey));
    assert_eq!(AgentId::try_from(&[7u8; 31][..]), Err(Error::InvalidKey));
}

#[test]
fn fingerprint_is_four_groups_of_eight() {
    let fp = keypair(4).agent_id().fingerprint().to_string();
    let groups: Vec<&str> = fp.split('-').collect();
    assert_eq!(groups.len(), 4, "{fp}");
    assert!(groups.iter().all(|g| g.len() == 8));
    assert_ne!(fp, keypair(5).agent_id().fingerprint().to_string());
}

#[test]
fn safety_number_is_symmetric_and_pair_specific() {
    let (a, b, c) = (keypair(1).agent_id(), keypair(2).agent_id(), keypair(3).agent_id());
    assert_eq!(SafetyNumber::new(&a, &b), SafetyNumber::new(&b, &a));
    assert_ne!(SafetyNumber::new(&a, &b), SafetyNumber::new(&a, &c));
    let text = SafetyNumber::new(&a, &b).to_string();
    assert_eq!(text.len(), 12 * 5 + 11);
    assert!(text.split(' ').all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit())), "{text}");
}

#[test]
fn signatures_verify_only_for_the_signer_and_message() {
    let (alice, bob) = (keypair(1), keypair(2));
    let sig = alice.sign(b"hello");
    assert!(alice.agent_id().verify(b"hello", &sig).is_ok());
    assert_eq!(alice.agent_id().verify(b"hellO", &sig), Err(Error::BadSignature { agent: alice.agent_id() }));
    assert!(bob.agent_id().verify(b"hello", &sig).is_err());
}

#[test]
fn secret_bytes_restore_the_same_identity() {
    let alice = Keypair::generate(&mut common::rng(9));
    let restored = Keypair::from_secret_bytes(&alice.to_secret_bytes());
    assert_eq!(restored.agent_id(), alice.agent_id());
}

#[test]
fn serde_uses_text_in_json() {
    let id = keypair(6).agent_id();
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(json, format!("\"{id}\""));
    assert_eq!(serde_json::from_str::<AgentId>(&json).unwrap(), id);
    assert!(serde_json::from_str::<AgentId>("\"abc\"").is_err());
}

proptest! {
    #[test]
    fn text_round_trips(seed in any::<[u8; 32]>()) {
        let id = Keypair::from_secret_bytes(&seed).agent_id();
        prop_assert_eq!(id.to_string().parse::<AgentId>().unwrap(), id);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,80}") {
        let _ = text.parse::<AgentId>();
    }
}
