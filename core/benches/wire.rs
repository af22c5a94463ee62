//! Frame encode/decode throughput. Target: decode of a 256-byte Send >= 2,000,000/s.

use agentnet_core::wire::{AckStatus, ClientToRelay, RelayToClient};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn frames(c: &mut Criterion) {
    let send = ClientToRelay::Send { recipient: [7; 32], delivery_key: agentnet_core::crypto::delivery_key::DeliveryKey::from_bytes([3; 32]), message_id: [9; 16], envelope: vec![0xab; 256] };
    let send_bytes = send.encode();
    let deliver = RelayToClient::Deliver { delivery_id: 42, message_id: [9; 16], envelope: vec![0xab; 256] };
    let deliver_bytes = deliver.encode();
    let ack = RelayToClient::Ack { message_id: [9; 16], status: AckStatus::Stored }.encode();

    let mut g = c.benchmark_group("wire");
    g.throughput(Throughput::Elements(1));
    g.bench_function("encode send 256B", |b| b.iter(|| black_box(&send).encode()));
    g.bench_function("decode send 256B", |b| {
        b.iter(|| ClientToRelay::decode(black_box(&send_bytes)))
    });
    g.bench_function("encode deliver 256B", |b| b.iter(|| black_box(&deliver).encode()));
    g.bench_function("decode deliver 256B", |b| {
        b.iter(|| RelayToClient::decode(black_box(&deliver_bytes)))
    });
    g.bench_function("decode ack", |b| b.iter(|| RelayToClient::decode(black_box(&ack))));
    g.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
