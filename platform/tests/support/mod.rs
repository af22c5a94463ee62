//! A local stand-in for Google's Calendar API v3 and OAuth token endpoint, with Google's
//! JSON shapes, for the subset the client uses.

#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentnet_platform::calendar::MemoryCache;
use agentnet_platform::calendar::google::{GoogleCalendar, OAuthConfig, RetryPolicy, Secret, Sleep, Tokens};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;

/// What the fake server knows and saw.
#[derive(Default)]
pub struct Fake {
    /// PKCE challenge the code `the-code` was issued for.
    pub challenge: Option<String>,
    /// The access token the API accepts.
    pub access_token: String,
    /// Refresh grants served.
    pub refreshes: u32,
    /// Events by id, for full syncs (two per page).
    pub events: BTreeMap<String, Value>,
    /// Sync token a full sync ends with.
    pub full_sync_token: String,
    /// Incremental answers: sync token -> (items, next sync token).
    pub deltas: HashMap<String, (Vec<Value>, String)>,
    /// Sync tokens that answer 410 Gone.
    pub expired: HashSet<String>,
    /// Statuses to answer API calls with before serving them, in order.
    pub failures: VecDeque<u16>,
    /// Busy periods for freeBusy.
    pub busy: Vec<(String, String)>,
    /// Request log: "METHOD path?query".
    pub log: Vec<String>,
    /// Bodies of inserted events.
    pub inserted: Vec<Value>,
    /// `expires_in` of the tokens the code exchange issues (Google's 3599 when `None`).
    pub token_lifetime: Option<i64>,
    /// Tokens revoked at `/revoke`.
    pub revoked: Vec<String>,
    /// Events of the calendars other than the primary one, by calendar id.
    pub calendars: HashMap<String, BTreeMap<String, Value>>,
    /// Etags handed out so far.
    pub versions: u32,
}

impl Fake {
    /// The events of `calendar` (the primary one's are `events`).
    pub fn events_of(&mut self, calendar: &str) -> &mut BTreeMap<String, Value> {
        if calendar == "primary" || calendar == "alice@example.com" {
            &mut self.events
        } else {
            self.calendars.entry(calendar.to_owned()).or_default()
        }
    }

    /// A new etag, as Google gives each stored version.
    fn next_etag(&mut self) -> Value {
        self.versions += 1;
        json!(format!("\"v{}\"", self.versions))
    }
}

pub type Shared = Arc<Mutex<Fake>>;

fn google_error(status: u16, reason: &str, message: &str) -> Response {
    let body = json!({"error": {"code": status, "message": message, "errors": [{"domain": "global", "reason": reason, "message": message}]}});
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

/// Authorization and scripted failures, as Google applies them before serving.
fn gate(fake: &mut Fake, headers: &HeaderMap, line: String) -> Option<Response> {
    fake.log.push(line);
    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if bearer != format!("Bearer {}", fake.access_token) {
        return Some(google_error(401, "authError", "Invalid Credentials"));
    }
    match fake.failures.pop_front() {
        Some(403) => Some(google_error(403, "rateLimitExceeded", "Rate Limit Exceeded")),
        Some(429) => Some(google_error(429, "rateLimitExceeded", "Too Many Requests")),
        Some(status) => Some(google_error(status, "backendError", "Backend Error")),
        None => None,
    }
}

async fn token(State(fake): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut fake = fake.lock().unwrap();
    let bad = |error: &str| (StatusCode::BAD_REQUEST, Json(json!({"error": error, "error_description": "Bad Request"}))).into_response();
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
            if form.get("code").map(String::as_str) != Some("the-code") || fake.challenge.as_deref() != Some(challenge.as_str()) {
                return bad("invalid_grant");
            }
            fake.access_token = "access-1".into();
            Json(json!({"access_token": "access-1", "expires_in": fake.token_lifetime.unwrap_or(3599), "refresh_token": "refresh-1", "scope": "https://www.googleapis.com/auth/calendar.events", "token_type": "Bearer"})).into_response()
        }
        Some("refresh_token") if form.get("refresh_token").map(String::as_str) == Some("refresh-1") => {
            fake.refreshes += 1;
            fake.access_token = format!("access-{}", fake.refreshes + 1);
            Json(json!({"access_token": fake.access_token, "expires_in": 3599, "token_type": "Bearer"})).into_response()
        }
        _ => bad("invalid_grant"),
    }
}

async fn list_events(State(fake): State<Shared>, Path(calendar): Path<String>, Query(query): Query<HashMap<String, String>>, headers: HeaderMap) -> Response {
    let mut fake = fake.lock().unwrap();
    let mut pairs: Vec<_> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    if let Some(response) = gate(&mut fake, &headers, format!("GET /calendars/{calendar}/events?{}", pairs.join("&"))) {
        return response;
    }
    if let Some(token) = query.get("syncToken") {
        if fake.expired.contains(token) {
            return google_error(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.");
        }
        let (items, next) = fake.deltas.get(token).cloned().unwrap_or_default();
        return Json(json!({"kind": "calendar#events", "items": items, "nextSyncToken": next})).into_response();
    }
    let all: Vec<Value> = fake.events_of(&calendar).values().cloned().collect();
    let page: usize = query.get("pageToken").and_then(|t| t.strip_prefix("page-")).and_then(|n| n.parse().ok()).unwrap_or(0);
    let items: Vec<Value> = all.iter().skip(page * 2).take(2).cloned().collect();
    if (page + 1) * 2 < all.len() {
        Json(json!({"kind": "calendar#events", "items": items, "nextPageToken": format!("page-{}", page + 1)})).into_response()
    } else {
        Json(json!({"kind": "calendar#events", "items": items, "nextSyncToken": fake.full_sync_token})).into_response()
    }
}

async fn insert_event(State(fake): State<Shared>, Path(calendar): Path<String>, Query(query): Query<HashMap<String, String>>, headers: HeaderMap, Json(mut body): Json<Value>) -> Response {
    let mut fake = fake.lock().unwrap();
    if let Some(response) = gate(&mut fake, &headers, format!("POST /calendars/{calendar}/events")) {
        return response;
    }
    if !matches!(query.get("sendUpdates").map(String::as_str), Some("all" | "none")) {
        return google_error(400, "invalid", "expected sendUpdates=all or none");
    }
    // Google takes an id from the client when it is given.
    let id = match body["id"].as_str() {
        Some(id) if fake.events_of(&calendar).contains_key(id) => return google_error(409, "duplicate", "The requested identifier already exists."),
        Some(id) => id.to_owned(),
        None => format!("new{}", fake.inserted.len() + 1),
    };
    fake.inserted.push(body.clone());
    body["id"] = json!(id);
    body["etag"] = fake.next_etag();
    body["kind"] = json!("calendar#event");
    body["organizer"] = json!({"email": "alice@example.com", "self": true});
    if let Some(attendees) = body["attendees"].as_array_mut() {
        for attendee in attendees {
            attendee["responseStatus"] = json!("needsAction");
        }
    }
    fake.events_of(&calendar).insert(id, body.clone());
    Json(body).into_response()
}

async fn patch_event(State(fake): State<Shared>, Path((calendar, id)): Path<(String, String)>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut fake = fake.lock().unwrap();
    if let Some(response) = gate(&mut fake, &headers, format!("PATCH /calendars/{calendar}/events/{id}")) {
        return response;
    }
    let etag = fake.next_etag();
    let Some(stored) = fake.events_of(&calendar).get_mut(&id) else { return google_error(404, "notFound", "Not Found") };
    for (key, value) in body.as_object().cloned().unwrap_or_default() {
        stored[key] = value;
    }
    stored["etag"] = etag;
    Json(stored.clone()).into_response()
}

async fn delete_event(State(fake): State<Shared>, Path((calendar, id)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let mut fake = fake.lock().unwrap();
    if let Some(response) = gate(&mut fake, &headers, format!("DELETE /calendars/{calendar}/events/{id}")) {
        return response;
    }
    match fake.events_of(&calendar).remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => google_error(410, "deleted", "Resource has been deleted"),
    }
}

async fn revoke(State(fake): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut fake = fake.lock().unwrap();
    fake.log.push("POST /revoke".into());
    match form.get("token") {
        Some(token) => {
            fake.revoked.push(token.clone());
            StatusCode::OK.into_response()
        }
        None => (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_request"}))).into_response(),
    }
}

async fn free_busy(State(fake): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut fake = fake.lock().unwrap();
    if let Some(response) = gate(&mut fake, &headers, "POST /freeBusy".into()) {
        return response;
    }
    let id = body["items"][0]["id"].as_str().unwrap_or_default().to_owned();
    let busy: Vec<Value> = fake.busy.iter().map(|(start, end)| json!({"start": start, "end": end})).collect();
    Json(json!({"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "timeMax": body["timeMax"], "calendars": {id: {"busy": busy}}})).into_response()
}

async fn calendar_list(State(fake): State<Shared>, Query(query): Query<HashMap<String, String>>, headers: HeaderMap) -> Response {
    let mut fake = fake.lock().unwrap();
    if let Some(response) = gate(&mut fake, &headers, "GET /users/me/calendarList".into()) {
        return response;
    }
    if query.contains_key("pageToken") {
        Json(json!({"items": [
            {"id": "team@group.calendar.google.com", "summary": "Team", "accessRole": "reader", "timeZone": "Europe/Berlin"},
            {"id": "projects@group.calendar.google.com", "summary": "Projects", "accessRole": "writer", "timeZone": "Europe/Berlin"},
        ]})).into_response()
    } else {
        Json(json!({"items": [{"id": "alice@example.com", "summary": "Alice", "primary": true, "accessRole": "owner", "timeZone": "Europe/Berlin"}], "nextPageToken": "p2"})).into_response()
    }
}

/// Owns the server task; aborts it on drop.
pub struct Running {
    pub base: String,
    pub fake: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the fake on 127.0.0.1:0.
pub async fn start(fake: Fake) -> Running {
    let fake: Shared = Arc::new(Mutex::new(fake));
    let router = Router::new()
        .route("/token", post(token))
        .route("/revoke", post(revoke))
        .route("/calendar/v3/calendars/{calendar}/events", get(list_events).post(insert_event))
        .route("/calendar/v3/calendars/{calendar}/events/{id}", axum::routing::patch(patch_event).delete(delete_event))
        .route("/calendar/v3/freeBusy", post(free_busy))
        .route("/calendar/v3/users/me/calendarList", get(calendar_list))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Running { base, fake, task }
}

/// The events of `tests/data/google/events.json`, by id.
pub fn fixture_events() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(format!("{}/tests/data/google/events.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let items: Vec<Value> = serde_json::from_str(&text).unwrap();
    items.into_iter().map(|item| (item["id"].as_str().unwrap().to_owned(), item)).collect()
}

/// A sleeper that records instead of waiting.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<Duration>>>);

impl Sleep for Recorder {
    async fn sleep(&self, duration: Duration) {
        self.0.lock().unwrap().push(duration);
    }
}

pub fn oauth(server: &Running) -> OAuthConfig {
    let mut config = OAuthConfig::google("client-1", "http://127.0.0.1:1/");
    config.token_url = format!("{}/token", server.base);
    config.auth_url = format!("{}/auth", server.base);
    config
}

pub fn tokens(access: &str, valid_for_secs: i64) -> Tokens {
    Tokens {
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new("refresh-1")),
        expires_at: jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_secs(valid_for_secs)).unwrap(),
    }
}

pub fn client(server: &Running, tokens: Tokens, sleeper: Recorder) -> GoogleCalendar<MemoryCache, Recorder> {
    GoogleCalendar::new(reqwest::Client::new(), oauth(server), tokens, "primary", MemoryCache::new(), sleeper, jiff::tz::db().get("Europe/Berlin").unwrap())
        .with_api_base(format!("{}/calendar/v3", server.base))
        .with_retry(RetryPolicy { max_attempts: 4, base: Duration::from_millis(200), cap: Duration::from_secs(2) })
}
