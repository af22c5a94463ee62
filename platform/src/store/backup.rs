//! Export and import of a whole profile, exactly as sealed at rest.
//!
//! The file holds every record of every collection as the store keeps it: bodies still
//! sealed by the vault, search terms still blinded, and the vault's key record (the
//! wrapped data keys with their Argon2id parameters and salt). Nothing is decrypted or
//! re-encrypted, so exporting needs no passphrase and the file is as safe as the store;
//! after an import the owner unlocks with the passphrase as usual.
//!
//! Layout (integers big-endian; normative in `docs/protocol.md`, "Profile export"):
//!
//! ```text
//! magic    8  89 41 4E 50 46 0D 0A 1A   ("\x89ANPF\r\n\x1a": binary, catches text-mode mangling)
//! version  2  1
//! length   8  bytes of the record section
//! records     repeated: collection (u8 len + UTF-8), id (u16 len + UTF-8),
//!             contact (u8 0 | 1 then u16 len + UTF-8), time (i64),
//!             terms (u32 count, each u16 len + UTF-8), body (u32 len + bytes)
//! sha256  32  over everything before it
//! ```
//!
//! An import checks the whole file (magic, version, length, checksum, every record)
//! and that the target store is empty before it writes anything. It writes the vault's
//! key record last: until then the store does not look like a profile, so an import cut
//! short is seen as "no profile" rather than as a damaged one.

use sha2::{Digest, Sha256};

use super::{Collection, Query, Record, Store, StoreError};

/// The first bytes of every profile file.
pub const MAGIC: [u8; 8] = [0x89, b'A', b'N', b'P', b'F', b'\r', b'\n', 0x1a];
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// The file name extension the app uses.
pub const EXTENSION: &str = "agentnet";

const HEADER_LEN: usize = 8 + 2 + 8;
const CHECKSUM_LEN: usize = 32;
/// The record whose presence makes a store a profile (the vault's wrapped keys).
const VAULT_KEYS: &str = crate::vault::KEYS_ID;

/// Why a profile could not be exported or imported. A failed import writes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The file does not start like a profile file.
    #[error("this is not an agentnet profile file")]
    NotAProfile,
    /// The file was written in a format this build does not read.
    #[error("profile file format {found} is not supported (this build reads {supported})")]
    UnsupportedVersion {
        /// The file's version.
        found: u16,
        /// The one this build reads.
        supported: u16,
    },
    /// The file is shorter than its header says.
    #[error("the profile file is cut short: {found} bytes of {expected}")]
    Truncated {
        /// The size the header announces.
        expected: u64,
        /// The size of the file.
        found: u64,
    },
    /// The checksum does not match, or the records inside do not parse.
    #[error("the profile file is damaged: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
    /// The store to export holds no profile.
    #[error("there is no profile to export")]
    NoProfile,
    /// The store to import into already holds records.
    #[error("this device already has a profile ({records} records in {collection}); nothing was imported")]
    TargetNotEmpty {
        /// A collection that has records.
        collection: Collection,
        /// How many.
        records: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn corrupt(reason: impl Into<String>) -> BackupError {
    BackupError::Corrupt { reason: reason.into() }
}

/// Every record of `store`, as stored, in one profile file.
pub async fn export<S: Store + ?Sized>(store: &S) -> Result<Vec<u8>, BackupError> {
    if !store.contains(Collection::Profile, VAULT_KEYS).await? {
        return Err(BackupError::NoProfile);
    }
    let mut records = Vec::new();
    for collection in Collection::ALL {
        for record in store.list(collection, Query::all()).await? {
            write_record(&mut records, collection, &record)?;
        }
    }
    let mut file = Vec::with_capacity(HEADER_LEN + records.len() + CHECKSUM_LEN);
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&VERSION.to_be_bytes());
    file.extend_from_slice(&(records.len() as u64).to_be_bytes());
    file.extend_from_slice(&records);
    let sum = Sha256::digest(&file);
    file.extend_from_slice(&sum);
    Ok(file)
}

/// Writes the profile in `file` into `store`, which must be empty. Returns how many
/// records were written.
pub async fn import<S: Store + ?Sized>(store: &S, file: &[u8]) -> Result<usize, BackupError> {
    let records = parse(file)?;
    for collection in Collection::ALL {
        let count = store.count(collection).await?;
        if count > 0 {
            return Err(BackupError::TargetNotEmpty { collection, records: count });
        }
    }
    let total = records.len();
    let (profile, rest): (Vec<_>, Vec<_>) = records.into_iter().partition(|(c, _)| *c == Collection::Profile);
    for collection in Collection::ALL.into_iter().filter(|c| *c != Collection::Profile) {
        let batch: Vec<Record> = rest.iter().filter(|(c, _)| *c == collection).map(|(_, r)| r.clone()).collect();
        if !batch.is_empty() {
            store.put_many(collection, batch).await?;
        }
    }
    // The key record last: only a complete import looks like a profile.
    let (keys, others): (Vec<Record>, Vec<Record>) = profile.into_iter().map(|(_, r)| r).partition(|r| r.id == VAULT_KEYS);
    if !others.is_empty() {
        store.put_many(Collection::Profile, others).await?;
    }
    store.put_many(Collection::Profile, keys).await?;
    Ok(total)
}

/// Checks the whole file and reads its records; nothing is trusted before the checksum.
fn parse(file: &[u8]) -> Result<Vec<(Collection, Record)>, BackupError> {
    let magic_seen = &file[..file.len().min(MAGIC.len())];
    if magic_seen != &MAGIC[..magic_seen.len()] || file.is_empty() {
        return Err(BackupError::NotAProfile);
    }
    if file.len() < HEADER_LEN {
        return Err(BackupError::Truncated { expected: HEADER_LEN as u64, found: file.len() as u64 });
    }
    let version = u16::from_be_bytes([file[8], file[9]]);
    if version != VERSION {
        return Err(BackupError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let mut length = [0u8; 8];
    length.copy_from_slice(&file[10..HEADER_LEN]);
    let length = u64::from_be_bytes(length);
    let expected = length.saturating_add((HEADER_LEN + CHECKSUM_LEN) as u64);
    if (file.len() as u64) < expected {
        return Err(BackupError::Truncated { expected, found: file.len() as u64 });
    }
    if file.len() as u64 > expected {
        return Err(corrupt(format!("{} bytes after the end", file.len() as u64 - expected)));
    }
    let (content, sum) = file.split_at(file.len() - CHECKSUM_LEN);
    if Sha256::digest(content).as_slice() != sum {
        return Err(corrupt("the checksum does not match"));
    }
    let mut reader = Reader { rest: &content[HEADER_LEN..] };
    let mut records = Vec::new();
    while !reader.rest.is_empty() {
        let (collection, record) = reader.record()?;
        record.validate().map_err(|e| corrupt(format!("record {:?} in {collection}: {e}", record.id)))?;
        records.push((collection, record));
    }
    if !records.iter().any(|(c, r)| *c == Collection::Profile && r.id == VAULT_KEYS) {
        return Err(corrupt("it holds no vault keys"));
    }
    Ok(records)
}

fn write_record(out: &mut Vec<u8>, collection: Collection, record: &Record) -> Result<(), BackupError> {
    write_str(out, collection.name(), 1)?;
    write_str(out, &record.id, 2)?;
    match &record.contact {
        None => out.push(0),
        Some(contact) => {
            out.push(1);
            write_str(out, contact, 2)?;
        }
    }
    out.extend_from_slice(&record.time.to_be_bytes());
    let count = u32::try_from(record.terms.len()).map_err(|_| corrupt("too many terms"))?;
    out.extend_from_slice(&count.to_be_bytes());
    for term in &record.terms {
        write_str(out, term, 2)?;
    }
    write_bytes(out, &record.body, 4)
}

fn write_str(out: &mut Vec<u8>, text: &str, width: usize) -> Result<(), BackupError> {
    write_bytes(out, text.as_bytes(), width)
}

/// A length prefix of `width` bytes, then the bytes.
fn write_bytes(out: &mut Vec<u8>, bytes: &[u8], width: usize) -> Result<(), BackupError> {
    let len = bytes.len() as u64;
    if width < 8 && len >> (width * 8) != 0 {
        return Err(corrupt(format!("a field of {len} bytes does not fit a {width}-byte length")));
    }
    out.extend_from_slice(&len.to_be_bytes()[8 - width..]);
    out.extend_from_slice(bytes);
    Ok(())
}

/// Reads fields off the record section; every read is bounds-checked.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BackupError> {
        if self.rest.len() < n {
            return Err(corrupt("a record runs past the end"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn uint(&mut self, width: usize) -> Result<u64, BackupError> {
        Ok(self.take(width)?.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
    }

    fn bytes(&mut self, width: usize) -> Result<&'a [u8], BackupError> {
        let len = usize::try_from(self.uint(width)?).map_err(|_| corrupt("a length beyond memory"))?;
        self.take(len)
    }

    fn text(&mut self, width: usize) -> Result<String, BackupError> {
        String::from_utf8(self.bytes(width)?.to_vec()).map_err(|_| corrupt("text that is not UTF-8"))
    }

    fn record(&mut self) -> Result<(Collection, Record), BackupError> {
        let name = self.text(1)?;
        let collection = Collection::from_name(&name).ok_or_else(|| corrupt(format!("unknown collection {name:?}")))?;
        let id = self.text(2)?;
        let contact = match self.uint(1)? {
            0 => None,
            1 => Some(self.text(2)?),
            other => return Err(corrupt(format!("contact marker {other}"))),
        };
        let mut time = [0u8; 8];
        time.copy_from_slice(self.take(8)?);
        let time = i64::from_be_bytes(time);
        let count = self.uint(4)?;
        let mut terms = Vec::new();
        for _ in 0..count {
            terms.push(self.text(2)?);
        }
        let body = self.bytes(4)?.to_vec();
        Ok((collection, Record { id, contact, time, terms, body }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(records: &[(Collection, Record)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (c, r) in records {
            write_record(&mut body, *c, r).unwrap();
        }
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&VERSION.to_be_bytes());
        file.extend_from_slice(&(body.len() as u64).to_be_bytes());
        file.extend_from_slice(&body);
        let sum = Sha256::digest(&file);
        file.extend_from_slice(&sum);
        file
    }

    #[test]
    fn records_read_back_as_written() {
        let keys = (Collection::Profile, Record::new(VAULT_KEYS, 0, b"{}".to_vec()));
        let mut message = Record::new("m1", -5, vec![0, 1, 255]).with_contact("c1");
        message.terms = vec!["ab12".into(), "cd34".into()];
        let records = vec![keys, (Collection::Messages, message)];
        assert_eq!(parse(&file_of(&records)).unwrap(), records);
    }

    #[test]
    fn a_huge_announced_count_or_length_is_an_error_not_an_allocation() {
        let keys = (Collection::Profile, Record::new(VAULT_KEYS, 0, b"{}".to_vec()));
        let mut file = file_of(&[keys]);
        // Announce 2^64-1 bytes of records.
        file[10..18].copy_from_slice(&u64::MAX.to_be_bytes());
        assert!(matches!(parse(&file), Err(BackupError::Truncated { .. })));
    }
}
