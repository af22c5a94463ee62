//! What an opened envelope carries, on arbitrary bytes: a card (name, token, delivery
//! key, bundle) or a task message. Never panics; a card that decodes re-encodes to the
//! same bytes. Also the stored replay memory: never panics, and what decodes re-encodes.
#![no_main]

use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::protocol::{Limits, Payload};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload @ Payload::Card(_)) = Payload::from_bytes(data, &Limits::default()) {
        assert_eq!(payload.to_bytes(), data);
    }
    if let Ok(seen) = SeenIds::from_bytes(data) {
        let again = SeenIds::from_bytes(&seen.to_bytes()).expect("re-encoded memory decodes");
        assert_eq!(again.to_bytes(), seen.to_bytes());
    }
});
