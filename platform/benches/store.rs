//! SQLite store figures: inserting 100,000 transcript messages (one `put_many`
//! transaction) and full-text search over them.
//!
//! `cargo bench -p agentnet-platform --bench store`

use std::time::{Duration, Instant};

use agentnet_platform::store::{Collection, Query, Record, Search, SqliteStore, Store};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_executor::block_on;

const N: usize = 100_000;
const WORDS: &[&str] = &[
    "propose", "lunch", "tuesday", "wednesday", "accept", "decline", "counter", "meeting", "call", "review",
    "friday", "morning", "afternoon", "coffee", "project", "budget", "dentist", "standup", "offsite", "demo",
];

/// Message `i`: about one of 50 contacts, a sentence of 8 words; "zanzibar" in one in 1,000.
fn messages() -> Vec<Record> {
    (0..N)
        .map(|i| {
            let mut text: Vec<&str> = (0..8).map(|k| WORDS[(i * 7 + k * 13 + i / 3) % WORDS.len()]).collect();
            if i % 1000 == 0 {
                text.push("zanzibar");
            }
            let text = text.join(" ");
            Record::new(format!("m{i:06}"), 1_700_000_000_000 + i as i64 * 1000, text.clone().into_bytes())
                .with_contact(format!("contact-{}", i % 50))
                .with_text(&text)
        })
        .collect()
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("agentnet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.sqlite3"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn insert(c: &mut Criterion) {
    let records = messages();
    let mut group = c.benchmark_group("sqlite");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("insert 100k messages (file, WAL, one transaction)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let path = temp_db(&format!("insert-{i}"));
                let store = block_on(SqliteStore::open_path(&path)).unwrap();
                let batch = records.clone();
                let start = Instant::now();
                block_on(store.put_many(Collection::Messages, batch)).unwrap();
                total += start.elapsed();
            }
            total
        });
    });
    group.finish();
}

fn search(c: &mut Criterion) {
    let path = temp_db("search");
    let store = block_on(SqliteStore::open_path(&path)).unwrap();
    block_on(store.put_many(Collection::Messages, messages())).unwrap();
    assert_eq!(block_on(store.search(Collection::Messages, Search::text("zanzibar"))).unwrap().len(), N / 1000);

    let mut group = c.benchmark_group("sqlite search over 100k messages");
    group.bench_function("rare word (100 hits)", |b| {
        b.iter(|| block_on(store.search(Collection::Messages, Search::text("zanzibar"))).unwrap())
    });
    group.bench_function("two common words, newest 50", |b| {
        b.iter(|| {
            block_on(store.search(Collection::Messages, Search::text("lunch dentist").filter(Query::all().limit(50)))).unwrap()
        })
    });
    group.bench_function("common word, one contact, newest 50", |b| {
        b.iter(|| {
            block_on(store.search(
                Collection::Messages,
                Search::text("coffee").filter(Query::all().contact("contact-7").limit(50)),
            ))
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, insert, search);
criterion_main!(benches);
