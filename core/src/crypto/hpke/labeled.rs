//! RFC 9180 §4 `LabeledExtract` / `LabeledExpand` over HKDF-SHA256, and the KEM's uses of them.

use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::Error;

/// The KEM's `suite_id`: "KEM" || I2OSP(0x0020, 2), DHKEM(X25519, HKDF-SHA256).
const KEM_SUITE: &[u8] = b"KEM\x00\x20";

const VERSION_LABEL: &[u8] = b"HPKE-v1";

/// `LabeledExtract(salt, label, ikm)`, as the HKDF state for expanding and its PRK bytes.
///
/// The returned PRK bytes are wiped on drop; the HKDF state keyed with them is not (the `hkdf`
/// crate offers no zeroize), which is the same exposure the `hpke` crate has. Callers drop it
/// as soon as they have expanded.
pub(super) fn extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> (Zeroizing<[u8; 32]>, Hkdf<Sha256>) {
    let mut extract = HkdfExtract::<Sha256>::new(Some(salt));
    for part in [VERSION_LABEL, suite, label, ikm] {
        extract.input_ikm(part);
    }
    let (prk, hkdf) = extract.finalize();
    (Zeroizing::new(prk.into()), hkdf)
}

/// `LabeledExpand(prk, label, info, out.len())`. HKDF-SHA256 gives at most 255 × 32 bytes.
pub(super) fn expand(prk: &Hkdf<Sha256>, suite: &[u8], label: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let len = u16::try_from(out.len()).map_err(|_| Error::ExportLength)?.to_be_bytes();
    prk.expand_multi_info(&[&len, VERSION_LABEL, suite, label, info], out).map_err(|_| Error::ExportLength)
}

/// `DeriveKeyPair`'s secret bytes, before clamping.
pub(super) fn derive_secret(ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    let (_, prk) = extract(KEM_SUITE, b"", b"dkp_prk", ikm);
    let mut secret = Zeroizing::new([0u8; 32]);
    fixed(&prk, KEM_SUITE, b"sk", b"", secret.as_mut());
    secret
}

/// `ExtractAndExpand(dh, enc || pkR)`: the KEM's shared secret.
pub(super) fn shared_secret(dh: &[u8; 32], enc: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let (_, prk) = extract(KEM_SUITE, b"", b"eae_prk", dh);
    let mut context = [0u8; 64];
    context[..32].copy_from_slice(enc);
    context[32..].copy_from_slice(recipient);
    let mut shared = Zeroizing::new([0u8; 32]);
    fixed(&prk, KEM_SUITE, b"shared_secret", &context, shared.as_mut());
    shared
}

/// [`expand`] to a length that is a constant of the suite, far below HKDF's limit.
pub(super) fn fixed(prk: &Hkdf<Sha256>, suite: &[u8], label: &[u8], info: &[u8], out: &mut [u8]) {
    // Only fails for outputs over 255 × 32 bytes; callers ask 12 or 32.
    let _ = expand(prk, suite, label, info, out);
}
