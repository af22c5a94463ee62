//! The issuer's signing keys (a JWKS), fetched over HTTP and cached.
//!
//! Keys are fetched on first use, again once they are older than the max age, and again
//! when a token names a `kid` the cache does not know (the issuer rotated keys). Fetches
//! are single-flight and at most one per `min_refresh`, so tokens with made-up `kid`s
//! cannot make the relay hammer the issuer. If a fetch fails the keys already held stay
//! in use.

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;
use tokio::time::Instant;

/// Largest JWKS document accepted, bytes.
const MAX_JWKS_LEN: usize = 256 * 1024;

/// Why the keys could not be fetched. Holds no response content.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FetchError {
    #[error("building the HTTP client: {0}")]
    Client(reqwest::Error),
    #[error("requesting the JWKS: {0}")]
    Request(reqwest::Error),
    #[error("the JWKS answered HTTP {0}")]
    Status(u16),
    #[error("the JWKS is larger than {MAX_JWKS_LEN} bytes")]
    TooLarge,
    #[error("the JWKS is not a JSON key set")]
    Parse,
}

#[derive(Default)]
struct Held {
    keys: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// What the cache answers for a `kid`.
pub(crate) enum Lookup {
    Found(Arc<DecodingKey>),
    /// The issuer does not publish this key (after a refresh, or refresh rate-limited).
    Unknown,
    /// No keys could be fetched at all (the failure is logged here).
    Unavailable,
}

pub(crate) struct Jwks {
    url: String,
    timeout: Duration,
    max_age: Duration,
    min_refresh: Duration,
    client: OnceLock<reqwest::Client>,
    held: RwLock<Held>,
    /// Serialises fetches: waiters re-check the cache after the fetch in flight.
    fetching: tokio::sync::Mutex<()>,
}

impl Jwks {
    pub(crate) fn new(url: String, timeout: Duration, max_age: Duration, min_refresh: Duration) -> Self {
        Jwks {
            url,
            timeout,
            max_age,
            min_refresh,
            client: OnceLock::new(),
            held: RwLock::default(),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Held> {
        self.held.read().unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self, held: &Held, now: Instant) -> bool {
        held.fetched_at.is_some_and(|t| now.duration_since(t) < self.max_age)
    }

    /// The key named `kid`, fetching the set if it is stale or lacks `kid`.
    pub(crate) async fn key(&self, kid: &str) -> Lookup {
        {
            let held = self.read();
            if let Some(k) = held.keys.get(kid)
                && self.fresh(&held, Instant::now())
            {
                return Lookup::Found(k.clone());
            }
        }
        let _one = self.fetching.lock().await;
        let now = Instant::now();
        {
            let held = self.read();
            let found = held.keys.get(kid).cloned();
            let fresh = self.fresh(&held, now);
            let recently = held.last_attempt.is_some_and(|t| now.duration_since(t) < self.min_refresh);
            match found {
                // Another task refreshed while this one waited.
                Some(k) if fresh => return Lookup::Found(k),
                // Stale, but a fetch was just tried: use what is held.
                Some(k) if recently => return Lookup::Found(k),
                None if recently && held.fetched_at.is_some() => return Lookup::Unknown,
                None if recently => return Lookup::Unavailable,
                _ => {}
            }
        }
        let fetched = self.fetch().await;
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        held.last_attempt = Some(Instant::now());
        match fetched {
            Ok(keys) => {
                tracing::info!(keys = keys.len(), "fetched the ID token signing keys");
                held.keys = keys;
                held.fetched_at = Some(Instant::now());
            }
            Err(e) => {
                tracing::warn!(error = %e, "fetching the ID token signing keys failed");
                if held.fetched_at.is_none() {
                    return Lookup::Unavailable;
                }
            }
        }
        match held.keys.get(kid) {
            Some(k) => Lookup::Found(k.clone()),
            None => Lookup::Unknown,
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<DecodingKey>>, FetchError> {
        let client = match self.client.get() {
            Some(c) => c.clone(),
            None => {
                let c = reqwest::Client::builder()
                    .timeout(self.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(FetchError::Client)?;
                self.client.get_or_init(|| c).clone()
            }
        };
        let mut resp = client.get(&self.url).send().await.map_err(FetchError::Request)?;
        if !resp.status().is_success() {
            return Err(FetchError::Status(resp.status().as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(FetchError::Request)? {
            if body.len() + chunk.len() > MAX_JWKS_LEN {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        parse(&body)
    }
}

/// The RS256 signing keys of a JWKS document, by `kid`. Keys for other algorithms or
/// uses, and keys without a `kid`, are skipped.
pub(crate) fn parse(body: &[u8]) -> Result<HashMap<String, Arc<DecodingKey>>, FetchError> {
    let set: JwkSet = serde_json::from_slice(body).map_err(|_| FetchError::Parse)?;
    let mut keys = HashMap::new();
    for jwk in set.keys {
        let c = &jwk.common;
        let Some(kid) = c.key_id.clone() else { continue };
        if c.public_key_use.as_ref().is_some_and(|u| *u != PublicKeyUse::Signature) {
            continue;
        }
        if c.key_algorithm.is_some_and(|a| a != KeyAlgorithm::RS256) {
            continue;
        }
        let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else { continue };
        let Ok(key) = DecodingKey::from_rsa_components(&rsa.n, &rsa.e) else { continue };
        keys.insert(kid, Arc::new(key));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rs256_signing_keys_with_a_kid_are_kept() {
        let doc = br#"{"keys":[
            {"kty":"RSA","kid":"a","alg":"RS256","use":"sig","n":"sXch","e":"AQAB"},
            {"kty":"RSA","kid":"b","n":"sXch","e":"AQAB"},
            {"kty":"RSA","kid":"enc","use":"enc","n":"sXch","e":"AQAB"},
            {"kty":"RSA","kid":"ps","alg":"PS256","n":"sXch","e":"AQAB"},
            {"kty":"RSA","n":"sXch","e":"AQAB"},
            {"kty":"EC","kid":"ec","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
        ]}"#;
        let keys = parse(doc).unwrap();
        let mut kids: Vec<_> = keys.keys().cloned().collect();
        kids.sort();
        assert_eq!(kids, ["a", "b"]);
        assert!(matches!(parse(b"not json"), Err(FetchError::Parse)));
    }
}
