//! Scripted negotiations: approval, retries, cancel, reschedule, and who hears what among several invitees.

use agentnet_core::protocol::{Act, ContextId, Meeting, Message, MessageId, Role, TaskId, TaskState};
use agentnet_core::schedule::negotiation::{
    Effect, Failure, Invitee, Organiser, OrganiserEvent, OrganiserSetup, Participant, ParticipantEvent, ParticipantSetup,
    RetryPolicy,
};
use agentnet_core::schedule::{Availability, ContactPolicy, ContactSettings, Interval, IntervalSet, SLOT_STEP};
use jiff::{SignedDuration, Timestamp};

const ALICE: u8 = 0;
const BOB: u8 = 1;

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn free(from: &str, to: &str) -> Availability {
    let set = IntervalSet::from_intervals([Interval::new(ts(from), ts(to)).unwrap()]);
    Availability::from_free(set, SignedDuration::from_mins(30))
}

fn ids() -> impl FnMut() -> MessageId {
    let mut next = 0u8;
    move || {
        next += 1;
        MessageId([next; 16])
    }
}

fn organiser(availability: Availability) -> Organiser<u8> {
    let candidates = availability.slots(SLOT_STEP);
    let setup = OrganiserSetup {
        task_id: TaskId([9; 16]),
        context_id: ContextId([8; 16]),
        meeting: Meeting { title: "Roadmap".to_owned(), duration_minutes: 30 },
        invitees: vec![Invitee { peer: BOB, disclosure_budget: 6, hours: None }],
        batch_size: 3,
        retry: RetryPolicy { first_wait: SignedDuration::from_mins(10), max_resends: 2 },
    };
    Organiser::new(setup, availability, candidates)
}

fn participant(availability: Availability, policy: ContactPolicy) -> Participant<u8> {
    let candidates = availability.slots(SLOT_STEP);
    let setup = ParticipantSetup {
        organiser: ALICE,
        contact: ContactSettings { policy, disclosure_budget: 4 },
        counter_size: 3,
        patience: SignedDuration::from_hours(48),
        organiser_hours: None,
    };
    Participant::new(setup, availability, candidates)
}

fn sent(effects: &[Effect<u8>]) -> Vec<Message> {
    effects.iter().filter_map(|e| if let Effect::Send { message, .. } = e { Some(message.clone()) } else { None }).collect()
}

fn booked(effects: &[Effect<u8>]) -> Vec<Interval> {
    effects.iter().filter_map(|e| if let Effect::Book { slot } = e { Some(*slot) } else { None }).collect()
}

#[test]
fn ask_first_waits_for_the_owner_then_both_sides_book_the_same_slot() {
    let now = ts("2026-03-02T08:00Z");
    let mut ids = ids();
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T12:00Z"));
    let mut bob = participant(free("2026-03-02T10:00Z", "2026-03-02T11:00Z"), ContactPolicy::AskFirst);

    let proposal = sent(&alice.handle(OrganiserEvent::Start { now }, &mut ids)).remove(0);
    let Some(Act::Propose { slots, .. }) = proposal.act() else { panic!("expected a proposal") };
    assert_eq!(slots.len(), 3);

    let asked = bob.handle(ParticipantEvent::Received { from: ALICE, message: proposal.clone(), now }, &mut ids);
    assert!(asked.iter().any(|e| matches!(e, Effect::AskOwner { .. })));
    assert!(sent(&asked).is_empty(), "nothing leaves before the owner decides");
    assert_eq!(bob.state(), TaskState::InputRequired);

    let answer = sent(&bob.handle(ParticipantEvent::OwnerApproved { now }, &mut ids)).remove(0);
    assert_eq!(answer.reference_message_id, Some(proposal.message_id));
    let confirm_effects = alice.handle(OrganiserEvent::Received { from: BOB, message: answer, now }, &mut ids);
    let alice_slot = booked(&confirm_effects);
    let confirm = sent(&confirm_effects).remove(0);
    let bob_effects = bob.handle(ParticipantEvent::Received { from: ALICE, message: confirm.clone(), now }, &mut ids);
    assert_eq!(booked(&bob_effects), alice_slot);
    // A duplicate confirm is echoed again but not booked twice.
    let again = bob.handle(ParticipantEvent::Received { from: ALICE, message: confirm, now }, &mut ids);
    assert!(booked(&again).is_empty());
    alice.handle(OrganiserEvent::Received { from: BOB, message: sent(&bob_effects).remove(0), now }, &mut ids);
    assert_eq!(alice.state(), TaskState::Completed);
    assert_eq!(alice.booked(), bob.booked());
    assert_eq!(alice.rounds(), 1);
}

#[test]
fn unanswered_proposals_are_resent_then_the_negotiation_fails() {
    let now = ts("2026-03-02T08:00Z");
    let mut ids = ids();
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T12:00Z"));
    let first = alice.handle(OrganiserEvent::Start { now }, &mut ids);
    let proposal = sent(&first).remove(0);
    // A tick before the deadline does nothing.
    assert!(alice.handle(OrganiserEvent::Tick { now }, &mut ids).is_empty());
    let mut at = now;
    for _ in 0..2 {
        at = at.checked_add(SignedDuration::from_hours(1)).unwrap();
        let resent = sent(&alice.handle(OrganiserEvent::Tick { now: at }, &mut ids));
        assert_eq!(resent, vec![proposal.clone()], "the same message, so the receiver can drop duplicates");
    }
    at = at.checked_add(SignedDuration::from_hours(1)).unwrap();
    let last = alice.handle(OrganiserEvent::Tick { now: at }, &mut ids);
    assert!(last.contains(&Effect::Failed { failure: Failure::Unanswered { peers: vec![BOB] } }));
    assert!(matches!(sent(&last)[0].act(), Some(Act::Cancel)));
}

#[test]
fn never_policy_declines_and_counter_offers_lead_to_a_booking() {
    let now = ts("2026-03-02T08:00Z");
    let mut ids = ids();
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"));
    let proposal = sent(&alice.handle(OrganiserEvent::Start { now }, &mut ids)).remove(0);
    let mut carol = participant(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"), ContactPolicy::Never);
    let refusal = sent(&carol.handle(ParticipantEvent::Received { from: ALICE, message: proposal.clone(), now }, &mut ids));
    assert!(matches!(refusal[0].act(), Some(Act::Decline { .. })));

    // Bob is only free in the afternoon: he counters, Alice confirms one of his slots.
    let mut bob = participant(free("2026-03-02T15:00Z", "2026-03-02T16:00Z"), ContactPolicy::AutoAccept);
    let counter = sent(&bob.handle(ParticipantEvent::Received { from: ALICE, message: proposal, now }, &mut ids)).remove(0);
    let Some(Act::Counter { slots }) = counter.act().cloned() else { panic!("expected a counter") };
    assert!(!slots.is_empty() && slots.len() <= 3);
    let effects = alice.handle(OrganiserEvent::Received { from: BOB, message: counter, now }, &mut ids);
    assert!(slots.contains(&booked(&effects)[0]));
    assert_eq!(alice.rounds(), 1);

    // Cancelling the booked meeting unbooks it on both sides.
    let confirm = sent(&effects).remove(0);
    let echo = sent(&bob.handle(ParticipantEvent::Received { from: ALICE, message: confirm, now }, &mut ids)).remove(0);
    alice.handle(OrganiserEvent::Received { from: BOB, message: echo, now }, &mut ids);
    let cancel_effects = alice.handle(OrganiserEvent::Cancel { now }, &mut ids);
    assert!(cancel_effects.iter().any(|e| matches!(e, Effect::Unbook { .. })));
    let bob_cancel = bob.handle(ParticipantEvent::Received { from: ALICE, message: sent(&cancel_effects).remove(0), now }, &mut ids);
    assert!(bob_cancel.iter().any(|e| matches!(e, Effect::Unbook { .. })));
    assert_eq!(bob.booked(), None);
    alice.handle(OrganiserEvent::Received { from: BOB, message: sent(&bob_cancel).remove(0), now }, &mut ids);
    assert_eq!(alice.state(), TaskState::Canceled);
}

#[test]
fn the_owner_suggests_another_time_and_both_sides_book_it() {
    let now = ts("2026-03-02T08:00Z");
    let mut ids = ids();
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"));
    let mut bob = participant(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"), ContactPolicy::AskFirst);
    let proposal = sent(&alice.handle(OrganiserEvent::Start { now }, &mut ids)).remove(0);
    let Some(Act::Propose { slots: proposed, .. }) = proposal.act().cloned() else { panic!("expected a proposal") };
    bob.handle(ParticipantEvent::Received { from: ALICE, message: proposal.clone(), now }, &mut ids);
    assert_eq!(bob.state(), TaskState::InputRequired);
    assert_eq!(alice.awaiting(), vec![BOB]);

    // A slot Bob is not free for changes nothing: the question stays open.
    let busy = Interval::new(ts("2026-03-02T18:00Z"), ts("2026-03-02T18:30Z")).unwrap();
    assert!(bob.handle(ParticipantEvent::OwnerCountered { slots: vec![busy], now }, &mut ids).is_empty());
    assert_eq!(bob.state(), TaskState::InputRequired);

    let pick = Interval::new(ts("2026-03-02T16:00Z"), ts("2026-03-02T16:30Z")).unwrap();
    assert!(!proposed.contains(&pick));
    let counter = sent(&bob.handle(ParticipantEvent::OwnerCountered { slots: vec![pick, busy], now }, &mut ids)).remove(0);
    assert_eq!(counter.act(), Some(&Act::Counter { slots: vec![pick] }));
    assert_eq!(counter.reference_message_id, Some(proposal.message_id));
    assert_eq!(bob.state(), TaskState::Working);
    assert_eq!(bob.disclosed().iter().copied().collect::<Vec<_>>(), vec![pick]);

    let effects = alice.handle(OrganiserEvent::Received { from: BOB, message: counter, now }, &mut ids);
    assert_eq!(booked(&effects), vec![pick], "the organiser books the owner's pick");
    let confirm = sent(&effects).remove(0);
    let bob_effects = bob.handle(ParticipantEvent::Received { from: ALICE, message: confirm, now }, &mut ids);
    assert_eq!(booked(&bob_effects), vec![pick]);
    alice.handle(OrganiserEvent::Received { from: BOB, message: sent(&bob_effects).remove(0), now }, &mut ids);
    assert_eq!(alice.state(), TaskState::Completed);
    assert!(alice.awaiting().is_empty());
    assert_eq!(bob.booked(), Some(pick));
}

#[test]
fn after_the_owner_suggests_another_time_the_proposed_ones_are_not_booked() {
    let now = ts("2026-03-02T08:00Z");
    let mut ids = ids();
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"));
    let mut bob = participant(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"), ContactPolicy::AskFirst);
    let proposal = sent(&alice.handle(OrganiserEvent::Start { now }, &mut ids)).remove(0);
    let Some(Act::Propose { slots: proposed, .. }) = proposal.act().cloned() else { panic!("expected a proposal") };
    bob.handle(ParticipantEvent::Received { from: ALICE, message: proposal.clone(), now }, &mut ids);
    let pick = Interval::new(ts("2026-03-02T16:00Z"), ts("2026-03-02T16:30Z")).unwrap();
    bob.handle(ParticipantEvent::OwnerCountered { slots: vec![pick], now }, &mut ids);
    // A confirm for a time the agent would have accepted, but the owner did not, is refused.
    let sneaky = Message::new(MessageId([77; 16]), proposal.task_id, proposal.context_id, Role::User, TaskState::Completed, Act::Confirm { slot: proposed[0] });
    let answer = bob.handle(ParticipantEvent::Received { from: ALICE, message: sneaky, now }, &mut ids);
    assert!(booked(&answer).is_empty());
    assert!(matches!(sent(&answer)[0].act(), Some(Act::Decline { .. })));
}

/// Alice proposes and Bob answers, round after round, until Alice's negotiation fails.
fn until_failed(alice: &mut Organiser<u8>, bob: &mut Participant<u8>, now: Timestamp) -> Failure<u8> {
    let mut ids = ids();
    let mut effects = alice.handle(OrganiserEvent::Start { now }, &mut ids);
    loop {
        if let Some(failure) = effects.iter().find_map(|e| if let Effect::Failed { failure } = e { Some(failure.clone()) } else { None }) {
            return failure;
        }
        let proposal = sent(&effects).pop().expect("a proposal while candidates and budget last");
        let answer = sent(&bob.handle(ParticipantEvent::Received { from: ALICE, message: proposal, now }, &mut ids)).remove(0);
        effects = alice.handle(OrganiserEvent::Received { from: BOB, message: answer, now }, &mut ids);
    }
}

/// When the organiser's budget towards someone is what stops the search (it has free
/// times left that nobody refused), the failure says so, apart from "no common time".
#[test]
fn a_spent_budget_is_told_apart_from_no_common_time() {
    let now = ts("2026-03-02T08:00Z");
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T17:00Z"));
    // Bob may reveal nothing of his own, and is free only at the end of the day.
    let bob_free = free("2026-03-02T16:30Z", "2026-03-02T17:00Z");
    let setup = ParticipantSetup { organiser: ALICE, contact: ContactSettings { policy: ContactPolicy::AutoAccept, disclosure_budget: 0 }, counter_size: 3, patience: SignedDuration::from_hours(48), organiser_hours: None };
    let mut bob = Participant::new(setup, bob_free.clone(), bob_free.slots(SLOT_STEP));

    let failure = until_failed(&mut alice, &mut bob, now);
    assert_eq!(failure, Failure::BudgetSpent { peers: vec![(BOB, 6)] }, "Bob was shown all 6 slots the budget allows");

    // With nothing left to offer at all, it is "no common time".
    let mut alice = organiser(free("2026-03-02T09:00Z", "2026-03-02T10:00Z"));
    let mut bob = participant(free("2026-03-02T16:00Z", "2026-03-02T17:00Z"), ContactPolicy::AutoAccept);
    assert_eq!(until_failed(&mut alice, &mut bob, now), Failure::NoCommonSlot);
}

/// Each message in `effects`, with whom it goes to.
fn proposals(effects: &[Effect<u8>]) -> Vec<(u8, Message)> {
    effects.iter().filter_map(|e| if let Effect::Send { to, message } = e { Some((*to, message.clone())) } else { None }).collect()
}

fn proposed_slots(message: &Message) -> Vec<Interval> {
    match message.act() {
        Some(Act::Propose { slots, .. }) => slots.clone(),
        other => panic!("expected a proposal, got {other:?}"),
    }
}

fn answer(to: &Message, act: Act) -> Message {
    Message::new(MessageId([200; 16]), to.task_id, to.context_id, Role::Agent, TaskState::Working, act).replying_to(to.message_id)
}

/// With several invitees, once everyone has answered, a time nobody has taken yet is shown
/// only to the invitee who turned down the most; a time it takes is then shown to the rest.
/// Showing an untried time to everyone spends every budget on what the busiest refuses.
#[test]
fn untried_times_go_to_the_busiest_invitee_first_and_taken_ones_to_the_rest() {
    const CAROL: u8 = 2;
    const DAN: u8 = 3;
    let now = ts("2026-03-02T08:00Z");
    let availability = free("2026-03-02T09:00Z", "2026-03-02T17:00Z");
    let setup = OrganiserSetup {
        task_id: TaskId([9; 16]),
        context_id: ContextId([8; 16]),
        meeting: Meeting { title: "Roadmap".to_owned(), duration_minutes: 30 },
        invitees: [BOB, CAROL, DAN].map(|peer| Invitee { peer, disclosure_budget: 12, hours: None }).to_vec(),
        batch_size: 3,
        retry: RetryPolicy { first_wait: SignedDuration::from_mins(10), max_resends: 2 },
    };
    let mut alice = Organiser::new(setup, availability.clone(), availability.slots(SLOT_STEP));
    let mut ids = ids();

    // Round one: everyone hears the same times. Bob and Dan can do them all, Carol none
    // (her counter is a time Alice cannot host, so it leads nowhere).
    let first = proposals(&alice.handle(OrganiserEvent::Start { now }, &mut ids));
    assert_eq!(first.iter().map(|(peer, _)| *peer).collect::<Vec<_>>(), vec![BOB, CAROL, DAN]);
    let mut effects = Vec::new();
    for (peer, proposal) in &first {
        let act = if *peer == CAROL {
            Act::Counter { slots: vec![Interval::new(ts("2026-03-02T20:00Z"), ts("2026-03-02T20:30Z")).unwrap()] }
        } else {
            Act::Accept { slots: proposed_slots(proposal) }
        };
        effects = alice.handle(OrganiserEvent::Received { from: *peer, message: answer(proposal, act), now }, &mut ids);
    }

    // Round two: untried times, to Carol alone.
    let second = proposals(&effects);
    assert_eq!(second.iter().map(|(peer, _)| *peer).collect::<Vec<_>>(), vec![CAROL], "only the busiest invitee hears untried times");
    let (_, to_carol) = &second[0];
    let taken = proposed_slots(to_carol)[0];
    let reply = answer(to_carol, Act::Accept { slots: vec![taken] });
    let third = proposals(&alice.handle(OrganiserEvent::Received { from: CAROL, message: reply, now }, &mut ids));

    // Round three: the time Carol took, and only that, to Bob and Dan (Carol may hear more
    // untried times).
    for peer in [BOB, DAN] {
        let (_, proposal) = third.iter().find(|(to, _)| *to == peer).expect("Bob and Dan hear the time Carol took");
        assert_eq!(proposed_slots(proposal), vec![taken]);
    }
}
