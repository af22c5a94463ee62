//! The language-model path against a local OpenAI-compatible server started by each
//! test ([`openai`]).

mod openai;

use std::time::Duration;

use agentnet_core::nlu::{self, Contact, Context, Intent, Issue, Location, PartOfDay, Participant, Preference};
use agentnet_platform::llm::{
    AnsweredBy, LlmConfig, LlmError, Understand, Understood, request::INSTRUCTIONS, response_format,
};
use axum::http::StatusCode;
use openai::{FakeServer, KEY, MODEL, Reply, completion, model_answering};
use serde_json::{Value, json};
use tokio::net::TcpListener;

fn ctx() -> Context {
    let c = |id: &str, name: &str, nick: &[&str]| Contact {
        id: id.into(),
        name: name.into(),
        nicknames: nick.iter().map(|n| n.to_string()).collect(),
    };
    Context {
        now: "2026-03-04T10:30:00-05:00[America/New_York]".parse().unwrap(),
        contacts: vec![c("c-bob-7f3a", "Bob Martin", &["Bobby"]), c("c-dan-91", "Dan Wu", &[]), c("c-dan-22", "Dan Brooks", &[])],
    }
}

fn bob() -> Participant {
    Participant { id: "c-bob-7f3a".into(), name: "Bob Martin".into() }
}

/// A well-formed schedule answer, to be spoiled by the error tests.
fn schedule_answer() -> Value {
    json!({
        "kind": "schedule",
        "participants": ["Bob Martin"],
        "duration_minutes": 30,
        "when": "next week",
        "to": null,
        "part_of_day": "afternoon",
        "title": "Q3 budget",
        "location": { "type": "video", "detail": "Zoom" },
        "preference": null,
        "name": null,
        "question": null,
        "issue": null,
        "issue_name": null
    })
}

const COMMAND: &str = "find 30 minutes with Bob next week, afternoons, about Q3 budget on Zoom";

async fn understand(server: &FakeServer, text: &str) -> Result<Understood, LlmError> {
    Understand::new(Some(server.config())).unwrap().understand(text, &ctx()).await
}

async fn llm_error(answer: Value) -> LlmError {
    let server = model_answering(answer).await;
    understand(&server, COMMAND).await.expect_err("a bad answer must be an error, never an intent")
}

#[tokio::test]
async fn a_good_answer_becomes_the_expected_intent() {
    let server = model_answering(schedule_answer()).await;
    let got = understand(&server, COMMAND).await.unwrap();

    assert_eq!(got.answered_by, AnsweredBy::LanguageModel { model: MODEL.into() });
    let next_week = nlu::resolve_time("next week", &ctx().now).unwrap();
    assert_eq!(next_week.start.to_string(), "2026-03-09T00:00:00-04:00[America/New_York]");
    assert_eq!(
        got.interpretation.intent,
        Intent::Schedule {
            participants: vec![bob()],
            duration_minutes: Some(30),
            window: Some(next_week.clone()),
            part_of_day: Some(PartOfDay::Afternoon),
            title: Some("Q3 budget".into()),
            location: Some(Location::Video { provider: Some("Zoom".into()) }),
            constraints: Default::default(),
        }
    );
    assert_eq!(got.interpretation.time, Some(next_week));
    // The same people, window and length as the offline interpreter reads.
    let offline = nlu::interpret(COMMAND, &ctx());
    assert_eq!(offline.intent.participants(), got.interpretation.intent.participants());
    assert_eq!(offline.time, got.interpretation.time);
    assert_eq!(offline.intent.duration_minutes(), Some(30));
}

#[tokio::test]
async fn the_request_carries_the_command_date_zone_and_names_and_nothing_else() {
    let server = model_answering(schedule_answer()).await;
    understand(&server, COMMAND).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].authorization.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    let system = format!(
        "{INSTRUCTIONS}\n\nToday is Wednesday 2026-03-04. The owner's time zone is America/New_York.\n\
         The owner's contacts (JSON): [{{\"name\":\"Bob Martin\",\"nicknames\":[\"Bobby\"]}},\
         {{\"name\":\"Dan Wu\",\"nicknames\":[]}},{{\"name\":\"Dan Brooks\",\"nicknames\":[]}}]"
    );
    let expected = json!({
        "model": MODEL,
        "messages": [
            { "role": "system", "content": system },
            { "role": "user", "content": COMMAND }
        ],
        "response_format": response_format(),
        "temperature": 0.0
    });
    assert_eq!(requests[0].body, expected);
    // Belt and braces: no contact id, no time of day, no key in the body.
    let sent = requests[0].body.to_string();
    for secret in ["c-bob-7f3a", "c-dan-91", "c-dan-22", "10:30", KEY] {
        assert!(!sent.contains(secret), "the request leaked {secret:?}");
    }
}

#[tokio::test]
async fn invalid_json_is_a_typed_error() {
    let server = FakeServer::start(Reply::Http(StatusCode::OK, completion("Sure! {kind: schedule, with Bob"))).await;
    let err = understand(&server, COMMAND).await.unwrap_err();
    assert!(matches!(err, LlmError::InvalidJson { .. }), "{err:?}");
}

#[tokio::test]
async fn wrong_types_are_typed_errors() {
    let mut answer = schedule_answer();
    answer["duration_minutes"] = json!("thirty");
    assert_eq!(
        llm_error(answer).await,
        LlmError::WrongType { field: "duration_minutes".into(), expected: "a non-negative integer", found: "a string" }
    );
    let mut answer = schedule_answer();
    answer["participants"] = json!("Bob Martin");
    assert_eq!(
        llm_error(answer).await,
        LlmError::WrongType { field: "participants".into(), expected: "an array of strings", found: "a string" }
    );
    assert_eq!(
        llm_error(json!(["schedule"])).await,
        LlmError::WrongType { field: "answer".into(), expected: "an object", found: "an array" }
    );
}

#[tokio::test]
async fn a_hallucinated_contact_is_a_typed_error() {
    let mut answer = schedule_answer();
    answer["participants"] = json!(["Bob Martin", "Alice Smith"]);
    assert_eq!(llm_error(answer).await, LlmError::HallucinatedContact { name: "Alice Smith".into() });
}

#[tokio::test]
async fn a_missing_required_field_is_a_typed_error() {
    let mut answer = schedule_answer();
    answer.as_object_mut().unwrap().remove("participants");
    assert_eq!(
        llm_error(answer).await,
        LlmError::MissingField { kind: "schedule".into(), field: "participants".into() }
    );
    let mut answer = schedule_answer();
    answer.as_object_mut().unwrap().remove("kind");
    assert!(matches!(llm_error(answer).await, LlmError::MissingField { ref field, .. } if field == "kind"));
}

#[tokio::test]
async fn an_unknown_kind_and_an_unresolvable_time_are_typed_errors() {
    let mut answer = schedule_answer();
    answer["kind"] = json!("book_flight");
    assert_eq!(llm_error(answer).await, LlmError::UnknownValue { field: "kind".into(), value: "book_flight".into() });
    let mut answer = schedule_answer();
    answer["when"] = json!("when pigs fly");
    assert_eq!(llm_error(answer).await, LlmError::UnresolvedTime { field: "when".into(), text: "when pigs fly".into() });
}

#[tokio::test]
async fn a_name_shared_by_two_contacts_asks_the_owner() {
    let mut answer = schedule_answer();
    answer["participants"] = json!(["Dan"]);
    let server = model_answering(answer).await;
    let got = understand(&server, "lunch with Dan tomorrow").await.unwrap();
    let Intent::NeedsClarification { issue: Issue::AmbiguousContact { name, candidates }, .. } = got.interpretation.intent
    else {
        panic!("expected a clarification, got {:?}", got.interpretation.intent);
    };
    assert_eq!(name, "Dan");
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c-dan-91", "c-dan-22"]);
}

#[tokio::test]
async fn a_preference_and_a_reschedule_are_read_into_core_types() {
    let server = model_answering(json!({
        "kind": "set_preference", "participants": [],
        "preference": { "preference": "no_meetings_before", "time": "10:00", "minutes": null, "count": null,
                        "start": null, "end": null, "weekdays": [], "part_of_day": null, "zone": null }
    }))
    .await;
    let got = understand(&server, "no meetings before 10am").await.unwrap();
    assert_eq!(
        got.interpretation.intent,
        Intent::SetPreference { preference: Preference::NoMeetingsBefore { time: "10:00".parse().unwrap() } }
    );

    let server = model_answering(json!({
        "kind": "reschedule", "participants": ["Bobby"], "when": "tomorrow", "to": "2026-03-06T15:00", "title": null
    }))
    .await;
    let got = understand(&server, "move tomorrow's meeting with Bobby to Friday 3pm").await.unwrap();
    let Intent::Reschedule { participants, from, to, title: None, .. } = got.interpretation.intent else {
        panic!("expected a reschedule");
    };
    assert_eq!(participants, [bob()]);
    assert_eq!(from.unwrap().start.to_string(), "2026-03-05T00:00:00-05:00[America/New_York]");
    assert_eq!(to.unwrap().start.to_string(), "2026-03-06T15:00:00-05:00[America/New_York]");
}

#[tokio::test]
async fn http_500_falls_back_to_offline_and_records_why() {
    let body = json!({ "error": { "message": "The server had an error", "type": "server_error" } }).to_string();
    let server = FakeServer::start(Reply::Http(StatusCode::INTERNAL_SERVER_ERROR, body)).await;
    let got = understand(&server, COMMAND).await.unwrap();
    assert_eq!(
        got.answered_by,
        AnsweredBy::Offline {
            llm_error: Some(LlmError::ServerError { status: 500, message: "The server had an error".into() })
        }
    );
    assert_eq!(got.interpretation, nlu::interpret(COMMAND, &ctx()));
}

#[tokio::test]
async fn http_401_is_an_error_for_the_owner_not_a_fallback() {
    let body = json!({ "error": { "message": "Incorrect API key provided", "code": "invalid_api_key" } }).to_string();
    let server = FakeServer::start(Reply::Http(StatusCode::UNAUTHORIZED, body)).await;
    assert_eq!(
        understand(&server, COMMAND).await.unwrap_err(),
        LlmError::Unauthorized { status: 401, message: "Incorrect API key provided".into() }
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_to_offline() {
    let server = FakeServer::start(Reply::Hang).await;
    let config = server.config().with_timeout(Duration::from_millis(300));
    let got = Understand::new(Some(config)).unwrap().understand(COMMAND, &ctx()).await.unwrap();
    assert_eq!(got.answered_by, AnsweredBy::Offline { llm_error: Some(LlmError::Timeout { after_ms: 300 }) });
    assert_eq!(got.interpretation, nlu::interpret(COMMAND, &ctx()));
    assert_eq!(server.requests().len(), 1, "the request did reach the server");
}

#[tokio::test]
async fn an_unreachable_url_falls_back_to_offline() {
    // A port that was just free: nothing listens there once the listener is dropped.
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let config = LlmConfig::new(format!("http://127.0.0.1:{port}/v1"), MODEL);
    let got = Understand::new(Some(config)).unwrap().understand(COMMAND, &ctx()).await.unwrap();
    let AnsweredBy::Offline { llm_error: Some(LlmError::Unreachable { url, .. }) } = &got.answered_by else {
        panic!("expected an offline answer after an unreachable model, got {:?}", got.answered_by);
    };
    assert_eq!(url, &format!("http://127.0.0.1:{port}/v1/chat/completions"));
    assert_eq!(got.interpretation, nlu::interpret(COMMAND, &ctx()));
}

#[tokio::test]
async fn without_configuration_the_offline_interpreter_answers() {
    let got = Understand::offline().understand(COMMAND, &ctx()).await.unwrap();
    assert_eq!(got.answered_by, AnsweredBy::Offline { llm_error: None });
    assert_eq!(got.interpretation, nlu::interpret(COMMAND, &ctx()));
}
