//! Blind search terms: the transcript stays searchable while its words stay sealed.
//!
//! A term is stored as HMAC-SHA-256(search key, term), truncated to 128 bits, in hex. The
//! store matches these tokens exactly like plain words; without the key (which is sealed
//! under the collection's data key) they reveal only how often the same word recurs.
//! Whole-word search only: prefixes can't be matched.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Bytes of the random per-collection search key.
pub(super) const SEARCH_KEY_LEN: usize = 32;

/// A collection's search key. Wiped on drop, never printed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(super) struct SearchKey([u8; SEARCH_KEY_LEN]);

impl SearchKey {
    pub(super) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        Some(Self(bytes.try_into().ok()?))
    }

    pub(super) fn as_bytes(&self) -> &[u8; SEARCH_KEY_LEN] {
        &self.0
    }

    /// The stored token for one (already normalised) term.
    pub(super) fn blind(&self, term: &str) -> String {
        // HMAC accepts keys of any length, so this can't fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("any key length"));
        mac.update(term.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    pub(super) fn blind_all(&self, terms: &[String]) -> Vec<String> {
        terms.iter().map(|t| self.blind(t)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_key_and_differ_across_keys() {
        let a = SearchKey([1; 32]);
        let b = SearchKey([2; 32]);
        assert_eq!(a.blind("dentist"), a.blind("dentist"));
        assert_ne!(a.blind("dentist"), a.blind("dentists"));
        assert_ne!(a.blind("dentist"), b.blind("dentist"));
        let token = a.blind("dentist");
        assert_eq!(token.len(), 32);
        assert!(crate::store::terms(&token) == [token.clone()], "a token is one store term");
    }
}
