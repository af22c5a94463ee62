//! Vault primitives: Argon2id known answers, key wrapping, record binding.

mod common;

use agentnet_core::crypto::vault::{
    self, DataKey, Error, Kek, KdfParams, WrappedKey, argon2id, open_record, seal_record, unlock,
};
use common::rng;
use proptest::prelude::*;

/// Cheap parameters so the behaviour tests run fast; the KATs pin the real defaults.
const FAST: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };

#[test]
fn argon2id_matches_rfc_9106_section_5_3() {
    // Password 32 x 01, salt 16 x 02, secret 8 x 03, associated data 12 x 04,
    // m = 32 KiB, t = 3, p = 4, tag 32 bytes.
    let mut tag = [0u8; 32];
    argon2id(&[1; 32], &[2; 16], &[3; 8], &[4; 12], KdfParams { m_kib: 32, t: 3, p: 4 }, &mut tag).unwrap();
    assert_eq!(hex::encode(tag), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

#[test]
fn default_parameters_are_above_the_owasp_minimum() {
    assert_eq!(KdfParams::default(), KdfParams { m_kib: 65536, t: 4, p: 1 });
    let (d, min) = (KdfParams::default(), KdfParams::OWASP_MINIMUM);
    assert_eq!(min, KdfParams { m_kib: 19456, t: 2, p: 1 });
    assert!(d.m_kib >= min.m_kib && d.t >= min.t && d.p >= 1);
}

#[test]
fn kek_at_owasp_minimum_matches_the_reference_implementation() {
    // Computed with argon2-cffi 25.1 (the reference C implementation):
    //   argon2.low_level.hash_secret_raw(b"correct horse battery staple", b"agentnet-salt-01",
    //       time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, type=Type.ID).hex()
    let mut out = [0u8; 32];
    argon2id(b"correct horse battery staple", b"agentnet-salt-01", &[], &[], KdfParams::OWASP_MINIMUM, &mut out)
        .unwrap();
    assert_eq!(hex::encode(out), "9a557347bb61b3bda1a492950aeaa7a7668226df0b688151c329adb95faeab50");
    // Same, through the small-parameter path used by the other tests:
    //   hash_secret_raw(b"password", b"somesalt", time_cost=1, memory_cost=64, parallelism=1,
    //       hash_len=32, type=Type.ID).hex()
    argon2id(b"password", b"somesalt", &[], &[], FAST, &mut out).unwrap();
    assert_eq!(hex::encode(out), "729c7a54441bc13559bdca71348c4e554599e719c08a952601ed5c83618c1bbd");
}

fn vault_with(passphrase: &[u8]) -> (WrappedKey, DataKey) {
    let mut r = rng(1);
    let kek = Kek::new(passphrase, FAST, &mut r).unwrap();
    let key = DataKey::generate(&mut r);
    (kek.wrap(&key, "contacts", &mut r).unwrap(), key)
}

#[test]
fn right_passphrase_unwraps_and_opens_records() {
    let (wrapped, key) = vault_with(b"hunter2");
    let sealed = seal_record(&key, "contacts", b"bob", b"Bob, +1 555", &mut rng(2)).unwrap();
    let restored = unlock(b"hunter2", &WrappedKey::from_bytes(&wrapped.to_bytes()).unwrap(), "contacts").unwrap();
    assert_eq!(open_record(&restored, "contacts", b"bob", &sealed).unwrap(), b"Bob, +1 555");
    assert_eq!(wrapped.params(), FAST);
}

#[test]
fn wrong_passphrase_fails() {
    let (wrapped, _) = vault_with(b"hunter2");
    assert!(matches!(unlock(b"hunter3", &wrapped, "contacts"), Err(Error::Unwrap)));
}

#[test]
fn wrapped_key_is_bound_to_its_label_and_bytes() {
    let (wrapped, _) = vault_with(b"pw");
    assert!(matches!(unlock(b"pw", &wrapped, "messages"), Err(Error::Unwrap)));
    for i in 0..vault::WRAPPED_LEN {
        let mut bytes = wrapped.to_bytes();
        bytes[i] ^= 0x01;
        let result = WrappedKey::from_bytes(&bytes).and_then(|w| unlock(b"pw", &w, "contacts"));
        assert!(result.is_err(), "byte {i} flipped and the key still unwrapped");
    }
}

#[test]
fn passphrase_change_rewraps_without_touching_records() {
    let (wrapped, key) = vault_with(b"old");
    let sealed = seal_record(&key, "events", b"1", b"dentist", &mut rng(3)).unwrap();
    let key = unlock(b"old", &wrapped, "events").or_else(|_| unlock(b"old", &wrapped, "contacts")).unwrap();
    let stronger = KdfParams { m_kib: 128, t: 2, p: 1 };
    let new_kek = Kek::new(b"new", stronger, &mut rng(4)).unwrap();
    let rewrapped = new_kek.wrap(&key, "events", &mut rng(5)).unwrap();
    assert_eq!(rewrapped.params(), stronger);
    let key = unlock(b"new", &rewrapped, "events").unwrap();
    assert_eq!(open_record(&key, "events", b"1", &sealed).unwrap(), b"dentist");
    assert!(unlock(b"old", &rewrapped, "events").is_err());
}

#[test]
fn flipped_ciphertext_bit_fails() {
    let key = DataKey::generate(&mut rng(1));
    let sealed = seal_record(&key, "events", b"42", b"standup at nine", &mut rng(2)).unwrap();
    for i in 0..sealed.len() {
        for bit in 0..8 {
            let mut bad = sealed.clone();
            bad[i] ^= 1 << bit;
            assert!(open_record(&key, "events", b"42", &bad).is_err(), "bit {bit} of byte {i}");
        }
    }
    let mut bad = sealed.clone();
    bad[20] ^= 1;
    assert_eq!(open_record(&key, "events", b"42", &bad), Err(Error::Record));
}

#[test]
fn record_moved_to_another_id_or_collection_fails() {
    let key = DataKey::generate(&mut rng(1));
    let sealed = seal_record(&key, "events", b"42", b"x", &mut rng(2)).unwrap();
    assert_eq!(open_record(&key, "events", b"43", &sealed), Err(Error::Record));
    assert_eq!(open_record(&key, "contacts", b"42", &sealed), Err(Error::Record));
    // Length prefixes: shifting a byte between collection and id changes the binding.
    let split = seal_record(&key, "ab", b"c", b"x", &mut rng(3)).unwrap();
    assert_eq!(open_record(&key, "a", b"bc", &split), Err(Error::Record));
    let other_key = DataKey::generate(&mut rng(9));
    assert_eq!(open_record(&other_key, "events", b"42", &sealed), Err(Error::Record));
}

#[test]
fn malformed_input_gets_a_clear_error() {
    let key = DataKey::generate(&mut rng(1));
    assert_eq!(open_record(&key, "c", b"r", &[1; 5]), Err(Error::Length { what: "record", len: 5, expected: 29 }));
    let mut sealed = seal_record(&key, "c", b"r", b"x", &mut rng(2)).unwrap();
    sealed[0] = 7;
    assert_eq!(open_record(&key, "c", b"r", &sealed), Err(Error::UnsupportedVersion(7)));
    assert!(matches!(WrappedKey::from_bytes(&[1; 10]), Err(Error::Length { .. })));
    assert!(matches!(Kek::new(b"pw", KdfParams { m_kib: 1, t: 1, p: 1 }, &mut rng(1)), Err(Error::Params { .. })));
    // Stored parameters are bounded so a damaged vault can't hang unlocking.
    let huge = KdfParams { m_kib: KdfParams::MAX_M_KIB + 1, t: 1, p: 1 };
    assert!(matches!(Kek::new(b"pw", huge, &mut rng(1)), Err(Error::Params { .. })));
    let slow = KdfParams { m_kib: 64, t: KdfParams::MAX_T + 1, p: 1 };
    assert!(matches!(Kek::new(b"pw", slow, &mut rng(1)), Err(Error::Params { .. })));
}

proptest! {
    #[test]
    fn records_round_trip(plaintext in proptest::collection::vec(any::<u8>(), 0..1024),
                          collection in "[a-z]{1,12}", id in proptest::collection::vec(any::<u8>(), 0..32),
                          seed in any::<u64>()) {
        let key = DataKey::generate(&mut rng(seed));
        let sealed = seal_record(&key, &collection, &id, &plaintext, &mut rng(seed ^ 1)).unwrap();
        prop_assert_eq!(sealed.len(), plaintext.len() + vault::RECORD_OVERHEAD);
        prop_assert_eq!(open_record(&key, &collection, &id, &sealed).unwrap(), plaintext);
    }
}
