//! Crypto throughput: envelope seal+open and the vault's Argon2id.
#![allow(missing_docs)]

use agentnet_core::crypto::envelope::{self, MessageId};
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::crypto::vault::{KdfParams, argon2id};
use agentnet_core::identity::Keypair;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::StdRng;

const NOW: u64 = 1_767_225_600;

fn seal_open(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    let alice = Keypair::generate(&mut rng);
    let bob = Keypair::generate(&mut rng);
    let mut ring = Ring::new(&bob, NOW, &mut rng);
    let bundle = ring.bundle(&bob);
    let content = [0x42u8; 1024];
    // Large enough that eviction (and its floor) never interferes across iterations.
    let mut seen = SeenIds::new(usize::MAX);
    let mut group = c.benchmark_group("envelope");
    group.throughput(Throughput::Elements(1));
    group.bench_function("seal+open 1 KiB", |b| {
        b.iter(|| {
            let id = MessageId::random(&mut rng);
            let sealed = envelope::seal(&alice, &bundle, id, NOW, &content, &mut rng).unwrap();
            envelope::open(&mut ring, sealed.as_bytes(), NOW, &mut seen).unwrap()
        })
    });
    group.finish();
}

fn argon(c: &mut Criterion) {
    let mut group = c.benchmark_group("vault");
    group.sample_size(10);
    group.bench_function("argon2id default (19 MiB, t=2, p=1)", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            argon2id(b"correct horse battery staple", &[7; 16], &[], &[], KdfParams::default(), &mut out).unwrap();
            out
        })
    });
    group.finish();
}

criterion_group!(benches, seal_open, argon);
criterion_main!(benches);
