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
    Attendee, Availability, ContactPolicy, ContactSettings, Interval, IntervalSet, LocalRange, PartOfDay, SLOT_STEP,
    SharedHours, SlotScorer,
};
use jiff::civil::Date;
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
    /// Why the organiser gave up, if it did.
    pub failure: Option<String>,
    /// For runs that moved their booking: whether it moved, and whether a slot to move to
    /// existed for everyone.
    pub moved: Option<(bool, bool)>,
    /// Problems found; empty when every property held.
    pub violations: Vec<String>,
}

const MAX_STEPS: usize = 200_000;

/// Every agent's machine and what the network still carries.
struct Run<'w> {
    world: &'w World,
    rng: ChaCha8Rng,
    nodes: Vec<Node>,
    net: Net,
    now: Timestamp,
    next_id: u128,
    seed: u64,
    /// What each agent holds in its calendar now.
    bookings: Vec<Vec<Interval>>,
    offered: BTreeMap<(usize, usize), BTreeSet<Interval>>,
    failure: Option<String>,
    violations: Vec<String>,
}

impl Run<'_> {
    fn perform(&mut self, agent: usize, effects: Vec<Effect<AgentId>>) {
        for effect in effects {
            match effect {
                Effect::Send { to, message } => {
                    let to = index_of(to);
                    if let Some(act) = message.act() {
                        self.offered.entry((agent, to)).or_default().extend(act.offered_slots().iter().copied());
                    }
                    let (loss, duplication) = (self.world.loss, self.world.duplication);
                    self.net.send(&mut self.rng, self.now, agent, to, message.to_json(), loss, duplication);
                }
                Effect::Book { slot } => {
                    if !self.bookings[agent].is_empty() {
                        self.violations.push(format!("agent {agent} booked {slot} while holding {:?}", self.bookings[agent]));
                    }
                    self.bookings[agent].push(slot);
                }
                Effect::Unbook { slot } => self.bookings[agent].retain(|booked| *booked != slot),
                Effect::SetTimer { at } => self.net.schedule(at, agent, Happening::Timer),
                Effect::AskOwner { .. } => {
                    let delay = SignedDuration::from_mins(self.rng.random_range(1..=120));
                    let approve = self.world.owners[agent].approves;
                    self.net.schedule(self.now.checked_add(delay).unwrap(), agent, Happening::OwnerAnswer { approve });
                }
                Effect::Failed { failure } if agent == 0 => self.failure = Some(format!("{failure:?}")),
                Effect::Failed { .. } => {}
            }
        }
    }

    /// Delivers everything until nothing is left in flight.
    fn drive(&mut self) {
        let limits = Limits::default();
        let mut steps = 0;
        while let Some((at, agent, happening)) = self.net.next() {
            self.now = at;
            steps += 1;
            if steps > MAX_STEPS {
                self.violations.push("did not terminate".to_owned());
                return;
            }
            let (seed, mut next_id, now) = (self.seed, self.next_id, self.now);
            let mut ids = || run_id(seed, &mut next_id);
            let produced = match (&mut self.nodes[agent], happening) {
                (Node::Organiser(machine), Happening::Delivery { from, bytes }) => match Message::from_json(&bytes, &limits) {
                    Ok(message) => machine.handle(OrganiserEvent::Received { from: agent_id(from), message, now }, &mut ids),
                    Err(error) => {
                        self.violations.push(format!("organiser refused a message: {error}"));
                        Vec::new()
                    }
                },
                (Node::Organiser(machine), Happening::Timer) => machine.handle(OrganiserEvent::Tick { now }, &mut ids),
                (Node::Participant(machine), Happening::Delivery { from, bytes }) => match Message::from_json(&bytes, &limits) {
                    Ok(message) => machine.handle(ParticipantEvent::Received { from: agent_id(from), message, now }, &mut ids),
                    Err(error) => {
                        self.violations.push(format!("participant refused a message: {error}"));
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
            self.next_id = next_id;
            self.perform(agent, produced);
        }
    }

    fn organiser(&mut self) -> &mut Organiser<AgentId> {
        match &mut self.nodes[0] {
            Node::Organiser(organiser) => organiser,
            Node::Participant(_) => unreachable!("agent 0 organises"),
        }
    }
}

/// The organiser's availability for a request: its free time within the asked part of day
/// (and on `day`, for a move), as the agent cuts it from the owner's words.
fn requested(owner: &world::Owner, free: &Availability, part: Option<PartOfDay>, day: Option<Date>, world: &World) -> Availability {
    let first = owner.prefs.home_zone.to_datetime(world.window.start()).date();
    let pieces = (-1..16).filter_map(|offset: i64| {
        let date = first.checked_add(SignedDuration::from_hours(24 * offset)).ok()?;
        if day.is_some_and(|day| day != date) {
            return None;
        }
        let zone = owner.prefs.zone_on(date);
        let (from, to) = match part {
            Some(PartOfDay::Morning) => (0, 12 * 60),
            Some(PartOfDay::Afternoon) => (12 * 60, 17 * 60),
            Some(PartOfDay::Evening) => (17 * 60, 24 * 60),
            None => (0, 24 * 60),
        };
        let (from, to) = LocalRange::new(from, to).ok()?.on(date);
        Interval::new(zone.to_timestamp(from).ok()?, zone.to_timestamp(to).ok()?).ok()
    });
    // The words mean one day's part at a time. Flying across zones can make one day's
    // morning end where the next day's begins; joined, they would let a meeting straddle
    // both and lie in neither, so a piece starts a step after the one before it ends.
    let mut apart: Vec<Interval> = Vec::new();
    for piece in pieces {
        let start = match apart.last() {
            Some(before) if piece.start() <= before.end() => before.end() + SLOT_STEP,
            _ => piece.start(),
        };
        apart.extend(Interval::new(start, piece.end()).ok());
    }
    let allowed = IntervalSet::from_intervals(apart);
    Availability::from_free(free.free().intersection(&allowed), world.duration)
}

fn common_slots(availabilities: &[Availability], duration: SignedDuration) -> usize {
    let common = availabilities.iter().skip(1).fold(availabilities[0].free().clone(), |acc, a| acc.intersection(a.free()));
    Availability::from_free(common, duration).slots(SLOT_STEP).len()
}

/// Runs the negotiation of seed `seed` (and, for some seeds, a move of what it booked).
pub fn run(seed: u64, lossy: bool) -> Outcome {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let world = World::generate(&mut rng, lossy);
    let parties = world.owners.len();
    let mut violations = Vec::new();

    let mut availabilities: Vec<Availability> = world
        .owners
        .iter()
        .map(|owner| Availability::compute(&owner.prefs, &owner.events, world.window, world.now, world.duration))
        .collect();
    cross_check_availability(&world, &availabilities, &mut rng, &mut violations);
    let free_time = availabilities[0].clone();
    availabilities[0] = requested(&world.owners[0], &free_time, world.part, None, &world);

    let meeting = Meeting { title: "Roadmap".to_owned(), duration_minutes: world.duration.as_mins() as u32 };
    let mut nodes: Vec<Node> = Vec::with_capacity(parties);
    let mut run = Run {
        world: &world,
        rng,
        nodes: Vec::new(),
        net: Net::default(),
        now: world.now,
        next_id: 0,
        seed,
        bookings: vec![Vec::new(); parties],
        offered: BTreeMap::new(),
        failure: None,
        violations,
    };
    for (index, owner) in world.owners.iter().enumerate() {
        let availability = availabilities[index].clone();
        let candidates = ranked(&world, index, &availability);
        if index == 0 {
            let setup = OrganiserSetup {
                task_id: TaskId((seed as u128).to_be_bytes()),
                context_id: ContextId([7; 16]),
                meeting: meeting.clone(),
                invitees: (1..parties)
                    .map(|p| Invitee { peer: agent_id(p), disclosure_budget: owner.budget, hours: SharedHours::of(&world.owners[p].prefs) })
                    .collect(),
                batch_size: world.batch_size,
                retry: RetryPolicy::default(),
            };
            nodes.push(Node::Organiser(Organiser::new(setup, availability, candidates)));
        } else {
            let setup = ParticipantSetup {
                organiser: agent_id(0),
                contact: ContactSettings { policy: owner.policy, disclosure_budget: owner.budget },
                counter_size: world.batch_size,
                patience: SignedDuration::from_hours(7 * 24),
                organiser_hours: SharedHours::of(&world.owners[0].prefs),
            };
            nodes.push(Node::Participant(Participant::new(setup, availability, candidates)));
        }
    }
    run.nodes = nodes;
    let started = run.organiser_handle(OrganiserEvent::Start { now: world.now });
    run.perform(0, started);
    run.drive();

    if !run.organiser().is_settled() {
        let state = run.organiser().state();
        run.violations.push(format!("organiser did not settle: {state:?}"));
    }
    let booked = run.organiser().booked();
    let rounds = run.organiser().rounds();
    check_bookings(&world, booked, world.part, None, &run.bookings, &mut run.violations);

    // Each negotiation has its own budget, and a move is a new one.
    check_budgets(&world, &std::mem::take(&mut run.offered), &mut run.violations);

    // A move: the owner asks for another day of the window; the meeting moves only if
    // everyone agrees, and stays where it was otherwise.
    let mut moved = None;
    if let Some(original) = booked.filter(|_| seed % 4 == 0) {
        let zone = &world.owners[0].prefs.home_zone;
        let day = zone.to_datetime(world.window.start()).date().checked_add(SignedDuration::from_hours(24 * run.rng.random_range(1..13))).unwrap();
        let fresh = requested(&world.owners[0], &free_time, world.part, Some(day), &world);
        let candidates = ranked(&world, 0, &fresh);
        let now = run.now.checked_add(SignedDuration::from_hours(1)).unwrap();
        run.now = now;
        let event = OrganiserEvent::Reschedule { now, availability: fresh.clone(), candidates };
        let effects = run.organiser_handle(event);
        run.perform(0, effects);
        run.drive();
        let after = run.organiser().booked();
        let mut moved_availabilities = availabilities.clone();
        moved_availabilities[0] = fresh;
        let could_move = common_slots(&moved_availabilities, world.duration) > 0;
        if after == Some(original) {
            moved = Some((false, could_move));
        } else if let Some(new_slot) = after {
            moved = Some((true, could_move));
            check_bookings(&world, Some(new_slot), world.part, Some(day), &run.bookings, &mut run.violations);
        } else {
            run.violations.push(format!("a move lost the meeting at {original}"));
        }
        if after == Some(original) {
            check_bookings(&world, Some(original), world.part, None, &run.bookings, &mut run.violations);
        }
    }
    check_budgets(&world, &run.offered, &mut run.violations);
    let willing = world.owners[1..].iter().all(|o| match o.policy {
        ContactPolicy::Never => false,
        ContactPolicy::AskFirst => o.approves,
        ContactPolicy::AutoAccept => true,
    });
    let common_slots = common_slots(&availabilities, world.duration);
    let common_slot_exists = willing && common_slots > 0;
    Outcome { parties, lossy, common_slot_exists, common_slots, booked, rounds, failure: run.failure, moved, violations: run.violations }
}

fn run_id(seed: u64, next_id: &mut u128) -> MessageId {
    *next_id += 1;
    MessageId((u128::from(seed as u32) << 64 | *next_id).to_be_bytes())
}

impl Run<'_> {
    fn organiser_handle(&mut self, event: OrganiserEvent<AgentId>) -> Vec<Effect<AgentId>> {
        let (seed, mut next_id) = (self.seed, self.next_id);
        let effects = self.organiser().handle(event, &mut || run_id(seed, &mut next_id));
        self.next_id = next_id;
        effects
    }
}

/// One owner's slots, best first, scored against the people in the meeting.
fn ranked(world: &World, index: usize, availability: &Availability) -> Vec<Interval> {
    let owner = &world.owners[index];
    let people: Vec<&world::Owner> = if index == 0 { world.owners.iter().collect() } else { vec![owner, &world.owners[0]] };
    let attendees = people.iter().map(|o| Attendee { zone: o.prefs.home_zone.clone(), past_burden: o.past_burden }).collect();
    SlotScorer::new(&owner.prefs, availability, world.now, attendees).ranked(availability.slots(SLOT_STEP))
}

/// Everyone holds exactly the organiser's booking, and it breaks nobody's rule nor the
/// organiser's request (part of day, and the day asked for by a move).
fn check_bookings(world: &World, booked: Option<Interval>, part: Option<PartOfDay>, day: Option<Date>, bookings: &[Vec<Interval>], violations: &mut Vec<String>) {
    let expected: Vec<Interval> = booked.into_iter().collect();
    for (agent, held) in bookings.iter().enumerate() {
        if *held != expected {
            violations.push(format!("agent {agent} holds {held:?}, organiser booked {booked:?}"));
        }
    }
    if let Some(slot) = booked {
        for (agent, owner) in world.owners.iter().enumerate() {
            if let Some(rule) = oracle::broken_rule(&owner.prefs, &owner.events, &world.window, world.now, &slot) {
                violations.push(format!("booked {slot} breaks agent {agent}'s rule: {rule}"));
            }
        }
        if let Some(broken) = oracle::outside_request(&world.owners[0].prefs, part, day, &slot) {
            let prefs = &world.owners[0].prefs;
            violations.push(format!("booked {slot} is not what the organiser asked for: {broken} ({part:?}, day {day:?}, home {:?}, travel {:?})", prefs.home_zone.iana_name(), prefs.travel));
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
