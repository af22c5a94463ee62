//! The Firebase Auth client against the real Firebase Auth emulator: sign up, sign in,
//! wrong password, unknown e-mail, weak password, password reset, refresh, a disabled user.

#![cfg(not(all(target_family = "wasm", target_os = "unknown")))]

mod firebase;

use agentnet_platform::account::{AccountError, FirebaseAuth, Secret};
use base64::Engine;
use firebase::{PROJECT, emulator, fresh_email};

fn auth() -> FirebaseAuth {
    FirebaseAuth::emulator(reqwest::Client::new(), &emulator().host_port)
}

fn claims(id_token: &Secret) -> serde_json::Value {
    let payload = id_token.expose().split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn sign_up_then_sign_in_gives_id_tokens_for_the_project() {
    let auth = auth();
    let email = fresh_email("ann");
    let password = Secret::new("correct horse battery");
    let signed_up = auth.sign_up(&email, &password).await.unwrap();
    let token = claims(&signed_up.id_token);
    assert_eq!(token["aud"], PROJECT);
    assert_eq!(token["iss"], format!("https://securetoken.google.com/{PROJECT}"));
    assert_eq!(token["sub"], signed_up.user_id.as_str());
    assert!(!signed_up.needs_refresh(agentnet_platform::rt::now()));
    assert!(!format!("{signed_up:?}").contains(signed_up.id_token.expose()), "tokens never in Debug");

    let signed_in = auth.sign_in(&email, &password).await.unwrap();
    assert_eq!(signed_in.user_id, signed_up.user_id);
    assert_eq!(auth.sign_up(&email, &password).await.unwrap_err(), AccountError::EmailExists);
}

#[tokio::test]
async fn wrong_password_unknown_email_and_weak_password_are_typed_errors() {
    let auth = auth();
    let email = fresh_email("bob");
    auth.sign_up(&email, &Secret::new("seven lively otters")).await.unwrap();
    assert_eq!(auth.sign_in(&email, &Secret::new("not it")).await.unwrap_err(), AccountError::WrongCredentials);
    assert_eq!(auth.sign_in(&fresh_email("nobody"), &Secret::new("whatever1")).await.unwrap_err(), AccountError::WrongCredentials);
    assert!(matches!(auth.sign_up(&fresh_email("weak"), &Secret::new("123")).await.unwrap_err(), AccountError::WeakPassword { .. }));
    assert_eq!(auth.sign_up("not-an-address", &Secret::new("long enough")).await.unwrap_err(), AccountError::InvalidEmail);
}

#[tokio::test]
async fn a_password_reset_mail_is_sent_for_the_address() {
    let auth = auth();
    let email = fresh_email("reset");
    auth.sign_up(&email, &Secret::new("forgotten later")).await.unwrap();
    auth.send_password_reset(&email).await.unwrap();
    assert!(emulator().sent_codes().await.contains(&(email, "PASSWORD_RESET".to_owned())));
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_a_disabled_user_cannot_refresh_or_sign_in() {
    let auth = auth();
    let email = fresh_email("cal");
    let password = Secret::new("four quiet herons");
    let mut session = auth.sign_up(&email, &password).await.unwrap();
    // As if an hour had passed.
    session.expires_at = agentnet_platform::rt::now() - jiff::SignedDuration::from_secs(1);
    assert!(session.needs_refresh(agentnet_platform::rt::now()));
    let fresh = auth.refresh(&session).await.unwrap();
    assert_eq!(fresh.user_id, session.user_id);
    assert!(!fresh.needs_refresh(agentnet_platform::rt::now()));
    assert_eq!(claims(&fresh.id_token)["sub"], session.user_id.as_str());

    emulator().set_disabled(&session.user_id, true).await;
    assert_eq!(auth.sign_in(&email, &password).await.unwrap_err(), AccountError::UserDisabled);
    let refused = auth.refresh(&fresh).await.unwrap_err();
    assert!(matches!(refused, AccountError::UserDisabled | AccountError::SignInExpired), "{refused:?}");
}
