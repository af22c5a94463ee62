//! The account gate against the real Firebase Auth emulator: its tokens pass a relay in
//! emulator mode for its project; a token for another project, a disabled account and a
//! missing token are refused; a relay not in emulator mode refuses the unsigned tokens.

mod common;

#[path = "../../platform/tests/firebase/mod.rs"]
mod firebase;

use common::*;
use firebase::{PROJECT, emulator, fresh_email};

/// A new account on the emulator: (its id, an ID token).
async fn sign_up() -> (String, Vec<u8>) {
    let url = format!("http://{}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any", emulator().host_port);
    let body = serde_json::json!({ "email": fresh_email("gate"), "password": "long enough 42", "returnSecureToken": true });
    let answer: serde_json::Value = reqwest::Client::new().post(url).json(&body).send().await.unwrap().json().await.unwrap();
    (answer["localId"].as_str().unwrap().to_owned(), answer["idToken"].as_str().unwrap().as_bytes().to_vec())
}

async fn emulated_relay(project: &str) -> Relay {
    Relay::start(config(&[("RELAY_OIDC_FIREBASE_PROJECT", project), ("RELAY_FIREBASE_EMULATOR", &emulator().host_port)])).await
}



#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_tokens_pass_their_project_and_nothing_else() {
    let (user, token) = sign_up().await;
    let relay = emulated_relay(PROJECT).await;
    assert_eq!(login_with(relay.addr, Some(token.clone())).await, Ok(()));
    assert_eq!(login_with(relay.addr, None).await, rejected("an ID token is required"));
    let announced: serde_json::Value = reqwest::get(format!("http://{}/config", relay.addr)).await.unwrap().json().await.unwrap();
    assert_eq!(announced["id_token_required"], true);
    assert_eq!(announced["firebase_project"], PROJECT);
    assert_eq!(announced["firebase_emulator"], emulator().host_port.as_str());

    let elsewhere = emulated_relay("demo-another-project").await;
    assert_eq!(login_with(elsewhere.addr, Some(token.clone())).await, rejected("ID token issuer not accepted"));

    // Not in emulator mode: an unsigned token is never a valid one.
    let production = Relay::start(config(&[
        ("RELAY_OIDC_JWKS_URL", "http://127.0.0.1:9/jwks"),
        ("RELAY_OIDC_ISSUER", &format!("https://securetoken.google.com/{PROJECT}")),
        ("RELAY_OIDC_AUDIENCE", PROJECT),
    ]))
    .await;
    assert!(login_with(production.addr, Some(token.clone())).await.is_err());

    // Disabled by the operator: refused at once, though the token has not expired.
    emulator().set_disabled(&user, true).await;
    assert_eq!(login_with(relay.addr, Some(token.clone())).await, rejected("ID token account disabled"));
    emulator().set_disabled(&user, false).await;
    assert_eq!(login_with(relay.addr, Some(token)).await, Ok(()));
}
