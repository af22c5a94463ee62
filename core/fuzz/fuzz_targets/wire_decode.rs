//! Frame decoding on arbitrary bytes: never panics, and whatever decodes re-encodes to
//! the same bytes with the length `encoded_len()` claims.
#![no_main]

use agentnet_core::wire::{ClientToRelay, RelayToClient};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = ClientToRelay::decode(data) {
        let bytes = frame.encode();
        assert_eq!(bytes.len(), frame.encoded_len());
        assert_eq!(bytes, data);
    }
    if let Ok(frame) = RelayToClient::decode(data) {
        let bytes = frame.encode();
        assert_eq!(bytes.len(), frame.encoded_len());
        assert_eq!(bytes, data);
    }
});
