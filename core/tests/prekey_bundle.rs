//! The signed prekey bundle: encoding, verification, validity.

mod common;

use agentnet_core::crypto::prekey::{self, Bundle, Error, Ring};
use common::{DAY, T0, keypair, rng};
use proptest::prelude::*;

fn bundle(one_time: usize) -> Bundle {
    let alice = keypair(1);
    let mut r = rng(1);
    let mut ring = Ring::new(&alice, T0, &mut r);
    ring.add_one_time(one_time, T0, &mut r);
    ring.bundle(&alice)
}

#[test]
fn fresh_bundle_verifies_and_names_its_agent() {
    let b = bundle(3);
    assert_eq!(b.verify(T0), Ok(()));
    assert_eq!(b.agent_id(), keypair(1).agent_id());
    assert_eq!(b.expires() - b.created(), 7 * DAY);
    assert_eq!(b.one_time().len(), 3);
}

#[test]
fn encoding_has_the_documented_length() {
    assert_eq!(bundle(0).to_bytes().len(), 151);
    assert_eq!(bundle(2).to_bytes().len(), 151 + 2 * 100);
    assert_eq!(bundle(2).encoded_len(), 351);
}

#[test]
fn expired_and_future_bundles_are_refused() {
    let b = bundle(0);
    assert_eq!(b.verify(b.expires()), Err(Error::Expired { expires: b.expires(), now: b.expires() }));
    let early = T0 - prekey::MAX_CLOCK_SKEW - 1;
    assert_eq!(b.verify(early), Err(Error::NotYetValid { created: T0, now: early }));
    assert_eq!(b.verify(T0 - prekey::MAX_CLOCK_SKEW), Ok(()));
}

#[test]
fn relay_may_hand_out_a_single_one_time_prekey() {
    let mut b = bundle(5);
    let pick = b.one_time()[2].id;
    b.retain_one_time(Some(pick));
    assert_eq!(b.one_time().len(), 1);
    let decoded = Bundle::from_bytes(&b.to_bytes()).unwrap();
    assert_eq!(decoded.verify(T0), Ok(()));
}

#[test]
fn bundle_signed_by_someone_else_is_refused() {
    let mut bytes = bundle(0).to_bytes();
    // Swap in Bob's id: the signature is Alice's.
    bytes[1..33].copy_from_slice(keypair(2).agent_id().as_bytes());
    let b = Bundle::from_bytes(&bytes).unwrap();
    assert!(matches!(b.verify(T0), Err(Error::BadSignature { .. })));
}

#[test]
fn structural_errors_are_specific() {
    let bytes = bundle(1).to_bytes();
    assert_eq!(Bundle::from_bytes(&bytes[..10]), Err(Error::Truncated { len: 10, need: 151 }));
    assert_eq!(Bundle::from_bytes(&bytes[..200]), Err(Error::Truncated { len: 200, need: 251 }));
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(Bundle::from_bytes(&long), Err(Error::TrailingBytes { extra: 1 }));
    let mut v2 = bytes.clone();
    v2[0] = 2;
    assert_eq!(Bundle::from_bytes(&v2), Err(Error::UnsupportedVersion(2)));
    let mut many = bytes;
    many[149..151].copy_from_slice(&101u16.to_be_bytes());
    assert_eq!(Bundle::from_bytes(&many), Err(Error::TooManyOneTime { count: 101, max: 100 }));
}

proptest! {
    #[test]
    fn bytes_round_trip(seed in any::<u64>(), now in 0u64..(1 << 40), one_time in 0usize..6) {
        let alice = keypair(seed as u8);
        let mut r = rng(seed);
        let mut ring = Ring::new(&alice, now, &mut r);
        ring.add_one_time(one_time, now, &mut r);
        let b = ring.bundle(&alice);
        let bytes = b.to_bytes();
        prop_assert_eq!(bytes.len(), b.encoded_len());
        let back = Bundle::from_bytes(&bytes).unwrap();
        prop_assert_eq!(&back, &b);
        prop_assert_eq!(back.verify(now), Ok(()));
    }

    #[test]
    fn any_changed_byte_is_refused(index in 0usize..351, flip in 1u8..=255) {
        let mut bytes = bundle(2).to_bytes();
        bytes[index] ^= flip;
        let refused = Bundle::from_bytes(&bytes).and_then(|b| b.verify(T0)).is_err();
        prop_assert!(refused, "byte {} changed and the bundle still verified", index);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(b) = Bundle::from_bytes(&bytes) {
            let _ = b.verify(T0);
        }
    }
}
