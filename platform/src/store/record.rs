//! [`Record`] and the queries over records ([`Query`], [`Search`]).

use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;

/// Longest record id accepted, in bytes.
pub const MAX_ID_LEN: usize = 512;

/// One stored record: a payload the store does not interpret, plus the few columns it
/// indexes. What the payload means is up to the caller (usually serde JSON, or bytes sealed
/// by the [`crate::vault::Vault`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Unique within its collection. Must not be empty.
    pub id: String,
    /// The contact it is about, if any (indexed).
    pub contact: Option<String>,
    /// Its time, unix milliseconds (indexed; the order of [`crate::store::Store::list`]).
    /// Kept within ±2^53 so every backend stores it exactly.
    pub time: i64,
    /// The words it is found under by [`crate::store::Store::search`]: lowercase and
    /// alphanumeric only, as [`terms`] makes them from text.
    pub terms: Vec<String>,
    /// The payload.
    pub body: Vec<u8>,
}

impl Record {
    /// A record with only an id, a time and a payload.
    pub fn new(id: impl Into<String>, time: i64, body: Vec<u8>) -> Self {
        Self { id: id.into(), contact: None, time, terms: Vec::new(), body }
    }

    /// A record whose payload is `value` as JSON.
    pub fn json<T: Serialize + ?Sized>(id: impl Into<String>, time: i64, value: &T) -> Result<Self, StoreError> {
        let body = serde_json::to_vec(value).map_err(|e| StoreError::invalid("record body", e.to_string()))?;
        Ok(Self::new(id, time, body))
    }

    /// Sets the contact.
    pub fn with_contact(mut self, contact: impl Into<String>) -> Self {
        self.contact = Some(contact.into());
        self
    }

    /// Makes the record searchable by the words of `text`.
    pub fn with_text(mut self, text: &str) -> Self {
        self.terms = terms(text);
        self
    }

    /// The payload read as JSON.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| StoreError::Corrupt { collection: String::new(), reason: e.to_string() })
    }

    /// Checks what every backend requires, so they all accept and refuse the same records.
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        validate_id(&self.id)?;
        if self.time.unsigned_abs() > MAX_EXACT_TIME {
            return Err(StoreError::invalid("time", format!("{} is beyond ±2^53", self.time)));
        }
        self.terms.iter().try_for_each(|t| validate_term(t))
    }

    /// The terms as stored: separated by single spaces.
    pub(crate) fn terms_joined(&self) -> String {
        self.terms.join(" ")
    }
}

/// Largest |time| stored exactly by IndexedDB (JavaScript numbers).
const MAX_EXACT_TIME: u64 = 1 << 53;

pub(crate) fn validate_id(id: &str) -> Result<(), StoreError> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(StoreError::invalid("record id", format!("must be 1 to {MAX_ID_LEN} bytes, is {}", id.len())));
    }
    Ok(())
}

fn validate_term(term: &str) -> Result<(), StoreError> {
    let ok = !term.is_empty() && term.chars().all(|c| c.is_alphanumeric()) && term.to_lowercase() == term;
    if !ok {
        return Err(StoreError::invalid("search term", format!("{term:?} is not a lowercase alphanumeric word")));
    }
    Ok(())
}

/// Splits text into search terms: runs of letters and digits, lowercased, each once, in
/// order of first appearance. Records and queries both go through it, so both backends
/// match the same way (whole words, any case).
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        // Lowercasing can produce non-alphanumeric marks (e.g. 'İ'); keep only clean words.
        if word.chars().all(char::is_alphanumeric) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// Which end of the time order comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest first (time, then id, ascending).
    #[default]
    OldestFirst,
    /// Newest first (time, then id, descending).
    NewestFirst,
}

/// What [`crate::store::Store::list`] returns: records of one collection, filtered by
/// contact and time, in time order (ties by id, byte order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Only records about this contact.
    pub contact: Option<String>,
    /// Only records at or after this time.
    pub since: Option<i64>,
    /// Only records before this time.
    pub until: Option<i64>,
    /// At most this many.
    pub limit: Option<u32>,
    /// Order.
    pub order: Order,
}

impl Query {
    /// Everything, oldest first.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only records about `contact`.
    pub fn contact(mut self, contact: impl Into<String>) -> Self {
        self.contact = Some(contact.into());
        self
    }

    /// Only records with `since <= time < until`.
    pub fn between(mut self, since: i64, until: i64) -> Self {
        self.since = Some(since);
        self.until = Some(until);
        self
    }

    /// At most `n` records.
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }

    /// Newest first.
    pub fn newest_first(mut self) -> Self {
        self.order = Order::NewestFirst;
        self
    }

    #[cfg(wasm_browser)]
    pub(crate) fn admits(&self, r: &Record) -> bool {
        self.contact.as_ref().is_none_or(|c| r.contact.as_ref() == Some(c))
            && self.since.is_none_or(|s| r.time >= s)
            && self.until.is_none_or(|u| r.time < u)
    }
}

/// What [`crate::store::Store::search`] returns: records that have every term, filtered
/// like a [`Query`], newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Every one of these must be among the record's terms. Empty finds nothing.
    pub terms: Vec<String>,
    /// Contact, time range and limit, as for [`crate::store::Store::list`]. `order` is ignored:
    /// results are newest first.
    pub filter: Query,
}

impl Search {
    /// Records with every word of `text` (see [`terms`]).
    pub fn text(text: &str) -> Self {
        Self { terms: terms(text), filter: Query::default() }
    }

    /// The same search with a filter.
    pub fn filter(mut self, filter: Query) -> Self {
        self.filter = filter;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        self.terms.iter().try_for_each(|t| validate_term(t))
    }
}

/// Sorts records into the order of `order`: time, then id (bytes), as SQLite does.
#[cfg(wasm_browser)]
pub(crate) fn sort(records: &mut [Record], order: Order) {
    records.sort_by(|a, b| (a.time, a.id.as_bytes()).cmp(&(b.time, b.id.as_bytes())));
    if order == Order::NewestFirst {
        records.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_lowercase_words_each_once() {
        assert_eq!(terms("Lunch at Café-Noir? lunch, 12:30!"), ["lunch", "at", "café", "noir", "12", "30"]);
        assert!(terms(" ,.;").is_empty());
    }

    #[test]
    fn records_with_bad_terms_ids_or_times_are_refused() {
        assert!(Record::new("a", 0, vec![]).with_text("Hello there").validate().is_ok());
        let mut r = Record::new("a", 0, vec![]);
        r.terms = vec!["Hello".into()];
        assert!(r.validate().is_err());
        r.terms = vec!["two words".into()];
        assert!(r.validate().is_err());
        assert!(Record::new("", 0, vec![]).validate().is_err());
        assert!(Record::new("a", i64::MAX, vec![]).validate().is_err());
    }
}
