//! [`Ring`]: an agent's prekey secrets, current and retired, with rotation.

use rand_core::CryptoRng;

use super::{Bundle, Id, MAX_ONE_TIME, Secret};
use crate::identity::{AgentId, Keypair};

const DAY: u64 = 24 * 60 * 60;

/// When prekeys rotate and how long retired ones stay usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Lifetime of a signed prekey; its bundle says `expires = created + rotate_every`.
    pub rotate_every: u64,
    /// How long a retired prekey still opens envelopes (messages in flight, offline
    /// mailboxes). Also the oldest envelope timestamp [`crate::crypto::envelope::open`] accepts.
    pub grace: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self { rotate_every: 7 * DAY, grace: 7 * DAY }
    }
}

/// Why a prekey could not be used to open an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    Unknown,
    Expired { until: u64 },
}

/// An agent's prekey secrets: the current signed prekey, retired ones within their grace
/// period, and unused one-time prekeys. Private: it lives in the vault, never on the wire.
pub struct Ring {
    pub(super) agent: AgentId,
    pub(super) policy: Policy,
    pub(super) current: Secret,
    pub(super) retired: Vec<Secret>,
    pub(super) one_time: Vec<Secret>,
    /// Ids of wiped prekeys and when their grace ended, so a late envelope gets a clear
    /// "expired" rather than "unknown". Bounded: one entry per rotation, oldest dropped.
    pub(super) wiped: Vec<(Id, u64)>,
    pub(super) next_id: Id,
}

/// How many wiped prekey ids are remembered for error messages (about a year of weekly keys).
pub(super) const WIPED_MEMORY: usize = 64;

impl Ring {
    /// A new ring with a fresh signed prekey and the default [`Policy`].
    pub fn new<R: CryptoRng + ?Sized>(identity: &Keypair, now: u64, rng: &mut R) -> Self {
        Self::with_policy(identity, Policy::default(), now, rng)
    }

    /// A new ring with a fresh signed prekey.
    pub fn with_policy<R: CryptoRng + ?Sized>(identity: &Keypair, policy: Policy, now: u64, rng: &mut R) -> Self {
        let current = Secret::generate(1, now, now.saturating_add(policy.rotate_every), rng);
        Self { agent: identity.agent_id(), policy, current, retired: Vec::new(), one_time: Vec::new(), wiped: Vec::new(), next_id: 2 }
    }

    /// The owner of these keys.
    pub fn agent_id(&self) -> AgentId {
        self.agent
    }

    /// The rotation policy.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The current signed prekey.
    pub fn current(&self) -> &Secret {
        &self.current
    }

    /// How many retired prekeys are still held (within their grace period).
    pub fn retired_count(&self) -> usize {
        self.retired.len()
    }

    /// Whether the current signed prekey reached its expiry at `now`.
    pub fn rotation_due(&self, now: u64) -> bool {
        now >= self.current.expires()
    }

    /// Replaces the current signed prekey with a fresh one, retires the old one and wipes
    /// retired keys past their grace period. Publish the new [`Ring::bundle`] afterwards.
    pub fn rotate<R: CryptoRng + ?Sized>(&mut self, now: u64, rng: &mut R) {
        let id = self.allocate_id();
        let fresh = Secret::generate(id, now, now.saturating_add(self.policy.rotate_every), rng);
        let mut old = std::mem::replace(&mut self.current, fresh);
        old.retire(now);
        self.retired.push(old);
        self.prune(now);
    }

    /// Rotates if [`Ring::rotation_due`]; returns whether it did. Call this on every start
    /// and periodically; it also prunes.
    pub fn rotate_if_due<R: CryptoRng + ?Sized>(&mut self, now: u64, rng: &mut R) -> bool {
        let due = self.rotation_due(now);
        if due {
            self.rotate(now, rng);
        } else {
            self.prune(now);
        }
        due
    }

    /// Drops (and so wipes) retired keys whose grace period ended.
    pub fn prune(&mut self, now: u64) {
        let grace = self.policy.grace;
        let (keep, wipe): (Vec<_>, Vec<_>) = std::mem::take(&mut self.retired)
            .into_iter()
            .partition(|s| now < grace_end(s, grace));
        self.retired = keep;
        // Dropping `wipe` zeroizes the secrets.
        self.wiped.extend(wipe.iter().map(|s| (s.id(), grace_end(s, grace))));
        let excess = self.wiped.len().saturating_sub(WIPED_MEMORY);
        self.wiped.drain(..excess);
    }

    /// Adds `n` one-time prekeys, keeping at most [`MAX_ONE_TIME`] unused ones.
    pub fn add_one_time<R: CryptoRng + ?Sized>(&mut self, n: usize, now: u64, rng: &mut R) {
        let n = n.min(MAX_ONE_TIME - self.one_time.len().min(MAX_ONE_TIME));
        for _ in 0..n {
            let id = self.allocate_id();
            self.one_time.push(Secret::generate(id, now, 0, rng));
        }
    }

    /// How many one-time prekeys are unused.
    pub fn one_time_count(&self) -> usize {
        self.one_time.len()
    }

    /// The public bundle to publish: the current signed prekey and all unused one-time ones.
    ///
    /// # Panics
    /// If `identity` is not the ring's owner (a programming error).
    pub fn bundle(&self, identity: &Keypair) -> Bundle {
        assert_eq!(identity.agent_id(), self.agent, "bundle signed by a different identity");
        let c = &self.current;
        Bundle::sign(
            identity,
            c.id(),
            *c.public(),
            c.created(),
            c.expires(),
            self.one_time.iter().map(|s| (s.id(), *s.public())),
        )
    }

    /// Finds the secret for prekey `id`, refusing retired keys past their grace period.
    pub(crate) fn lookup(&self, id: Id, now: u64) -> Result<&Secret, Lookup> {
        if self.current.id() == id {
            return Ok(&self.current);
        }
        if let Some(s) = self.one_time.iter().find(|s| s.id() == id) {
            return Ok(s);
        }
        if let Some(&(_, until)) = self.wiped.iter().find(|(wiped, _)| *wiped == id) {
            return Err(Lookup::Expired { until });
        }
        let s = self.retired.iter().find(|s| s.id() == id).ok_or(Lookup::Unknown)?;
        let until = grace_end(s, self.policy.grace);
        if now >= until {
            return Err(Lookup::Expired { until });
        }
        Ok(s)
    }

    /// Deletes a one-time prekey after it opened an envelope.
    pub(crate) fn consume_one_time(&mut self, id: Id) {
        self.one_time.retain(|s| s.id() != id);
    }

    fn allocate_id(&mut self) -> Id {
        let id = self.next_id;
        // 2^32 rotations or one-time keys is far beyond any agent's life.
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }
}

fn grace_end(s: &Secret, grace: u64) -> u64 {
    s.retired().unwrap_or(u64::MAX).saturating_add(grace)
}
