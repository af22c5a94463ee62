//! Understanding commands with a language model: an OpenAI-compatible
//! chat-completions client whose structured answer is validated into the same
//! [`Interpretation`](agentnet_core::nlu::Interpretation) as the offline interpreter.
//!
//! The agent runtime calls [`Understand::understand`]: it asks the model when one is
//! configured (`OPENAI_BASE_URL`, `OPENAI_MODEL`, `OPENAI_API_KEY`), falls back to
//! [`agentnet_core::nlu::interpret`] when the model cannot be reached, and reports which
//! path answered ([`AnsweredBy`]). A bad answer is an [`LlmError`], never a booking.
//!
//! ```no_run
//! use agentnet_core::nlu::{Context, Intent};
//! use agentnet_platform::llm::{AnsweredBy, LlmError, Understand};
//!
//! async fn on_command(text: &str, ctx: &Context) -> Result<(), Box<dyn std::error::Error>> {
//!     let understand = Understand::from_env()?; // offline only when OPENAI_* is unset
//!     match understand.understand(text, ctx).await {
//!         Ok(got) => {
//!             if let AnsweredBy::Offline { llm_error: Some(why) } = &got.answered_by {
//!                 eprintln!("answered offline: {why}");
//!             }
//!             if let Intent::Schedule { participants, .. } = &got.interpretation.intent {
//!                 // hand the intent to the negotiation state machine
//!                 let _ = participants;
//!             }
//!         }
//!         // Show the owner; do not act.
//!         Err(e @ LlmError::HallucinatedContact { .. }) => eprintln!("{e}"),
//!         Err(e) => return Err(e.into()),
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Privacy
//!
//! The model receives the command, today's date, the owner's time zone and contact
//! names ([`request`]), nothing else: no calendar, no contact ids, no message from
//! another agent. Its answer is data for core to check, never an instruction.
//!
//! # Why a small client over `reqwest`
//!
//! `openai-api-rs` does not build for wasm32. `async-openai` does, but its API layer
//! pulls in tokio, tokio-util, tower, eventsource-stream, derive_builder, secrecy and
//! rand 0.9 on top of reqwest 0.13 (a second reqwest next to the 0.12 that
//! dioxus-fullstack already brings), for hundreds of endpoints we would not use. We
//! need one request and one response shape, both documented by OpenAI and followed by
//! local servers (llama.cpp, vLLM, Ollama), so [`request`] and a small `response`
//! module write them out. reqwest 0.12 (`json`, `rustls-tls`, no defaults) is the same crate the app
//! already compiles: on native it is hyper + rustls on tokio, in the browser it is
//! `fetch`, and its per-request timeout works on both (a tokio timer natively, an
//! `AbortController` with `setTimeout` in the browser).

mod answer;
mod client;
mod config;
mod error;
mod fields;
mod people;
mod preference;
pub mod request;
mod response;
mod schema;
mod understand;
mod when;

pub use client::LlmClient;
pub use config::{ApiKey, DEFAULT_BASE_URL, DEFAULT_MODEL, DEFAULT_TIMEOUT, LlmConfig};
pub use error::{ConfigError, LlmError};
pub use schema::response_format;
pub use understand::{AnsweredBy, Understand, Understood};
