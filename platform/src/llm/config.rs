//! Where the language model is and how to reach it: base URL, model, key, timeout.

use std::fmt;
use std::time::Duration;

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::error::ConfigError;

/// OpenAI's endpoint, used when only a key is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The model asked for when `OPENAI_MODEL` is not set.
pub const DEFAULT_MODEL: &str = "gpt-4o";
/// How long one request may take, connection included, before the offline
/// interpreter answers instead. A chat completion with a small structured answer
/// takes a few seconds; twenty leaves room for a slow local model.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A bearer key for the endpoint. Never printed; wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, to put in the `Authorization` header or seal in the vault.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// How to reach an OpenAI-compatible chat-completions endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`;
    /// requests go to `{base_url}/chat/completions`.
    pub base_url: String,
    /// The model name sent with each request.
    pub model: String,
    /// The bearer key; local servers usually need none.
    pub api_key: Option<ApiKey>,
    /// The limit for one whole request (connect, send, answer). Natively enforced by
    /// reqwest's timer on tokio; in the browser by an `AbortController` that reqwest
    /// arms with `setTimeout`.
    pub timeout: Duration,
}

impl LlmConfig {
    /// A configuration for `base_url` and `model`, without a key, with the default timeout.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self { base_url: base_url.into(), model: model.into(), api_key: None, timeout: DEFAULT_TIMEOUT }
    }

    /// The same configuration with a key.
    #[must_use]
    pub fn with_api_key(mut self, key: ApiKey) -> Self {
        self.api_key = Some(key);
        self
    }

    /// The same configuration with another request timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Reads `OPENAI_BASE_URL`, `OPENAI_MODEL` (default [`DEFAULT_MODEL`]) and
    /// `OPENAI_API_KEY` from the process environment.
    ///
    /// `Ok(None)` when neither a key nor a base URL is set: the language model is not
    /// configured and the offline interpreter is the one to use.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`LlmConfig::from_env`], reading variables through `lookup` (for tests and
    /// for front ends that keep settings elsewhere). Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let key = get("OPENAI_API_KEY").map(ApiKey);
        let base_url = get("OPENAI_BASE_URL");
        if key.is_none() && base_url.is_none() {
            return Ok(None);
        }
        let config = Self {
            base_url: base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
            model: get("OPENAI_MODEL").unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            api_key: key,
            timeout: DEFAULT_TIMEOUT,
        };
        config.endpoint()?;
        Ok(Some(config))
    }

    /// `{base_url}/chat/completions`, checked.
    pub(crate) fn endpoint(&self) -> Result<reqwest::Url, ConfigError> {
        let invalid = |reason: String| ConfigError::InvalidBaseUrl { url: self.base_url.clone(), reason };
        let url = reqwest::Url::parse(&format!("{}/chat/completions", self.base_url.trim_end_matches('/')))
            .map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!("scheme {} is not http or https", url.scheme())));
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn nothing_set_means_not_configured() {
        assert_eq!(LlmConfig::from_lookup(vars(&[("OPENAI_MODEL", "x")])).unwrap(), None);
        assert_eq!(LlmConfig::from_lookup(vars(&[("OPENAI_API_KEY", "  ")])).unwrap(), None);
    }

    #[test]
    fn a_key_alone_targets_openai_with_the_default_model() {
        let c = LlmConfig::from_lookup(vars(&[("OPENAI_API_KEY", "sk-1")])).unwrap().unwrap();
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert_eq!(c.model, "gpt-4o");
        assert_eq!(c.api_key, Some(ApiKey::new("sk-1")));
        assert_eq!(c.endpoint().unwrap().as_str(), "https://api.openai.com/v1/chat/completions");
    }

    #[test]
    fn a_local_server_needs_no_key() {
        let c = LlmConfig::from_lookup(vars(&[("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1/"), ("OPENAI_MODEL", "smol")]))
            .unwrap()
            .unwrap();
        assert_eq!(c.api_key, None);
        assert_eq!(c.model, "smol");
        assert_eq!(c.endpoint().unwrap().as_str(), "http://127.0.0.1:8080/v1/chat/completions");
    }

    #[test]
    fn a_bad_base_url_is_a_typed_error() {
        let err = LlmConfig::from_lookup(vars(&[("OPENAI_BASE_URL", "ftp://example.org")])).unwrap_err();
        assert!(matches!(err, ConfigError::InvalidBaseUrl { ref url, .. } if url == "ftp://example.org"));
        let err = LlmConfig::from_lookup(vars(&[("OPENAI_BASE_URL", "not a url")])).unwrap_err();
        assert!(matches!(err, ConfigError::InvalidBaseUrl { .. }));
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let c = LlmConfig::new("http://x/v1", "m").with_api_key(ApiKey::new("sk-very-secret"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
