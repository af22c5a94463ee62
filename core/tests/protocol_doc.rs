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
