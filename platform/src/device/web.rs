//! The browser: IndexedDB, and the relay mounted next to the page that serves the app.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::store::{IdbStore, Profile, StoreError};

/// The store profiles live in on this device.
pub type DeviceStore = IdbStore;

/// Opens the IndexedDB database of `profile`.
pub async fn open_store(profile: &Profile) -> Result<DeviceStore, StoreError> {
    IdbStore::open(profile).await
}

/// In the browser an invite link is the page's own address (`/contacts?invite=`), which
/// the router reads: nothing else opens the app with one.
pub fn opened_invite() -> Option<String> {
    None
}

/// The origin that served the page (`https://host`).
pub(super) fn origin() -> String {
    Reflect::get(&js_sys::global(), &JsValue::from_str("location"))
        .and_then(|location| Reflect::get(&location, &JsValue::from_str("origin")))
        .ok()
        .and_then(|origin| origin.as_string())
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned())
}

/// The relay of the origin that served the page: `https://host` gives `wss://host/ws`.
pub fn default_relay() -> String {
    relay_for_origin(&origin())
}

fn relay_for_origin(origin: &str) -> String {
    let ws = origin.replacen("https://", "wss://", 1).replacen("http://", "ws://", 1);
    format!("{}/ws", ws.trim_end_matches('/'))
}
