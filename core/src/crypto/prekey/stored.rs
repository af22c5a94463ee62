//! A [`Ring`] as bytes, so an agent keeps its prekey secrets across restarts (sealed by the
//! vault: these bytes are secret).
//!
//! Layout, integers big-endian:
//! `version (1) | agent id (32) | rotate_every (8) | grace (8) | next_id (4) | current |
//! n_retired (2) | retired* | n_one_time (2) | one_time* | n_wiped (2) | (id (4) | until (8))*`,
//! where each secret is `id (4) | secret (32) | public (32) | created (8) | expires (8) |
//! retired (8, 0 = not retired)`.

use zeroize::Zeroizing;

use super::ring::WIPED_MEMORY;
use super::{Error, Id, MAX_ONE_TIME, Policy, Ring, Secret};
use crate::identity::AgentId;

/// The stored ring format's version.
const STORED_VERSION: u8 = 1;
const SECRET_LEN: usize = 4 + 32 + 32 + 8 + 8 + 8;
/// More retired keys than this cannot come from rotation within a grace period.
const MAX_RETIRED: usize = 1024;

impl Ring {
    /// The ring's secrets as bytes (wiped when dropped). Keep them sealed.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let secrets = 1 + self.retired.len() + self.one_time.len();
        let mut out = Zeroizing::new(Vec::with_capacity(53 + secrets * SECRET_LEN + 6 + self.wiped.len() * 12));
        out.push(STORED_VERSION);
        out.extend_from_slice(self.agent.as_bytes());
        out.extend_from_slice(&self.policy.rotate_every.to_be_bytes());
        out.extend_from_slice(&self.policy.grace.to_be_bytes());
        out.extend_from_slice(&self.next_id.to_be_bytes());
        put_secret(&mut out, &self.current);
        for list in [&self.retired, &self.one_time] {
            out.extend_from_slice(&(list.len() as u16).to_be_bytes());
            for secret in list {
                put_secret(&mut out, secret);
            }
        }
        out.extend_from_slice(&(self.wiped.len() as u16).to_be_bytes());
        for (id, until) in &self.wiped {
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&until.to_be_bytes());
        }
        out
    }

    /// The ring stored by [`Ring::to_bytes`]. Fails on damaged bytes rather than guessing.
    pub fn from_bytes(bytes: &[u8]) -> Result<Ring, Error> {
        let mut r = Reader { bytes, at: 0 };
        let version = r.u8()?;
        if version != STORED_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let agent = AgentId::from_bytes(r.array()?).map_err(|_| Error::InvalidAgentId)?;
        let policy = Policy { rotate_every: r.u64()?, grace: r.u64()? };
        let next_id = r.u32()?;
        let current = r.secret()?;
        let retired = r.secrets(MAX_RETIRED)?;
        let one_time = r.secrets(MAX_ONE_TIME)?;
        let wiped_len = usize::from(r.u16()?).min(WIPED_MEMORY);
        let mut wiped = Vec::with_capacity(wiped_len);
        for _ in 0..wiped_len {
            wiped.push((r.u32()?, r.u64()?));
        }
        if r.at != bytes.len() {
            return Err(Error::TrailingBytes { extra: bytes.len() - r.at });
        }
        Ok(Ring { agent, policy, current, retired, one_time, wiped, next_id })
    }
}

fn put_secret(out: &mut Vec<u8>, secret: &Secret) {
    out.extend_from_slice(&secret.id().to_be_bytes());
    out.extend_from_slice(secret.secret_bytes());
    out.extend_from_slice(secret.public());
    out.extend_from_slice(&secret.created().to_be_bytes());
    out.extend_from_slice(&secret.expires().to_be_bytes());
    out.extend_from_slice(&secret.retired().unwrap_or(0).to_be_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len());
        let end = end.ok_or(Error::Truncated { len: self.bytes.len(), need: self.at.saturating_add(n) })?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn secret(&mut self) -> Result<Secret, Error> {
        let id: Id = self.u32()?;
        let secret = Zeroizing::new(self.array::<32>()?);
        let public = self.array()?;
        let (created, expires, retired) = (self.u64()?, self.u64()?, self.u64()?);
        Secret::from_parts(id, &secret, public, created, expires, (retired != 0).then_some(retired)).ok_or(Error::StoredKeyMismatch { id })
    }

    fn secrets(&mut self, max: usize) -> Result<Vec<Secret>, Error> {
        let count = usize::from(self.u16()?);
        if count > max {
            return Err(Error::TooManyOneTime { count, max });
        }
        (0..count).map(|_| self.secret()).collect()
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::identity::Keypair;

    #[test]
    fn a_stored_ring_comes_back_with_every_key() {
        let mut rng = StdRng::seed_from_u64(7);
        let identity = Keypair::generate(&mut rng);
        let mut ring = Ring::new(&identity, 1_000, &mut rng);
        ring.rotate(2_000, &mut rng);
        ring.add_one_time(3, 2_000, &mut rng);
        let back = Ring::from_bytes(&ring.to_bytes()).unwrap();
        assert_eq!(back.to_bytes(), ring.to_bytes());
        assert_eq!(back.bundle(&identity).to_bytes(), ring.bundle(&identity).to_bytes());
        assert_eq!(back.retired_count(), 1);
        assert_eq!(back.one_time_count(), 3);
    }

    #[test]
    fn damaged_ring_bytes_are_refused_without_panicking() {
        let mut rng = StdRng::seed_from_u64(7);
        let identity = Keypair::generate(&mut rng);
        let bytes = Ring::new(&identity, 1_000, &mut rng).to_bytes();
        for len in 0..bytes.len() {
            assert!(Ring::from_bytes(&bytes[..len]).is_err(), "prefix of {len} bytes accepted");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(matches!(Ring::from_bytes(&longer), Err(Error::TrailingBytes { extra: 1 })));
        let mut wrong_version = bytes.to_vec();
        wrong_version[0] = 9;
        assert!(matches!(Ring::from_bytes(&wrong_version), Err(Error::UnsupportedVersion(9))));
    }
}
