//! The optional account gate: an OIDC / Firebase ID token in Hello, verified before the
//! relay issues a challenge. RS256 only, against the configured issuer's JWKS, with
//! `iss`, `aud`, `exp` (and `nbf` if present) checked and a non-empty `sub` required.
//!
//! In emulator mode (`RELAY_FIREBASE_EMULATOR`, with a `demo-` project only) the tokens
//! are the Firebase Auth emulator's, unsigned ([`unsigned`]); then and only then is
//! `alg: none` accepted.
//!
//! Tokens and claims are never logged; a rejection names only its reason.

mod account;
mod jwks;
mod unsigned;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use crate::config::OidcConfig;
use jwks::{Jwks, Lookup};

/// Why an ID token was refused. The text goes to the client; it carries no token content.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", self.reason())]
pub(crate) enum TokenError {
    Missing,
    Malformed,
    Algorithm,
    UnknownKey,
    BadSignature,
    Expired,
    NotYetValid,
    Audience,
    Issuer,
    Subject,
    /// The relay could not get the issuer's keys: its fault, not the client's.
    KeysUnavailable,
    /// The account was disabled by the project's operator.
    AccountDisabled,
    /// The account behind the token is gone.
    AccountUnknown,
    /// The relay could not ask whether the account is enabled: its fault.
    AccountsUnavailable,
}

impl TokenError {
    /// The error frame's text: the same as `Display`, as a static string.
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            TokenError::Missing => "an ID token is required",
            TokenError::Malformed => "ID token malformed",
            TokenError::Algorithm => "ID token algorithm not accepted",
            TokenError::UnknownKey => "ID token signing key unknown",
            TokenError::BadSignature => "ID token signature invalid",
            TokenError::Expired => "ID token expired",
            TokenError::NotYetValid => "ID token not yet valid",
            TokenError::Audience => "ID token audience not accepted",
            TokenError::Issuer => "ID token issuer not accepted",
            TokenError::Subject => "ID token has no subject",
            TokenError::KeysUnavailable => "ID token keys unavailable",
            TokenError::AccountDisabled => "ID token account disabled",
            TokenError::AccountUnknown => "ID token account unknown",
            TokenError::AccountsUnavailable => "ID token accounts unavailable",
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    sub: String,
    iat: Option<u64>,
    auth_time: Option<u64>,
}

/// Verifies ID tokens for one issuer.
pub(crate) struct IdTokenGate {
    jwks: Jwks,
    validation: Validation,
    /// Emulator mode (its `host:port`): unsigned tokens, checked claim by claim.
    emulator: Option<String>,
    issuer: String,
    audiences: Vec<String>,
    /// Asks whether the account is still enabled, when configured.
    accounts: Option<account::AccountCheck>,
}

impl IdTokenGate {
    pub(crate) fn new(cfg: &OidcConfig) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&cfg.issuer]);
        validation.set_audience(&cfg.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = cfg.leeway.as_secs();
        validation.validate_nbf = true;
        if let Some(at) = &cfg.emulator {
            tracing::warn!(emulator = %at, issuer = %cfg.issuer, "EMULATOR MODE: unsigned ID tokens from the Firebase Auth emulator are accepted; never run a public relay like this");
        }
        IdTokenGate {
            jwks: Jwks::new(cfg.jwks_url.clone(), cfg.fetch_timeout, cfg.jwks_max_age, cfg.jwks_min_refresh),
            validation,
            emulator: cfg.emulator.clone(),
            issuer: cfg.issuer.clone(),
            audiences: cfg.audiences.clone(),
            accounts: match (&cfg.emulator, &cfg.api_key) {
                (Some(at), _) => Some(account::AccountCheck::new(Some(at), "emulator", cfg.fetch_timeout)),
                (None, Some(key)) => Some(account::AccountCheck::new(None, key, cfg.fetch_timeout)),
                (None, None) => None,
            },
        }
    }

    /// What clients learn from `GET /config` before they connect: that a token is
    /// required, for which Firebase project, and the emulator to sign in with, if any.
    pub(crate) fn announcement(&self) -> serde_json::Value {
        let project = self.issuer.strip_prefix("https://securetoken.google.com/");
        serde_json::json!({ "id_token_required": true, "issuer": self.issuer, "firebase_project": project, "firebase_emulator": self.emulator })
    }

    /// Checks `token` and, when configured, that its account is still enabled; on
    /// success the connection may go on to the challenge.
    pub(crate) async fn verify(&self, token: Option<&[u8]>) -> Result<(), TokenError> {
        let token = token.ok_or(TokenError::Missing)?;
        self.verify_claims(token).await?;
        match &self.accounts {
            Some(accounts) => accounts.check(std::str::from_utf8(token).map_err(|_| TokenError::Malformed)?).await,
            None => Ok(()),
        }
    }

    async fn verify_claims(&self, token: &[u8]) -> Result<(), TokenError> {
        let token = std::str::from_utf8(token).map_err(|_| TokenError::Malformed)?;
        if self.emulator.is_some() {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let expected = unsigned::Expected { issuer: &self.issuer, audiences: &self.audiences, leeway: self.validation.leeway, now };
            return unsigned::verify(token, &expected);
        }
        // The header is checked before any key is looked up, so junk never causes a fetch.
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Algorithm);
        }
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;
        let key = match self.jwks.key(&kid).await {
            Lookup::Found(k) => k,
            Lookup::Unknown => return Err(TokenError::UnknownKey),
            Lookup::Unavailable => return Err(TokenError::KeysUnavailable),
        };
        let data = jsonwebtoken::decode::<Claims>(token, &key, &self.validation).map_err(|e| classify(e.kind()))?;
        if data.claims.sub.is_empty() {
            return Err(TokenError::Subject);
        }
        // Firebase's rules: issued and signed in in the past (allowing for clock skew).
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let ahead = |at: Option<u64>| at.is_some_and(|at| at > now.saturating_add(self.validation.leeway));
        if ahead(data.claims.iat) || ahead(data.claims.auth_time) {
            return Err(TokenError::NotYetValid);
        }
        Ok(())
    }
}

fn classify(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidAudience => TokenError::Audience,
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
        ErrorKind::MissingRequiredClaim(c) if c == "sub" => TokenError::Subject,
        ErrorKind::MissingRequiredClaim(c) if c == "aud" => TokenError::Audience,
        ErrorKind::MissingRequiredClaim(c) if c == "iss" => TokenError::Issuer,
        _ => TokenError::Malformed,
    }
}
