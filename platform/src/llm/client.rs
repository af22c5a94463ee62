//! The HTTP exchange with an OpenAI-compatible server: one `POST /chat/completions`.

use std::time::Duration;

use agentnet_core::nlu::{Context, Interpretation};

use super::config::LlmConfig;
use super::error::{ConfigError, LlmError};
use super::request::ChatRequest;
use super::{answer, response};

/// A client for one configured endpoint. Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    config: LlmConfig,
}

impl LlmClient {
    /// Checks the configuration and sets up the HTTP client.
    pub fn new(config: LlmConfig) -> Result<Self, ConfigError> {
        let endpoint = config.endpoint()?;
        let http = reqwest::Client::builder().build().map_err(|e| ConfigError::Client { reason: e.to_string() })?;
        Ok(Self { http, endpoint, config })
    }

    /// The configuration in use.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Asks the model to interpret `text` and validates its answer against `ctx`.
    ///
    /// Only `text`, today's date, the time zone and the contact names are sent (see
    /// [`super::request`]). An `Err` means nothing may be acted on.
    pub async fn interpret(&self, text: &str, ctx: &Context) -> Result<Interpretation, LlmError> {
        let body = self.complete(&ChatRequest::new(&self.config.model, text, ctx)).await?;
        let answer = response::answer_text(&body)?;
        answer::interpret(&answer, ctx)
    }

    /// Sends the request; the response body on success.
    async fn complete(&self, request: &ChatRequest) -> Result<String, LlmError> {
        let mut builder = self.http.post(self.endpoint.clone()).timeout(self.config.timeout).json(request);
        if let Some(key) = &self.config.api_key {
            // reqwest copies the key into a header value that we cannot wipe; it lives
            // only as long as the request.
            builder = builder.bearer_auth(key.expose());
        }
        let response = builder.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| self.transport_error(&e))?;
        if !status.is_success() {
            return Err(response::status_error(status.as_u16(), &body));
        }
        Ok(body)
    }

    fn transport_error(&self, e: &reqwest::Error) -> LlmError {
        if e.is_timeout() {
            return timeout(self.config.timeout);
        }
        LlmError::Unreachable { url: self.endpoint.to_string(), reason: describe(e) }
    }
}

fn timeout(after: Duration) -> LlmError {
    LlmError::Timeout { after_ms: after.as_millis() }
}

/// reqwest's top message is "error sending request"; the cause says why.
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
