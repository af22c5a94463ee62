//! How long the offline interpreter takes on a typical command (target: < 200 µs).

use std::hint::black_box;

use agentnet_core::nlu::{Contact, Context, interpret};
use criterion::{Criterion, criterion_group, criterion_main};

fn typical_command(c: &mut Criterion) {
    let now = "2026-03-04T10:30:00-05:00[America/New_York]".parse().expect("valid reference now");
    let contacts = ["Alice Nguyen", "Bob Martin", "Carol Diaz", "Dan Brooks", "Dan Wu", "Priya Patel"]
        .iter()
        .enumerate()
        .map(|(k, name)| Contact { id: format!("c{k}"), name: (*name).into(), nicknames: vec![] })
        .collect();
    let ctx = Context { now, contacts };
    c.bench_function("interpret typical command", |b| {
        b.iter(|| interpret(black_box("find 30 minutes with Bob and Priya next Tuesday afternoon"), &ctx))
    });
}

criterion_group!(benches, typical_command);
criterion_main!(benches);
