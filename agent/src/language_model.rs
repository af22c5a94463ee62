//! [`LanguageModel`]: the owner's choice of interpreter, kept sealed in the vault.
//!
//! Offline (the default, nothing leaves the device) or an OpenAI-compatible endpoint:
//! base URL, model and an optional key. The choice is stored as a vault *secret*
//! (`profile/vault.secret.language-model`) rather than a plain settings record: secrets
//! are sealed from a buffer the vault never copies, so the key's plaintext is wiped from
//! memory after writing and reading, where a settings record's body would be dropped
//! unwiped. [`crate::Agent::set_language_model`] saves it and swaps the running interpreter;
//! [`crate::Agent::open`] reads it back.

use std::fmt;
use std::io::Write;

use agentnet_platform::llm::{ApiKey, ConfigError, LlmConfig, Understand};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Which interpreter understands the owner's commands.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LanguageModel {
    /// The offline interpreter on this device; commands never leave it.
    #[default]
    Offline,
    /// An OpenAI-compatible chat-completions endpoint, with the offline interpreter as
    /// the fallback when it cannot be reached.
    OpenAiCompatible {
        /// The API root, e.g. `https://api.openai.com/v1`.
        base_url: String,
        /// The model name.
        model: String,
        /// The bearer key; local servers usually need none. Never printed; wiped on drop.
        api_key: Option<ApiKey>,
    },
}

/// Why a language-model choice was refused. Nothing is saved when it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LanguageModelError {
    /// The base URL is not an http(s) URL.
    #[error("the language-model URL {url:?} is not an http(s) URL: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// No model name was given.
    #[error("say which model to use")]
    EmptyModel,
    /// The HTTP client could not be set up.
    #[error("cannot set up the language-model client: {reason}")]
    Client {
        /// Why.
        reason: String,
    },
    /// The stored choice does not read back (damaged or from a newer build).
    #[error("the stored language-model choice is damaged: {reason}")]
    Damaged {
        /// Why.
        reason: String,
    },
}

impl LanguageModel {
    /// An OpenAI-compatible endpoint, checked: `base_url` must be http(s) and `model` not
    /// empty. Surrounding spaces are trimmed; an empty key means none.
    pub fn openai_compatible(base_url: &str, model: &str, api_key: Option<ApiKey>) -> Result<Self, LanguageModelError> {
        let choice = LanguageModel::OpenAiCompatible {
            base_url: base_url.trim().to_owned(),
            model: model.trim().to_owned(),
            api_key: api_key.filter(|k| !k.expose().trim().is_empty()),
        };
        choice.understand()?;
        Ok(choice)
    }

    /// Whether a key is stored with the choice (the key itself is never given out).
    pub fn has_key(&self) -> bool {
        matches!(self, LanguageModel::OpenAiCompatible { api_key: Some(_), .. })
    }

    /// The stored key, to hand back unchanged when the owner keeps it. [`ApiKey`] neither
    /// prints nor exposes its text outside this crate.
    pub fn api_key(&self) -> Option<&ApiKey> {
        match self {
            LanguageModel::OpenAiCompatible { api_key, .. } => api_key.as_ref(),
            LanguageModel::Offline => None,
        }
    }

    /// The interpreter for this choice; checks it on the way.
    pub fn understand(&self) -> Result<Understand, LanguageModelError> {
        let LanguageModel::OpenAiCompatible { base_url, model, api_key } = self else {
            return Ok(Understand::offline());
        };
        if model.is_empty() {
            return Err(LanguageModelError::EmptyModel);
        }
        let mut config = LlmConfig::new(base_url.clone(), model.clone());
        config.api_key = api_key.clone();
        Understand::new(Some(config)).map_err(|e| match e {
            ConfigError::InvalidBaseUrl { url, reason } => LanguageModelError::InvalidUrl { url, reason },
            other => LanguageModelError::Client { reason: other.to_string() },
        })
    }

    /// The stored form, in a buffer wiped on drop. Sized up front so serde_json never
    /// reallocates (which would leave unwiped copies of the key behind).
    pub(crate) fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, LanguageModelError> {
        let stored = match self {
            LanguageModel::Offline => Stored::Offline,
            LanguageModel::OpenAiCompatible { base_url, model, api_key } => Stored::OpenAiCompatible {
                base_url: base_url.clone(),
                model: model.clone(),
                api_key: api_key.as_ref().map(|k| k.expose().to_owned()),
            },
        };
        let escaped = |s: &str| s.len() * 6;
        let capacity = 128
            + match &stored {
                Stored::Offline => 0,
                Stored::OpenAiCompatible { base_url, model, api_key } => {
                    escaped(base_url) + escaped(model) + api_key.as_deref().map_or(0, escaped)
                }
            };
        let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
        serde_json::to_writer(&mut *bytes, &stored).map_err(|e| LanguageModelError::Damaged { reason: e.to_string() })?;
        bytes.flush().map_err(|e| LanguageModelError::Damaged { reason: e.to_string() })?;
        Ok(bytes)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, LanguageModelError> {
        let stored: Stored = serde_json::from_slice(bytes).map_err(|e| LanguageModelError::Damaged { reason: e.to_string() })?;
        Ok(match &stored {
            Stored::Offline => LanguageModel::Offline,
            Stored::OpenAiCompatible { base_url, model, api_key } => LanguageModel::OpenAiCompatible {
                base_url: base_url.clone(),
                model: model.clone(),
                api_key: api_key.as_deref().map(ApiKey::new),
            },
        })
    }
}

impl fmt::Debug for LanguageModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LanguageModel::Offline => f.write_str("Offline"),
            LanguageModel::OpenAiCompatible { base_url, model, api_key } => f
                .debug_struct("OpenAiCompatible")
                .field("base_url", base_url)
                .field("model", model)
                .field("api_key", &api_key.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// The stored form; its strings (the key among them) are wiped on drop.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Stored {
    Offline,
    OpenAiCompatible { base_url: String, model: String, api_key: Option<String> },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_reads_back_with_its_key() {
        let choice = LanguageModel::openai_compatible(" http://127.0.0.1:8080/v1 ", "smol", Some(ApiKey::new("sk-1"))).unwrap();
        let back = LanguageModel::from_bytes(&choice.to_bytes().unwrap()).unwrap();
        assert_eq!(back, choice);
        assert!(back.has_key());
        assert_eq!(LanguageModel::from_bytes(&LanguageModel::Offline.to_bytes().unwrap()).unwrap(), LanguageModel::Offline);
        assert!(matches!(LanguageModel::from_bytes(b"{\"kind\":\"martian\"}"), Err(LanguageModelError::Damaged { .. })));
    }

    #[test]
    fn an_empty_key_is_no_key() {
        let choice = LanguageModel::openai_compatible("https://x/v1", "m", Some(ApiKey::new("  "))).unwrap();
        assert!(!choice.has_key());
    }
}
