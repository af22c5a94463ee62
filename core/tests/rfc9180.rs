//! RFC 9180 known-answer tests for the HPKE configuration the envelope uses:
//! DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, with AES-256-GCM (aead 2) and
//! ChaCha20-Poly1305 (aead 3), in mode base (0) and auth (2).
//!
//! Two implementations answer: the `hpke` crate (the reference; both modes) and agentnet's
//! own `crypto::hpke` (what the envelope runs; mode base, the only one it implements).
//!
//! tests/data/rfc9180-x25519-sha256-base-auth.json holds those four vectors, copied from the
//! RFC's test-vectors.json (via ../shared/vectors). Deterministic setup: key pairs come from
//! `DeriveKeyPair(ikm)`, and the sender's ephemeral key from an RNG that returns ikmE, which
//! is exactly what both implementations feed `DeriveKeyPair` when encapsulating.

use std::convert::Infallible;

use agentnet_core::crypto::hpke as ours;
use hpke::aead::{Aead, AesGcm256, ChaCha20Poly1305};
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256 as Kem;
use hpke::{Kem as _, OpModeR, OpModeS, Serializable};
use serde_json::Value;

/// An "RNG" that replays fixed bytes: it turns encapsulation into the RFC's DeriveKeyPair(ikmE).
struct Replay(Vec<u8>);

impl rand_core::TryRng for Replay {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        unreachable!("HPKE only fills bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        unreachable!("HPKE only fills bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(dst.len() <= self.0.len(), "more randomness asked than the vector has");
        let rest = self.0.split_off(dst.len());
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Replay {}

fn hex(v: &Value, key: &str) -> Vec<u8> {
    hex::decode(v[key].as_str().unwrap_or_else(|| panic!("{key} missing"))).unwrap()
}

fn clamp(mut scalar: Vec<u8>) -> Vec<u8> {
    scalar[0] &= 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    scalar
}

fn vectors() -> Vec<Value> {
    let text = include_str!("data/rfc9180-x25519-sha256-base-auth.json");
    serde_json::from_str(text).unwrap()
}

/// The `hpke` crate against vector `v`.
fn check<A: Aead>(v: &Value) {
    let info = hex(v, "info");
    let (sk_r, pk_r) = Kem::derive_keypair(&hex(v, "ikmR"));
    // hpke stores the X25519 scalar clamped (RFC 7748); the vector lists it unclamped.
    assert_eq!(sk_r.to_bytes().to_vec(), clamp(hex(v, "skRm")));
    assert_eq!(pk_r.to_bytes().to_vec(), hex(v, "pkRm"));
    let mut eph = Replay(hex(v, "ikmE"));

    let (mode_s, mode_r) = match v["mode"].as_u64() {
        Some(0) => (OpModeS::Base, OpModeR::Base),
        Some(2) => {
            let (sk_s, pk_s) = Kem::derive_keypair(&hex(v, "ikmS"));
            assert_eq!(pk_s.to_bytes().to_vec(), hex(v, "pkSm"));
            (OpModeS::Auth((sk_s, pk_s.clone())), OpModeR::Auth(pk_s))
        }
        m => panic!("unexpected mode {m:?}"),
    };
    let (enc, mut sender) = hpke::setup_sender_with_rng::<A, HkdfSha256, Kem>(&mode_s, &pk_r, &info, &mut eph).unwrap();
    assert_eq!(enc.to_bytes().to_vec(), hex(v, "enc"));
    let mut receiver = hpke::setup_receiver::<A, HkdfSha256, Kem>(&mode_r, &sk_r, &enc, &info).unwrap();

    let encryptions = v["encryptions"].as_array().unwrap();
    assert_eq!(encryptions.len(), 10);
    for (seq, e) in encryptions.iter().enumerate() {
        let (aad, pt, ct) = (hex(e, "aad"), hex(e, "pt"), hex(e, "ct"));
        assert_eq!(sender.seal(&pt, &aad).unwrap(), ct, "encryption {seq}");
        assert_eq!(receiver.open(&ct, &aad).unwrap(), pt, "decryption {seq}");
    }
    let exports = v["exports"].as_array().unwrap();
    assert_eq!(exports.len(), 3);
    for x in exports {
        let len = usize::try_from(x["L"].as_u64().unwrap()).unwrap();
        let (mut out_s, mut out_r) = (vec![0u8; len], vec![0u8; len]);
        sender.export(&hex(x, "exporter_context"), &mut out_s).unwrap();
        receiver.export(&hex(x, "exporter_context"), &mut out_r).unwrap();
        assert_eq!(out_s, hex(x, "exported_value"));
        assert_eq!(out_r, out_s);
    }
}

/// agentnet's `crypto::hpke` against base-mode vector `v`.
fn check_ours(v: &Value) {
    assert_eq!(v["mode"], 0, "crypto::hpke implements mode base only");
    let aead = match v["aead_id"].as_u64() {
        Some(2) => ours::Aead::Aes256Gcm,
        Some(3) => ours::Aead::ChaCha20Poly1305,
        a => panic!("unexpected aead {a:?}"),
    };
    let info = hex(v, "info");
    let recipient = ours::Keypair::derive(&hex(v, "ikmR"));
    assert_eq!(recipient.secret_bytes().to_vec(), clamp(hex(v, "skRm")));
    assert_eq!(recipient.public().to_vec(), hex(v, "pkRm"));
    let public = ours::PublicKey::from_bytes(*recipient.public());
    let (enc, mut sender) = ours::setup_sender(aead, &public, &info, &mut Replay(hex(v, "ikmE"))).unwrap();
    assert_eq!(enc.to_vec(), hex(v, "enc"));
    let mut receiver = ours::setup_receiver(aead, &enc, &recipient, &info).unwrap();

    let encryptions = v["encryptions"].as_array().unwrap();
    assert_eq!(encryptions.len(), 10);
    for (seq, e) in encryptions.iter().enumerate() {
        let (aad, pt, ct) = (hex(e, "aad"), hex(e, "pt"), hex(e, "ct"));
        assert_eq!(sender.seal(&aad, &pt).unwrap(), ct, "encryption {seq}");
        assert_eq!(receiver.open(&aad, &ct).unwrap(), pt, "decryption {seq}");
    }
    let exports = v["exports"].as_array().unwrap();
    assert_eq!(exports.len(), 3);
    for x in exports {
        let len = usize::try_from(x["L"].as_u64().unwrap()).unwrap();
        let (mut out_s, mut out_r) = (vec![0u8; len], vec![0u8; len]);
        sender.export(&hex(x, "exporter_context"), &mut out_s).unwrap();
        receiver.export(&hex(x, "exporter_context"), &mut out_r).unwrap();
        assert_eq!(out_s, hex(x, "exported_value"));
        assert_eq!(out_r, out_s);
    }
}

fn vector(mode: u64, aead_id: u64) -> Value {
    vectors()
        .into_iter()
        .find(|v| v["mode"] == mode && v["aead_id"] == aead_id && v["kem_id"] == 32 && v["kdf_id"] == 1)
        .unwrap_or_else(|| panic!("no vector for mode {mode}, aead {aead_id}"))
}

fn run(mode: u64, aead_id: u64) {
    let v = vector(mode, aead_id);
    match aead_id {
        2 => check::<AesGcm256>(&v),
        3 => check::<ChaCha20Poly1305>(&v),
        _ => unreachable!(),
    }
}

#[test]
fn base_mode_chacha20poly1305() {
    run(0, 3);
}

#[test]
fn base_mode_aes256gcm() {
    run(0, 2);
}

#[test]
fn auth_mode_chacha20poly1305() {
    run(2, 3);
}

#[test]
fn auth_mode_aes256gcm() {
    run(2, 2);
}

#[test]
fn ours_base_mode_chacha20poly1305() {
    check_ours(&vector(0, 3));
}

#[test]
fn ours_base_mode_aes256gcm() {
    check_ours(&vector(0, 2));
}

#[test]
fn a_wrong_vector_value_would_fail() {
    let mut v = vector(0, 2);
    v["encryptions"][3]["ct"] = Value::String("00".repeat(45));
    let result = std::panic::catch_unwind(|| check::<AesGcm256>(&v));
    assert!(result.is_err(), "the check accepted a corrupted ciphertext");
    let result = std::panic::catch_unwind(|| check_ours(&v));
    assert!(result.is_err(), "the check of crypto::hpke accepted a corrupted ciphertext");
}
