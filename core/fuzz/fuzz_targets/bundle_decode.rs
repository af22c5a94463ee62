//! `Bundle::from_bytes` + `verify` on untrusted bytes (what the relay and senders do).
#![no_main]

use agentnet_core::crypto::prekey::Bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::from_bytes(data) {
        // Decoding is exact: what decodes re-encodes to the same bytes.
        assert_eq!(bundle.to_bytes(), data);
        let _ = bundle.verify(1_767_225_600);
    }
});
