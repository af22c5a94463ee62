//! [`Profile`]: the name that keeps one person's data apart from another's on a device.

use std::fmt;

use super::StoreError;

/// A validated profile name. It names the database (IndexedDB) or the file (SQLite), so
/// it is restricted to 1-64 ASCII letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile(String);

impl Profile {
    /// Checks `name`.
    pub fn new(name: &str) -> Result<Self, StoreError> {
        let ok = (1..=64).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(StoreError::InvalidProfile { name: name.to_owned() });
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_a_directory_are_refused() {
        assert!(Profile::new("alice_2-work").is_ok());
        for bad in ["", "../x", "a/b", "a b", "é", &"x".repeat(65)] {
            assert!(Profile::new(bad).is_err(), "{bad:?}");
        }
    }
}
