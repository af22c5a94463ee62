//! Crypto throughput: envelope seal+open and the vault's Argon2id.
#![allow(missing_docs)]

use agentnet_core::crypto::envelope::{self, MessageId};
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::crypto::vault::{KdfParams, argon2id};
use agentnet_core::identity::Keypair;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::StdRng;

const NOW: u64 = 1_767_225_600;

fn seal_open(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    let alice = Keypair::generate(&mut rng);
    let bob = Keypair::generate(&mut rng);
    let mut ring = Ring::new(&bob, NOW, &mut rng);
    // Verified once, as a sender does after fetching it.
    let bundle = ring.bundle(&bob).verified(NOW).unwrap();
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
    // The two halves, to see where the time goes.
    group.bench_function("seal 1 KiB", |b| {
        b.iter(|| envelope::seal(&alice, &bundle, MessageId::random(&mut rng), NOW, &content, &mut rng).unwrap())
    });
    let mut seal_rng = StdRng::seed_from_u64(2);
    group.bench_function("open 1 KiB", |b| {
        b.iter_batched(
            || {
                let id = MessageId::random(&mut seal_rng);
                envelope::seal(&alice, &bundle, id, NOW, &content, &mut seal_rng).unwrap()
            },
            |sealed| envelope::open(&mut ring, sealed.as_bytes(), NOW, &mut seen).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn argon(c: &mut Criterion) {
    let mut group = c.benchmark_group("vault");
    group.sample_size(10);
    for (name, params) in [
        ("argon2id default (64 MiB, t=4, p=1)", KdfParams::default()),
        ("argon2id OWASP minimum (19 MiB, t=2, p=1)", KdfParams::OWASP_MINIMUM),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = [0u8; 32];
                argon2id(b"correct horse battery staple", &[7; 16], &[], &[], params, &mut out).unwrap();
                out
            })
        });
    }
    group.finish();
}

criterion_group!(benches, seal_open, argon);
criterion_main!(benches);
