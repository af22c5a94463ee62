//! The browser: IndexedDB, and the relay mounted next to the page that serves the app.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

use super::{SaveError, Saved, export_file_name};
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

/// Hands an exported profile to the browser as a download (a Blob URL on a clicked
/// anchor). The URL is revoked a minute later, once the download has surely started.
pub fn save_profile(bytes: &[u8]) -> Result<Saved, SaveError> {
    let failed = |e: JsValue| SaveError { reason: e.as_string().unwrap_or_else(|| format!("{e:?}")) };
    let file_name = export_file_name(|_| false);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| SaveError { reason: "no document".into() })?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| SaveError { reason: "not an anchor".into() })?;
    anchor.set_href(&url);
    anchor.set_download(&file_name);
    anchor.click();
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(Saved { file_name, folder: None })
}

fn relay_for_origin(origin: &str) -> String {
    let ws = origin.replacen("https://", "wss://", 1).replacen("http://", "ws://", 1);
    format!("{}/ws", ws.trim_end_matches('/'))
}
