//! The worked examples in docs/protocol.md (fenced blocks tagged `hex example-<name>`) must
//! decode, verify and open with the keys the document lists.

mod common;

use std::collections::BTreeMap;
use std::convert::Infallible;

use agentnet_core::crypto::envelope::{self, MessageId, Suite};
use agentnet_core::crypto::prekey::{Bundle, Ring};
use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::crypto::vault::{self, DataKey, Kek, KdfParams, WrappedKey};
use agentnet_core::identity::{Keypair, SafetyNumber};
use agentnet_core::protocol::{self as p, Act, Limits, Meeting, Payload};
use agentnet_core::schedule::Interval;

/// Example time: 2026-01-01T00:00:00Z.
const NOW: u64 = 1_767_225_600;

/// The document's "RNG": every byte it yields is one constant, so each example is
/// reproducible from the inputs the document lists.
struct Constant(u8);

impl rand_core::TryRng for Constant {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(u32::from_ne_bytes([self.0; 4]))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(u64::from_ne_bytes([self.0; 8]))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(self.0);
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Constant {}

fn alice() -> Keypair {
    Keypair::from_secret_bytes(&[0x01; 32])
}

fn bob() -> Keypair {
    Keypair::from_secret_bytes(&[0x02; 32])
}

/// Bob's ring: signed prekey 1 from ikm = 32 x 0x0b.
fn bob_ring() -> Ring {
    Ring::new(&bob(), NOW, &mut Constant(0x0b))
}

/// Alice's ring: signed prekey 1 from ikm = 32 x 0x0a.
fn alice_ring() -> Ring {
    Ring::new(&alice(), NOW, &mut Constant(0x0a))
}

fn slot(start: &str, end: &str) -> Interval {
    Interval::new(start.parse().unwrap(), end.parse().unwrap()).unwrap()
}

/// The three task messages of the worked exchange: Alice proposes two times for coffee,
/// Bob accepts the second, Alice confirms it. Task 16 x 0x7a, context 16 x 0xc0.
fn exchange() -> [p::Message; 3] {
    let (task, context) = (p::TaskId([0x7a; 16]), p::ContextId([0xc0; 16]));
    let (monday, tuesday) = (slot("2026-01-05T13:00:00Z", "2026-01-05T13:30:00Z"), slot("2026-01-06T09:00:00Z", "2026-01-06T09:30:00Z"));
    let meeting = Meeting { title: "Coffee".into(), duration_minutes: 30 };
    let propose = p::Message::new(p::MessageId([0x21; 16]), task, context, p::Role::User, p::TaskState::Working, Act::Propose { meeting, slots: vec![monday, tuesday] });
    let accept = p::Message::new(p::MessageId([0x22; 16]), task, context, p::Role::Agent, p::TaskState::Working, Act::Accept { slots: vec![tuesday] })
        .replying_to(p::MessageId([0x21; 16]));
    let confirm = p::Message::new(p::MessageId([0x23; 16]), task, context, p::Role::User, p::TaskState::Completed, Act::Confirm { slot: tuesday });
    [propose, accept, confirm]
}

/// Each step's envelope: (name, sender, recipient's ring, message, timestamp, ikmE byte).
fn exchange_envelopes() -> Vec<(&'static str, Keypair, Ring, p::Message, u64, u8)> {
    let [propose, accept, confirm] = exchange();
    vec![
        ("exchange-propose", alice(), bob_ring(), propose, NOW, 0x1e),
        ("exchange-accept", bob(), alice_ring(), accept, NOW + 60, 0x2e),
        ("exchange-confirm", alice(), bob_ring(), confirm, NOW + 120, 0x3e),
    ]
}

fn sealed(sender: &Keypair, ring: &Ring, message: &p::Message, at: u64, ikm: u8) -> Vec<u8> {
    let recipient = if sender.agent_id() == alice().agent_id() { bob() } else { alice() };
    let content = Payload::Task(message.clone()).to_bytes();
    envelope::seal(sender, &ring.bundle(&recipient), MessageId(message.message_id.0), at, &content, &mut Constant(ikm)).unwrap().to_bytes()
}

fn examples() -> BTreeMap<String, Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    let doc = std::fs::read_to_string(path).expect("docs/protocol.md");
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        if let Some((name, hex)) = current.as_mut() {
            if line.trim_start().starts_with("```") {
                let bytes = hex::decode(&*hex).unwrap_or_else(|e| panic!("example-{name}: {e}"));
                out.insert(name.clone(), bytes);
                current = None;
            } else {
                // Everything after '#' is an annotation.
                let data = line.split('#').next().unwrap_or("");
                hex.extend(data.chars().filter(|c| !c.is_whitespace()));
            }
        } else if let Some(name) = line.trim().strip_prefix("```hex example-") {
            current = Some((name.trim().to_string(), String::new()));
        }
    }
    assert!(current.is_none(), "unterminated example block");
    out
}

fn example(name: &str) -> Vec<u8> {
    examples().remove(name).unwrap_or_else(|| panic!("docs/protocol.md lacks ```hex example-{name}"))
}

fn expected_envelope() -> Vec<u8> {
    let bundle = bob_ring().bundle(&bob());
    envelope::seal(&alice(), &bundle, MessageId([0x11; 16]), NOW, b"Tuesday 3pm?", &mut Constant(0x0e))
        .unwrap()
        .to_bytes()
}

fn expected_wrapped_key() -> Vec<u8> {
    let kek = Kek::derive(b"correct horse battery staple", KdfParams::OWASP_MINIMUM, [0x5a; 16]).unwrap();
    kek.wrap(&DataKey::generate(&mut Constant(0xdd)), "events", &mut Constant(0x6e)).unwrap().to_bytes().to_vec()
}

fn expected_record() -> Vec<u8> {
    vault::seal_record(&DataKey::generate(&mut Constant(0xdd)), "events", b"42", b"dentist", &mut Constant(0x4e))
        .unwrap()
}

#[test]
fn prekey_bundle_example_verifies() {
    let bytes = example("prekey-bundle");
    let bundle = Bundle::from_bytes(&bytes).unwrap();
    assert_eq!(bundle.verify(NOW), Ok(()));
    assert_eq!(bundle.agent_id(), bob().agent_id());
    assert_eq!(bundle.prekey_id(), 1);
    assert_eq!(bundle.to_bytes(), bytes);
    assert_eq!(bytes, bob_ring().bundle(&bob()).to_bytes(), "the document's bundle is not the one its inputs give");
}

#[test]
fn envelope_example_opens() {
    let bytes = example("envelope");
    assert_eq!(bytes[1], Suite::ChaCha20Poly1305 as u8);
    let opened = envelope::open(&mut bob_ring(), &bytes, NOW + 60, &mut SeenIds::default()).unwrap();
    assert_eq!(opened.sender, alice().agent_id());
    assert_eq!(opened.message_id, MessageId([0x11; 16]));
    assert_eq!(opened.timestamp, NOW);
    assert_eq!(opened.plaintext, b"Tuesday 3pm?");
    assert_eq!(bytes, expected_envelope(), "the document's envelope is not the one its inputs give");
}

#[test]
fn vault_examples_open() {
    let wrapped = WrappedKey::from_bytes(&example("wrapped-key")).unwrap();
    // Made with the earlier default: parameters travel with the key, so it still unlocks.
    assert_eq!(wrapped.params(), KdfParams::OWASP_MINIMUM);
    let key = vault::unlock(b"correct horse battery staple", &wrapped, "events").unwrap();
    let record = example("vault-record");
    assert_eq!(vault::open_record(&key, "events", b"42", &record).unwrap(), b"dentist");
    assert_eq!(wrapped.to_bytes().to_vec(), expected_wrapped_key());
    assert_eq!(record, expected_record());
}

/// The whole exchange in bytes: each envelope opens for its recipient, carries the task
/// message the document shows, and answers what it should.
#[test]
fn the_worked_exchange_opens_step_by_step() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md")).unwrap();
    let (mut answered, mut accepted) = (None, Vec::new());
    for (name, sender, mut ring, message, at, ikm) in exchange_envelopes() {
        let bytes = example(name);
        let opened = envelope::open(&mut ring, &bytes, NOW + 180, &mut SeenIds::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(opened.sender, sender.agent_id(), "{name}");
        assert_eq!(opened.message_id.0, message.message_id.0, "{name}: one id in the envelope and the task message");
        let Ok(Payload::Task(got)) = Payload::from_bytes(&opened.plaintext, &Limits::default()) else { panic!("{name}: not a task message") };
        assert_eq!(got, message, "{name}");
        let json = String::from_utf8(opened.plaintext[1..].to_vec()).unwrap();
        assert!(doc.contains(&json), "docs/protocol.md should show the JSON of {name}: {json}");
        if let Some(Act::Accept { slots }) = got.act() {
            assert_eq!(got.reference_message_id, answered, "the accept answers the propose");
            accepted = slots.clone();
        }
        if let Some(Act::Confirm { slot }) = got.act() {
            assert_eq!(accepted, vec![*slot], "the confirmed slot is the accepted one");
        }
        answered = Some(got.message_id);
        assert_eq!(bytes, sealed(&sender, &ring, &message, at, ikm), "{name}: not the envelope its inputs give");
    }
}

/// Every JSON task message the document shows is one a receiver accepts.
#[test]
fn the_documented_task_messages_are_valid() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md")).unwrap();
    let mut n = 0;
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```json" {
            continue;
        }
        let json: String = lines.by_ref().take_while(|l| !l.starts_with("```")).collect::<Vec<_>>().join("\n");
        if !json.contains("\"parts\"") || json.contains('…') {
            continue;
        }
        p::Message::from_json(json.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{e}: {json}"));
        n += 1;
    }
    assert!(n >= 7, "found {n} task messages");
}

#[test]
fn identity_examples_match() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md")).unwrap();
    for text in [
        alice().agent_id().to_string(),
        bob().agent_id().to_string(),
        alice().agent_id().fingerprint().to_string(),
        SafetyNumber::new(&alice().agent_id(), &bob().agent_id()).to_string(),
    ] {
        assert!(doc.contains(&text), "docs/protocol.md should show {text}");
    }
}

/// Prints the examples for the document: `cargo test --test protocol_doc -- --ignored --nocapture`.
#[test]
#[ignore = "generator for docs/protocol.md"]
fn print_examples() {
    let (a, b) = (alice().agent_id(), bob().agent_id());
    println!("alice {a}\nbob {b}\nalice fingerprint {}\nbob fingerprint {}", a.fingerprint(), b.fingerprint());
    println!("safety number {}", SafetyNumber::new(&a, &b));
    println!("alice pub {}\nbob pub {}", hex::encode(a.as_bytes()), hex::encode(b.as_bytes()));
    println!("bundle {}", hex::encode(bob_ring().bundle(&bob()).to_bytes()));
    println!("envelope {}", hex::encode(expected_envelope()));
    println!("wrapped {}", hex::encode(expected_wrapped_key()));
    println!("record {}", hex::encode(expected_record()));
}

/// Prints the worked exchange for the document:
/// `cargo test --test protocol_doc print_exchange -- --ignored --nocapture`.
#[test]
#[ignore = "generator for docs/protocol.md"]
fn print_exchange() {
    println!("alice bundle {}", hex::encode(alice_ring().bundle(&alice()).to_bytes()));
    for (name, sender, ring, message, at, ikm) in exchange_envelopes() {
        println!("{name} json {}", String::from_utf8(message.to_json()).unwrap());
        println!("{name} hex {}", hex::encode(sealed(&sender, &ring, &message, at, ikm)));
    }
}
