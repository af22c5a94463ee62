//! OAuth 2.0 for installed apps with PKCE (RFC 7636, S256), as Google documents it.
//!
//! The pieces, so the desktop loopback flow (see `LoopbackListener` on native targets)
//! and the web redirect (a server function of the app, later) can both use them:
//! [`Pkce::new`] -> [`authorization_url`] -> the owner consents -> the redirect brings a
//! `code` -> [`exchange_code`] -> [`Tokens`]; [`refresh_tokens`] when they expire.
//! PKCE is 20 lines over `sha2` and `base64` (checked against RFC 7636's own example);
//! the `oauth2` crate would add its own HTTP client abstraction, a second `rand` and
//! `getrandom` line, and its own error types for three form posts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::secret::Secret;
use crate::calendar::error::CalendarError;

/// Google's authorization endpoint.
pub const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
/// Google's token endpoint.
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

/// The narrowest scopes that cover what the agent does: read and write events
/// (`calendar.events`: sync and booking), free/busy of the owner's calendars
/// (`calendar.freebusy`: no event details), and the list of calendars to pick from
/// (`calendar.calendarlist.readonly`). Not `calendar` (which can also delete calendars
/// and change sharing) and not `calendar.readonly` (which `calendar.events` makes
/// redundant for events, and which the free/busy scope replaces).
pub const GOOGLE_SCOPES: &[&str] = &[
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
    "https://www.googleapis.com/auth/calendar.calendarlist.readonly",
];

/// An OAuth client registration and where to talk to.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// The OAuth client id.
    pub client_id: String,
    /// Google issues desktop clients a "secret" that is not secret; kept redacted anyway.
    pub client_secret: Option<Secret>,
    /// Authorization endpoint.
    pub auth_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Where the browser comes back to (`http://127.0.0.1:PORT/` for the desktop flow).
    pub redirect_uri: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
}

impl OAuthConfig {
    /// Google's endpoints and [`GOOGLE_SCOPES`].
    pub fn google(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> OAuthConfig {
        OAuthConfig {
            client_id: client_id.into(),
            client_secret: None,
            auth_url: GOOGLE_AUTH_URL.to_owned(),
            token_url: GOOGLE_TOKEN_URL.to_owned(),
            redirect_uri: redirect_uri.into(),
            scopes: GOOGLE_SCOPES.iter().map(|scope| (*scope).to_owned()).collect(),
        }
    }
}

/// A PKCE code verifier (43 characters from 32 random bytes).
#[derive(Debug, Clone)]
pub struct Pkce {
    verifier: Secret,
}

impl Pkce {
    /// A fresh random verifier.
    pub fn new() -> Result<Pkce, CalendarError> {
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut()).map_err(|error| CalendarError::Auth { reason: format!("no randomness for PKCE: {error}") })?;
        Ok(Pkce { verifier: Secret::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())) })
    }

    /// A known verifier (tests, or a flow resumed after a redirect).
    pub fn from_verifier(verifier: impl Into<String>) -> Pkce {
        Pkce { verifier: Secret::new(verifier) }
    }

    /// The verifier, sent with the code exchange.
    pub fn verifier(&self) -> &str {
        self.verifier.expose()
    }

    /// `BASE64URL(SHA256(verifier))`, sent in the authorization URL.
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.expose().as_bytes()))
    }
}

/// A random `state` value to tie the redirect to this request.
pub fn new_state() -> Result<String, CalendarError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| CalendarError::Auth { reason: format!("no randomness for state: {error}") })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The URL to open in the browser: code flow, S256 challenge, offline access (so Google
/// returns a refresh token).
pub fn authorization_url(config: &OAuthConfig, pkce: &Pkce, state: &str) -> Result<String, CalendarError> {
    let scope = config.scopes.join(" ");
    let url = reqwest::Url::parse_with_params(
        &config.auth_url,
        [
            ("response_type", "code"),
            ("client_id", config.client_id.as_str()),
            ("redirect_uri", config.redirect_uri.as_str()),
            ("scope", scope.as_str()),
            ("state", state),
            ("code_challenge", pkce.challenge().as_str()),
            ("code_challenge_method", "S256"),
            ("access_type", "offline"),
            ("prompt", "consent"),
        ],
    )
    .map_err(|error| CalendarError::Auth { reason: format!("bad authorization endpoint {:?}: {error}", config.auth_url) })?;
    Ok(url.into())
}

/// Access and refresh tokens.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// Bearer token for API calls.
    pub access_token: Secret,
    /// Long-lived token to get new access tokens (Google sends it on the first exchange).
    pub refresh_token: Option<Secret>,
    /// When the access token stops working.
    pub expires_at: Timestamp,
}

impl Tokens {
    /// Whether the access token is expired or will be within a minute.
    pub fn expired(&self, now: Timestamp) -> bool {
        now.checked_add(SignedDuration::from_secs(60)).unwrap_or(now) >= self.expires_at
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

async fn token_request(http: &reqwest::Client, config: &OAuthConfig, form: &[(&str, &str)]) -> Result<Tokens, CalendarError> {
    let mut form = form.to_vec();
    form.push(("client_id", &config.client_id));
    if let Some(secret) = &config.client_secret {
        form.push(("client_secret", secret.expose()));
    }
    let url = config.token_url.clone();
    let response = http
        .post(&url)
        .form(&form)
        .send()
        .await
        .map_err(|error| CalendarError::Network { url: url.clone(), message: error.to_string() })?;
    let status = response.status();
    let body = response.text().await.map_err(|error| CalendarError::Network { url: url.clone(), message: error.to_string() })?;
    if !status.is_success() {
        let reason = match serde_json::from_str::<TokenError>(&body) {
            Ok(error) => format!("{}{}", error.error, error.error_description.map(|d| format!(": {d}")).unwrap_or_default()),
            Err(_) => format!("token endpoint answered HTTP {status}"),
        };
        return Err(CalendarError::Auth { reason });
    }
    let answer: TokenResponse =
        serde_json::from_str(&body).map_err(|error| CalendarError::InvalidResponse { url, reason: error.to_string() })?;
    let lifetime = SignedDuration::from_secs(answer.expires_in.unwrap_or(3600));
    Ok(Tokens {
        access_token: Secret::new(answer.access_token),
        refresh_token: answer.refresh_token.map(Secret::new),
        expires_at: Timestamp::now().checked_add(lifetime).unwrap_or(Timestamp::MAX),
    })
}

/// Trades the authorization `code` (and the PKCE verifier) for tokens.
pub async fn exchange_code(http: &reqwest::Client, config: &OAuthConfig, code: &str, pkce: &Pkce) -> Result<Tokens, CalendarError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("code_verifier", pkce.verifier()),
        ("redirect_uri", config.redirect_uri.as_str()),
    ];
    token_request(http, config, &form).await
}

/// New tokens from a refresh token; the refresh token is kept when the answer has none.
pub async fn refresh_tokens(http: &reqwest::Client, config: &OAuthConfig, refresh_token: &Secret) -> Result<Tokens, CalendarError> {
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose())];
    let mut tokens = token_request(http, config, &form).await?;
    tokens.refresh_token = tokens.refresh_token.or_else(|| Some(refresh_token.clone()));
    Ok(tokens)
}

/// Google's token revocation endpoint.
pub const GOOGLE_REVOKE_URL: &str = "https://oauth2.googleapis.com/revoke";

/// Revokes `token` (the refresh token revokes the whole grant) at `revoke_url`. A token
/// Google no longer knows (400 `invalid_token`) counts as revoked.
pub async fn revoke_token(http: &reqwest::Client, revoke_url: &str, token: &Secret) -> Result<(), CalendarError> {
    let response = http
        .post(revoke_url)
        .form(&[("token", token.expose())])
        .send()
        .await
        .map_err(|error| CalendarError::Network { url: revoke_url.to_owned(), message: error.to_string() })?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.is_success() || (status == reqwest::StatusCode::BAD_REQUEST && body.contains("invalid_token")) {
        return Ok(());
    }
    Err(CalendarError::Http { status: status.as_u16(), url: revoke_url.to_owned(), message: body.chars().take(200).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(pkce.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn fresh_verifiers_are_43_url_safe_characters_and_differ() {
        let (a, b) = (Pkce::new().unwrap(), Pkce::new().unwrap());
        assert_eq!(a.verifier().len(), 43);
        assert!(a.verifier().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(a.verifier(), b.verifier());
    }

    #[test]
    fn authorization_url_asks_for_s256_and_offline_access() {
        let config = OAuthConfig::google("client-1", "http://127.0.0.1:4242/");
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let url = reqwest::Url::parse(&authorization_url(&config, &pkce, "st").unwrap()).unwrap();
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(query["code_challenge"], "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["access_type"], "offline");
        assert_eq!(query["redirect_uri"], "http://127.0.0.1:4242/");
        assert!(query["scope"].split(' ').all(|scope| GOOGLE_SCOPES.contains(&scope)));
    }
}
