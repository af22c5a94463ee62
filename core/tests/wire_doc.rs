//! Every `hex example-frame-*` block of docs/protocol.md decodes, and re-encodes to the same bytes.

use agentnet_core::wire::{ClientToRelay, RelayToClient};

const DOC: &str = include_str!("../../docs/protocol.md");

fn examples() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut lines = DOC.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("```hex example-frame-") else { continue };
        let hex: String = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        out.push((name.trim().to_string(), hex::decode(&hex).expect(name)));
    }
    out
}

#[test]
fn every_example_frame_in_the_doc_decodes_and_round_trips() {
    let examples = examples();
    assert!(examples.len() >= 8, "found {}", examples.len());
    for (name, bytes) in examples {
        assert_eq!(bytes[0], agentnet_core::WIRE_VERSION, "{name}");
        // Frame type numbers overlap between directions: the doc says which one it is.
        let client = matches!(name.as_str(), "hello" | "send" | "delivery-keys" | "deliver-ack");
        let reencoded = if client {
            ClientToRelay::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}")).encode()
        } else {
            RelayToClient::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}")).encode()
        };
        assert_eq!(reencoded, bytes, "{name}");
    }
}

#[test]
fn the_delivery_key_example_holds_the_hash_of_the_send_example_key() {
    let examples = examples();
    let frame = |name: &str| examples.iter().find(|(n, _)| n == name).map(|(_, b)| ClientToRelay::decode(b).unwrap()).unwrap();
    let ClientToRelay::Send { delivery_key, .. } = frame("send") else { panic!("send") };
    let ClientToRelay::DeliveryKeys { hashes } = frame("delivery-keys") else { panic!("delivery-keys") };
    assert_eq!(hashes, vec![delivery_key.hash()]);
}
