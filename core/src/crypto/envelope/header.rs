//! [`Header`]: the envelope's cleartext part, also the HPKE associated data.
//!
//! ```text
//! offset size
//!      0    1  version = 1
//!      1    1  suite (RFC 9180 AEAD id: 0x03 ChaCha20-Poly1305, 0x02 AES-256-GCM)
//!      2   32  recipient agent id
//!     34    4  prekey id (big-endian)
//!     38   32  HPKE encapsulated key (X25519 ephemeral public key)
//!     70    *  HPKE ciphertext of the inner message (+16-byte tag)
//! ```

use super::OpenError;
use crate::crypto::prekey;
use crate::identity::AgentId;

/// The envelope format version.
pub const VERSION: u8 = 1;

/// Length of the header.
pub const HEADER_LEN: usize = 70;

/// The HPKE AEAD, named by its RFC 9180 id. KEM and KDF are fixed (X25519, HKDF-SHA256).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Suite {
    /// ChaCha20-Poly1305: fast everywhere, constant time without AES hardware. The default.
    #[default]
    ChaCha20Poly1305 = 0x03,
    /// AES-256-GCM: for deployments that require AES.
    Aes256Gcm = 0x02,
}

impl Suite {
    /// The suite for a header byte.
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            0x03 => Some(Self::ChaCha20Poly1305),
            0x02 => Some(Self::Aes256Gcm),
            _ => None,
        }
    }
}

/// The cleartext header of an envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The AEAD used.
    pub suite: Suite,
    /// Who can open it.
    pub recipient: AgentId,
    /// Which of the recipient's prekeys it is sealed to.
    pub prekey_id: prekey::Id,
    /// The HPKE encapsulated key.
    pub enc: [u8; 32],
}

impl Header {
    /// The 70 header bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = VERSION;
        out[1] = self.suite as u8;
        out[2..34].copy_from_slice(self.recipient.as_bytes());
        out[34..38].copy_from_slice(&self.prekey_id.to_be_bytes());
        out[38..70].copy_from_slice(&self.enc);
        out
    }

    /// Reads the header at the start of an envelope (what a relay needs to route it).
    pub fn parse(envelope: &[u8]) -> Result<Self, OpenError> {
        if envelope.len() < super::MIN_LEN {
            return Err(OpenError::Truncated { len: envelope.len(), min: super::MIN_LEN });
        }
        if envelope[0] != VERSION {
            return Err(OpenError::UnsupportedVersion(envelope[0]));
        }
        let suite = Suite::from_byte(envelope[1]).ok_or(OpenError::UnknownSuite(envelope[1]))?;
        let recipient = AgentId::try_from(&envelope[2..34]).map_err(|_| OpenError::InvalidRecipient)?;
        let mut prekey_id = [0u8; 4];
        prekey_id.copy_from_slice(&envelope[34..38]);
        let mut enc = [0u8; 32];
        enc.copy_from_slice(&envelope[38..70]);
        Ok(Self { suite, recipient, prekey_id: u32::from_be_bytes(prekey_id), enc })
    }
}
