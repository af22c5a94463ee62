//! The runtime on one offline agent: clarification questions answered over two lines,
//! and what a negotiation's summary derives from its journal, stepped by the runtime's
//! own `Negotiation::step`.

use std::sync::Arc;

use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::vault::KdfParams;
use agentnet_core::identity::Keypair;
use agentnet_core::protocol::{Act, ContextId, Meeting, Message, MessageId, Role, TaskId, TaskState};
use agentnet_core::schedule::negotiation::{Invitee, OrganiserSetup, ParticipantSetup, RetryPolicy};
use agentnet_core::schedule::{Availability, ContactPolicy, ContactSettings, Interval, IntervalSet};
use jiff::{SignedDuration, Timestamp};

use agentnet_platform::llm::Understand;
use agentnet_platform::rt::{now, rng, unix_secs};
use agentnet_platform::store::SqliteStore;

use crate::negotiation::{Input, Journal, Peer};
use crate::{Agent, Contact, Negotiation, NewProfile, Policy, Side, Waiting};

const PASSPHRASE: &[u8] = b"correct horse battery staple";

/// Ann's agent, offline, with Bob as a contact.
async fn ann_with_bob() -> Agent<Arc<SqliteStore>> {
    let store = Arc::new(SqliteStore::open_in_memory().await.unwrap());
    let profile = NewProfile { name: "Ann".into(), zone: "Europe/Berlin".into(), relay: "ws://127.0.0.1:1/ws".into() };
    Agent::create(store.clone(), PASSPHRASE, profile, KdfParams { m_kib: 64, t: 1, p: 1 }).await.unwrap();
    let agent = Agent::open(store, PASSPHRASE, false, Understand::offline()).await.unwrap();
    let bob = Keypair::from_secret_bytes(&[7; 32]);
    let ring = Ring::new(&bob, unix_secs(now()), &mut rng());
    let contact = Contact {
        id: hex::encode(bob.agent_id().as_bytes()),
        name: "Bob".into(),
        bundle: ring.bundle(&bob).to_bytes(),
        policy: Policy::Auto,
        disclosure_budget: 12,
        verified: true,
        blocked: false,
        added_ms: 0,
        delivery_key: Some(agentnet_core::crypto::delivery_key::DeliveryKey::from_bytes([1; 32])),
        invite_key: None,
        hours: None,
        share_hours: true,
    };
    agent.records.contacts.save(&contact).await.unwrap();
    agent
}

#[tokio::test]
async fn a_question_is_asked_and_the_next_line_answers_it() {
    let ann = ann_with_bob().await;
    let question = ann.ask("find 45 minutes next Tuesday afternoon").await.unwrap();
    assert_eq!(question.intent, "needs_clarification");
    assert!(question.asks);
    assert_eq!(question.text, "Who should the meeting be with?");

    let answer = ann.ask("Bob").await.unwrap();
    assert_eq!(answer.intent, "schedule", "{answer:?}");
    assert!(!answer.asks);
    assert_eq!(answer.command, "find 45 minutes next Tuesday afternoon with Bob");
    let n = ann.negotiation(&answer.negotiation.expect("a negotiation started")).await.unwrap();
    assert_eq!(n.meeting.duration_minutes, 45);
    let zone = ann.settings().await.time_zone();
    let proposed: Vec<Interval> = n.journal.sent().iter().filter_map(|(_, m)| m.act().map(|a| a.offered_slots().to_vec())).flatten().collect();
    assert!(!proposed.is_empty());
    for slot in proposed {
        let start = slot.start().to_zoned_datetime(zone.clone());
        assert_eq!(start.weekday(), jiff::civil::Weekday::Tuesday, "{start}");
        assert!(start.hour() >= 12, "not in the afternoon: {start}");
    }
    // Answered: the next bare name is a command of its own, not another answer.
    let again = ann.ask("Bob").await.unwrap();
    assert_eq!(again.command, "Bob");
}

#[tokio::test]
async fn an_unknown_name_is_replaced_by_the_answer() {
    let ann = ann_with_bob().await;
    let question = ann.ask("find 45 minutes with Bobby next Tuesday afternoon").await.unwrap();
    assert!(question.asks && question.text.contains("Bobby"), "{question:?}");
    let answer = ann.ask("Bob").await.unwrap();
    assert_eq!(answer.command, "find 45 minutes with Bob next Tuesday afternoon");
    assert_eq!(answer.intent, "schedule");
}

#[tokio::test]
async fn a_full_command_after_a_question_is_taken_as_is() {
    let ann = ann_with_bob().await;
    assert!(ann.ask("find 45 minutes next Tuesday afternoon").await.unwrap().asks);
    let other = ann.ask("what's on next week").await.unwrap();
    assert_eq!(other.intent, "list_upcoming");
    assert_eq!(other.command, "what's on next week");
    // The question was dropped: a later bare name does not pick up its 45 minutes.
    let later = ann.ask("Bob").await.unwrap();
    assert_eq!(later.command, "Bob");
    if let Some(id) = later.negotiation {
        assert_ne!(ann.negotiation(&id).await.unwrap().meeting.duration_minutes, 45);
    }
}

const ALICE: Peer = [1; 32];
const BOB: Peer = [2; 32];

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn free(from: &str, to: &str) -> Availability {
    Availability::from_free(IntervalSet::from_intervals([Interval::new(ts(from), ts(to)).unwrap()]), SignedDuration::from_mins(30))
}

fn negotiation(side: Side, peer: Peer, journal: Journal) -> Negotiation {
    Negotiation {
        id: "00".repeat(16),
        side,
        peers: vec![hex::encode(peer)],
        meeting: Meeting { title: "Roadmap".into(), duration_minutes: 30 },
        created_ms: 0,
        state: TaskState::Submitted,
        booked: None,
        outcome: None,
        approval: None,
        timer: None,
        journal,
    }
}

/// Alice's setup: a 30-minute "Roadmap" with Bob.
fn roadmap_with_bob() -> OrganiserSetup<Peer> {
    OrganiserSetup {
        task_id: TaskId([0; 16]),
        context_id: ContextId([1; 16]),
        meeting: Meeting { title: "Roadmap".into(), duration_minutes: 30 },
        invitees: vec![Invitee { peer: BOB, disclosure_budget: 2, hours: None }],
        batch_size: 3,
        retry: RetryPolicy::default(),
    }
}

/// Steps `n` with the runtime's own step, drawing ids 1, 2, 3...
fn step(n: &mut Negotiation, input: Input, next: &mut u8) {
    n.step(input, &mut || {
        *next += 1;
        MessageId([*next; 16])
    });
}

fn name(id: &str) -> String {
    if id == hex::encode(ALICE) { "Alice".into() } else { "Bob".into() }
}

#[test]
fn a_participant_waits_for_its_owner_then_for_the_organiser_and_shows_only_the_owners_pick() {
    let now = ts("2026-03-02T08:00Z");
    let availability = free("2026-03-02T09:00Z", "2026-03-02T17:00Z");
    let candidates = availability.slots(SignedDuration::from_mins(30));
    let setup = ParticipantSetup {
        organiser: ALICE,
        contact: ContactSettings { policy: ContactPolicy::AskFirst, disclosure_budget: 4 },
        counter_size: 3,
        patience: SignedDuration::from_hours(48),
        organiser_hours: None,
    };
    let mut n = negotiation(Side::Participant, ALICE, Journal::participant(&setup, &availability, candidates, 30));
    let slot = |h: i8| Interval::new(ts(&format!("2026-03-02T{h:02}:00Z")), ts(&format!("2026-03-02T{h:02}:30Z"))).unwrap();
    let meeting = Meeting { title: "Roadmap".into(), duration_minutes: 30 };
    let propose = Message::new(MessageId([90; 16]), TaskId([0; 16]), ContextId([1; 16]), Role::User, TaskState::Working, Act::Propose { meeting, slots: vec![slot(10)] });
    let mut next = 0;
    step(&mut n, Input::Received { from: ALICE, message: propose, now }, &mut next);
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let summary = n.summary(&name, &zone);
    assert_eq!(summary.waiting, Waiting::Owner);
    assert_eq!(summary.line, "Waiting for you to approve");
    assert!(summary.disclosed[0].slots.is_empty(), "nothing shown before the owner decides");

    step(&mut n, Input::Countered { slots: vec![slot(15)], now }, &mut next);
    let summary = n.summary(&name, &zone);
    assert_eq!(summary.waiting, Waiting::Peers(vec![hex::encode(ALICE)]));
    assert_eq!(summary.line, "Waiting for Alice to answer");
    assert_eq!(summary.disclosed.len(), 1);
    assert_eq!((summary.disclosed[0].name.as_str(), summary.disclosed[0].slots.clone()), ("Alice", vec![slot(15)]));
}

#[test]
fn an_organiser_waits_for_its_invitee_and_lists_what_it_proposed() {
    let now = ts("2026-03-02T08:00Z");
    let availability = free("2026-03-02T09:00Z", "2026-03-02T17:00Z");
    let candidates = availability.slots(SignedDuration::from_mins(30));
    let setup = roadmap_with_bob();
    let mut n = negotiation(Side::Organiser, BOB, Journal::organiser(&setup, &availability, candidates));
    let mut next = 0;
    step(&mut n, Input::Start { now }, &mut next);
    let zone = jiff::tz::TimeZone::get("UTC").unwrap();
    let summary = n.summary(&name, &zone);
    assert_eq!(summary.waiting, Waiting::Peers(vec![hex::encode(BOB)]));
    assert_eq!(summary.line, "Waiting for Bob to answer");
    assert_eq!(summary.disclosed[0].slots.len(), 2, "the budget of 2 caps the first batch");

    // Bob accepts: Alice books and waits for his echo of the confirm.
    let proposal = n.journal.sent().remove(0).1;
    let accept = Message::new(MessageId([91; 16]), TaskId([0; 16]), ContextId([1; 16]), Role::Agent, TaskState::Working, Act::Accept { slots: proposal.act().unwrap().offered_slots()[..1].to_vec() })
        .replying_to(proposal.message_id);
    step(&mut n, Input::Received { from: BOB, message: accept, now }, &mut next);
    let summary = n.summary(&name, &zone);
    assert!(summary.line.starts_with("Waiting for Bob to confirm"), "{}", summary.line);
    let confirm = n.journal.sent().pop().unwrap().1;
    let echo = Message::new(MessageId([92; 16]), TaskId([0; 16]), ContextId([1; 16]), Role::Agent, TaskState::Completed, confirm.act().unwrap().clone()).replying_to(confirm.message_id);
    step(&mut n, Input::Received { from: BOB, message: echo, now }, &mut next);
    let summary = n.summary(&name, &zone);
    assert_eq!(summary.waiting, Waiting::Nobody);
    assert!(summary.line.starts_with("Booked: Mon 2 Mar "), "{}", summary.line);
}

#[test]
fn the_timer_index_wakes_only_open_negotiations_that_are_due_soonest_first() {
    let availability = free("2026-03-02T09:00Z", "2026-03-02T17:00Z");
    let setup = roadmap_with_bob();
    let with_timer = |id: &str, due: Option<&str>, state: TaskState| {
        let candidates = availability.slots(SignedDuration::from_mins(30));
        let mut n = negotiation(Side::Organiser, BOB, Journal::organiser(&setup, &availability, candidates));
        n.id = id.into();
        n.timer = due.map(ts);
        n.state = state;
        n
    };
    let late = with_timer("late", Some("2026-03-02T12:00Z"), TaskState::Working);
    let early = with_timer("early", Some("2026-03-02T10:00Z"), TaskState::Working);
    let done = with_timer("done", Some("2026-03-02T09:00Z"), TaskState::Completed);
    let idle = with_timer("idle", None, TaskState::Working);

    let mut timers = crate::records::timers::Timers::default();
    timers.note(&early);
    assert!(!timers.is_loaded() && timers.next().is_none(), "nothing is indexed before the first full read");
    timers.load([&late, &early, &done, &idle]);
    assert_eq!(timers.next(), Some(ts("2026-03-02T10:00Z")), "a settled negotiation's timer never fires");
    assert_eq!(timers.due_at(ts("2026-03-02T09:30Z")), Vec::<String>::new());
    assert_eq!(timers.due_at(ts("2026-03-02T12:00Z")), ["early", "late"]);

    // Saving updates the index: a disarmed timer leaves it, a settled negotiation too.
    let mut early = early;
    early.timer = None;
    timers.note(&early);
    let mut late = late;
    late.state = TaskState::Completed;
    timers.note(&late);
    let mut idle = idle;
    idle.timer = Some(ts("2026-03-03T08:00Z"));
    timers.note(&idle);
    assert_eq!(timers.due_at(ts("2026-03-03T09:00Z")), ["idle"]);
    timers.forget("idle");
    assert_eq!(timers.next(), None);
}
