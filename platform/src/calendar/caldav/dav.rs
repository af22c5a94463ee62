//! [`Dav`]: authenticated WebDAV requests to one server, over `reqwest` (hyper natively,
//! `fetch` in the browser), with bounded, jittered retries of 429 and 5xx answers.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::xml::{Multistatus, read_multistatus};
use crate::calendar::error::CalendarError;
use crate::calendar::google::{RetryPolicy, Secret};

/// A CalDAV account: the user and the app password the server issued for agentnet.
#[derive(Clone)]
pub struct CalDavLogin {
    /// The user name.
    pub user: String,
    /// The (app) password; never printed.
    pub password: Secret,
}

impl std::fmt::Debug for CalDavLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CalDavLogin").field("user", &self.user).field("password", &self.password).finish()
    }
}

/// A precondition on the stored version of a resource (RFC 9110 §13.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precondition<'a> {
    /// None.
    Any,
    /// The resource must not exist yet (`If-None-Match: *`).
    Absent,
    /// The resource must still have this etag (`If-Match`).
    Unchanged(&'a str),
}

/// What the server answered.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) etag: Option<String>,
    pub(crate) body: String,
}

/// Requests to one CalDAV server as one user.
#[derive(Debug, Clone)]
pub(crate) struct Dav {
    http: reqwest::Client,
    login: CalDavLogin,
    retry: RetryPolicy,
}

/// The URL as shown in errors: without credentials or query.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}

fn method(name: &str) -> Method {
    // Only called with the WebDAV method names below, which are valid tokens.
    Method::from_bytes(name.as_bytes()).unwrap_or(Method::GET)
}

impl Dav {
    pub(crate) fn new(http: reqwest::Client, login: CalDavLogin) -> Dav {
        Dav { http, login, retry: RetryPolicy { max_attempts: 3, ..RetryPolicy::default() } }
    }

    /// Retries differently (tests keep waits short).
    pub(crate) fn with_retry(mut self, retry: RetryPolicy) -> Dav {
        self.retry = retry;
        self
    }

    /// Sends one request; returns whatever status came back, after retrying 429 and 5xx.
    pub(crate) async fn send(&self, name: &str, url: &Url, depth: Option<&str>, precondition: Precondition<'_>, body: Option<(&str, String)>) -> Result<Answer, CalendarError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut headers = HeaderMap::new();
            if let Some(depth) = depth {
                headers.insert("Depth", HeaderValue::from_static(if depth == "0" { "0" } else { "1" }));
            }
            match precondition {
                Precondition::Any => {}
                Precondition::Absent => {
                    headers.insert("If-None-Match", HeaderValue::from_static("*"));
                }
                Precondition::Unchanged(etag) => {
                    let value = HeaderValue::from_str(etag).map_err(|_| CalendarError::InvalidResponse { url: shown(url), reason: format!("unusable etag {etag:?}") })?;
                    headers.insert("If-Match", value);
                }
            }
            let mut request = self.http.request(method(name), url.clone()).headers(headers).basic_auth(&self.login.user, Some(self.login.password.expose()));
            if let Some((content_type, body)) = &body {
                request = request.header("Content-Type", *content_type).body(body.clone());
            }
            let response = request.send().await.map_err(|error| CalendarError::Network { url: shown(url), message: error.to_string() })?;
            let status = response.status();
            let etag = response.headers().get("ETag").and_then(|value| value.to_str().ok()).map(str::to_owned);
            let text = response.text().await.map_err(|error| CalendarError::Network { url: shown(url), message: error.to_string() })?;
            // 501 (a report the server does not have) is an answer, not a hiccup.
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED);
            if !retryable {
                if status == StatusCode::UNAUTHORIZED {
                    return Err(CalendarError::Auth { reason: format!("{} refused the user name or app password", shown(url)) });
                }
                return Ok(Answer { status, etag, body: text });
            }
            if attempts >= self.retry.max_attempts {
                return Err(CalendarError::RetriesExhausted { url: shown(url), attempts, status: status.as_u16() });
            }
            crate::rt::sleep(self.retry.delay(attempts - 1)).await;
        }
    }

    /// A `PROPFIND` or `REPORT` that must answer 207; its body read.
    pub(crate) async fn multistatus(&self, name: &str, url: &Url, depth: &str, body: String) -> Result<Multistatus, CalendarError> {
        let answer = self.send(name, url, Some(depth), Precondition::Any, Some(("application/xml; charset=utf-8", body))).await?;
        if answer.status != StatusCode::MULTI_STATUS {
            return Err(http_error(url, &answer));
        }
        read_multistatus(&answer.body).map_err(|reason| CalendarError::InvalidResponse { url: shown(url), reason })
    }
}

/// An answer that was not what the request needed.
pub(crate) fn http_error(url: &Url, answer: &Answer) -> CalendarError {
    CalendarError::Http { status: answer.status.as_u16(), url: shown(url), message: answer.body.chars().take(200).collect() }
}
