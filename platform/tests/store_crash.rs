//! Crash safety: a child process writes in a loop and prints an acknowledgement after each
//! commit; it is SIGKILLed mid-write, several times. After each kill the database must
//! open, hold every acknowledged record, and hold no half-written record or half batch.

#![cfg(not(wasm_browser))]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use agentnet_platform::store::{Collection, Query, Record, SqliteStore, Store};
use futures_executor::block_on;
use sha2::{Digest, Sha256};

const DB_ENV: &str = "AGENTNET_CRASH_DB";
const START_ENV: &str = "AGENTNET_CRASH_START";
const BATCH: usize = 10;

/// `index || filler || sha256(index || filler)`, its length varying with the index.
fn body(i: u64) -> Vec<u8> {
    let len = 64 + (i as usize * 977) % 6000;
    let mut b = i.to_be_bytes().to_vec();
    b.extend((0..len).map(|k| (k as u64 ^ i) as u8));
    let sum = Sha256::digest(&b);
    b.extend_from_slice(&sum);
    b
}

fn intact(record: &Record) -> bool {
    let b = &record.body;
    b.len() > 40 && Sha256::digest(&b[..b.len() - 32]).as_slice() == &b[b.len() - 32..]
}

/// The writer, run only as the child of `sigkill_mid_write_loses_nothing_acknowledged`.
#[test]
#[ignore = "child process of the crash test"]
fn crash_child_writer() {
    let path = PathBuf::from(std::env::var(DB_ENV).expect("run by the crash test"));
    let mut i: u64 = std::env::var(START_ENV).unwrap().parse().unwrap();
    block_on(async {
        let store = SqliteStore::open_path(path).await.unwrap();
        let mut out = std::io::stdout().lock();
        loop {
            // Alternate single puts and batches, so kills land in both.
            if i.is_multiple_of(3) {
                let records: Vec<Record> = (0..BATCH as u64)
                    .map(|j| Record::new(format!("b{i:08}-{j}"), i as i64, body(i * 100 + j)).with_text("batch"))
                    .collect();
                store.put_many(Collection::Messages, records).await.unwrap();
                writeln!(out, "ack batch b{i:08}").unwrap();
            } else {
                store.put(Collection::Messages, Record::new(format!("r{i:08}"), i as i64, body(i)).with_text("single")).await.unwrap();
                writeln!(out, "ack r{i:08}").unwrap();
            }
            out.flush().unwrap();
            i += 1;
        }
    });
}

#[test]
fn sigkill_mid_write_loses_nothing_acknowledged() {
    let dir = std::env::temp_dir().join(format!("agentnet-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("crash.sqlite3");
    let exe = std::env::current_exe().unwrap();
    let mut acked_singles = BTreeSet::new();
    let mut acked_batches = BTreeSet::new();
    let mut next = 0u64;

    for round in 0..5u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child_writer", "--ignored", "--nocapture", "--test-threads=1"])
            .env(DB_ENV, &db)
            .env(START_ENV, next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Kill after a different number of commits each round, while the child is writing.
        let kill_after = 15 + round * 23;
        let mut seen = 0;
        while seen < kill_after {
            let line = lines.next().expect("child stopped early").unwrap();
            if record_ack(&line, &mut acked_singles, &mut acked_batches) {
                seen += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Acks already in the pipe were printed after their commit: they count too.
        for line in lines.map_while(Result::ok) {
            record_ack(&line, &mut acked_singles, &mut acked_batches);
        }

        let (count, max) = block_on(verify(&db, &acked_singles, &acked_batches));
        assert!(count >= acked_singles.len() + BATCH * acked_batches.len());
        next = max + 1;
    }
    assert!(acked_singles.len() + acked_batches.len() >= 5 * 15);
    let _ = std::fs::remove_dir_all(&dir);
}

fn record_ack(line: &str, singles: &mut BTreeSet<String>, batches: &mut BTreeSet<String>) -> bool {
    if let Some(id) = line.strip_prefix("ack batch ") {
        batches.insert(id.to_owned())
    } else if let Some(id) = line.strip_prefix("ack ") {
        singles.insert(id.to_owned())
    } else {
        false
    }
}

/// Opens the database after a kill and checks it; returns the record count and the
/// highest index written.
async fn verify(db: &std::path::Path, singles: &BTreeSet<String>, batches: &BTreeSet<String>) -> (usize, u64) {
    let store = SqliteStore::open_path(db).await.expect("the database opens after SIGKILL");
    let all = store.list(Collection::Messages, Query::all()).await.unwrap();
    let mut batch_sizes: BTreeMap<String, usize> = BTreeMap::new();
    for r in &all {
        assert!(intact(r), "record {} is damaged", r.id);
        if let Some((batch, _)) = r.id.split_once('-') {
            *batch_sizes.entry(batch.to_owned()).or_default() += 1;
        }
    }
    for (batch, n) in &batch_sizes {
        assert_eq!(*n, BATCH, "batch {batch} is partly written");
    }
    let present: BTreeSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    for id in singles {
        assert!(present.contains(id.as_str()), "acknowledged {id} is missing");
    }
    for batch in batches {
        assert_eq!(batch_sizes.get(batch), Some(&BATCH), "acknowledged batch {batch} is missing");
    }
    assert_eq!(store.search(Collection::Messages, agentnet_platform::store::Search::text("single")).await.unwrap().len(),
        all.iter().filter(|r| r.id.starts_with('r')).count(), "the full-text index agrees with the table");
    let max = all.iter().map(|r| r.time as u64).max().unwrap_or(0);
    (all.len(), max)
}
