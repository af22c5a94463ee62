//! The Firebase Auth emulator's ID tokens: the same claims as Google's, unsigned
//! (`alg: none`, an empty signature). Accepted only in emulator mode, which the config
//! allows only with a `demo-` project; everywhere else `alg: none` is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::TokenError;

#[derive(Deserialize)]
struct Header {
    alg: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    iss: Option<String>,
    aud: Option<Audience>,
    #[serde(default)]
    sub: String,
    exp: Option<u64>,
    iat: Option<u64>,
    auth_time: Option<u64>,
}

fn part<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

/// What an unsigned token must say, and when "now" is.
pub(super) struct Expected<'a> {
    pub(super) issuer: &'a str,
    pub(super) audiences: &'a [String],
    pub(super) leeway: u64,
    pub(super) now: u64,
}

/// Checks an emulator token: `alg: none`, no signature, and every claim a Firebase ID
/// token must carry (`iss`, `aud`, `exp` ahead, `iat` and `auth_time` not ahead, `sub`).
pub(super) fn verify(token: &str, expected: &Expected<'_>) -> Result<(), TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let header: Header = part(header)?;
    if header.alg != "none" || !signature.is_empty() {
        return Err(TokenError::Algorithm);
    }
    let claims: Claims = part(claims)?;
    if claims.iss.as_deref() != Some(expected.issuer) {
        return Err(TokenError::Issuer);
    }
    let audience_ok = match &claims.aud {
        Some(Audience::One(aud)) => expected.audiences.contains(aud),
        Some(Audience::Many(auds)) => auds.iter().any(|aud| expected.audiences.contains(aud)),
        None => false,
    };
    if !audience_ok {
        return Err(TokenError::Audience);
    }
    if claims.exp.is_none_or(|exp| exp.saturating_add(expected.leeway) <= expected.now) {
        return Err(TokenError::Expired);
    }
    let ahead = |at: Option<u64>| at.is_some_and(|at| at > expected.now.saturating_add(expected.leeway));
    if claims.iat.is_none() || ahead(claims.iat) || ahead(claims.auth_time) {
        return Err(TokenError::NotYetValid);
    }
    if claims.sub.is_empty() {
        return Err(TokenError::Subject);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "https://securetoken.google.com/demo-agentnet";
    const NOW: u64 = 1_800_000_000;

    fn token(header: &str, claims: serde_json::Value, signature: &str) -> String {
        format!("{}.{}.{signature}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    fn claims() -> serde_json::Value {
        serde_json::json!({ "iss": ISSUER, "aud": "demo-agentnet", "sub": "uid-1", "iat": NOW - 10, "auth_time": NOW - 10, "exp": NOW + 3600 })
    }

    fn check(token: &str) -> Result<(), TokenError> {
        let audiences = ["demo-agentnet".to_owned()];
        verify(token, &Expected { issuer: ISSUER, audiences: &audiences, leeway: 30, now: NOW })
    }

    #[test]
    fn an_emulator_token_with_every_claim_is_accepted() {
        assert_eq!(check(&token(r#"{"alg":"none","typ":"JWT"}"#, claims(), "")), Ok(()));
    }

    #[test]
    fn each_wrong_claim_gets_its_reason() {
        let with = |key: &str, value: serde_json::Value| {
            let mut c = claims();
            c[key] = value;
            check(&token(r#"{"alg":"none"}"#, c, ""))
        };
        assert_eq!(with("iss", "https://securetoken.google.com/other".into()), Err(TokenError::Issuer));
        assert_eq!(with("aud", "other-project".into()), Err(TokenError::Audience));
        assert_eq!(with("exp", (NOW - 60).into()), Err(TokenError::Expired));
        assert_eq!(with("iat", (NOW + 600).into()), Err(TokenError::NotYetValid));
        assert_eq!(with("auth_time", (NOW + 600).into()), Err(TokenError::NotYetValid));
        assert_eq!(with("sub", "".into()), Err(TokenError::Subject));
    }

    #[test]
    fn a_signed_or_signature_carrying_token_is_not_an_emulator_token() {
        assert_eq!(check(&token(r#"{"alg":"RS256","kid":"k"}"#, claims(), "")), Err(TokenError::Algorithm));
        assert_eq!(check(&token(r#"{"alg":"none"}"#, claims(), "c2ln")), Err(TokenError::Algorithm));
        for junk in ["", "a.b", "a.b.c.d", "!!.??.", "e30.e30."] {
            assert!(check(junk).is_err(), "{junk:?}");
        }
    }
}
