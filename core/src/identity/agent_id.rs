//! [`AgentId`]: the public identity key, and how it is written down.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, VerifyingKey};

use super::{Error, Fingerprint, SIGNATURE_LEN, base32};

/// An agent's identity: its 32-byte Ed25519 public key.
///
/// Written as 52 lowercase base32 characters (`Display`); parsing (`FromStr`) ignores case,
/// dashes and spaces. Only valid curve points that are not of small order are accepted, so a
/// value of this type can always verify signatures.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId([u8; 32]);

impl AgentId {
    /// Length of the encoded id in bytes.
    pub const LEN: usize = 32;

    /// Checks and wraps a raw Ed25519 public key.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, Error> {
        Self::with_key(bytes).map(|(id, _)| id)
    }

    /// [`AgentId::from_bytes`], also handing back the decompressed key, so a caller that
    /// verifies right away doesn't decompress it twice.
    pub(crate) fn with_key(bytes: [u8; 32]) -> Result<(Self, VerifyingKey), Error> {
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| Error::InvalidKey)?;
        // A small-order key lets anyone forge signatures that verify for it.
        if key.is_weak() {
            return Err(Error::InvalidKey);
        }
        Ok((Self(bytes), key))
    }

    /// The raw public key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The short fingerprint people glance at to recognise this agent.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self)
    }

    /// Verifies an Ed25519 signature by this agent (strict RFC 8032 rules, no malleability).
    pub fn verify(&self, message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> Result<(), Error> {
        let bad = || Error::BadSignature { agent: *self };
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| bad())?;
        key.verify_strict(message, &Signature::from_bytes(signature))
            .map_err(|_| bad())
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base32::encode(&self.0))
    }
}

impl fmt::Debug for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgentId({self})")
    }
}

impl FromStr for AgentId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_bytes(base32::decode::<32>(s)?)
    }
}

impl TryFrom<&[u8]> for AgentId {
    type Error = Error;

    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidKey)?;
        Self::from_bytes(bytes)
    }
}

// Text in human-readable formats (JSON, config files), 32 raw bytes in binary ones.
impl serde::Serialize for AgentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> serde::Deserialize<'de> for AgentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = AgentId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an agent id (base32 text or 32 bytes)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AgentId, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<AgentId, E> {
                AgentId::try_from(v).map_err(E::custom)
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(Visitor)
        } else {
            d.deserialize_bytes(Visitor)
        }
    }
}
