//! X25519 (RFC 7748) with the all-zero check RFC 9180 requires, computed on the Edwards curve
//! when the peer's key has an Edwards form (see [`PublicKey`]).
//!
//! Both forms give the same bytes: u(\[k\]P) does not depend on the model the product is
//! computed in. The tests compare them with the ladder on random keys, twist points and the
//! low-order points.

use curve25519_dalek::{EdwardsPoint, MontgomeryPoint};
use zeroize::{Zeroize, Zeroizing};

use super::{Error, PublicKey};

/// X25519(secret, peer), refusing the all-zero result.
pub(super) fn diffie_hellman(secret: &[u8; 32], peer: &PublicKey) -> Result<Zeroizing<[u8; 32]>, Error> {
    let shared = match peer.edwards() {
        Some(point) => {
            let mut product = point.mul_clamped(*secret);
            let shared = product.to_montgomery();
            product.zeroize();
            shared
        }
        None => MontgomeryPoint(*peer.as_bytes()).mul_clamped(*secret),
    };
    nonzero(shared)
}

/// The sender's half of encapsulation: the ephemeral public key and X25519(ephemeral, peer).
///
/// Both results leave the Edwards curve with one shared field inversion instead of two.
pub(super) fn ephemeral(secret: &[u8; 32], peer: &PublicKey) -> Result<([u8; 32], Zeroizing<[u8; 32]>), Error> {
    let public = EdwardsPoint::mul_base_clamped(*secret);
    let Some(point) = peer.edwards() else {
        let shared = MontgomeryPoint(*peer.as_bytes()).mul_clamped(*secret);
        return Ok((public.to_montgomery().to_bytes(), nonzero(shared)?));
    };
    let mut points = [public, point.mul_clamped(*secret)];
    let mut montgomery = EdwardsPoint::to_montgomery_batch(&points);
    points.zeroize();
    // One point out per point in.
    let result = nonzero(montgomery[1]).map(|shared| (montgomery[0].to_bytes(), shared));
    montgomery.zeroize();
    result
}

fn nonzero(mut shared: MontgomeryPoint) -> Result<Zeroizing<[u8; 32]>, Error> {
    let bytes = Zeroizing::new(shared.to_bytes());
    shared.zeroize();
    // Zero only comes from a low-order peer key, which is public: no need for constant time.
    if bytes.iter().all(|&b| b == 0) { Err(Error::LowOrderKey) } else { Ok(bytes) }
}

#[cfg(test)]
mod tests {
    use curve25519_dalek::constants::EIGHT_TORSION;
    use proptest::prelude::*;

    use super::*;

    /// X25519 on the Montgomery ladder: the definition the Edwards path must match.
    fn ladder(secret: &[u8; 32], peer: &[u8; 32]) -> Result<[u8; 32], Error> {
        let shared = MontgomeryPoint(*peer).mul_clamped(*secret).to_bytes();
        if shared == [0; 32] { Err(Error::LowOrderKey) } else { Ok(shared) }
    }

    fn both_ways(secret: &[u8; 32], peer: &[u8; 32]) {
        let expected = ladder(secret, peer);
        let prepared = PublicKey::from_bytes(*peer);
        assert_eq!(diffie_hellman(secret, &prepared).map(|s| *s), expected);
        let public = MontgomeryPoint::mul_base_clamped(*secret).to_bytes();
        assert_eq!(ephemeral(secret, &prepared).map(|(p, s)| (p, *s)), expected.map(|s| (public, s)));
    }

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks(2)) {
            *o = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap();
        }
        out
    }

    #[test]
    fn rfc7748_vectors() {
        // RFC 7748 §5.2.
        let cases = [
            (
                "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
            ),
            (
                "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
            ),
        ];
        for (scalar, u, out) in cases {
            let (scalar, u) = (hex32(scalar), hex32(u));
            assert_eq!(*diffie_hellman(&scalar, &PublicKey::from_bytes(u)).unwrap(), hex32(out));
            both_ways(&scalar, &u);
        }
    }

    #[test]
    fn low_order_keys_are_refused() {
        let p = hex32("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        let mut keys: Vec<[u8; 32]> = EIGHT_TORSION.iter().map(|t| t.to_montgomery().to_bytes()).collect();
        // p - 1 (on the twist), p and p + 1 (non-canonical 0 and 1).
        let (mut minus_one, mut plus_one) = (p, p);
        minus_one[0] -= 1;
        plus_one[0] += 1;
        keys.extend([minus_one, p, plus_one]);
        for key in keys {
            let prepared = PublicKey::from_bytes(key);
            for secret in [[1u8; 32], [0x5a; 32], [0xff; 32]] {
                if ladder(&secret, &key).is_err() {
                    assert_eq!(diffie_hellman(&secret, &prepared).err(), Some(Error::LowOrderKey));
                    assert_eq!(ephemeral(&secret, &prepared).err(), Some(Error::LowOrderKey));
                }
                both_ways(&secret, &key);
            }
        }
    }

    proptest! {
        #[test]
        fn any_bytes_match_the_ladder(secret in any::<[u8; 32]>(), peer in any::<[u8; 32]>()) {
            // About half of all u are on the twist: those take the ladder fallback.
            both_ways(&secret, &peer);
        }

        #[test]
        fn curve_points_with_torsion_match_the_ladder(secret in any::<[u8; 32]>(), r in any::<[u8; 32]>(), t in 0usize..8) {
            let point = EdwardsPoint::mul_base_clamped(r) + EIGHT_TORSION[t];
            let peer = point.to_montgomery().to_bytes();
            prop_assert!(PublicKey::from_bytes(peer).edwards().is_some());
            both_ways(&secret, &peer);
        }
    }
}
