//! [`DeliveryKey`]: the secret that lets someone put a message in an agent's relay
//! mailbox without logging in, so the relay never learns who sent it (sealed sender).
//!
//! Each agent gives its contacts one delivery key in its card and tells the relay only
//! the key's [`Hash`]. A send carries the key; the relay hashes it and accepts the send
//! only if the hash is one the recipient published. First contact uses a key derived
//! from the invite's one-time token ([`DeliveryKey::for_invite`]), published while the
//! invite is open. Blocking a contact is rotating the key and giving the new one to the
//! others.

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Domain separator of [`DeliveryKey::hash`].
const HASH_CONTEXT: &[u8] = b"agentnet/v1/delivery-key";
/// Domain separator of [`DeliveryKey::for_invite`].
const INVITE_CONTEXT: &[u8] = b"agentnet/v1/invite-delivery-key";

/// What the relay keeps of a delivery key: `SHA-256("agentnet/v1/delivery-key" || key)`.
pub type Hash = [u8; 32];

/// 32 secret bytes. Never printed, wiped when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct DeliveryKey([u8; 32]);

impl DeliveryKey {
    /// A fresh random key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        DeliveryKey(bytes)
    }

    /// The key with these bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DeliveryKey(bytes)
    }

    /// The key's bytes, for the card and the Send frame.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key that opens the inviter's mailbox to the holder of an invite:
    /// `SHA-256("agentnet/v1/invite-delivery-key" || token)`.
    pub fn for_invite(token: &[u8; 16]) -> Self {
        DeliveryKey(Sha256::new().chain_update(INVITE_CONTEXT).chain_update(token).finalize().into())
    }

    /// What the relay keeps and compares.
    pub fn hash(&self) -> Hash {
        hash(&self.0)
    }
}

/// The [`Hash`] of a presented key's bytes (what the relay computes for each Send).
pub fn hash(key: &[u8; 32]) -> Hash {
    Sha256::new().chain_update(HASH_CONTEXT).chain_update(key).finalize().into()
}

impl std::fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeliveryKey(..)")
    }
}

/// As lowercase hex, for records the vault seals.
impl serde::Serialize for DeliveryKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> serde::Deserialize<'de> for DeliveryKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = zeroize::Zeroizing::new(<String as serde::Deserialize>::deserialize(d)?);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.as_bytes(), &mut bytes).map_err(serde::de::Error::custom)?;
        Ok(DeliveryKey(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_and_the_invite_key_are_domain_separated_sha256() {
        let key = DeliveryKey::from_bytes([7; 32]);
        let direct: [u8; 32] = Sha256::digest([HASH_CONTEXT, &[7; 32][..]].concat()).into();
        assert_eq!(key.hash(), direct);
        assert_ne!(key.hash(), Sha256::digest([7; 32]).as_slice());
        let invite = DeliveryKey::for_invite(&[9; 16]);
        assert_eq!(invite.as_bytes(), Sha256::digest([INVITE_CONTEXT, &[9; 16][..]].concat()).as_slice());
        assert_eq!(format!("{key:?}"), "DeliveryKey(..)");
    }

    #[test]
    fn keys_survive_serde_and_bad_hex_is_refused() {
        let key = DeliveryKey::from_bytes([0xab; 32]);
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(serde_json::from_str::<DeliveryKey>(&json).unwrap(), key);
        assert!(serde_json::from_str::<DeliveryKey>("\"abc\"").is_err());
    }
}
