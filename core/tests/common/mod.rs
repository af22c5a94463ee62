//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use agentnet_core::identity::Keypair;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A reproducible RNG: tests must fail the same way every time.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A reproducible identity.
pub fn keypair(seed: u8) -> Keypair {
    Keypair::from_secret_bytes(&[seed; 32])
}

/// 2026-01-01T00:00:00Z, a fixed "now" for tests.
pub const T0: u64 = 1_767_225_600;
pub const DAY: u64 = 86_400;
