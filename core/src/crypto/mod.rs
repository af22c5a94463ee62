//! Cryptography: signed prekeys, the sealed-sender envelope, replay protection and the
//! vault primitives for encryption at rest.
//!
//! Every function takes time (`now`, unix seconds) and randomness (a [`rand_core::CryptoRng`])
//! from the caller: this module never reads a clock or the OS.

pub mod delivery_key;
pub mod envelope;
pub mod hpke;
pub mod prekey;
pub mod replay;
pub mod vault;
