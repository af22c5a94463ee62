//! RFC 4648 base32, lowercase, without padding.
//!
//! Hand-written because it is twenty lines and the only encoding people type: lowercase
//! reads better on phones, and parsing ignores case, spaces and dashes so an id read out
//! loud or copied with grouping still parses.

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Encodes `bytes` as lowercase base32 without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 into exactly `N` bytes, skipping `-` and whitespace.
///
/// Trailing bits must be zero so that every value has exactly one text form.
pub(crate) fn decode<const N: usize>(text: &str) -> Result<[u8; N], super::Error> {
    let expected = (N * 8).div_ceil(5);
    let digits = text.chars().filter(|c| *c != '-' && !c.is_whitespace()).count();
    if digits != expected {
        return Err(super::Error::Length { expected, got: digits });
    }
    let mut out = [0u8; N];
    let (mut acc, mut bits, mut len) = (0u32, 0u32, 0usize);
    for (at, ch) in text.char_indices() {
        if ch == '-' || ch.is_whitespace() {
            continue;
        }
        let value = match ch.to_ascii_lowercase() {
            c @ 'a'..='z' => c as u32 - 'a' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return Err(super::Error::BadChar { ch, at }),
        };
        acc = (acc << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out[len] = (acc >> bits) as u8;
            len += 1;
        }
        acc &= (1 << bits) - 1;
    }
    if acc != 0 {
        // Non-canonical: the padding bits of the last character must be zero.
        return Err(super::Error::NonCanonical);
    }
    Ok(out)
}
