//! The passphrase strength meter: an estimate of how many guesses a passphrase resists.

use dioxus::prelude::*;

/// How strong a passphrase looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    /// Nothing typed.
    Empty,
    /// Fewer than 10 characters.
    TooShort,
    /// Guessable.
    Weak,
    /// Acceptable.
    Fair,
    /// Good.
    Strong,
}

/// Shortest passphrase accepted.
const MIN_LEN: usize = 10;

impl Strength {
    /// Estimates `passphrase`: length times the alphabet it draws from, halved when it
    /// mostly repeats itself.
    pub(crate) fn of(passphrase: &str) -> Strength {
        let len = passphrase.chars().count();
        if len == 0 {
            return Strength::Empty;
        }
        if len < MIN_LEN {
            return Strength::TooShort;
        }
        let has = |f: fn(&char) -> bool| passphrase.chars().any(|c| f(&c));
        let mut pool = 0u32;
        pool += if has(char::is_ascii_lowercase) { 26 } else { 0 };
        pool += if has(char::is_ascii_uppercase) { 26 } else { 0 };
        pool += if has(char::is_ascii_digit) { 10 } else { 0 };
        pool += if has(|c| c.is_ascii_punctuation() || *c == ' ') { 33 } else { 0 };
        pool += if has(|c| !c.is_ascii()) { 100 } else { 0 };
        let mut distinct: Vec<char> = passphrase.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut bits = len as f64 * f64::from(pool.max(2)).log2();
        if distinct.len() * 2 < len {
            bits /= 2.0;
        }
        match bits {
            b if b < 50.0 => Strength::Weak,
            b if b < 75.0 => Strength::Fair,
            _ => Strength::Strong,
        }
    }

    /// Whether a new profile may use it.
    pub(crate) fn acceptable(self) -> bool {
        self >= Strength::Fair
    }

    fn words(self) -> (&'static str, &'static str, u8) {
        match self {
            Strength::Empty => ("", "", 0),
            Strength::TooShort => ("Too short: use at least 10 characters", "weak", 1),
            Strength::Weak => ("Weak: add words, digits or symbols", "weak", 1),
            Strength::Fair => ("Fair", "fair", 3),
            Strength::Strong => ("Strong", "strong", 4),
        }
    }
}

/// The meter under the passphrase field.
#[component]
pub(crate) fn StrengthMeter(passphrase: String) -> Element {
    let (text, class, level) = Strength::of(&passphrase).words();
    rsx! {
        div { class: "strength {class}", id: "strength",
            meter { min: "0", max: "4", value: "{level}", aria_label: "Passphrase strength" }
            span { aria_live: "polite", "{text}" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_and_richer_passphrases_rate_higher() {
        assert_eq!(Strength::of(""), Strength::Empty);
        assert_eq!(Strength::of("abc"), Strength::TooShort);
        assert_eq!(Strength::of("aaaaaaaaaaaa"), Strength::Weak);
        assert!(Strength::of("correct horse battery staple").acceptable());
        assert_eq!(Strength::of("Tr0ub4dor&3-plus-words"), Strength::Strong);
    }
}
