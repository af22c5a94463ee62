//! agentnet's `crypto::hpke` and the `hpke` crate are interchangeable: each opens what the
//! other sealed, they export the same secrets, and an envelope is the same HPKE message
//! whichever of them made it.

mod common;

use std::convert::Infallible;

use agentnet_core::crypto::envelope::{self, HEADER_LEN, Header, INFO, MessageId, Options, SIGNATURE_DOMAIN, Suite};
use agentnet_core::crypto::hpke as ours;
use agentnet_core::crypto::prekey::{Bundle, Ring};
use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::identity::Keypair;
use common::{T0, keypair, rng};
use hpke::aead::{AesGcm256, ChaCha20Poly1305};
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256 as Kem;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use proptest::prelude::*;

/// Runs `f` with the `hpke` crate's AEAD type matching `aead`.
macro_rules! with_aead {
    ($aead:expr, $A:ident => $body:expr) => {
        match $aead {
            ours::Aead::ChaCha20Poly1305 => {
                type $A = ChaCha20Poly1305;
                $body
            }
            ours::Aead::Aes256Gcm => {
                type $A = AesGcm256;
                $body
            }
        }
    };
}

const AEADS: [ours::Aead; 2] = [ours::Aead::ChaCha20Poly1305, ours::Aead::Aes256Gcm];

/// Ours seals, the crate opens; three messages so the nonce sequence is covered too.
fn ours_to_crate(aead: ours::Aead, ikm: &[u8; 32], info: &[u8], messages: &[(Vec<u8>, Vec<u8>)], seed: u64) {
    let (sk, pk) = Kem::derive_keypair(ikm);
    let public = ours::PublicKey::from_bytes(pk.to_bytes().into());
    let (enc, mut sender) = ours::setup_sender(aead, &public, info, &mut rng(seed)).unwrap();
    with_aead!(aead, A => {
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&enc).unwrap();
        let mut receiver = hpke::setup_receiver::<A, HkdfSha256, Kem>(&OpModeR::Base, &sk, &enc, info).unwrap();
        for (aad, pt) in messages {
            let ct = sender.seal(aad, pt).unwrap();
            assert_eq!(&receiver.open(&ct, aad).unwrap(), pt);
        }
        let (mut a, mut b) = ([0u8; 48], [0u8; 48]);
        sender.export(b"ctx", &mut a).unwrap();
        receiver.export(b"ctx", &mut b).unwrap();
        assert_eq!(a, b);
    });
}

/// The crate seals, ours opens.
fn crate_to_ours(aead: ours::Aead, ikm: &[u8; 32], info: &[u8], messages: &[(Vec<u8>, Vec<u8>)], seed: u64) {
    let recipient = ours::Keypair::derive(ikm);
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(recipient.public()).unwrap();
    with_aead!(aead, A => {
        let (enc, mut sender) =
            hpke::setup_sender_with_rng::<A, HkdfSha256, Kem>(&OpModeS::Base, &pk, info, &mut rng(seed)).unwrap();
        let enc: [u8; 32] = enc.to_bytes().into();
        let mut receiver = ours::setup_receiver(aead, &enc, &recipient, info).unwrap();
        for (aad, pt) in messages {
            let ct = sender.seal(pt, aad).unwrap();
            assert_eq!(&receiver.open(aad, &ct).unwrap(), pt);
        }
        let (mut a, mut b) = ([0u8; 48], [0u8; 48]);
        sender.export(b"ctx", &mut a).unwrap();
        receiver.export(b"ctx", &mut b).unwrap();
        assert_eq!(a, b);
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn each_opens_what_the_other_sealed(
        ikm in any::<[u8; 32]>(),
        info in proptest::collection::vec(any::<u8>(), 0..40),
        messages in proptest::collection::vec(
            (proptest::collection::vec(any::<u8>(), 0..40), proptest::collection::vec(any::<u8>(), 0..300)),
            1..4,
        ),
        seed in any::<u64>(),
    ) {
        for aead in AEADS {
            ours_to_crate(aead, &ikm, &info, &messages, seed);
            crate_to_ours(aead, &ikm, &info, &messages, seed);
        }
    }
}

#[test]
fn the_same_rng_gives_the_same_encapsulation() {
    // Both draw 32 bytes and run DeriveKeyPair on them, so envelopes stay reproducible.
    let recipient = ours::Keypair::derive(&[5; 32]);
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(recipient.public()).unwrap();
    for aead in AEADS {
        let public = ours::PublicKey::from_bytes(*recipient.public());
        let (enc, mut s1) = ours::setup_sender(aead, &public, INFO, &mut rng(9)).unwrap();
        with_aead!(aead, A => {
            let (theirs, mut s2) =
                hpke::setup_sender_with_rng::<A, HkdfSha256, Kem>(&OpModeS::Base, &pk, INFO, &mut rng(9)).unwrap();
            assert_eq!(enc.to_vec(), theirs.to_bytes().to_vec());
            assert_eq!(s1.seal(b"aad", b"same bytes").unwrap(), s2.seal(b"same bytes", b"aad").unwrap());
        });
    }
}

/// The "RNG" behind a ring made for this test: every byte is `0x0b`, so the prekey secret is
/// `DeriveKeyPair(32 x 0x0b)` and the `hpke` crate can rebuild it.
struct Constant;

impl rand_core::TryRng for Constant {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(0x0b0b_0b0b)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(0x0b0b_0b0b_0b0b_0b0b)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(0x0b);
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Constant {}

/// An envelope sealed with the `hpke` crate, built field by field as docs/protocol.md says.
fn crate_envelope<A: hpke::aead::Aead>(suite: Suite, sender: &Keypair, bundle: &Bundle, id: MessageId) -> Vec<u8> {
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(bundle.public()).unwrap();
    let (enc, mut ctx) = hpke::setup_sender_with_rng::<A, HkdfSha256, Kem>(&OpModeS::Base, &pk, INFO, &mut rng(5)).unwrap();
    let header =
        Header { suite, recipient: bundle.agent_id(), prekey_id: bundle.prekey_id(), enc: enc.to_bytes().into() }.to_bytes();
    let from = sender.agent_id();
    let signed = [SIGNATURE_DOMAIN, &header, from.as_bytes(), &id.0, &T0.to_be_bytes(), b"yo"].concat();
    let inner = [from.as_bytes().as_slice(), &id.0, &T0.to_be_bytes(), &sender.sign(&signed), b"yo"].concat();
    [header.as_slice(), &ctx.seal(&inner, &header).unwrap()].concat()
}

#[test]
fn envelopes_are_hpke_messages_either_way() {
    let (alice, bob) = (keypair(1), keypair(2));
    let mut ring = Ring::new(&bob, T0, &mut Constant);
    let bundle = ring.bundle(&bob).verified(T0).unwrap();
    let (sk, _) = Kem::derive_keypair(&[0x0b; 32]);
    let mut seen = SeenIds::default();
    for (n, suite) in [Suite::ChaCha20Poly1305, Suite::Aes256Gcm].into_iter().enumerate() {
        let aead = if suite == Suite::ChaCha20Poly1305 { ours::Aead::ChaCha20Poly1305 } else { ours::Aead::Aes256Gcm };
        // Our envelope, opened by the crate.
        let options = Options { suite, one_time: false };
        let sealed = envelope::seal_with(options, &alice, &bundle, MessageId([n as u8; 16]), T0, b"hi", &mut rng(4)).unwrap();
        let (head, ciphertext) = sealed.as_bytes().split_at(HEADER_LEN);
        let header = Header::parse(sealed.as_bytes()).unwrap();
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&header.enc).unwrap();
        let inner = with_aead!(aead, A => hpke::setup_receiver::<A, HkdfSha256, Kem>(&OpModeR::Base, &sk, &enc, INFO)
            .unwrap()
            .open(ciphertext, head)
            .unwrap());
        assert_eq!(&inner[..32], alice.agent_id().as_bytes());
        assert_eq!(&inner[envelope::INNER_FIXED_LEN..], b"hi");

        // The crate's envelope (the way agentnet sealed before it had its own HPKE), opened by us.
        let id = MessageId([0x40 + n as u8; 16]);
        let theirs = with_aead!(aead, A => crate_envelope::<A>(suite, &alice, &bundle, id));
        let opened = envelope::open(&mut ring, &theirs, T0, &mut seen).unwrap();
        assert_eq!((opened.sender, opened.plaintext), (alice.agent_id(), b"yo".to_vec()));
    }
}
