//! [`FirebaseAuth`]: the Identity Toolkit and Secure Token REST endpoints.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AccountError;
use crate::calendar::google::Secret;

const IDENTITY_TOOLKIT: &str = "https://identitytoolkit.googleapis.com/v1";
const SECURE_TOKEN: &str = "https://securetoken.googleapis.com/v1";
/// The emulator takes any API key; this one says what it is.
const EMULATOR_KEY: &str = "emulator-has-no-key";

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct Session {
    /// Firebase's user id (the token's `sub`).
    pub user_id: String,
    /// The address signed in with.
    pub email: String,
    /// The ID token the relay checks.
    pub id_token: Secret,
    /// What renews the ID token; seal it.
    pub refresh_token: Secret,
    /// When the ID token expires.
    pub expires_at: Timestamp,
}

impl Session {
    /// Whether the ID token should be renewed before use at `now` (a minute early, so it
    /// never expires on the way to the relay).
    pub fn needs_refresh(&self, now: Timestamp) -> bool {
        now.checked_add(SignedDuration::from_secs(60)).unwrap_or(now) >= self.expires_at
    }
}

/// Firebase Authentication for one project (its web API key).
#[derive(Debug, Clone)]
pub struct FirebaseAuth {
    http: reqwest::Client,
    api_key: String,
    identity: String,
    secure_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInAnswer {
    local_id: String,
    #[serde(default)]
    email: String,
    id_token: String,
    refresh_token: String,
    expires_in: String,
}

#[derive(Deserialize)]
struct RefreshAnswer {
    user_id: String,
    id_token: String,
    refresh_token: String,
    expires_in: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

fn expires(now: Timestamp, seconds: &str) -> Timestamp {
    let seconds: i64 = seconds.trim().parse().unwrap_or(0);
    now.checked_add(SignedDuration::from_secs(seconds)).unwrap_or(now)
}

impl FirebaseAuth {
    /// Google's endpoints, for the project whose web API key is `api_key`.
    pub fn new(http: reqwest::Client, api_key: impl Into<String>) -> FirebaseAuth {
        FirebaseAuth { http, api_key: api_key.into(), identity: IDENTITY_TOOLKIT.to_owned(), secure_token: SECURE_TOKEN.to_owned() }
    }

    /// The Firebase Auth emulator at `host_port` (`127.0.0.1:9099`), which serves the same
    /// paths under its own address and takes any key.
    pub fn emulator(http: reqwest::Client, host_port: &str) -> FirebaseAuth {
        FirebaseAuth {
            http,
            api_key: EMULATOR_KEY.to_owned(),
            identity: format!("http://{host_port}/identitytoolkit.googleapis.com/v1"),
            secure_token: format!("http://{host_port}/securetoken.googleapis.com/v1"),
        }
    }

    async fn post(&self, base: &str, path: &str, body: Value) -> Result<String, AccountError> {
        let url = format!("{base}/{path}");
        let network = |error: reqwest::Error| AccountError::Network { url: url.clone(), message: error.without_url().to_string() };
        let response = self.http.post(&url).query(&[("key", &self.api_key)]).json(&body).send().await.map_err(network)?;
        let status = response.status();
        let text = response.text().await.map_err(network)?;
        if status.is_success() {
            return Ok(text);
        }
        let message = serde_json::from_str::<ErrorAnswer>(&text).map(|answer| answer.error.message).unwrap_or_else(|_| text.chars().take(200).collect());
        Err(AccountError::from_firebase(status.as_u16(), &message))
    }

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AccountError> {
        serde_json::from_str(text).map_err(|error| AccountError::Http { status: 200, message: format!("unexpected answer: {error}") })
    }

    async fn session(&self, path: &str, email: &str, password: &Secret) -> Result<Session, AccountError> {
        let body = json!({ "email": email.trim(), "password": password.expose(), "returnSecureToken": true });
        let answer: SignInAnswer = Self::read(&self.post(&self.identity, path, body).await?)?;
        Ok(Session {
            user_id: answer.local_id,
            email: answer.email,
            id_token: Secret::new(answer.id_token),
            refresh_token: Secret::new(answer.refresh_token),
            expires_at: expires(crate::rt::now(), &answer.expires_in),
        })
    }

    /// Creates an account (`accounts:signUp`) and signs it in.
    pub async fn sign_up(&self, email: &str, password: &Secret) -> Result<Session, AccountError> {
        self.session("accounts:signUp", email, password).await
    }

    /// Signs in with e-mail and password (`accounts:signInWithPassword`).
    pub async fn sign_in(&self, email: &str, password: &Secret) -> Result<Session, AccountError> {
        self.session("accounts:signInWithPassword", email, password).await
    }

    /// Asks Firebase to mail a password reset link (`accounts:sendOobCode`).
    pub async fn send_password_reset(&self, email: &str) -> Result<(), AccountError> {
        self.post(&self.identity, "accounts:sendOobCode", json!({ "requestType": "PASSWORD_RESET", "email": email.trim() })).await.map(drop)
    }

    /// A fresh ID token for `session`'s refresh token (Secure Token `token`).
    pub async fn refresh(&self, session: &Session) -> Result<Session, AccountError> {
        let body = json!({ "grant_type": "refresh_token", "refresh_token": session.refresh_token.expose() });
        let answer: RefreshAnswer = Self::read(&self.post(&self.secure_token, "token", body).await?)?;
        Ok(Session {
            user_id: answer.user_id,
            email: session.email.clone(),
            id_token: Secret::new(answer.id_token),
            refresh_token: Secret::new(answer.refresh_token),
            expires_at: expires(crate::rt::now(), &answer.expires_in),
        })
    }
}
