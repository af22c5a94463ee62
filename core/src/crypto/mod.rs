//! Cryptography: signed prekeys (envelope, replay protection and vault follow).
//!
//! Every function takes time (`now`, unix seconds) and randomness (a [`rand_core::CryptoRng`])
//! from the caller: this module never reads a clock or the OS.

pub mod prekey;

pub(crate) mod hpke_suite;
