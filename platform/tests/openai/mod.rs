//! A local OpenAI-compatible server for tests (axum on 127.0.0.1:0), answering
//! `/v1/chat/completions` in OpenAI's documented response shape with a scripted reply,
//! and recording what it was sent. Used by `llm.rs` and `language_model.rs`.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentnet_platform::llm::{ApiKey, LlmConfig};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const MODEL: &str = "gpt-4o-test";
pub const KEY: &str = "sk-test-not-a-real-key";

/// What the server answers.
#[derive(Clone)]
pub enum Reply {
    /// This status and body.
    Http(StatusCode, String),
    /// Accept the request and never answer.
    Hang,
    /// A model that answers each command (the user message) with the content this
    /// function gives, in a 200 completion.
    PerCommand(Arc<dyn Fn(&str) -> String + Send + Sync>),
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Clone)]
pub struct Script {
    reply: Reply,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// A running fake server; the task is aborted when the test drops it.
pub struct FakeServer {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    pub async fn start(reply: Reply) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Script { reply, seen: seen.clone() };
        let app = Router::new().route("/v1/chat/completions", post(completions)).with_state(script);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { base_url, seen, task }
    }

    pub fn config(&self) -> LlmConfig {
        LlmConfig::new(&self.base_url, MODEL).with_api_key(ApiKey::new(KEY)).with_timeout(Duration::from_secs(10))
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

pub async fn completions(State(script): State<Script>, headers: HeaderMap, body: String) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let command = body["messages"].as_array().and_then(|m| m.iter().rev().find(|m| m["role"] == "user")).and_then(|m| m["content"].as_str()).unwrap_or_default().to_string();
    script.seen.lock().unwrap().push(Seen { authorization, body });
    match script.reply {
        Reply::Http(status, body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Reply::Hang => std::future::pending().await,
        Reply::PerCommand(answer) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], completion(&answer(&command))).into_response(),
    }
}

/// A chat completion in OpenAI's documented shape whose message content is `content`.
pub fn completion(content: &str) -> String {
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_772_638_200,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": { "prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960 }
    })
    .to_string()
}

/// A server whose model answers `answer` (a JSON value, sent as the message text).
pub async fn model_answering(answer: Value) -> FakeServer {
    FakeServer::start(Reply::Http(StatusCode::OK, completion(&answer.to_string()))).await
}
