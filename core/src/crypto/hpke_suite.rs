//! The HPKE algorithms agentnet uses, named once.

/// DHKEM(X25519, HKDF-SHA256), RFC 9180 KEM id 0x0020.
pub(crate) type KemImpl = hpke::kem::X25519HkdfSha256;

/// HKDF-SHA256, RFC 9180 KDF id 0x0001.
pub(crate) type KdfImpl = hpke::kdf::HkdfSha256;
