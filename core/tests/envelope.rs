//! The sealed-sender envelope: round trips, tampering, and each refusal reason.

mod common;

use agentnet_core::crypto::envelope::{
    self, HEADER_LEN, Header, INFO, MessageId, OpenError, Options, SIGNATURE_DOMAIN, Suite, open, seal, seal_with,
};
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::identity::Keypair;
use common::{DAY, T0, keypair, rng};
use hpke::{Deserializable, Serializable};
use proptest::prelude::*;

struct Party {
    keys: Keypair,
    ring: Ring,
    seen: SeenIds,
}

fn party(seed: u8) -> Party {
    let keys = keypair(seed);
    let ring = Ring::new(&keys, T0, &mut rng(u64::from(seed)));
    Party { keys, ring, seen: SeenIds::default() }
}

fn id(n: u8) -> MessageId {
    MessageId([n; 16])
}

#[test]
fn bob_opens_what_alice_sealed_in_both_suites() {
    let (alice, mut bob) = (party(1), party(2));
    for (n, suite) in [Suite::ChaCha20Poly1305, Suite::Aes256Gcm].into_iter().enumerate() {
        let options = Options { suite, one_time: false };
        let env = seal_with(options, &alice.keys, &bob.ring.bundle(&bob.keys), id(n as u8), T0, b"lunch?", &mut rng(3))
            .unwrap();
        assert_eq!(env.as_bytes()[1], suite as u8);
        let opened = open(&mut bob.ring, env.as_bytes(), T0 + 60, &mut bob.seen).unwrap();
        assert_eq!(opened.sender, alice.keys.agent_id());
        assert_eq!(opened.message_id, id(n as u8));
        assert_eq!(opened.timestamp, T0);
        assert_eq!(opened.plaintext, b"lunch?");
    }
}

#[test]
fn only_the_header_shows_in_clear() {
    let (alice, bob) = (party(1), party(2));
    let content = b"a secret meeting at the usual place";
    let env = seal(&alice.keys, &bob.ring.bundle(&bob.keys), id(1), T0, content, &mut rng(3)).unwrap();
    let bytes = env.as_bytes();
    assert_eq!(bytes.len(), envelope::MIN_LEN + content.len());
    let header = Header::parse(bytes).unwrap();
    assert_eq!(header.recipient, bob.keys.agent_id());
    assert_eq!(header.prekey_id, bob.ring.current().id());
    let alice_id = alice.keys.agent_id();
    assert!(!bytes.windows(32).any(|w| w == alice_id.as_bytes()), "sender id leaked");
    assert!(!bytes.windows(8).any(|w| w == &content[..8]), "content leaked");
}

#[test]
fn wrong_recipient_is_refused() {
    let (alice, bob, mut carol) = (party(1), party(2), party(3));
    let env = seal(&alice.keys, &bob.ring.bundle(&bob.keys), id(1), T0, b"hi", &mut rng(3)).unwrap();
    assert_eq!(
        open(&mut carol.ring, env.as_bytes(), T0, &mut carol.seen),
        Err(OpenError::WrongRecipient { expected: carol.keys.agent_id(), got: bob.keys.agent_id() })
    );
}

#[test]
fn replay_is_refused() {
    let (alice, mut bob) = (party(1), party(2));
    let env = seal(&alice.keys, &bob.ring.bundle(&bob.keys), id(7), T0, b"hi", &mut rng(3)).unwrap();
    assert!(open(&mut bob.ring, env.as_bytes(), T0, &mut bob.seen).is_ok());
    assert_eq!(
        open(&mut bob.ring, env.as_bytes(), T0 + 1, &mut bob.seen),
        Err(OpenError::Replay { sender: alice.keys.agent_id(), message_id: id(7) })
    );
}

#[test]
fn retired_prekey_works_within_grace_and_is_refused_after() {
    let (alice, mut bob) = (party(1), party(2));
    let bundle = bob.ring.bundle(&bob.keys);
    let sealed_at = T0 + 6 * DAY;
    let early = seal(&alice.keys, &bundle, id(1), sealed_at, b"in flight", &mut rng(3)).unwrap();
    let late = seal(&alice.keys, &bundle, id(2), sealed_at, b"very late", &mut rng(4)).unwrap();
    assert!(bob.ring.rotate_if_due(T0 + 7 * DAY, &mut rng(5)));
    assert_ne!(bob.ring.current().id(), bundle.prekey_id());

    let opened = open(&mut bob.ring, early.as_bytes(), T0 + 10 * DAY, &mut bob.seen).unwrap();
    assert_eq!(opened.plaintext, b"in flight");

    let after_grace = T0 + 14 * DAY;
    assert_eq!(
        open(&mut bob.ring, late.as_bytes(), after_grace, &mut bob.seen),
        Err(OpenError::PrekeyExpired { id: bundle.prekey_id(), until: after_grace })
    );
    // Once pruned the secret is gone, and the error stays the same.
    bob.ring.prune(after_grace);
    assert_eq!(bob.ring.retired_count(), 0);
    assert!(matches!(
        open(&mut bob.ring, late.as_bytes(), after_grace, &mut bob.seen),
        Err(OpenError::PrekeyExpired { .. })
    ));
}

#[test]
fn sealing_to_an_expired_bundle_is_refused() {
    let (alice, bob) = (party(1), party(2));
    let bundle = bob.ring.bundle(&bob.keys);
    assert!(matches!(
        seal(&alice.keys, &bundle, id(1), bundle.expires(), b"x", &mut rng(3)),
        Err(envelope::SealError::Bundle(_))
    ));
}

#[test]
fn timestamps_outside_the_window_are_refused() {
    let (alice, mut bob) = (party(1), party(2));
    let bundle = bob.ring.bundle(&bob.keys);
    let env = seal(&alice.keys, &bundle, id(1), T0 + 3600, b"x", &mut rng(3)).unwrap();
    assert_eq!(
        open(&mut bob.ring, env.as_bytes(), T0, &mut bob.seen),
        Err(OpenError::FromFuture { timestamp: T0 + 3600, now: T0 })
    );
    let env = seal(&alice.keys, &bundle, id(2), T0, b"x", &mut rng(3)).unwrap();
    let now = T0 + 7 * DAY - 1; // bundle still current, message a week old
    assert!(open(&mut bob.ring, env.as_bytes(), now, &mut bob.seen).is_ok());
    let env = seal(&alice.keys, &bundle, id(3), T0, b"x", &mut rng(3)).unwrap();
    let now = T0 + 7 * DAY + 1;
    assert_eq!(
        open(&mut bob.ring, env.as_bytes(), now, &mut bob.seen),
        Err(OpenError::TooOld { timestamp: T0, now, max_age: 7 * DAY })
    );
}

/// Seals an arbitrary inner message the way a malicious sender could.
fn seal_raw(recipient: &Party, inner_of: impl FnOnce(&[u8; HEADER_LEN]) -> Vec<u8>) -> Vec<u8> {
    type Kem = hpke::kem::X25519HkdfSha256;
    let bundle = recipient.ring.bundle(&recipient.keys);
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(bundle.public()).unwrap();
    let (enc, mut ctx) = hpke::setup_sender_with_rng::<hpke::aead::ChaCha20Poly1305, hpke::kdf::HkdfSha256, Kem>(
        &hpke::OpModeS::Base,
        &pk,
        INFO,
        &mut rng(11),
    )
    .unwrap();
    let header = Header {
        suite: Suite::ChaCha20Poly1305,
        recipient: bundle.agent_id(),
        prekey_id: bundle.prekey_id(),
        enc: enc.to_bytes().into(),
    }
    .to_bytes();
    let inner = inner_of(&header);
    [header.as_slice(), &ctx.seal(&inner, &header).unwrap()].concat()
}

fn inner(header: &[u8], sender: &Keypair, claimed: &Keypair, msg: MessageId, t: u64, content: &[u8]) -> Vec<u8> {
    let claimed = claimed.agent_id();
    let input = [SIGNATURE_DOMAIN, header, claimed.as_bytes(), &msg.0, &t.to_be_bytes(), content].concat();
    let sig = sender.sign(&input);
    [claimed.as_bytes().as_slice(), &msg.0, &t.to_be_bytes(), &sig, content].concat()
}

#[test]
fn bad_signature_is_refused() {
    let (alice, mut bob, carol) = (party(1), party(2), party(3));
    // Carol claims to be Alice.
    let forged = seal_raw(&bob, |h| inner(h, &carol.keys, &alice.keys, id(1), T0, b"cancel everything"));
    assert_eq!(
        open(&mut bob.ring, &forged, T0, &mut bob.seen),
        Err(OpenError::BadSignature { claimed: alice.keys.agent_id() })
    );
    // The helper is right: signed by the claimed sender, the same envelope opens.
    let honest = seal_raw(&bob, |h| inner(h, &alice.keys, &alice.keys, id(2), T0, b"ok"));
    assert!(open(&mut bob.ring, &honest, T0, &mut bob.seen).is_ok());
}

#[test]
fn signature_binds_the_header_so_content_cannot_be_resealed() {
    let (alice, mut bob) = (party(1), party(2));
    // A signature made for a different header (another recipient/prekey/enc) fails.
    let moved = seal_raw(&bob, |h| {
        let mut other = *h;
        other[34] ^= 1;
        inner(&other, &alice.keys, &alice.keys, id(1), T0, b"hi")
    });
    assert!(matches!(open(&mut bob.ring, &moved, T0, &mut bob.seen), Err(OpenError::BadSignature { .. })));
}

#[test]
fn one_time_prekey_opens_once() {
    let (alice, mut bob) = (party(1), party(2));
    bob.ring.add_one_time(2, T0, &mut rng(9));
    let bundle = bob.ring.bundle(&bob.keys);
    let one_time = Options { one_time: true, ..Options::default() };
    let first = seal_with(one_time, &alice.keys, &bundle, id(1), T0, b"1", &mut rng(3)).unwrap();
    let second = seal_with(one_time, &alice.keys, &bundle, id(2), T0, b"2", &mut rng(4)).unwrap();
    assert_eq!(first.header().prekey_id, bundle.one_time()[0].id);
    assert!(open(&mut bob.ring, first.as_bytes(), T0, &mut bob.seen).is_ok());
    assert_eq!(bob.ring.one_time_count(), 1);
    assert_eq!(
        open(&mut bob.ring, second.as_bytes(), T0, &mut bob.seen),
        Err(OpenError::UnknownPrekey { id: bundle.one_time()[0].id })
    );
}

#[test]
fn header_errors_are_specific() {
    let (alice, mut bob) = (party(1), party(2));
    let bytes = seal(&alice.keys, &bob.ring.bundle(&bob.keys), id(1), T0, b"", &mut rng(3)).unwrap().to_bytes();
    let min = envelope::MIN_LEN;
    assert_eq!(open(&mut bob.ring, &bytes[..min - 1], T0, &mut bob.seen), Err(OpenError::Truncated { len: min - 1, min }));
    let mut b = bytes.clone();
    b[0] = 9;
    assert_eq!(open(&mut bob.ring, &b, T0, &mut bob.seen), Err(OpenError::UnsupportedVersion(9)));
    let mut b = bytes.clone();
    b[1] = 0x01;
    assert_eq!(open(&mut bob.ring, &b, T0, &mut bob.seen), Err(OpenError::UnknownSuite(1)));
    let mut b = bytes;
    b[34..38].copy_from_slice(&999u32.to_be_bytes());
    assert_eq!(open(&mut bob.ring, &b, T0, &mut bob.seen), Err(OpenError::UnknownPrekey { id: 999 }));
}

#[test]
fn a_rejected_envelope_is_not_remembered() {
    let (alice, mut bob) = (party(1), party(2));
    let bytes = seal(&alice.keys, &bob.ring.bundle(&bob.keys), id(1), T0, b"x", &mut rng(3)).unwrap().to_bytes();
    let mut tampered = bytes.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert_eq!(open(&mut bob.ring, &tampered, T0, &mut bob.seen), Err(OpenError::Decrypt));
    assert!(bob.seen.is_empty());
    assert!(open(&mut bob.ring, &bytes, T0, &mut bob.seen).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip(content in proptest::collection::vec(any::<u8>(), 0..2048), msg in any::<[u8; 16]>(),
                  aes in any::<bool>(), seed in any::<u64>(), dt in 0u64..(7 * DAY)) {
        let (alice, mut bob) = (party(1), party(2));
        let suite = if aes { Suite::Aes256Gcm } else { Suite::ChaCha20Poly1305 };
        let env = seal_with(Options { suite, one_time: false }, &alice.keys, &bob.ring.bundle(&bob.keys),
            MessageId(msg), T0, &content, &mut rng(seed)).unwrap();
        let opened = open(&mut bob.ring, env.as_bytes(), T0 + dt, &mut bob.seen).unwrap();
        prop_assert_eq!(opened.plaintext, content);
        prop_assert_eq!(opened.message_id, MessageId(msg));
        prop_assert_eq!(opened.sender, alice.keys.agent_id());
    }

    #[test]
    fn any_changed_byte_is_refused(index in 0usize..(envelope::MIN_LEN + 40), flip in 1u8..=255, aes in any::<bool>()) {
        let (alice, mut bob) = (party(1), party(2));
        let suite = if aes { Suite::Aes256Gcm } else { Suite::ChaCha20Poly1305 };
        let mut bytes = seal_with(Options { suite, one_time: false }, &alice.keys, &bob.ring.bundle(&bob.keys),
            id(1), T0, &[0x55; 40], &mut rng(3)).unwrap().to_bytes();
        bytes[index] ^= flip;
        let result = open(&mut bob.ring, &bytes, T0, &mut bob.seen);
        prop_assert!(result.is_err(), "byte {} changed and the envelope still opened", index);
        if index >= HEADER_LEN || (38..HEADER_LEN).contains(&index) {
            // Ciphertext and encapsulated key: one coarse error, whatever the byte.
            prop_assert_eq!(result, Err(OpenError::Decrypt));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut bob = party(2);
        let _ = open(&mut bob.ring, &bytes, T0, &mut bob.seen);
    }
}
