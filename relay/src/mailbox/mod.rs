//! Store-and-forward: ciphertext for a recipient waits here until the recipient
//! acknowledges it. Per entry only the ciphertext, the sender's random message id, the
//! recipient (the mailbox key), the size and the time (inside the delivery id) are kept.
//!
//! Delivery ids are `unix_ms << 64 | sequence`, the layout of a Redis stream id, so
//! both backends hand out increasing ids that also say when the entry was stored.

pub(crate) mod conn;
pub(crate) mod memory;
pub(crate) mod redis;
pub(crate) mod redis_batch;

use agentnet_core::wire::{MessageId, RelayToClient};
use bytes::Bytes;

/// The encoded Deliver frame for a mailbox entry; encoded once, shared by every
/// connection it goes to.
pub(crate) fn deliver_frame(delivery_id: u128, message_id: MessageId, envelope: &[u8]) -> Bytes {
    // Built by hand to avoid copying the envelope into an owned enum first.
    let frame = RelayToClient::Deliver { delivery_id, message_id, envelope: Vec::new() };
    let mut buf = Vec::with_capacity(frame.encoded_len() + envelope.len());
    frame.encode_into(&mut buf);
    // The empty envelope ends the frame with a zero u32 length: patch it.
    let len_at = buf.len() - 4;
    buf[len_at..].copy_from_slice(&(envelope.len() as u32).to_be_bytes());
    buf.extend_from_slice(envelope);
    Bytes::from(buf)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hand_built_deliver_frame_is_the_encoded_one() {
        let want = RelayToClient::Deliver { delivery_id: 77, message_id: [3; 16], envelope: vec![1, 2, 3] }.encode();
        assert_eq!(&deliver_frame(77, [3; 16], &[1, 2, 3])[..], &want[..]);
    }
}
