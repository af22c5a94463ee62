//! What can go wrong on the language-model path, with the data to act on it.

use thiserror::Error;

/// The configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `OPENAI_BASE_URL` (or the explicit base URL) is not an http(s) URL.
    #[error("language-model base URL {url:?} is invalid: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The HTTP client could not be set up (TLS roots, for example).
    #[error("cannot set up the HTTP client: {reason}")]
    Client {
        /// The client library's message.
        reason: String,
    },
}

/// The language model did not produce a usable [`Intent`](agentnet_core::nlu::Intent).
///
/// [`LlmError::is_unavailable`] separates "the model could not be asked" (the offline
/// interpreter may answer instead) from "the model answered something unusable" (the
/// caller must see it; nothing is booked).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LlmError {
    /// The endpoint could not be reached (refused, DNS, TLS, network down).
    #[error("cannot reach the language model at {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// The transport's message.
        reason: String,
    },
    /// No complete answer within the configured timeout.
    #[error("the language model did not answer within {after_ms} ms")]
    Timeout {
        /// The timeout that ran out, in milliseconds.
        after_ms: u128,
    },
    /// The key was refused (401, 403): a configuration problem for the owner to fix.
    #[error("the language model refused the API key (HTTP {status}): {message}")]
    Unauthorized {
        /// The HTTP status.
        status: u16,
        /// The server's error message, shortened.
        message: String,
    },
    /// The server failed or is overloaded (5xx, 429).
    #[error("the language model server failed (HTTP {status}): {message}")]
    ServerError {
        /// The HTTP status.
        status: u16,
        /// The server's error message, shortened.
        message: String,
    },
    /// The server rejected the request (another 4xx: unknown model, bad schema).
    #[error("the language model rejected the request (HTTP {status}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The server's error message, shortened.
        message: String,
    },
    /// The HTTP body is not a chat completion.
    #[error("the server's answer is not a chat completion: {reason}")]
    BadResponse {
        /// What is wrong with it.
        reason: String,
    },
    /// The model declined to answer.
    #[error("the language model refused: {reason}")]
    Refused {
        /// The model's refusal text.
        reason: String,
    },
    /// The model's answer is not JSON.
    #[error("the language model's answer is not valid JSON: {reason}")]
    InvalidJson {
        /// The parser's message.
        reason: String,
    },
    /// A field has the wrong JSON type.
    #[error("field `{field}` should be {expected}, the model sent {found}")]
    WrongType {
        /// The field, as a path (`preference.minutes`).
        field: String,
        /// The type the schema asks for.
        expected: &'static str,
        /// The JSON type received.
        found: &'static str,
    },
    /// A field the intent needs is absent or null.
    #[error("field `{field}` is required for `{kind}` but missing")]
    MissingField {
        /// The intent kind being read.
        kind: String,
        /// The missing field.
        field: String,
    },
    /// A string outside the closed vocabulary (`kind`, `part_of_day`, weekdays...).
    #[error("field `{field}` has unknown value {value:?}")]
    UnknownValue {
        /// The field.
        field: String,
        /// The value received.
        value: String,
    },
    /// The model named someone who is not in the owner's contacts.
    #[error("the language model named {name:?}, who is not in the contact list")]
    HallucinatedContact {
        /// The name the model returned.
        name: String,
    },
    /// A time field is neither an ISO 8601 date/time nor an expression core resolves.
    #[error("field `{field}` holds {text:?}, which is not a time I can resolve")]
    UnresolvedTime {
        /// The field.
        field: String,
        /// The text received.
        text: String,
    },
}

impl LlmError {
    /// True when the model could not be asked at all (unreachable, timeout, server
    /// failure): the offline interpreter may answer instead. False when it answered
    /// something unusable or the configuration is wrong.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::Timeout { .. } | Self::ServerError { .. })
    }
}
