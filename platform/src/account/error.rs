//! What can go wrong signing in, as Firebase says it (its `error.message` codes).

/// Signing in, up or refreshing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// Signing up with an address that already has an account.
    #[error("an account with this e-mail address exists already; sign in instead")]
    EmailExists,
    /// No account, or the wrong password (Firebase does not say which, on purpose).
    #[error("the e-mail address or the password is wrong")]
    WrongCredentials,
    /// The password is too weak.
    #[error("the password is too weak: {reason}")]
    WeakPassword {
        /// Firebase's words, e.g. "Password should be at least 6 characters".
        reason: String,
    },
    /// Not an e-mail address.
    #[error("that is not an e-mail address")]
    InvalidEmail,
    /// The account was disabled by the relay's operator.
    #[error("this account is disabled")]
    UserDisabled,
    /// Too many attempts.
    #[error("too many attempts; try again later")]
    TooManyAttempts,
    /// The refresh token no longer works (revoked, the user deleted or disabled, the
    /// password changed): sign in again.
    #[error("the sign-in expired; sign in again")]
    SignInExpired,
    /// The request never got an answer.
    #[error("could not reach the account server at {url}: {message}")]
    Network {
        /// Where (without the key).
        url: String,
        /// What the HTTP client said.
        message: String,
    },
    /// Any other answer.
    #[error("the account server answered {status}: {message}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// Firebase's code, or the start of the body.
        message: String,
    },
}

impl AccountError {
    /// The error for Firebase's `error.message` (`CODE` or `CODE : details`).
    pub(crate) fn from_firebase(status: u16, message: &str) -> AccountError {
        let (code, details) = match message.split_once(" : ") {
            Some((code, details)) => (code.trim(), details.trim()),
            None => (message.trim(), ""),
        };
        match code {
            "EMAIL_EXISTS" => AccountError::EmailExists,
            "EMAIL_NOT_FOUND" | "INVALID_PASSWORD" | "INVALID_LOGIN_CREDENTIALS" | "USER_NOT_FOUND" => AccountError::WrongCredentials,
            "WEAK_PASSWORD" => AccountError::WeakPassword { reason: if details.is_empty() { "choose a longer one".into() } else { details.to_owned() } },
            "INVALID_EMAIL" | "MISSING_EMAIL" => AccountError::InvalidEmail,
            "USER_DISABLED" => AccountError::UserDisabled,
            "TOO_MANY_ATTEMPTS_TRY_LATER" => AccountError::TooManyAttempts,
            "TOKEN_EXPIRED" | "INVALID_REFRESH_TOKEN" | "INVALID_GRANT_TYPE" | "MISSING_REFRESH_TOKEN" => AccountError::SignInExpired,
            _ => AccountError::Http { status, message: message.chars().take(200).collect() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firebase_codes_become_typed_errors() {
        assert_eq!(AccountError::from_firebase(400, "EMAIL_EXISTS"), AccountError::EmailExists);
        assert_eq!(AccountError::from_firebase(400, "INVALID_LOGIN_CREDENTIALS"), AccountError::WrongCredentials);
        assert_eq!(
            AccountError::from_firebase(400, "WEAK_PASSWORD : Password should be at least 6 characters"),
            AccountError::WeakPassword { reason: "Password should be at least 6 characters".into() }
        );
        assert_eq!(AccountError::from_firebase(400, "USER_DISABLED"), AccountError::UserDisabled);
        assert_eq!(AccountError::from_firebase(400, "TOKEN_EXPIRED"), AccountError::SignInExpired);
        assert!(matches!(AccountError::from_firebase(500, "SOMETHING_NEW"), AccountError::Http { status: 500, .. }));
    }
}
