//! What can go wrong when talking to a calendar.

use super::ics::IcsError;

/// A calendar operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// No event with this id in this calendar.
    #[error("no event with id {id:?}")]
    NotFound {
        /// The id that was asked for.
        id: String,
    },
    /// The calendar cannot be written to (an ICS subscription).
    #[error("the calendar {name:?} is read-only")]
    ReadOnly {
        /// Which calendar.
        name: String,
    },
    /// An ICS file or an RRULE could not be read.
    #[error(transparent)]
    Ics(#[from] IcsError),
    /// The event handed in is not one this calendar can store.
    #[error("invalid event: {reason}")]
    InvalidEvent {
        /// Why.
        reason: String,
    },
    /// The request never got an HTTP answer (DNS, TLS, connection).
    #[error("network error talking to {url}: {message}")]
    Network {
        /// The URL that was requested (without query).
        url: String,
        /// What the HTTP client said.
        message: String,
    },
    /// The server answered with an error status that retrying will not fix.
    #[error("HTTP {status} from {url}: {message}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// The URL that was requested (without query).
        url: String,
        /// The server's error message (Google's `error.message`), or the start of the body.
        message: String,
    },
    /// The server kept answering 429/403 rateLimitExceeded/5xx until the retries ran out.
    #[error("gave up on {url} after {attempts} attempts, last HTTP {status}")]
    RetriesExhausted {
        /// The URL that was requested (without query).
        url: String,
        /// How many requests were sent.
        attempts: u32,
        /// The last status seen.
        status: u16,
    },
    /// OAuth failed: no refresh token, the grant was revoked, or the state did not match.
    #[error("authorization failed: {reason}")]
    Auth {
        /// Why, in the words of the token endpoint when it gave any.
        reason: String,
    },
    /// The server's answer did not have the documented shape.
    #[error("unexpected response from {url}: {reason}")]
    InvalidResponse {
        /// The URL that was requested (without query).
        url: String,
        /// What was wrong with it.
        reason: String,
    },
    /// The event cache failed.
    #[error("event cache: {0}")]
    Cache(String),
}
