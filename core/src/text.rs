//! Small text helpers shared by the wire, the protocol and the sentences shown to owners.

/// `s` cut to at most `max` bytes, on a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// "A", "A and B", "A, B and C": a list as an English sentence says it.
pub fn and_list<T: AsRef<str>>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_read_as_english() {
        assert_eq!(super::and_list::<&str>(&[]), "");
        assert_eq!(super::and_list(&["Ben"]), "Ben");
        assert_eq!(super::and_list(&["Ben", "Sofia"]), "Ben and Sofia");
        assert_eq!(super::and_list(&["Ben", "Liam", "Sofia"]), "Ben, Liam and Sofia");
    }

    #[test]
    fn cuts_on_character_boundaries() {
        assert_eq!(super::truncate("héllo", 2), "h");
        assert_eq!(super::truncate("héllo", 3), "hé");
        assert_eq!(super::truncate("abc", 10), "abc");
    }
}
