//! [`MessageId`]: 128 random bits naming one message.

use std::fmt;

use rand_core::CryptoRng;

/// A message id, chosen at random by the sender; with the sender's id it names a message for
/// replay detection and acknowledgements.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct MessageId(pub [u8; 16]);

impl MessageId {
    /// A fresh random id.
    pub fn random<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        Self(id)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageId({self})")
    }
}
