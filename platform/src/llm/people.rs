//! Names from the model, checked against the owner's contacts. The model only ever
//! sees names, so a name is all it can return; one that matches nobody was invented.
//!
//! The matching is core's [`match_contact`], the rules the offline interpreter uses
//! (full name, nickname, first or last name; case, spacing and accents ignored; a name
//! several contacts answer to is never settled by a guess). This module only says what
//! a name matching nobody means on this path.

use agentnet_core::nlu::{Contact, NameMatch, Participant, match_contact};

use super::error::LlmError;

/// What one returned name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named {
    /// Exactly one contact.
    One(Participant),
    /// Several contacts share the name: the owner must choose.
    Several(Vec<Participant>),
}

/// Finds `name` among `contacts`; a name that matches nobody is
/// [`LlmError::HallucinatedContact`].
pub(crate) fn find(name: &str, contacts: &[Contact]) -> Result<Named, LlmError> {
    match match_contact(name, contacts) {
        NameMatch::One(p) => Ok(Named::One(p)),
        NameMatch::Several(candidates) => Ok(Named::Several(candidates)),
        NameMatch::Nobody => Err(LlmError::HallucinatedContact { name: name.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contacts() -> Vec<Contact> {
        let c = |id: &str, name: &str, nick: &[&str]| Contact {
            id: id.into(),
            name: name.into(),
            nicknames: nick.iter().map(|n| n.to_string()).collect(),
        };
        vec![c("bob", "Bob Martin", &["Bobby"]), c("dan1", "Dan Brooks", &[]), c("dan2", "Dan Wu", &[])]
    }

    fn one(id: &str, name: &str) -> Named {
        Named::One(Participant { id: id.into(), name: name.into() })
    }

    #[test]
    fn full_names_nicknames_and_unique_first_names_resolve() {
        assert_eq!(find("bob  martin", &contacts()), Ok(one("bob", "Bob Martin")));
        assert_eq!(find("Bobby", &contacts()), Ok(one("bob", "Bob Martin")));
        assert_eq!(find("Bob", &contacts()), Ok(one("bob", "Bob Martin")));
        assert_eq!(find("Wu", &contacts()), Ok(one("dan2", "Dan Wu")));
    }

    #[test]
    fn a_shared_first_name_is_several() {
        assert!(matches!(find("Dan", &contacts()), Ok(Named::Several(v)) if v.len() == 2));
    }

    #[test]
    fn an_invented_name_is_an_error() {
        assert_eq!(find("Alice Smith", &contacts()), Err(LlmError::HallucinatedContact { name: "Alice Smith".into() }));
    }

    #[test]
    fn an_accent_the_model_dropped_still_finds_the_contact() {
        let zoe = [Contact { id: "zoe".into(), name: "Zoë Ortiz".into(), nicknames: vec![] }];
        assert_eq!(find("Zoe Ortiz", &zoe), Ok(one("zoe", "Zoë Ortiz")));
    }
}
