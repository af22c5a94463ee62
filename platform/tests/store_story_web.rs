//! The conformance story on IndexedDB, in headless Chromium (wasm-bindgen-test).
//! Prints how long the story took to the browser console (shown by the test runner).

#![cfg(wasm_browser)]

mod common;

use agentnet_platform::store::{IdbStore, Profile};
use common::story;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

async fn fresh(name: &str) -> IdbStore {
    let profile = Profile::new(name).unwrap();
    IdbStore::delete_profile(&profile).await.unwrap();
    IdbStore::open(&profile).await.unwrap()
}

#[wasm_bindgen_test]
async fn story_on_indexeddb() {
    let start = now_ms();
    let store = fresh("story").await;
    story::story(&store).await;
    let story_ms = now_ms() - start;
    store.close();

    // Reopened, the data is still there.
    let store = IdbStore::open(&Profile::new("story").unwrap()).await.unwrap();
    use agentnet_platform::store::{Collection, Store};
    assert_eq!(store.count(Collection::Messages).await.unwrap(), 5);
    store.close();

    let start = now_ms();
    story::vault_story(fresh("vault").await).await;
    let vault_ms = now_ms() - start;
    console_log!("IndexedDB story: {story_ms:.1} ms; vault story: {vault_ms:.1} ms");
}

#[wasm_bindgen_test]
async fn profiles_side_by_side_on_indexeddb() {
    let a = fresh("side-a").await;
    let b = fresh("side-b").await;
    story::profiles_story(&a, &b).await;
}
