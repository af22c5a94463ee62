//! Accounts, where a relay wants them: Firebase Authentication over its documented REST
//! API (Identity Toolkit `accounts:*`, Secure Token `token`), with the same `reqwest`
//! client on every target (the Firebase SDKs are JavaScript, and the Admin crates are for
//! servers). The account is a gate, not an identity: the agent id stays the Ed25519 key.
//!
//! - [`FirebaseAuth`]: sign up, sign in, password reset e-mail, refresh; against Google's
//!   endpoints or the Firebase Auth emulator ([`FirebaseAuth::emulator`]).
//! - [`Session`]: the ID token the relay checks and the refresh token that renews it,
//!   both [`Secret`]s: never printed, wiped when dropped.
//! - [`AccountError`]: Firebase's error codes as typed errors, in plain words.

mod error;
mod firebase;

pub use error::AccountError;
pub use firebase::{FirebaseAuth, Session};

pub use crate::calendar::google::Secret;
