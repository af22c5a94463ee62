//! The browser: Google's redirect comes back to the app's own page, in the tab the consent
//! page was opened in, which finishes the connection from the route's query.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::web::origin;
use crate::calendar::CalendarError;

/// Where the browser comes back to after the owner consents: a page of this app.
#[derive(Debug)]
pub struct OAuthRedirect {
    uri: String,
}

impl OAuthRedirect {
    /// The app's page at `app_path` (e.g. `/calendar`) on this origin.
    pub async fn prepare(app_path: &str) -> Result<OAuthRedirect, CalendarError> {
        Ok(OAuthRedirect { uri: format!("{}{app_path}", origin()) })
    }

    /// The redirect URI to authorize with (register it with the OAuth client).
    pub fn redirect_uri(&self) -> String {
        self.uri.clone()
    }

    /// `None`: the code arrives as the query of the app's page in the other tab.
    pub async fn code(self, _state: &str) -> Result<Option<String>, CalendarError> {
        Ok(None)
    }
}

/// Opens `url` in a new tab (`window.open`); an error when the browser blocked it.
pub fn open_in_browser(url: &str) -> Result<(), String> {
    let global = js_sys::global();
    let open = Reflect::get(&global, &JsValue::from_str("open"))
        .ok()
        .and_then(|open| open.dyn_into::<Function>().ok())
        .ok_or("this page cannot open windows")?;
    let opened = open.call2(&global, &JsValue::from_str(url), &JsValue::from_str("_blank")).map_err(|_| "the browser refused to open a tab")?;
    if opened.is_null() || opened.is_undefined() {
        return Err("the browser blocked the new tab".to_owned());
    }
    Ok(())
}
