//! Passphrase to key-encryption key, with Argon2id (RFC 9106).

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::Error;

/// Salt length in bytes (RFC 9106 recommends 16).
pub const SALT_LEN: usize = 16;

/// Argon2id cost parameters, stored with every wrapped key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// Most memory accepted (1 GiB): parameters are read from storage, and a damaged or
    /// planted value must not make unlocking allocate or run without bound.
    pub const MAX_M_KIB: u32 = 1 << 20;
    /// Most passes accepted.
    pub const MAX_T: u32 = 64;
    /// Most lanes accepted.
    pub const MAX_P: u32 = 16;

    fn check(self) -> Result<(), Error> {
        if self.m_kib > Self::MAX_M_KIB || self.t > Self::MAX_T || self.p > Self::MAX_P {
            return Err(Error::Params {
                reason: format!("m={} KiB, t={}, p={} exceed the limits", self.m_kib, self.t, self.p),
            });
        }
        Ok(())
    }
}

impl KdfParams {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. The default of earlier
    /// versions; wrapped keys carry their parameters, so keys made with it still unlock.
    /// Never go below it.
    pub const OWASP_MINIMUM: Self = Self { m_kib: 19 * 1024, t: 2, p: 1 };

    /// The default for new wrapped keys: 64 MiB, 4 passes, 1 lane (~170 ms native on the
    /// reference machine, a few hundred ms in single-threaded wasm). Well above
    /// [`Self::OWASP_MINIMUM`]: ~3.4x the memory and 2x the passes per guess.
    pub const DEFAULT: Self = Self { m_kib: 64 * 1024, t: 4, p: 1 };
}

impl Default for KdfParams {
    /// [`KdfParams::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Argon2id version 0x13 exactly as RFC 9106 defines it, with its optional secret and
/// associated data. The vault uses it with both empty ([`Kek::derive`]); the full form is
/// exposed so the RFC's test vector can pin this code.
pub fn argon2id(
    password: &[u8],
    salt: &[u8],
    secret: &[u8],
    associated_data: &[u8],
    params: KdfParams,
    out: &mut [u8],
) -> Result<(), Error> {
    params.check()?;
    let err = |e: argon2::Error| Error::Params { reason: e.to_string() };
    let data = AssociatedData::new(associated_data).map_err(err)?;
    let params = ParamsBuilder::new()
        .m_cost(params.m_kib)
        .t_cost(params.t)
        .p_cost(params.p)
        .data(data)
        .output_len(out.len())
        .build()
        .map_err(err)?;
    let argon = if secret.is_empty() {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    } else {
        Argon2::new_with_secret(secret, Algorithm::Argon2id, Version::V0x13, params).map_err(err)?
    };
    argon.hash_password_into(password, salt, out).map_err(err)
}

/// The key-encryption key derived from the passphrase. Wiped on drop, never printed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Kek {
    key: [u8; 32],
    #[zeroize(skip)]
    params: KdfParams,
    salt: [u8; SALT_LEN],
}

impl Kek {
    /// Derives a KEK for a new vault (or a new passphrase) with a fresh random salt.
    pub fn new<R: CryptoRng + ?Sized>(passphrase: &[u8], params: KdfParams, rng: &mut R) -> Result<Self, Error> {
        let mut salt = [0u8; SALT_LEN];
        rng.fill_bytes(&mut salt);
        Self::derive(passphrase, params, salt)
    }

    /// Derives the KEK for existing parameters and salt (read from a [`super::WrappedKey`]).
    pub fn derive(passphrase: &[u8], params: KdfParams, salt: [u8; SALT_LEN]) -> Result<Self, Error> {
        let mut key = [0u8; 32];
        argon2id(passphrase, &salt, &[], &[], params, &mut key)?;
        Ok(Self { key, params, salt })
    }

    /// The parameters it was derived with.
    pub fn params(&self) -> KdfParams {
        self.params
    }

    /// The salt it was derived with.
    pub fn salt(&self) -> &[u8; SALT_LEN] {
        &self.salt
    }

    pub(super) fn key(&self) -> &[u8; 32] {
        &self.key
    }
}
