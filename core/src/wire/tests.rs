//! Wire tests three ways: hex snapshots of every frame, proptest round trips with the
//! encoded length checked against `encoded_len()`, and hostile inputs.

use super::*;
use crate::crypto::delivery_key::DeliveryKey;
use proptest::prelude::*;

/// Encodes `frame`, compares it with the concatenated hex groups, and decodes it back.
fn snap_client(frame: ClientToRelay, groups: &[&str]) {
    let want: String = groups.concat().replace(' ', "");
    let bytes = frame.encode();
    assert_eq!(hex::encode(&bytes), want, "{frame:?}");
    assert_eq!(bytes.len(), frame.encoded_len());
    assert_eq!(ClientToRelay::decode(&bytes).unwrap(), frame);
}

fn snap_relay(frame: RelayToClient, groups: &[&str]) {
    let want: String = groups.concat().replace(' ', "");
    let bytes = frame.encode();
    assert_eq!(hex::encode(&bytes), want, "{frame:?}");
    assert_eq!(bytes.len(), frame.encoded_len());
    assert_eq!(RelayToClient::decode(&bytes).unwrap(), frame);
}

const A32: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B32: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const M16: &str = "01020304050607080910111213141516";
const MID: MessageId = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16];

#[test]
fn snapshot_client_hello_without_token() {
    snap_client(
        ClientToRelay::Hello { agent_id: [0xaa; 32], id_token: None },
        &[
            "02 01", // version 2, frame Hello
            A32,     // agent id
            "00",    // no ID token
        ],
    );
}

#[test]
fn snapshot_client_hello_with_token() {
    snap_client(
        ClientToRelay::Hello { agent_id: [0xaa; 32], id_token: Some(b"eyJ".to_vec()) },
        &[
            "02 01",    // version 2, frame Hello
            A32,        // agent id
            "01",       // ID token present
            "0003",     // token length 3
            "65794a",   // "eyJ"
        ],
    );
}

#[test]
fn snapshot_client_auth() {
    snap_client(
        ClientToRelay::Auth { signature: [0x5a; 64] },
        &["02 02", &"5a".repeat(64)], // version, Auth; 64-byte signature
    );
}

#[test]
fn snapshot_client_send() {
    snap_client(
        ClientToRelay::Send {
            recipient: [0xbb; 32],
            delivery_key: DeliveryKey::from_bytes([0xdd; 32]),
            message_id: MID,
            envelope: vec![0xde, 0xad],
        },
        &[
            "02 03",        // version, Send
            B32,            // recipient
            &"dd".repeat(32), // delivery key
            M16,            // message id
            "00000002",  // envelope length 2
            "dead",      // envelope
        ],
    );
}

#[test]
fn snapshot_client_deliver_ack() {
    snap_client(
        ClientToRelay::DeliverAck { delivery_id: 0x0102 },
        &["02 04", "00000000000000000000000000000102"], // version, DeliverAck; u128 delivery id
    );
}

#[test]
fn snapshot_client_publish_prekeys() {
    snap_client(
        ClientToRelay::PublishPrekeys { bundle: vec![0xb0, 0x0b] },
        &["02 05", "00000002", "b00b"], // version, PublishPrekeys; length 2; bundle
    );
}

#[test]
fn snapshot_client_fetch_prekeys() {
    snap_client(
        ClientToRelay::FetchPrekeys { agent_id: [0xbb; 32], delivery_key: DeliveryKey::from_bytes([0xdd; 32]) },
        &["02 06", B32, &"dd".repeat(32)], // version, FetchPrekeys; agent id; delivery key
    );
}

#[test]
fn snapshot_client_presence_allow() {
    snap_client(
        ClientToRelay::PresenceAllow { agent_ids: vec![[0xaa; 32], [0xbb; 32]] },
        &["02 07", "0002", A32, B32], // version, PresenceAllow; count 2; ids
    );
}

#[test]
fn snapshot_client_presence_subscribe() {
    snap_client(
        ClientToRelay::PresenceSubscribe { agent_ids: vec![] },
        &["02 08", "0000"], // version, PresenceSubscribe; count 0
    );
}

#[test]
fn snapshot_client_delivery_keys() {
    snap_client(
        ClientToRelay::DeliveryKeys { hashes: vec![[0xaa; 32]] },
        &["02 0b", "0001", A32], // version, DeliveryKeys; count 1; hash
    );
}

#[test]
fn snapshot_client_ping_pong() {
    snap_client(ClientToRelay::Ping { nonce: 7 }, &["02 09", "0000000000000007"]);
    snap_client(ClientToRelay::Pong { nonce: 7 }, &["02 0a", "0000000000000007"]);
}

#[test]
fn snapshot_relay_server_hello() {
    snap_relay(
        RelayToClient::ServerHello { min_version: 2, max_version: 2, max_frame_len: 65536 },
        &[
            "02 01",    // version, ServerHello
            "02 02",    // speaks versions 2..=2
            "00010000", // max frame 65,536 bytes
        ],
    );
}

#[test]
fn snapshot_relay_challenge() {
    snap_relay(RelayToClient::Challenge { nonce: [0x11; 32] }, &["02 02", &"11".repeat(32)]);
}

#[test]
fn snapshot_relay_welcome() {
    snap_relay(RelayToClient::Welcome { mailbox_len: 3 }, &["02 03", "00000003"]); // 3 waiting
}

#[test]
fn snapshot_relay_ack() {
    snap_relay(
        RelayToClient::Ack { message_id: MID, status: AckStatus::Stored },
        &["02 04", M16, "00"], // version, Ack; message id; 0 = stored (online or not)
    );
    let mut bytes = RelayToClient::Ack { message_id: MID, status: AckStatus::Stored }.encode();
    *bytes.last_mut().unwrap() = 1; // V1's "delivered" is gone: it told presence
    assert_eq!(RelayToClient::decode(&bytes), Err(WireError::InvalidValue { field: "status", value: 1 }));
}

#[test]
fn snapshot_relay_deliver() {
    snap_relay(
        RelayToClient::Deliver { delivery_id: 9, message_id: MID, envelope: vec![0xca, 0xfe] },
        &[
            "02 05",                            // version, Deliver
            "00000000000000000000000000000009", // delivery id
            M16,                                // message id
            "00000002 cafe",                    // envelope, length-prefixed
        ],
    );
}

#[test]
fn snapshot_relay_prekeys() {
    snap_relay(
        RelayToClient::Prekeys { agent_id: [0xbb; 32], bundle: Some(vec![0xb0]) },
        &["02 06", B32, "01", "00000001 b0"], // version, Prekeys; agent; present; bundle
    );
    snap_relay(
        RelayToClient::Prekeys { agent_id: [0xbb; 32], bundle: None },
        &["02 06", B32, "00"], // no bundle published
    );
}

#[test]
fn snapshot_relay_prekeys_stored() {
    snap_relay(RelayToClient::PrekeysStored, &["02 07"]);
}

#[test]
fn snapshot_relay_presence_status() {
    snap_relay(RelayToClient::PresenceStatus { agent_id: [0xaa; 32], online: true }, &["02 08", A32, "01"]);
}

#[test]
fn snapshot_relay_ping_pong() {
    snap_relay(RelayToClient::Ping { nonce: 1 }, &["02 09", "0000000000000001"]);
    snap_relay(RelayToClient::Pong { nonce: 1 }, &["02 0a", "0000000000000001"]);
}

#[test]
fn snapshot_relay_error() {
    snap_relay(
        RelayToClient::error(ErrorCode::MailboxFull, Some(MID), "full"),
        &[
            "02 0b",     // version, Error
            "000a",      // code 10 = mailbox full
            "01", M16,   // about this message id
            "0004",      // text length 4
            "66756c6c",  // "full"
        ],
    );
    snap_relay(
        RelayToClient::error(ErrorCode::NotAuthenticated, None, ""),
        &["02 0b", "0004", "00", "0000"], // code 4, no message id, empty text
    );
}

#[test]
fn auth_message_layout_is_pinned() {
    let m = auth_message("wss://r.example", &[0x11; 32], &[0xaa; 32]);
    let want = [
        hex::encode(AUTH_CONTEXT),
        "000f".into(),
        hex::encode("wss://r.example"),
        "11".repeat(32),
        A32.into(),
    ]
    .concat();
    assert_eq!(hex::encode(m), want);
}

#[test]
fn hostile_inputs_are_typed_errors() {
    assert_eq!(ClientToRelay::decode(&[]), Err(WireError::Empty));
    assert_eq!(ClientToRelay::decode(&[9, 1]), Err(WireError::UnsupportedVersion(9)));
    // V1 frames are no longer spoken: its Send told the relay who sent it.
    assert_eq!(ClientToRelay::decode(&[1, 0x09, 0, 0, 0, 0, 0, 0, 0, 0]), Err(WireError::UnsupportedVersion(1)));
    assert_eq!(ClientToRelay::decode(&[2]), Err(WireError::Truncated));
    assert_eq!(ClientToRelay::decode(&[2, 0xee]), Err(WireError::UnknownFrameType(0xee)));
    assert_eq!(ClientToRelay::decode(&[2, 0x09, 0, 0]), Err(WireError::Truncated));
    assert_eq!(
        ClientToRelay::decode(&[2, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        Err(WireError::TrailingBytes { extra: 1 })
    );
    assert_eq!(
        ClientToRelay::decode_with_limit(&[1; 100], 10),
        Err(WireError::FrameTooLarge { len: 100, max: 10 })
    );
    // A length prefix claiming 4 GiB must fail without allocating it.
    let mut send = vec![2, 0x03];
    send.extend([0u8; 80]);
    send.extend([0xff, 0xff, 0xff, 0xff]);
    assert_eq!(ClientToRelay::decode(&send), Err(WireError::Truncated));
    // A list count claiming 65,535 ids backed by none.
    assert_eq!(ClientToRelay::decode(&[2, 0x07, 0xff, 0xff]), Err(WireError::Truncated));
    assert_eq!(
        RelayToClient::decode(&[2, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]),
        Err(WireError::InvalidValue { field: "status", value: 7 })
    );
}

#[test]
fn error_codes_round_trip_and_unknown_codes_survive() {
    for n in 0..=40u16 {
        assert_eq!(ErrorCode::from_u16(n).to_u16(), n);
    }
}

fn id32() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

fn client_frame() -> impl Strategy<Value = ClientToRelay> {
    prop_oneof![
        (id32(), proptest::option::of(bytes(300)))
            .prop_map(|(agent_id, id_token)| ClientToRelay::Hello { agent_id, id_token }),
        any::<[u8; 32]>().prop_map(|h| {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&h);
            ClientToRelay::Auth { signature }
        }),
        (id32(), id32(), any::<[u8; 16]>(), bytes(2000)).prop_map(|(recipient, key, message_id, envelope)| {
            ClientToRelay::Send { recipient, delivery_key: DeliveryKey::from_bytes(key), message_id, envelope }
        }),
        proptest::collection::vec(id32(), 0..20).prop_map(|hashes| ClientToRelay::DeliveryKeys { hashes }),
        any::<u128>().prop_map(|delivery_id| ClientToRelay::DeliverAck { delivery_id }),
        bytes(500).prop_map(|bundle| ClientToRelay::PublishPrekeys { bundle }),
        (id32(), id32()).prop_map(|(agent_id, key)| ClientToRelay::FetchPrekeys { agent_id, delivery_key: DeliveryKey::from_bytes(key) }),
        proptest::collection::vec(id32(), 0..20).prop_map(|agent_ids| ClientToRelay::PresenceAllow { agent_ids }),
        proptest::collection::vec(id32(), 0..20)
            .prop_map(|agent_ids| ClientToRelay::PresenceSubscribe { agent_ids }),
        any::<u64>().prop_map(|nonce| ClientToRelay::Ping { nonce }),
        any::<u64>().prop_map(|nonce| ClientToRelay::Pong { nonce }),
    ]
}

fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop_oneof![(1u16..=16).prop_map(ErrorCode::from_u16), (17u16..).prop_map(ErrorCode::Other)]
}

fn relay_frame() -> impl Strategy<Value = RelayToClient> {
    prop_oneof![
        (any::<u8>(), any::<u8>(), any::<u32>()).prop_map(|(min_version, max_version, max_frame_len)| {
            RelayToClient::ServerHello { min_version, max_version, max_frame_len }
        }),
        id32().prop_map(|nonce| RelayToClient::Challenge { nonce }),
        any::<u32>().prop_map(|mailbox_len| RelayToClient::Welcome { mailbox_len }),
        any::<[u8; 16]>().prop_map(|message_id| RelayToClient::Ack { message_id, status: AckStatus::Stored }),
        (any::<u128>(), any::<[u8; 16]>(), bytes(2000)).prop_map(|(delivery_id, message_id, envelope)| {
            RelayToClient::Deliver { delivery_id, message_id, envelope }
        }),
        (id32(), proptest::option::of(bytes(500)))
            .prop_map(|(agent_id, bundle)| RelayToClient::Prekeys { agent_id, bundle }),
        Just(RelayToClient::PrekeysStored),
        (id32(), any::<bool>()).prop_map(|(agent_id, online)| RelayToClient::PresenceStatus { agent_id, online }),
        any::<u64>().prop_map(|nonce| RelayToClient::Ping { nonce }),
        any::<u64>().prop_map(|nonce| RelayToClient::Pong { nonce }),
        (error_code(), proptest::option::of(any::<[u8; 16]>()), ".{0,80}")
            .prop_map(|(code, message_id, message)| RelayToClient::error(code, message_id, message)),
    ]
}

proptest! {
    #[test]
    fn client_frames_round_trip(frame in client_frame()) {
        let bytes = frame.encode();
        prop_assert_eq!(bytes.len(), frame.encoded_len());
        prop_assert_eq!(bytes[0], Version::CURRENT as u8);
        prop_assert_eq!(ClientToRelay::decode(&bytes).unwrap(), frame);
    }

    #[test]
    fn relay_frames_round_trip(frame in relay_frame()) {
        let bytes = frame.encode();
        prop_assert_eq!(bytes.len(), frame.encoded_len());
        prop_assert_eq!(bytes[0], Version::CURRENT as u8);
        prop_assert_eq!(RelayToClient::decode(&bytes).unwrap(), frame);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in bytes(300)) {
        let _ = ClientToRelay::decode(&data);
        let _ = RelayToClient::decode(&data);
    }

    #[test]
    fn every_truncation_of_a_valid_frame_is_an_error(frame in client_frame(), cut in any::<prop::sample::Index>()) {
        let bytes = frame.encode();
        let cut = cut.index(bytes.len());
        prop_assert!(ClientToRelay::decode(&bytes[..cut]).is_err());
    }
}
