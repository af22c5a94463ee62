//! One entry point for understanding the owner: the language model when configured,
//! the offline interpreter otherwise or when the model cannot be reached.
//!
//! # Fallback policy
//!
//! - Not configured: the offline interpreter answers.
//! - The model cannot be asked ([`LlmError::is_unavailable`]: unreachable, timeout,
//!   HTTP 5xx or 429): the offline interpreter answers and the error is recorded in
//!   [`AnsweredBy::Offline`], so the front end can say "offline: the model timed out".
//! - The model answered something unusable (invalid JSON, wrong types, missing fields,
//!   an invented contact, an unresolvable time) or the key was refused: **no fallback**,
//!   the caller gets the `Err`. A model that answers badly is a fault to see and fix,
//!   and quietly swapping in another interpretation would hide it; an `Err` also
//!   guarantees that nothing is booked from a bad answer.

use agentnet_core::nlu::{self, Context, Interpretation};

use super::client::LlmClient;
use super::config::LlmConfig;
use super::error::{ConfigError, LlmError};

/// Which interpreter produced an [`Understood`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnsweredBy {
    /// The language model, named as configured.
    LanguageModel {
        /// The model name.
        model: String,
    },
    /// The offline interpreter.
    Offline {
        /// Why the model did not answer; `None` when none is configured.
        llm_error: Option<LlmError>,
    },
}

/// An interpretation and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Understood {
    /// The intent and the first time expression.
    pub interpretation: Interpretation,
    /// Which path answered.
    pub answered_by: AnsweredBy,
}

/// The owner's interpreter, as the agent runtime holds it.
#[derive(Debug, Clone)]
pub struct Understand {
    llm: Option<LlmClient>,
}

impl Understand {
    /// Only the offline interpreter.
    pub fn offline() -> Self {
        Self { llm: None }
    }

    /// The language model from `config` (with offline fallback), or offline only.
    pub fn new(config: Option<LlmConfig>) -> Result<Self, ConfigError> {
        Ok(Self { llm: config.map(LlmClient::new).transpose()? })
    }

    /// Configured from `OPENAI_*` environment variables (see [`LlmConfig::from_env`]).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::new(LlmConfig::from_env()?)
    }

    /// The language-model client, when one is configured.
    pub fn llm(&self) -> Option<&LlmClient> {
        self.llm.as_ref()
    }

    /// Interprets one command. `Err` only when a configured model answered something
    /// unusable or refused the key; see the module docs.
    pub async fn understand(&self, text: &str, ctx: &Context) -> Result<Understood, LlmError> {
        let Some(llm) = &self.llm else {
            return Ok(offline(text, ctx, None));
        };
        match llm.interpret(text, ctx).await {
            Ok(interpretation) => Ok(Understood {
                interpretation,
                answered_by: AnsweredBy::LanguageModel { model: llm.config().model.clone() },
            }),
            Err(e) if e.is_unavailable() => Ok(offline(text, ctx, Some(e))),
            Err(e) => Err(e),
        }
    }
}

fn offline(text: &str, ctx: &Context, llm_error: Option<LlmError>) -> Understood {
    Understood { interpretation: nlu::interpret(text, ctx), answered_by: AnsweredBy::Offline { llm_error } }
}
