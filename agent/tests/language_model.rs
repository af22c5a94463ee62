//! The owner's language-model choice: sealed in a real SQLite profile, read back after a
//! restart, never printed or written in clear, and used by `ask`.

#[path = "../../platform/tests/openai/mod.rs"]
mod openai;
mod profile;

use agentnet_agent::{AgentError, LanguageModel, LanguageModelError};
use agentnet_platform::llm::ApiKey;
use openai::{FakeServer, KEY, MODEL, model_answering};
use profile::TempDir;
use serde_json::json;

/// The model's answer to "what's on next week?".
fn upcoming() -> serde_json::Value {
    json!({
        "kind": "list_upcoming",
        "participants": [],
        "duration_minutes": null,
        "when": "next week",
        "to": null,
        "part_of_day": null,
        "title": null,
        "location": null,
        "preference": null,
        "name": null,
        "question": null,
        "issue": null,
        "issue_name": null
    })
}

fn choice_for(server: &FakeServer) -> LanguageModel {
    LanguageModel::openai_compatible(&server.base_url, MODEL, Some(ApiKey::new(KEY))).unwrap()
}

#[tokio::test]
async fn the_choice_survives_closing_and_reopening_the_profile() {
    let dir = TempDir::new("llm-roundtrip");
    profile::create(&dir, "Ann").await;
    let choice = LanguageModel::openai_compatible("http://127.0.0.1:9/v1", "local-model", Some(ApiKey::new(KEY))).unwrap();
    {
        let agent = profile::open(&dir).await;
        assert_eq!(agent.language_model().await.unwrap(), LanguageModel::Offline, "offline until chosen");
        agent.set_language_model(choice.clone()).await.unwrap();
    }
    let agent = profile::open(&dir).await;
    let back = agent.language_model().await.unwrap();
    assert_eq!(back, choice);
    assert!(back.has_key());
}

#[tokio::test]
async fn the_key_is_not_in_the_database_files() {
    let dir = TempDir::new("llm-at-rest");
    profile::create(&dir, "Ann").await;
    {
        let agent = profile::open(&dir).await;
        agent.set_language_model(LanguageModel::openai_compatible("http://127.0.0.1:9/v1", "m", Some(ApiKey::new(KEY))).unwrap()).await.unwrap();
    }
    let files = dir.all_bytes();
    assert!(!files.is_empty());
    assert!(!profile::contains(&files, KEY.as_bytes()), "the key's bytes are in the SQLite files");
    assert!(!profile::contains(&files, b"127.0.0.1:9"), "the base URL is sealed too");
    // The scan itself finds what is there: the vault's key record is stored in clear.
    assert!(profile::contains(&files, b"vault.keys"));
}

#[test]
fn debug_never_shows_the_key() {
    let choice = LanguageModel::openai_compatible("https://api.example.org/v1", "gpt-x", Some(ApiKey::new(KEY))).unwrap();
    let shown = format!("{choice:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("gpt-x") && shown.contains("<redacted>"), "{shown}");
}

#[tokio::test]
async fn invalid_choices_are_typed_errors_and_change_nothing() {
    assert!(matches!(
        LanguageModel::openai_compatible("ftp://example.org/v1", "m", None),
        Err(LanguageModelError::InvalidUrl { url, .. }) if url == "ftp://example.org/v1"
    ));
    assert!(matches!(LanguageModel::openai_compatible("not a url", "m", None), Err(LanguageModelError::InvalidUrl { .. })));
    assert_eq!(LanguageModel::openai_compatible("http://127.0.0.1:8080/v1", "  ", None), Err(LanguageModelError::EmptyModel));

    let server = model_answering(upcoming()).await;
    let dir = TempDir::new("llm-invalid");
    profile::create(&dir, "Ann").await;
    let agent = profile::open(&dir).await;
    let good = choice_for(&server);
    agent.set_language_model(good.clone()).await.unwrap();
    for bad in [
        LanguageModel::OpenAiCompatible { base_url: "javascript:alert(1)".into(), model: "m".into(), api_key: None },
        LanguageModel::OpenAiCompatible { base_url: "http://127.0.0.1:8080/v1".into(), model: String::new(), api_key: None },
    ] {
        let err = agent.set_language_model(bad).await.unwrap_err();
        assert!(matches!(err, AgentError::LanguageModel(_)), "{err}");
    }
    assert_eq!(agent.language_model().await.unwrap(), good, "the stored choice is unchanged");
    assert_eq!(agent.ask("what's on next week?").await.unwrap().understood_by, MODEL, "and it still answers");
}

#[tokio::test]
async fn a_saved_openai_compatible_choice_answers_ask_now_and_after_a_restart() {
    let server = model_answering(upcoming()).await;
    let dir = TempDir::new("llm-ask");
    profile::create(&dir, "Ann").await;
    {
        let agent = profile::open(&dir).await;
        assert_eq!(agent.ask("what's on next week?").await.unwrap().understood_by, "offline");
        assert!(server.requests().is_empty());
        agent.set_language_model(choice_for(&server)).await.unwrap();
        let answer = agent.ask("what's on next week?").await.unwrap();
        assert_eq!(answer.understood_by, MODEL);
        assert_eq!(answer.intent, "list_upcoming");
    }
    // Opened again with the offline interpreter as the caller's default: the saved choice wins.
    let agent = profile::open(&dir).await;
    assert_eq!(agent.ask("what's on next week?").await.unwrap().understood_by, MODEL);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.authorization.as_deref() == Some(format!("Bearer {KEY}").as_str())));
    assert_eq!(requests[1].body["model"], MODEL);

    // Back to offline: the model is asked no more.
    agent.set_language_model(LanguageModel::Offline).await.unwrap();
    assert_eq!(agent.ask("what's on next week?").await.unwrap().understood_by, "offline");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_unreachable_model_falls_back_to_the_offline_interpreter() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = TempDir::new("llm-fallback");
    profile::create(&dir, "Ann").await;
    let agent = profile::open(&dir).await;
    agent.set_language_model(LanguageModel::openai_compatible(&format!("http://127.0.0.1:{port}/v1"), MODEL, None).unwrap()).await.unwrap();
    assert_eq!(agent.ask("what's on next week?").await.unwrap().understood_by, "offline");
}
