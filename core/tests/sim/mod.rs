//! Deterministic simulation of one negotiation between 2 to 10 agents.
#![allow(unreachable_pub)] // helpers shared between the sim modules of one test crate

pub mod net;
pub mod oracle;
pub mod world;

use std::collections::{BTreeMap, BTreeSet};

use agentnet_core::protocol::{ContextId, Limits, Meeting, Message, MessageId, TaskId};
use agentnet_core::schedule::negotiation::{
    Effect, Invitee, Organiser, OrganiserEvent, OrganiserSetup, Participant, ParticipantEvent, ParticipantSetup,
    RetryPolicy,
};
use agentnet_core::schedule::{
    Attendee, Availability, ContactPolicy, ContactSettings, Interval, SLOT_STEP, SlotScorer,
};
use jiff::{SignedDuration, Timestamp};
use rand09::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use net::{Happening, Net};
use world::World;

/// The identity module's `AgentId` is a Copy + Ord 32-byte key; this stands in for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AgentId([u8; 32]);

fn agent_id(index: usize) -> AgentId {
    AgentId([index as u8; 32])
}

fn index_of(id: AgentId) -> usize {
    usize::from(id.0[0])
}

enum Node {
    Organiser(Organiser<AgentId>),
    Participant(Participant<AgentId>),
}

/// What one run produced, for the properties and the figures.
#[derive(Debug)]
pub struct Outcome {
    pub parties: usize,
    pub lossy: bool,
    /// Whether a slot suiting everyone existed (and nobody's policy or owner refuses).
    pub common_slot_exists: bool,
    /// How many grid slots suit everyone.
    pub common_slots: usize,
    pub booked: Option<Interval>,
    pub rounds: u32,
    /// Problems found; empty when every property held.
    pub violations: Vec<String>,
}

const MAX_STEPS: usize = 200_000;

/// Runs the negotiation of seed `seed`.
pub fn run(seed: u64, lossy: bool) -> Outcome {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let world = World::generate(&mut rng, lossy);
    let parties = world.owners.len();
    let mut violations = Vec::new();

    let availabilities: Vec<Availability> = world
        .owners
        .iter()
        .map(|owner| Availability::compute(&owner.prefs, &owner.events, world.window, world.now, world.duration))
        .collect();
    cross_check_availability(&world, &availabilities, &mut rng, &mut violations);

    let mut next_id = 0u128;
    let mut ids = move || {
        next_id += 1;
        MessageId((u128::from(seed as u32) << 64 | next_id).to_be_bytes())
    };
    let meeting = Meeting { title: "Roadmap".to_owned(), duration_minutes: world.duration.as_mins() as u32 };
    let mut nodes: Vec<Node> = Vec::with_capacity(parties);
    let mut effects: Vec<(usize, Vec<Effect<AgentId>>)> = Vec::new();
    for (index, owner) in world.owners.iter().enumerate() {
        let availability = availabilities[index].clone();
        let attendees: Vec<Attendee> = if index == 0 {
            world.owners.iter().map(|o| Attendee { zone: o.prefs.home_zone.clone(), past_burden: o.past_burden }).collect()
        } else {
            [owner, &world.owners[0]].iter().map(|o| Attendee { zone: o.prefs.home_zone.clone(), past_burden: o.past_burden }).collect()
        };
        let scorer = SlotScorer::new(&owner.prefs, &availability, world.now, attendees);
        let candidates = scorer.ranked(availability.slots(SLOT_STEP));
        if index == 0 {
            let setup = OrganiserSetup {
                task_id: TaskId((seed as u128).to_be_bytes()),
                context_id: ContextId([7; 16]),
                meeting: meeting.clone(),
                invitees: (1..parties).map(|p| Invitee { peer: agent_id(p), disclosure_budget: owner.budget }).collect(),
                batch_size: world.batch_size,
                retry: RetryPolicy::default(),
            };
            let mut organiser = Organiser::new(setup, availability, candidates);
            effects.push((0, organiser.handle(OrganiserEvent::Start { now: world.now }, &mut ids)));
            nodes.push(Node::Organiser(organiser));
        } else {
            let setup = ParticipantSetup {
                organiser: agent_id(0),
                contact: ContactSettings { policy: owner.policy, disclosure_budget: owner.budget },
                counter_size: world.batch_size,
                patience: SignedDuration::from_hours(7 * 24),
            };
            nodes.push(Node::Participant(Participant::new(setup, availability, candidates)));
        }
    }

    let mut net = Net::default();
    let mut bookings: Vec<Vec<Interval>> = vec![Vec::new(); parties];
    let mut book_count = vec![0usize; parties];
    let mut offered: BTreeMap<(usize, usize), BTreeSet<Interval>> = BTreeMap::new();
    let limits = Limits::default();
    let mut steps = 0;
    let mut now = world.now;
    loop {
        for (agent, list) in effects.drain(..) {
            for effect in list {
                match effect {
                    Effect::Send { to, message } => {
                        let to = index_of(to);
                        if let Some(act) = message.act() {
                            offered.entry((agent, to)).or_default().extend(act.offered_slots().iter().copied());
                        }
                        net.send(&mut rng, now, agent, to, message.to_json(), world.loss, world.duplication);
                    }
                    Effect::Book { slot } => {
                        book_count[agent] += 1;
                        bookings[agent].push(slot);
                    }
                    Effect::Unbook { slot } => bookings[agent].retain(|booked| *booked != slot),
                    Effect::SetTimer { at } => net.schedule(at, agent, Happening::Timer),
                    Effect::AskOwner { .. } => {
                        let delay = SignedDuration::from_mins(rng.random_range(1..=120));
                        let approve = world.owners[agent].approves;
                        net.schedule(now.checked_add(delay).unwrap(), agent, Happening::OwnerAnswer { approve });
                    }
                    Effect::Failed { .. } => {}
                }
            }
        }
        let Some((at, agent, happening)) = net.next() else { break };
        now = at;
        steps += 1;
        if steps > MAX_STEPS {
            violations.push("did not terminate".to_owned());
            break;
        }
        let produced = match (&mut nodes[agent], happening) {
            (Node::Organiser(machine), Happening::Delivery { from, bytes }) => match Message::from_json(&bytes, &limits) {
                Ok(message) => machine.handle(OrganiserEvent::Received { from: agent_id(from), message, now }, &mut ids),
                Err(error) => {
                    violations.push(format!("organiser refused a message: {error}"));
                    Vec::new()
                }
            },
            (Node::Organiser(machine), Happening::Timer) => machine.handle(OrganiserEvent::Tick { now }, &mut ids),
            (Node::Participant(machine), Happening::Delivery { from, bytes }) => match Message::from_json(&bytes, &limits) {
                Ok(message) => machine.handle(ParticipantEvent::Received { from: agent_id(from), message, now }, &mut ids),
                Err(error) => {
                    violations.push(format!("participant refused a message: {error}"));
                    Vec::new()
                }
            },
            (Node::Participant(machine), Happening::Timer) => machine.handle(ParticipantEvent::Tick { now }, &mut ids),
            (Node::Participant(machine), Happening::OwnerAnswer { approve: true }) => {
                machine.handle(ParticipantEvent::OwnerApproved { now }, &mut ids)
            }
            (Node::Participant(machine), Happening::OwnerAnswer { approve: false }) => {
                machine.handle(ParticipantEvent::OwnerDeclined { now }, &mut ids)
            }
            (Node::Organiser(_), Happening::OwnerAnswer { .. }) => Vec::new(),
        };
        effects.push((agent, produced));
    }

    let Node::Organiser(organiser) = &nodes[0] else { unreachable!("agent 0 organises") };
    if !organiser.is_settled() {
        violations.push(format!("organiser did not settle: {:?}", organiser.state()));
    }
    let booked = organiser.booked();
    check_bookings(&world, booked, &bookings, &book_count, &mut violations);
    check_budgets(&world, &offered, &mut violations);
    let willing = world.owners[1..].iter().all(|o| match o.policy {
        ContactPolicy::Never => false,
        ContactPolicy::AskFirst => o.approves,
        ContactPolicy::AutoAccept => true,
    });
    let common = availabilities.iter().skip(1).fold(availabilities[0].free().clone(), |acc, a| acc.intersection(a.free()));
    let common_slots = Availability::from_free(common, world.duration).slots(SLOT_STEP).len();
    let common_slot_exists = willing && common_slots > 0;
    Outcome { parties, lossy, common_slot_exists, common_slots, booked, rounds: organiser.rounds(), violations }
}

fn check_bookings(world: &World, booked: Option<Interval>, bookings: &[Vec<Interval>], book_count: &[usize], violations: &mut Vec<String>) {
    for (agent, held) in bookings.iter().enumerate() {
        let expected: Vec<Interval> = booked.into_iter().collect();
        if *held != expected {
            violations.push(format!("agent {agent} holds {held:?}, organiser booked {booked:?}"));
        }
        if book_count[agent] > 1 {
            violations.push(format!("agent {agent} booked {} times", book_count[agent]));
        }
    }
    if let Some(slot) = booked {
        for (agent, owner) in world.owners.iter().enumerate() {
            if let Some(rule) = oracle::broken_rule(&owner.prefs, &owner.events, &world.window, world.now, &slot) {
                violations.push(format!("booked {slot} breaks agent {agent}'s rule: {rule}"));
            }
        }
    }
}

fn check_budgets(world: &World, offered: &BTreeMap<(usize, usize), BTreeSet<Interval>>, violations: &mut Vec<String>) {
    for (&(from, to), slots) in offered {
        let budget = world.owners[from].budget as usize;
        if slots.len() > budget {
            violations.push(format!("agent {from} offered {} slots to {to}, budget {budget}", slots.len()));
        }
    }
}

/// The fast availability must agree with the naive rules on sampled grid slots.
fn cross_check_availability(world: &World, availabilities: &[Availability], rng: &mut ChaCha8Rng, violations: &mut Vec<String>) {
    let grid = world.window.duration().as_secs() / SLOT_STEP.as_secs();
    for (agent, (owner, availability)) in world.owners.iter().zip(availabilities).enumerate() {
        let free_slots = availability.slots(SLOT_STEP);
        let mut sampled: Vec<Interval> = (0..12)
            .map(|_| {
                let start = world.window.start().as_second() / 900 * 900 + 900 * rng.random_range(0..grid);
                Interval::starting_at(Timestamp::from_second(start).unwrap(), world.duration).unwrap()
            })
            .collect();
        for _ in 0..4 {
            sampled.extend(free_slots.get(rng.random_range(0..free_slots.len().max(1))).copied());
        }
        for slot in sampled {
            let naive = oracle::broken_rule(&owner.prefs, &owner.events, &world.window, world.now, &slot);
            if naive.is_none() != availability.can_host(&slot) {
                violations.push(format!("agent {agent}: availability says {} for {slot}, naive rules say {naive:?}", availability.can_host(&slot)));
            }
        }
    }
}
