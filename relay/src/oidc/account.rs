//! Whether the account behind a valid ID token may still connect: Identity Toolkit's
//! `accounts:lookup` with the token, which answers `USER_DISABLED` for an account the
//! operator disabled (an ID token stays valid until it expires; this refuses it at once).
//! Asked in emulator mode always, and in production when the project's web API key is
//! configured (`RELAY_FIREBASE_API_KEY`).

use std::time::Duration;

use serde::Deserialize;

use super::TokenError;

/// Where accounts are looked up.
pub(crate) struct AccountCheck {
    http: reqwest::Client,
    /// `…/identitytoolkit.googleapis.com/v1/accounts:lookup`.
    url: String,
    api_key: String,
}

#[derive(Deserialize)]
struct Found {
    #[serde(default)]
    users: Vec<User>,
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    disabled: bool,
}

#[derive(Deserialize)]
struct Refusal {
    error: RefusalBody,
}

#[derive(Deserialize)]
struct RefusalBody {
    message: String,
}

impl AccountCheck {
    /// Google's Identity Toolkit, or the emulator's at `emulator` (`host:port`).
    pub(crate) fn new(emulator: Option<&str>, api_key: &str, timeout: Duration) -> AccountCheck {
        let base = match emulator {
            Some(at) => format!("http://{at}/identitytoolkit.googleapis.com/v1"),
            None => "https://identitytoolkit.googleapis.com/v1".to_owned(),
        };
        let http = reqwest::Client::builder().timeout(timeout).build().unwrap_or_default();
        AccountCheck { http, url: format!("{base}/accounts:lookup"), api_key: api_key.to_owned() }
    }

    /// `Ok` when the token's account exists and is enabled.
    pub(crate) async fn check(&self, token: &str) -> Result<(), TokenError> {
        let answer = self
            .http
            .post(&self.url)
            .query(&[("key", &self.api_key)])
            .json(&serde_json::json!({ "idToken": token }))
            .send()
            .await
            .map_err(|_| TokenError::AccountsUnavailable)?;
        let status = answer.status();
        let body = answer.bytes().await.map_err(|_| TokenError::AccountsUnavailable)?;
        if status.is_success() {
            let found: Found = serde_json::from_slice(&body).map_err(|_| TokenError::AccountsUnavailable)?;
            return match found.users.first() {
                Some(user) if !user.disabled => Ok(()),
                Some(_) => Err(TokenError::AccountDisabled),
                None => Err(TokenError::AccountUnknown),
            };
        }
        if status.is_server_error() {
            return Err(TokenError::AccountsUnavailable);
        }
        let message = serde_json::from_slice::<Refusal>(&body).map(|r| r.error.message).unwrap_or_default();
        Err(match message.split(' ').next().unwrap_or_default() {
            "USER_DISABLED" => TokenError::AccountDisabled,
            "TOKEN_EXPIRED" => TokenError::Expired,
            _ => TokenError::AccountUnknown,
        })
    }
}
