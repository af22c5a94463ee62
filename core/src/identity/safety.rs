//! [`SafetyNumber`]: what two owners compare to know no one sits between their agents.

use std::fmt;

use sha2::{Digest, Sha512};

use super::AgentId;

const DOMAIN: &[u8] = b"agentnet/v1/safety-number";

/// Sixty decimal digits derived from both agent ids, in twelve groups of five.
///
/// Both sides compute the same number whatever the order of the ids, because the ids are
/// sorted before hashing. Digits survive being read over the phone better than base32.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SafetyNumber([u32; 12]);

impl SafetyNumber {
    /// The safety number of the pair `a`, `b` (symmetric).
    pub fn new(a: &AgentId, b: &AgentId) -> Self {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let digest = Sha512::new()
            .chain_update(DOMAIN)
            .chain_update(lo.as_bytes())
            .chain_update(hi.as_bytes())
            .finalize();
        let mut groups = [0u32; 12];
        // 40 bits per group mod 10^5: the bias (< 2^-23) doesn't matter for a comparison code.
        for (group, chunk) in groups.iter_mut().zip(digest.chunks(5)) {
            let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            *group = (value % 100_000) as u32;
        }
        Self(groups)
    }

    /// The twelve five-digit groups.
    pub fn groups(&self) -> [u32; 12] {
        self.0
    }
}

impl fmt::Display for SafetyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{group:05}")?;
        }
        Ok(())
    }
}
