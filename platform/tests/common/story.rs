//! The store's conformance story: one sequence of operations and expectations that every
//! backend must pass identically (after atuin's `db_story`). Run natively on SQLite (file
//! and memory) by `tests/store_story.rs`, and on IndexedDB in headless Chromium by
//! `tests/store_story_web.rs`.

use agentnet_core::crypto::vault::KdfParams;
use agentnet_platform::store::{Collection, Query, Record, Search, Store, StoreError};
use agentnet_platform::vault::{Vault, VaultError};

/// Cheap Argon2id for tests (the KEK path is the same; only the cost differs).
pub const TEST_KDF: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };

fn ids(records: &[Record]) -> Vec<&str> {
    records.iter().map(|r| r.id.as_str()).collect()
}

fn message(id: &str, contact: &str, time: i64, text: &str) -> Record {
    Record::new(id, time, text.as_bytes().to_vec()).with_contact(contact).with_text(text)
}

/// The whole story on an empty store. `S` is any backend.
pub async fn story<S: Store>(store: &S) {
    empty(store).await;
    profile_and_settings(store).await;
    contacts(store).await;
    transcript(store).await;
    ties_at_a_limit(store).await;
    outbox_and_seen(store).await;
    batches_are_atomic(store).await;
    events(store).await;
}

async fn empty<S: Store>(store: &S) {
    for c in Collection::ALL {
        assert_eq!(store.count(c).await.unwrap(), 0, "{c} starts empty");
        assert!(store.list(c, Query::all()).await.unwrap().is_empty());
    }
    let err = store.get(Collection::Messages, "nope").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err, StoreError::NotFound { collection: Collection::Messages, id: "nope".into() });
    assert!(store.delete(Collection::Contacts, "nope").await.unwrap_err().is_not_found());
    assert!(!store.contains(Collection::Seen, "nope").await.unwrap());
}

async fn profile_and_settings<S: Store>(store: &S) {
    let me = Record::json("me", 1, &serde_json::json!({"name": "Alice", "zone": "Europe/Paris"})).unwrap();
    store.put(Collection::Profile, me.clone()).await.unwrap();
    assert_eq!(store.get(Collection::Profile, "me").await.unwrap(), me);
    // Same id in another collection is another record.
    assert!(store.get(Collection::Settings, "me").await.unwrap_err().is_not_found());

    let prefs = Record::json("preferences", 2, &serde_json::json!({"buffer_min": 10})).unwrap();
    store.put(Collection::Settings, prefs).await.unwrap();
    let newer = Record::json("preferences", 3, &serde_json::json!({"buffer_min": 15})).unwrap();
    store.put(Collection::Settings, newer.clone()).await.unwrap();
    let got = store.get(Collection::Settings, "preferences").await.unwrap();
    assert_eq!(got, newer, "put replaces");
    assert_eq!(got.decode::<serde_json::Value>().unwrap()["buffer_min"], 15);
    assert_eq!(store.count(Collection::Settings).await.unwrap(), 1);
}

async fn contacts<S: Store>(store: &S) {
    for (id, time, verified) in [("bob", 30, false), ("carol", 10, true), ("dave", 20, false)] {
        let bundle = serde_json::json!({"prekey_bundle": format!("bundle-of-{id}"), "verified": verified});
        store.put(Collection::Contacts, Record::json(id, time, &bundle).unwrap().with_contact(id)).await.unwrap();
    }
    let all = store.list(Collection::Contacts, Query::all()).await.unwrap();
    assert_eq!(ids(&all), ["carol", "dave", "bob"], "oldest first");
    let bob: serde_json::Value = store.get(Collection::Contacts, "bob").await.unwrap().decode().unwrap();
    assert_eq!(bob["prekey_bundle"], "bundle-of-bob");
    // Verifying a contact is a replace.
    let verified = serde_json::json!({"prekey_bundle": "bundle-of-bob", "verified": true});
    store.put(Collection::Contacts, Record::json("bob", 30, &verified).unwrap().with_contact("bob")).await.unwrap();
    let bob: serde_json::Value = store.get(Collection::Contacts, "bob").await.unwrap().decode().unwrap();
    assert_eq!(bob["verified"], true);
    store.delete(Collection::Contacts, "dave").await.unwrap();
    assert!(store.get(Collection::Contacts, "dave").await.unwrap_err().is_not_found());
    assert_eq!(store.count(Collection::Contacts).await.unwrap(), 2);
}

async fn transcript<S: Store>(store: &S) {
    let conversation = serde_json::json!({"task": "t-1", "state": "WORKING", "with": ["bob"]});
    store.put(Collection::Conversations, Record::json("t-1", 100, &conversation).unwrap().with_contact("bob")).await.unwrap();

    let messages = vec![
        message("m1", "bob", 100, "Alice proposes lunch on Tuesday at noon"),
        message("m2", "bob", 200, "Bob counters with Wednesday lunch"),
        message("m3", "carol", 150, "Carol proposes a call on Friday"),
        message("m4", "bob", 300, "Alice accepts Wednesday"),
        message("m5", "carol", 250, "Carol confirms the Friday call, LUNCH later"),
        // Same time as m4: ties are ordered by id.
        message("m0", "carol", 300, "Alice cancels the dentist"),
    ];
    store.put_many(Collection::Messages, messages.clone()).await.unwrap();
    assert_eq!(store.count(Collection::Messages).await.unwrap(), 6);
    assert_eq!(store.get(Collection::Messages, "m3").await.unwrap(), messages[2], "round trip");

    let all = store.list(Collection::Messages, Query::all()).await.unwrap();
    assert_eq!(ids(&all), ["m1", "m3", "m2", "m5", "m0", "m4"]);
    let newest = store.list(Collection::Messages, Query::all().newest_first().limit(3)).await.unwrap();
    assert_eq!(ids(&newest), ["m4", "m0", "m5"]);
    let with_bob = store.list(Collection::Messages, Query::all().contact("bob")).await.unwrap();
    assert_eq!(ids(&with_bob), ["m1", "m2", "m4"]);
    let window = store.list(Collection::Messages, Query::all().between(150, 300)).await.unwrap();
    assert_eq!(ids(&window), ["m3", "m2", "m5"], "since is inclusive, until exclusive");
    let carol_window = store.list(Collection::Messages, Query::all().contact("carol").between(200, 301)).await.unwrap();
    assert_eq!(ids(&carol_window), ["m5", "m0"]);

    let lunch = store.search(Collection::Messages, Search::text("lunch")).await.unwrap();
    assert_eq!(ids(&lunch), ["m5", "m2", "m1"], "any case, newest first");
    let both = store.search(Collection::Messages, Search::text("Wednesday LUNCH")).await.unwrap();
    assert_eq!(ids(&both), ["m2"], "every word must match");
    let bob_lunch = store
        .search(Collection::Messages, Search::text("lunch").filter(Query::all().contact("bob")))
        .await
        .unwrap();
    assert_eq!(ids(&bob_lunch), ["m2", "m1"]);
    let early = store
        .search(Collection::Messages, Search::text("lunch").filter(Query::all().between(0, 200).limit(1)))
        .await
        .unwrap();
    assert_eq!(ids(&early), ["m1"]);
    assert!(store.search(Collection::Messages, Search::text("lun")).await.unwrap().is_empty(), "whole words");
    assert!(store.search(Collection::Messages, Search::text("dinner")).await.unwrap().is_empty());
    assert!(store.search(Collection::Messages, Search::text("")).await.unwrap().is_empty());
    assert!(store.search(Collection::Contacts, Search::text("lunch")).await.unwrap().is_empty(), "per collection");
    let bad = Search { terms: vec!["Not Normalised".into()], filter: Query::all() };
    assert!(matches!(store.search(Collection::Messages, bad).await, Err(StoreError::Invalid { .. })));

    // Replacing a message replaces what it is found under.
    store.put(Collection::Messages, message("m2", "bob", 200, "Bob counters with Thursday dinner")).await.unwrap();
    assert_eq!(ids(&store.search(Collection::Messages, Search::text("lunch")).await.unwrap()), ["m5", "m1"]);
    assert_eq!(ids(&store.search(Collection::Messages, Search::text("dinner")).await.unwrap()), ["m2"]);
    store.delete(Collection::Messages, "m1").await.unwrap();
    assert_eq!(ids(&store.search(Collection::Messages, Search::text("lunch")).await.unwrap()), ["m5"]);
    assert_eq!(store.count(Collection::Messages).await.unwrap(), 5);

    let done = serde_json::json!({"task": "t-1", "state": "COMPLETED", "with": ["bob"]});
    store.put(Collection::Conversations, Record::json("t-1", 300, &done).unwrap().with_contact("bob")).await.unwrap();
    let t: serde_json::Value = store.get(Collection::Conversations, "t-1").await.unwrap().decode().unwrap();
    assert_eq!(t["state"], "COMPLETED");
}

/// A limit that falls inside records of equal time keeps the id order of the bytes,
/// even where UTF-16 order (IndexedDB's key order) disagrees: U+FF61 sorts before U+1F600
/// in UTF-8 and after it in UTF-16.
async fn ties_at_a_limit<S: Store>(store: &S) {
    let c = Collection::Messages;
    let (bmp, astral) = ("t\u{ff61}", "t\u{1f600}");
    let tied = vec![message("t-early", "dave", 350, "early"), message(bmp, "dave", 400, "tie"), message(astral, "dave", 400, "tie")];
    store.put_many(c, tied).await.unwrap();
    let newest = store.list(c, Query::all().newest_first().limit(1)).await.unwrap();
    assert_eq!(ids(&newest), [astral]);
    let oldest = store.list(c, Query::all().contact("dave").limit(2)).await.unwrap();
    assert_eq!(ids(&oldest), ["t-early", bmp]);
    let found = store.search(c, Search::text("tie").filter(Query::all().limit(1))).await.unwrap();
    assert_eq!(ids(&found), [astral]);
    for id in ["t-early", bmp, astral] {
        store.delete(c, id).await.unwrap();
    }
}

async fn outbox_and_seen<S: Store>(store: &S) {
    for i in 0..3 {
        store.put(Collection::Outbox, Record::new(format!("out-{i}"), i, vec![i as u8; 40])).await.unwrap();
    }
    store.delete(Collection::Outbox, "out-1").await.unwrap();
    let pending = store.list(Collection::Outbox, Query::all()).await.unwrap();
    assert_eq!(ids(&pending), ["out-0", "out-2"], "acknowledged messages leave the outbox");
    assert_eq!(pending[1].body, vec![2u8; 40]);

    assert!(!store.contains(Collection::Seen, "msg-abc").await.unwrap());
    store.put(Collection::Seen, Record::new("msg-abc", 5, Vec::new())).await.unwrap();
    assert!(store.contains(Collection::Seen, "msg-abc").await.unwrap());
    store.put(Collection::Seen, Record::new("msg-abc", 6, Vec::new())).await.unwrap();
    assert_eq!(store.count(Collection::Seen).await.unwrap(), 1, "seen twice is stored once");
}

async fn batches_are_atomic<S: Store>(store: &S) {
    let batch = vec![Record::new("ok-1", 1, vec![1]), Record::new("", 2, vec![2])];
    assert!(matches!(store.put_many(Collection::Events, batch).await, Err(StoreError::Invalid { .. })));
    let mut bad_time = Record::new("ok-2", 0, vec![]);
    bad_time.time = i64::MAX;
    assert!(store.put(Collection::Events, bad_time).await.is_err());
    assert_eq!(store.count(Collection::Events).await.unwrap(), 0, "nothing of a refused batch is written");
}

async fn events<S: Store>(store: &S) {
    let day = 86_400_000;
    let events: Vec<Record> = (0..5)
        .map(|i| {
            let e = serde_json::json!({"title": format!("event {i}"), "sync": if i % 2 == 0 { "synced" } else { "pending" }});
            Record::json(format!("ev-{i}"), i * day, &e).unwrap()
        })
        .collect();
    store.put_many(Collection::Events, events).await.unwrap();
    let week = store.list(Collection::Events, Query::all().between(day, 3 * day)).await.unwrap();
    assert_eq!(ids(&week), ["ev-1", "ev-2"]);
    let negative = Record::new("ev-old", -day, vec![]);
    store.put(Collection::Events, negative).await.unwrap();
    assert_eq!(ids(&store.list(Collection::Events, Query::all().limit(1)).await.unwrap()), ["ev-old"], "times before 1970 sort first");
}

/// The vault over a backend: sealed bytes in the store, blinded search, lock and unlock,
/// wrong passphrase, passphrase change. The store must be fresh (no vault yet).
pub async fn vault_story<S: Store>(store: S) {
    let mut vault = Vault::create(store, b"correct horse", TEST_KDF).await.unwrap();
    let c = Collection::Conversations;
    let secret_text = "Negotiating a dentist appointment with Bob";
    vault.put(c, message("n1", "bob", 10, secret_text)).await.unwrap();
    vault.put(c, message("n2", "carol", 20, "Lunch with Carol")).await.unwrap();

    // What the store holds is sealed: neither the text nor its words are there.
    let raw = vault.store().get(c, "n1").await.unwrap();
    assert_ne!(raw.body, secret_text.as_bytes());
    assert!(!raw.body.windows(7).any(|w| w == b"dentist"));
    assert!(raw.terms.iter().all(|t| t.len() == 32 && t != "dentist"), "{:?}", raw.terms);
    assert_eq!(raw.contact.as_deref(), Some("bob"), "indexed columns stay usable");

    assert_eq!(vault.get(c, "n1").await.unwrap().body, secret_text.as_bytes());
    assert_eq!(ids(&vault.search(c, "DENTIST bob", Query::all()).await.unwrap()), ["n1"]);
    assert_eq!(ids(&vault.list(c, Query::all().contact("carol")).await.unwrap()), ["n2"]);
    assert!(vault.search(c, "dentists", Query::all()).await.unwrap().is_empty());
    assert!(vault.get(c, "zzz").await.unwrap_err().is_not_found());

    let identity = agentnet_core::identity::Keypair::from_secret_bytes(&[7; 32]);
    vault.put_identity(&identity).await.unwrap();
    let stored = vault.store().get(Collection::Profile, "vault.secret.identity").await.unwrap();
    assert!(!stored.body.windows(32).any(|w| w == [7; 32]), "the identity seed is never stored in clear");
    assert!(matches!(vault.put(Collection::Profile, Record::new("vault.keys", 0, vec![])).await, Err(VaultError::Reserved { .. })));

    vault.lock();
    assert_eq!(vault.get(c, "n1").await.unwrap_err(), VaultError::Locked);
    assert_eq!(vault.unlock(b"wrong horse").await.unwrap_err(), VaultError::WrongPassphrase);
    assert!(!vault.is_unlocked(), "a wrong passphrase changes nothing");
    vault.unlock(b"correct horse").await.unwrap();
    assert_eq!(vault.identity().await.unwrap().agent_id(), identity.agent_id());

    vault.change_passphrase(b"correct horse", b"battery staple").await.unwrap();
    assert_eq!(vault.store().get(c, "n1").await.unwrap(), raw, "records are not re-encrypted");
    vault.lock();
    assert_eq!(vault.unlock(b"correct horse").await.unwrap_err(), VaultError::WrongPassphrase);
    vault.unlock(b"battery staple").await.unwrap();
    assert_eq!(vault.get(c, "n1").await.unwrap().body, secret_text.as_bytes());
    assert_eq!(ids(&vault.search(c, "dentist", Query::all()).await.unwrap()), ["n1"]);
}

/// Two profiles side by side never see each other's records.
pub async fn profiles_story<S: Store>(alice: &S, bob: &S) {
    alice.put(Collection::Profile, Record::new("me", 1, b"alice".to_vec())).await.unwrap();
    bob.put(Collection::Profile, Record::new("me", 1, b"bob".to_vec())).await.unwrap();
    assert_eq!(alice.get(Collection::Profile, "me").await.unwrap().body, b"alice");
    assert_eq!(bob.get(Collection::Profile, "me").await.unwrap().body, b"bob");
    alice.put(Collection::Seen, Record::new("x", 1, vec![])).await.unwrap();
    assert!(!bob.contains(Collection::Seen, "x").await.unwrap());
}
