//! A question the agent asked its owner, kept (sealed, in the settings collection) until
//! the owner's next line answers it.
//!
//! "find 45 minutes next Tuesday afternoon" gets "Who should the meeting be with?"; the
//! owner's "Bob" is not a command on its own, so it is read together with the question's
//! command ("… with Bob"). A line that says what it wants ("what's on next week") is a
//! new command and drops the question. [`crate::records::Questions`] keeps it.

use agentnet_core::nlu::Issue;
use serde::{Deserialize, Serialize};

/// The question waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// The command as understood so far.
    pub(crate) text: String,
    /// What the agent asked.
    pub(crate) question: String,
    /// What it is about.
    pub(crate) issue: Issue,
    /// When it was asked, unix milliseconds.
    pub(crate) asked_ms: i64,
}

impl Pending {
    /// Whether an answer can complete this command: a date that does not exist, a
    /// command not understood at all, words the agent cannot act on or a repeating
    /// meeting leave nothing to build on (the owner says it again, another way).
    pub(crate) fn worth_keeping(issue: &Issue) -> bool {
        !matches!(issue, Issue::InvalidDate | Issue::NotUnderstood | Issue::Unsupported { .. } | Issue::Recurring { .. })
    }

    /// The command with `answer` worked in: a name replaces the unclear one, missing
    /// people are added with "with", anything else is appended.
    pub(crate) fn combine(&self, answer: &str) -> String {
        let answer = answer.trim().trim_end_matches(['.', '?', '!']).trim();
        let person = answer.strip_prefix("with ").or_else(|| answer.strip_prefix("With ")).unwrap_or(answer).trim();
        match &self.issue {
            Issue::UnknownContact { name } | Issue::AmbiguousContact { name, .. } => match find_word(&self.text, name) {
                Some(at) => format!("{}{person}{}", &self.text[..at], &self.text[at + name.len()..]),
                None => format!("{} with {person}", self.text),
            },
            Issue::MissingParticipants => format!("{} with {person}", self.text),
            _ => format!("{} {answer}", self.text),
        }
    }
}

/// Where `word` first stands as a whole word in `text` (ignoring case).
fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let (lower, target) = (text.to_lowercase(), word.to_lowercase());
    // Lowercasing can change byte lengths outside ASCII; then only an exact match is safe.
    let (haystack, needle) = if lower.len() == text.len() && target.len() == word.len() { (lower.as_str(), target.as_str()) } else { (text, word) };
    let is_word = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    haystack.match_indices(needle).map(|(at, _)| at).find(|&at| is_word(haystack[..at].chars().next_back()) && is_word(haystack[at + needle.len()..].chars().next()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(text: &str, issue: Issue) -> Pending {
        Pending { text: text.into(), question: "?".into(), issue, asked_ms: 0 }
    }

    #[test]
    fn answers_are_worked_into_the_command() {
        let missing = pending("find 45 minutes next Tuesday afternoon", Issue::MissingParticipants);
        assert_eq!(missing.combine("Bob"), "find 45 minutes next Tuesday afternoon with Bob");
        assert_eq!(missing.combine("with Bob."), "find 45 minutes next Tuesday afternoon with Bob");
        let unknown = pending("lunch with bobby on friday", Issue::UnknownContact { name: "Bobby".into() });
        assert_eq!(unknown.combine("Bob Martin"), "lunch with Bob Martin on friday");
        let cancel = pending("cancel", Issue::MissingMeeting);
        assert_eq!(cancel.combine("the one with Bob"), "cancel the one with Bob");
    }

    #[test]
    fn names_are_replaced_only_as_whole_words() {
        assert_eq!(find_word("meet Bobby and Bob", "bob"), Some(15));
        assert_eq!(find_word("meet Bobby", "bob"), None);
        assert_eq!(find_word("Zoë and Zoé", "Zoé"), Some(9));
    }
}
