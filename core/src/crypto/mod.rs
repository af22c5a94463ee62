//! Cryptography: signed prekeys, the sealed-sender envelope and replay protection.
//!
//! Every function takes time (`now`, unix seconds) and randomness (a [`rand_core::CryptoRng`])
//! from the caller: this module never reads a clock or the OS.

pub mod envelope;
pub mod prekey;
pub mod replay;

pub(crate) mod hpke_suite;
