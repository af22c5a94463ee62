//! Reading OpenAI's chat-completion response: the model's text, or the server's error.

use serde::Deserialize;

use super::error::LlmError;

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: AssistantMessage,
}

#[derive(Deserialize)]
struct AssistantMessage {
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolCall>>,
}

#[derive(Deserialize)]
struct ToolCall {
    function: FunctionCall,
}

#[derive(Deserialize)]
struct FunctionCall {
    arguments: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

/// Error messages are shown to the owner: keep them short.
const MESSAGE_LIMIT: usize = 200;

/// The JSON text the model produced: the message content, or the arguments of its
/// first tool call (servers that implement structured output as a function call).
pub(crate) fn answer_text(body: &str) -> Result<String, LlmError> {
    let completion: Completion =
        serde_json::from_str(body).map_err(|e| LlmError::BadResponse { reason: e.to_string() })?;
    let Some(choice) = completion.choices.into_iter().next() else {
        return Err(LlmError::BadResponse { reason: "no choices".into() });
    };
    let message = choice.message;
    if let Some(reason) = message.refusal {
        return Err(LlmError::Refused { reason: shorten(&reason) });
    }
    if let Some(content) = message.content.filter(|c| !c.trim().is_empty()) {
        return Ok(content);
    }
    message
        .tool_calls
        .and_then(|calls| calls.into_iter().next())
        .map(|call| call.function.arguments)
        .ok_or_else(|| LlmError::BadResponse { reason: "the message has neither content nor a tool call".into() })
}

/// The error for a non-success status, with the server's message when it sent one in
/// OpenAI's `{"error": {"message": ...}}` shape.
pub(crate) fn status_error(status: u16, body: &str) -> LlmError {
    let message = serde_json::from_str::<ErrorBody>(body).map_or_else(|_| shorten(body), |b| shorten(&b.error.message));
    match status {
        401 | 403 => LlmError::Unauthorized { status, message },
        429 | 500..=599 => LlmError::ServerError { status, message },
        _ => LlmError::Rejected { status, message },
    }
}

fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_the_answer() {
        let body = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"kind\":\"cancel\"}"},"finish_reason":"stop"}]}"#;
        assert_eq!(answer_text(body).unwrap(), r#"{"kind":"cancel"}"#);
    }

    #[test]
    fn a_tool_call_is_read_when_there_is_no_content() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"intent","arguments":"{}"}}]}}]}"#;
        assert_eq!(answer_text(body).unwrap(), "{}");
    }

    #[test]
    fn a_refusal_and_an_empty_answer_are_errors() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":null,"refusal":"no"}}]}"#;
        assert_eq!(answer_text(body), Err(LlmError::Refused { reason: "no".into() }));
        assert!(matches!(answer_text(r#"{"choices":[]}"#), Err(LlmError::BadResponse { .. })));
        assert!(matches!(answer_text("<html>"), Err(LlmError::BadResponse { .. })));
    }

    #[test]
    fn statuses_map_to_their_errors_with_the_message() {
        let body = r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#;
        assert_eq!(
            status_error(401, body),
            LlmError::Unauthorized { status: 401, message: "Incorrect API key provided".into() }
        );
        assert!(matches!(status_error(503, "busy"), LlmError::ServerError { status: 503, ref message } if message == "busy"));
        assert!(matches!(status_error(404, ""), LlmError::Rejected { status: 404, .. }));
        let long = "x".repeat(1000);
        assert!(matches!(status_error(500, &long), LlmError::ServerError { ref message, .. } if message.len() == MESSAGE_LIMIT + 3));
    }
}
