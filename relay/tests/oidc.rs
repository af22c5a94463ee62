//! The ID token gate against a JWKS served by the test (axum on a free port) with RSA
//! keys generated here: valid tokens pass; each bad one gets Error TokenRejected with
//! its reason and close 4001; key rotation and key expiry are picked up; unknown `kid`s
//! cannot make the relay hammer the issuer.

mod common;

use agentnet_core::wire::{ErrorCode, close};
use common::*;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const ISSUER: &str = "https://securetoken.google.com/agentnet-test";
const AUDIENCE: &str = "agentnet-test";

/// An RSA signing key with its `kid`.
struct Key {
    kid: String,
    encoding: EncodingKey,
}

impl Key {
    fn generate(kid: &str) -> Key {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let der = private.to_pkcs1_der().unwrap();
        Key { kid: kid.into(), encoding: EncodingKey::from_rsa_der(der.as_bytes()) }
    }

    fn jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.encoding, Algorithm::RS256).unwrap();
        jwk.common.key_id = Some(self.kid.clone());
        jwk
    }

    /// A token signed by this key, with `kid` in the header and the given claims.
    fn token_as(&self, kid: &str, claims: serde_json::Value) -> Vec<u8> {
        let header = Header { kid: Some(kid.into()), ..Header::new(Algorithm::RS256) };
        jsonwebtoken::encode(&header, &claims, &self.encoding).unwrap().into_bytes()
    }

    fn token(&self, claims: serde_json::Value) -> Vec<u8> {
        self.token_as(&self.kid, claims)
    }
}

/// Three keys, generated once for all tests of this file (2048-bit generation is slow).
fn keys() -> &'static [Key; 3] {
    static KEYS: OnceLock<[Key; 3]> = OnceLock::new();
    KEYS.get_or_init(|| [Key::generate("key-a"), Key::generate("key-b"), Key::generate("attacker")])
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Claims of a good token; tests change one field at a time.
fn claims() -> serde_json::Value {
    serde_json::json!({ "iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "iat": now(), "exp": now() + 3600 })
}

/// The issuer's JWKS endpoint: serves the current key set and counts fetches.
#[derive(Clone)]
struct Issuer {
    url: String,
    keys: Arc<Mutex<String>>,
    hits: Arc<AtomicUsize>,
}

impl Issuer {
    async fn start(keys: &[&Key]) -> Issuer {
        let doc = Arc::new(Mutex::new(String::new()));
        let hits = Arc::new(AtomicUsize::new(0));
        let (d, h) = (doc.clone(), hits.clone());
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let (d, h) = (d.clone(), h.clone());
                async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    let body = d.lock().unwrap().clone();
                    ([(axum::http::header::CONTENT_TYPE, "application/json")], body)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let issuer = Issuer { url, keys: doc, hits };
        issuer.publish(keys);
        issuer
    }

    fn publish(&self, keys: &[&Key]) {
        let set = JwkSet { keys: keys.iter().map(|k| k.jwk()).collect() };
        *self.keys.lock().unwrap() = serde_json::to_string(&set).unwrap();
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn gated_relay(jwks_url: &str, extra: &[(&str, &str)]) -> Relay {
    let mut pairs = vec![("RELAY_OIDC_JWKS_URL", jwks_url), ("RELAY_OIDC_ISSUER", ISSUER), ("RELAY_OIDC_AUDIENCE", AUDIENCE)];
    pairs.extend_from_slice(extra);
    Relay::start(config(&pairs)).await
}



#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_id_token_is_accepted_and_a_relay_without_a_gate_ignores_tokens() {
    let [a, ..] = keys();
    let issuer = Issuer::start(&[a]).await;
    let relay = gated_relay(&issuer.url, &[]).await;
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, Ok(()));
    let open = Relay::start(config(&[])).await;
    assert_eq!(login_with(open.addr, None).await, Ok(()));
    assert_eq!(login_with(open.addr, Some(b"not even a jwt".to_vec())).await, Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_id_token_gets_its_typed_error_and_the_relay_keeps_serving() {
    let [a, _, attacker] = keys();
    let issuer = Issuer::start(&[a]).await;
    let relay = gated_relay(&issuer.url, &[]).await;
    let with = |field: &str, value: serde_json::Value| {
        let mut c = claims();
        c[field] = value;
        c
    };
    let without = |field: &str| {
        let mut c = claims();
        c.as_object_mut().unwrap().remove(field);
        c
    };
    let cases: Vec<(&str, Option<Vec<u8>>, &str)> = vec![
        ("missing token", None, "an ID token is required"),
        ("garbage", Some(b"garbage".to_vec()), "ID token malformed"),
        ("not UTF-8", Some(vec![0xff, 0xfe]), "ID token malformed"),
        ("wrong audience", Some(a.token(with("aud", "someone-else".into()))), "ID token audience not accepted"),
        ("no audience", Some(a.token(without("aud"))), "ID token audience not accepted"),
        ("wrong issuer", Some(a.token(with("iss", "https://evil.example".into()))), "ID token issuer not accepted"),
        ("expired", Some(a.token(with("exp", (now() - 3600).into()))), "ID token expired"),
        ("not yet valid", Some(a.token(with("nbf", (now() + 3600).into()))), "ID token not yet valid"),
        ("empty subject", Some(a.token(with("sub", "".into()))), "ID token has no subject"),
        ("no subject", Some(a.token(without("sub"))), "ID token has no subject"),
        // Signed by another key under the real key's kid.
        ("bad signature", Some(attacker.token_as(&a.kid, claims())), "ID token signature invalid"),
        ("unknown kid", Some(attacker.token(claims())), "ID token signing key unknown"),
    ];
    for (what, token, reason) in cases {
        assert_eq!(login_with(relay.addr, token).await, rejected(reason), "{what}");
    }
    // A token whose signature was cut off or tampered with.
    let good = String::from_utf8(a.token(claims())).unwrap();
    let (head, _) = good.rsplit_once('.').unwrap();
    assert_eq!(login_with(relay.addr, Some(format!("{head}.").into_bytes())).await, rejected("ID token signature invalid"));
    // HS256 with the public key as the secret (algorithm confusion) is refused outright.
    let hs = jsonwebtoken::encode(
        &Header { kid: Some(a.kid.clone()), ..Header::new(Algorithm::HS256) },
        &claims(),
        &EncodingKey::from_secret(b"public key bytes"),
    )
    .unwrap();
    assert_eq!(login_with(relay.addr, Some(hs.into_bytes())).await, rejected("ID token algorithm not accepted"));
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, Ok(()), "the relay keeps serving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_keys_are_picked_up_on_an_unknown_kid() {
    let [a, b, _] = keys();
    let issuer = Issuer::start(&[a]).await;
    let relay = gated_relay(&issuer.url, &[("RELAY_OIDC_JWKS_MIN_REFRESH_SECS", "0")]).await;
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, Ok(()));
    assert_eq!(issuer.hits(), 1);
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, Ok(()));
    assert_eq!(issuer.hits(), 1, "keys are cached");
    issuer.publish(&[b]);
    assert_eq!(login_with(relay.addr, Some(b.token(claims()))).await, Ok(()));
    assert_eq!(issuer.hits(), 2);
    // Key a was withdrawn: the refreshed set no longer has it.
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, rejected("ID token signing key unknown"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_fetched_again_after_their_max_age() {
    let [a, b, _] = keys();
    let issuer = Issuer::start(&[a, b]).await;
    let relay = gated_relay(
        &issuer.url,
        &[("RELAY_OIDC_JWKS_MAX_AGE_SECS", "1"), ("RELAY_OIDC_JWKS_MIN_REFRESH_SECS", "1")],
    )
    .await;
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, Ok(()));
    assert_eq!(issuer.hits(), 1);
    issuer.publish(&[b]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The old set had key a; the one fetched after the max age does not.
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, rejected("ID token signing key unknown"));
    assert_eq!(issuer.hits(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_kids_do_not_make_the_relay_hammer_the_issuer() {
    let [a, _, attacker] = keys();
    let issuer = Issuer::start(&[a]).await;
    let relay = gated_relay(&issuer.url, &[("RELAY_OIDC_JWKS_MIN_REFRESH_SECS", "60")]).await;
    assert_eq!(login_with(relay.addr, Some(a.token(claims()))).await, Ok(()));
    for i in 0..5 {
        let token = attacker.token_as(&format!("made-up-{i}"), claims());
        assert_eq!(login_with(relay.addr, Some(token)).await, rejected("ID token signing key unknown"));
    }
    assert_eq!(issuer.hits(), 1, "one fetch per minimum refresh interval");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_keys_are_the_relays_fault_not_the_clients() {
    let [a, ..] = keys();
    let url = format!("http://127.0.0.1:{}/jwks", free_port());
    let relay = gated_relay(&url, &[]).await;
    assert_eq!(
        login_with(relay.addr, Some(a.token(claims()))).await,
        Err((ErrorCode::Internal, "cannot verify ID tokens now".to_string(), close::INTERNAL_ERROR))
    );
}

/// An unsigned token as the Firebase Auth emulator issues them (`alg: none`).
fn unsigned(claims: serde_json::Value) -> Vec<u8> {
    use base64::Engine;
    let b64 = |text: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#.into()), b64(claims.to_string())).into_bytes()
}

async fn relay_config(relay: &Relay) -> serde_json::Value {
    reqwest::get(format!("http://{}/config", relay.addr)).await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_tokens_are_refused_unless_the_relay_is_in_emulator_mode() {
    let [a, ..] = keys();
    let issuer = Issuer::start(&[a]).await;
    let relay = gated_relay(&issuer.url, &[]).await;
    let forged = unsigned(claims());
    assert!(login_with(relay.addr, Some(forged)).await.is_err(), "alg: none must never pass a production gate");
    assert_eq!(issuer.hits(), 0, "an unsigned token costs no key fetch");
    assert_eq!(relay_config(&relay).await["id_token_required"], true);

    // Emulator mode, for a demo- project only: unsigned tokens have their claims checked
    // (before the emulator is asked about the account; `firebase_gate.rs` runs the real one).
    let project = "demo-agentnet";
    let emulated = Relay::start(config(&[("RELAY_OIDC_FIREBASE_PROJECT", project), ("RELAY_FIREBASE_EMULATOR", "127.0.0.1:9099")])).await;
    let good = serde_json::json!({
        "iss": format!("https://securetoken.google.com/{project}"), "aud": project, "sub": "uid-1",
        "iat": now(), "auth_time": now(), "exp": now() + 3600,
    });
    // Well formed, but no emulator answers about the account here: the relay's fault.
    assert!(matches!(login_with(emulated.addr, Some(unsigned(good.clone()))).await, Err((ErrorCode::Internal, _, _))));
    let mut other_project = good.clone();
    other_project["aud"] = "demo-other".into();
    assert_eq!(login_with(emulated.addr, Some(unsigned(other_project))).await, rejected("ID token audience not accepted"));
    let mut expired = good.clone();
    expired["exp"] = (now() - 600).into();
    assert_eq!(login_with(emulated.addr, Some(unsigned(expired))).await, rejected("ID token expired"));
    assert_eq!(login_with(emulated.addr, None).await, rejected("an ID token is required"));
    let announced = relay_config(&emulated).await;
    assert_eq!(announced["firebase_project"], project);
    assert_eq!(announced["firebase_emulator"], "127.0.0.1:9099");

    let open = Relay::start(config(&[])).await;
    assert_eq!(relay_config(&open).await, serde_json::json!({ "id_token_required": false }));
}
