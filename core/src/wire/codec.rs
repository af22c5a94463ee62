//! Big-endian reader and writer for frame fields. Every read checks the remaining
//! length first, so untrusted input can fail but never panic or over-allocate.

use super::WireError;

/// Appends fields to a frame under construction.
pub(crate) struct Writer<'a> {
    pub(crate) buf: &'a mut Vec<u8>,
}

impl Writer<'_> {
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub(crate) fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub(crate) fn u128(&mut self, v: u128) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub(crate) fn fixed(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }
    /// A byte string with a u32 length prefix. Lengths beyond u32 cannot occur:
    /// frames are capped far below 4 GiB before anyone encodes them.
    pub(crate) fn bytes32(&mut self, v: &[u8]) {
        self.u32(u32::try_from(v.len()).unwrap_or(u32::MAX));
        self.buf.extend_from_slice(v);
    }
    /// A byte string with a u16 length prefix, truncated at 65,535 bytes.
    pub(crate) fn bytes16(&mut self, v: &[u8]) {
        let len = v.len().min(usize::from(u16::MAX));
        self.u16(len as u16);
        self.buf.extend_from_slice(&v[..len]);
    }
}

/// Length of a u16-prefixed byte string as [`Writer::bytes16`] writes it.
pub(crate) fn bytes16_len(v: &[u8]) -> usize {
    2 + v.len().min(usize::from(u16::MAX))
}

/// Consumes fields of a received frame.
pub(crate) struct Reader<'a> {
    pub(crate) rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if self.rest.len() < n {
            return Err(WireError::Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }
    pub(crate) fn u16(&mut self) -> Result<u16, WireError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32, WireError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, WireError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    pub(crate) fn u128(&mut self) -> Result<u128, WireError> {
        Ok(u128::from_be_bytes(self.array()?))
    }
    pub(crate) fn bool(&mut self, field: &'static str) -> Result<bool, WireError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(WireError::InvalidValue { field, value: u32::from(value) }),
        }
    }
    pub(crate) fn bytes32(&mut self) -> Result<Vec<u8>, WireError> {
        let len = self.u32()? as usize;
        Ok(self.take(len)?.to_vec())
    }
    pub(crate) fn bytes16(&mut self) -> Result<&'a [u8], WireError> {
        let len = usize::from(self.u16()?);
        self.take(len)
    }
    /// A u16 count followed by that many fixed-size items.
    pub(crate) fn list<const N: usize>(&mut self) -> Result<Vec<[u8; N]>, WireError> {
        let count = usize::from(self.u16()?);
        // Check before allocating: the count must be backed by real bytes.
        if self.rest.len() < count.saturating_mul(N) {
            return Err(WireError::Truncated);
        }
        (0..count).map(|_| self.array::<N>()).collect()
    }
    pub(crate) fn finish(self) -> Result<(), WireError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(WireError::TrailingBytes { extra: self.rest.len() })
        }
    }
}
