//! Records to and from the JavaScript objects IndexedDB stores.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::store::{Collection, Record, StoreError};

/// The key of `term` in the multi-entry term index: terms are per collection.
pub(super) fn term_key(c: Collection, term: &str) -> String {
    format!("{}\u{1f}{term}", c.name())
}

fn set(o: &Object, k: &str, v: &JsValue) -> Result<(), StoreError> {
    Reflect::set(o, &k.into(), v).map(|_| ()).map_err(js_err)
}

fn js_err(e: JsValue) -> StoreError {
    StoreError::Backend { backend: "IndexedDB", message: format!("{e:?}") }
}

pub(super) fn to_js(c: Collection, r: &Record) -> Result<JsValue, StoreError> {
    let o = Object::new();
    set(&o, "c", &c.name().into())?;
    set(&o, "id", &r.id.as_str().into())?;
    if let Some(contact) = &r.contact {
        set(&o, "contact", &contact.as_str().into())?;
    }
    // Times are validated to ±2^53, so the f64 is exact.
    set(&o, "time", &JsValue::from_f64(r.time as f64))?;
    set(&o, "terms", &r.terms_joined().into())?;
    let tk: Array = r.terms.iter().map(|t| JsValue::from(term_key(c, t))).collect();
    set(&o, "tk", &tk)?;
    set(&o, "body", &Uint8Array::from(r.body.as_slice()))?;
    Ok(o.into())
}

pub(super) fn from_js(v: JsValue) -> Result<Record, StoreError> {
    let get = |k: &str| Reflect::get(&v, &k.into()).map_err(js_err);
    let corrupt = |reason: &str| StoreError::Corrupt { collection: get("c").ok().and_then(|c| c.as_string()).unwrap_or_default(), reason: reason.into() };
    let id = get("id")?.as_string().ok_or_else(|| corrupt("id is not a string"))?;
    let contact = get("contact")?.as_string();
    let time = get("time")?.as_f64().ok_or_else(|| corrupt("time is not a number"))? as i64;
    let terms = get("terms")?.as_string().ok_or_else(|| corrupt("terms is not a string"))?;
    let body = get("body")?.dyn_into::<Uint8Array>().map_err(|_| corrupt("body is not bytes"))?.to_vec();
    Ok(Record {
        id,
        contact,
        time,
        terms: terms.split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        body,
    })
}
