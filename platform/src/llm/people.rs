//! Names from the model, checked against the owner's contacts. The model only ever
//! sees names, so a name is all it can return; one that matches nobody was invented.

use agentnet_core::nlu::{Contact, Participant};

use super::error::LlmError;

/// What one returned name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named {
    /// Exactly one contact.
    One(Participant),
    /// Several contacts share the name: the owner must choose.
    Several(Vec<Participant>),
}

fn normalise(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// Finds `name` among `contacts`: the full name, then a nickname, then a first or last
/// name (the offline interpreter accepts these too), case and spacing ignored.
pub(crate) fn find(name: &str, contacts: &[Contact]) -> Result<Named, LlmError> {
    let wanted = normalise(name);
    let full = |c: &&Contact| normalise(&c.name) == wanted;
    let nick = |c: &&Contact| c.nicknames.iter().any(|n| normalise(n) == wanted);
    let part = |c: &&Contact| {
        let words: Vec<String> = c.name.split_whitespace().map(str::to_lowercase).collect();
        words.len() > 1 && (words.first() == Some(&wanted) || words.last() == Some(&wanted))
    };
    for rule in [&full as &dyn Fn(&&Contact) -> bool, &nick, &part] {
        let mut hits: Vec<Participant> = contacts.iter().filter(rule).map(Participant::from).collect();
        match hits.len() {
            0 => continue,
            1 => return Ok(Named::One(hits.remove(0))),
            _ => return Ok(Named::Several(hits)),
        }
    }
    Err(LlmError::HallucinatedContact { name: name.to_string() })
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
}
