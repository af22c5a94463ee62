//! [`Bundle`]: the public half of an agent's prekeys, signed, in a stable binary form.
//!
//! Layout (all integers big-endian; see docs/protocol.md "Prekey bundle"):
//!
//! ```text
//! offset size
//!      0    1  version = 1
//!      1   32  agent id (Ed25519 public key)
//!     33    4  signed prekey id
//!     37   32  X25519 public key
//!     69    8  created (unix seconds)
//!     77    8  expires (unix seconds)
//!     85   64  Ed25519 signature over SIGNED_DOMAIN || bytes[0..85]
//!    149    2  n = number of one-time prekeys (<= 100)
//!    151  100n one-time prekeys: id (4) || X25519 public (32) ||
//!              signature (64) over ONE_TIME_DOMAIN || agent id || id || public
//! ```
//!
//! One-time prekeys are signed one by one so the relay can hand each to a single sender
//! (dropping the others from the bundle) and the bundle still verifies.

use crate::crypto::hpke;
use crate::identity::{AgentId, Keypair, SIGNATURE_LEN};

use super::{Error, Id, MAX_CLOCK_SKEW, MAX_LIFETIME, MAX_ONE_TIME};

/// The bundle format version this code writes and reads.
pub const VERSION: u8 = 1;

const SIGNED_DOMAIN: &[u8] = b"agentnet/v1/signed-prekey";
const ONE_TIME_DOMAIN: &[u8] = b"agentnet/v1/one-time-prekey";

const SIGNED_LEN: usize = 85;
const FIXED_LEN: usize = SIGNED_LEN + SIGNATURE_LEN + 2;
const ONE_TIME_LEN: usize = 4 + 32 + SIGNATURE_LEN;

/// A one-time prekey as published: used for at most one envelope.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OneTime {
    /// Its id in the owner's ring.
    pub id: Id,
    /// X25519 public key.
    pub public: [u8; 32],
    /// Identity signature (see the module docs for the input).
    pub signature: [u8; SIGNATURE_LEN],
}

/// An agent's published prekeys. Public data only; check it with [`Bundle::verify`] before use.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Bundle {
    agent_id: AgentId,
    prekey_id: Id,
    public: [u8; 32],
    created: u64,
    expires: u64,
    signature: [u8; SIGNATURE_LEN],
    one_time: Vec<OneTime>,
}

impl Bundle {
    /// Signs a bundle for `identity`'s signed prekey `prekey_id` (and one-time prekeys).
    pub(crate) fn sign(
        identity: &Keypair,
        prekey_id: Id,
        public: [u8; 32],
        created: u64,
        expires: u64,
        one_time: impl IntoIterator<Item = (Id, [u8; 32])>,
    ) -> Self {
        let agent_id = identity.agent_id();
        let mut bundle = Self {
            agent_id,
            prekey_id,
            public,
            created,
            expires,
            signature: [0; SIGNATURE_LEN],
            one_time: Vec::new(),
        };
        bundle.signature = identity.sign(&bundle.signed_input());
        bundle.one_time = one_time
            .into_iter()
            .map(|(id, public)| OneTime {
                id,
                public,
                signature: identity.sign(&one_time_input(&agent_id, id, &public)),
            })
            .collect();
        bundle
    }

    /// The agent these prekeys belong to.
    pub fn agent_id(&self) -> AgentId {
        self.agent_id
    }

    /// The signed prekey's id.
    pub fn prekey_id(&self) -> Id {
        self.prekey_id
    }

    /// The signed prekey's X25519 public key.
    pub fn public(&self) -> &[u8; 32] {
        &self.public
    }

    /// Creation time, unix seconds.
    pub fn created(&self) -> u64 {
        self.created
    }

    /// End of validity, unix seconds: senders must fetch a new bundle after this.
    pub fn expires(&self) -> u64 {
        self.expires
    }

    /// The identity signature over the signed prekey.
    pub fn signature(&self) -> &[u8; SIGNATURE_LEN] {
        &self.signature
    }

    /// The one-time prekeys carried.
    pub fn one_time(&self) -> &[OneTime] {
        &self.one_time
    }

    /// Keeps only the one-time prekey `id` (or none): what the relay hands a single sender.
    pub fn retain_one_time(&mut self, id: Option<Id>) {
        self.one_time.retain(|k| Some(k.id) == id);
    }

    /// Checks every signature and that the signed prekey is valid at `now` (unix seconds).
    pub fn verify(&self, now: u64) -> Result<(), Error> {
        self.verify_signatures()?;
        self.check_time(now)
    }

    /// [`Bundle::verify`], keeping the result: a [`VerifiedBundle`] whose signatures need no
    /// second check. Verify a fetched bundle once, then seal any number of envelopes to it.
    pub fn verified(self, now: u64) -> Result<VerifiedBundle, Error> {
        self.verify(now)?;
        Ok(VerifiedBundle { signed_prekey: hpke::PublicKey::from_bytes(self.public), bundle: self })
    }

    fn verify_signatures(&self) -> Result<(), Error> {
        let bad = |id| Error::BadSignature { agent: self.agent_id, id };
        self.agent_id
            .verify(&self.signed_input(), &self.signature)
            .map_err(|_| bad(self.prekey_id))?;
        for k in &self.one_time {
            self.agent_id
                .verify(&one_time_input(&self.agent_id, k.id, &k.public), &k.signature)
                .map_err(|_| bad(k.id))?;
        }
        Ok(())
    }

    /// The lifetime checks of [`Bundle::verify`]: no signatures.
    fn check_time(&self, now: u64) -> Result<(), Error> {
        if self.expires <= self.created || self.expires - self.created > MAX_LIFETIME {
            return Err(Error::BadLifetime { created: self.created, expires: self.expires });
        }
        if self.created > now.saturating_add(MAX_CLOCK_SKEW) {
            return Err(Error::NotYetValid { created: self.created, now });
        }
        if now >= self.expires {
            return Err(Error::Expired { expires: self.expires, now });
        }
        Ok(())
    }

    /// Length of [`Bundle::to_bytes`].
    pub fn encoded_len(&self) -> usize {
        FIXED_LEN + ONE_TIME_LEN * self.one_time.len()
    }

    /// The stable binary encoding (layout in the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.signed_input_body();
        out.extend_from_slice(&self.signature);
        // At most MAX_ONE_TIME (checked when decoding, and `sign` is crate-internal).
        out.extend_from_slice(&(self.one_time.len() as u16).to_be_bytes());
        for k in &self.one_time {
            out.extend_from_slice(&k.id.to_be_bytes());
            out.extend_from_slice(&k.public);
            out.extend_from_slice(&k.signature);
        }
        out
    }

    /// Decodes a bundle. This checks the structure only: call [`Bundle::verify`] next.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < FIXED_LEN {
            return Err(Error::Truncated { len: bytes.len(), need: FIXED_LEN });
        }
        if bytes[0] != VERSION {
            return Err(Error::UnsupportedVersion(bytes[0]));
        }
        let agent_id = AgentId::try_from(&bytes[1..33]).map_err(|_| Error::InvalidAgentId)?;
        let count = usize::from(u16::from_be_bytes([bytes[149], bytes[150]]));
        if count > MAX_ONE_TIME {
            return Err(Error::TooManyOneTime { count, max: MAX_ONE_TIME });
        }
        let need = FIXED_LEN + ONE_TIME_LEN * count;
        if bytes.len() < need {
            return Err(Error::Truncated { len: bytes.len(), need });
        }
        if bytes.len() > need {
            return Err(Error::TrailingBytes { extra: bytes.len() - need });
        }
        let prekey_id = be_u32(&bytes[33..37]);
        let mut seen = vec![prekey_id];
        let mut one_time = Vec::with_capacity(count);
        for chunk in bytes[FIXED_LEN..].chunks_exact(ONE_TIME_LEN) {
            let id = be_u32(&chunk[..4]);
            if seen.contains(&id) {
                return Err(Error::DuplicateId(id));
            }
            seen.push(id);
            one_time.push(OneTime { id, public: array(&chunk[4..36]), signature: array(&chunk[36..]) });
        }
        Ok(Self {
            agent_id,
            prekey_id,
            public: array(&bytes[37..69]),
            created: be_u64(&bytes[69..77]),
            expires: be_u64(&bytes[77..85]),
            signature: array(&bytes[85..149]),
            one_time,
        })
    }

    fn signed_input_body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        out.push(VERSION);
        out.extend_from_slice(self.agent_id.as_bytes());
        out.extend_from_slice(&self.prekey_id.to_be_bytes());
        out.extend_from_slice(&self.public);
        out.extend_from_slice(&self.created.to_be_bytes());
        out.extend_from_slice(&self.expires.to_be_bytes());
        out
    }

    fn signed_input(&self) -> Vec<u8> {
        [SIGNED_DOMAIN, &self.signed_input_body()].concat()
    }
}

fn one_time_input(agent: &AgentId, id: Id, public: &[u8; 32]) -> Vec<u8> {
    [ONE_TIME_DOMAIN, agent.as_bytes(), &id.to_be_bytes(), public].concat()
}

/// A [`Bundle`] whose signatures (signed prekey and every one-time prekey) have verified;
/// only [`Bundle::verified`] makes one. Sealing to it skips the Ed25519 checks but still
/// refuses a timestamp outside the bundle's lifetime.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedBundle {
    bundle: Bundle,
    /// The signed prekey in the form X25519 wants, prepared once rather than per envelope.
    signed_prekey: hpke::PublicKey,
}

impl VerifiedBundle {
    /// The bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The bundle, giving up the proof.
    pub fn into_bundle(self) -> Bundle {
        self.bundle
    }

    /// Checks the lifetime at `now` (the signatures were checked once, when it was made).
    pub fn check_time(&self, now: u64) -> Result<(), Error> {
        self.bundle.check_time(now)
    }

    /// [`Bundle::retain_one_time`]: dropping keys keeps the rest verified.
    pub fn retain_one_time(&mut self, id: Option<Id>) {
        self.bundle.retain_one_time(id);
    }

    /// The signed prekey, prepared for sealing.
    pub(crate) fn signed_prekey(&self) -> &hpke::PublicKey {
        &self.signed_prekey
    }
}

impl core::ops::Deref for VerifiedBundle {
    type Target = Bundle;
    fn deref(&self) -> &Bundle {
        &self.bundle
    }
}

pub(crate) fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes(array(b))
}

pub(crate) fn be_u64(b: &[u8]) -> u64 {
    u64::from_be_bytes(array(b))
}

/// Copies a slice whose length the caller has already checked.
pub(crate) fn array<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(b);
    out
}
