//! [`Negotiation`]: one meeting being arranged, as kept in the store, and the journal that
//! rebuilds its state machine after a restart.
//!
//! Core's machines are pure functions of their inputs, so the record keeps what the
//! machine was built from and every event fed to it, with the message ids it drew. Replaying
//! the journal gives back the exact machine, mid-negotiation, on any device, with no
//! serialisation of machine internals.

use agentnet_core::protocol::{ContextId, Meeting, Message, MessageId, TaskId, TaskState};
use agentnet_core::schedule::negotiation::{
    Effect, Invitee, Organiser, OrganiserEvent, OrganiserSetup, Participant, ParticipantEvent, ParticipantSetup,
    RetryPolicy,
};
use agentnet_core::schedule::{Availability, ContactPolicy, ContactSettings, Interval, IntervalSet, SharedHours};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// An agent, by its 32 public-key bytes: the machines' peer id.
pub(crate) type Peer = [u8; 32];

/// Which side of the negotiation this agent is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// This agent's owner asked for the meeting.
    Organiser,
    /// Another agent asked this one.
    Participant,
}

/// What the owner is asked to approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApproval {
    /// The slots the agent would accept or offer, best first.
    pub slots: Vec<Interval>,
}

/// One negotiation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Negotiation {
    /// The task id, hex (also the record id).
    pub id: String,
    /// Our side.
    pub side: Side,
    /// The other agents (contact ids).
    pub peers: Vec<String>,
    /// What is being arranged.
    pub meeting: Meeting,
    /// When it started, unix milliseconds.
    pub created_ms: i64,
    /// The A2A task state.
    pub state: TaskState,
    /// The booked slot, once booked.
    pub booked: Option<Interval>,
    /// Why it ended without a meeting, in words.
    pub outcome: Option<String>,
    /// Set while the owner's answer is awaited.
    pub approval: Option<PendingApproval>,
    /// When the machine wants its next tick.
    pub timer: Option<Timestamp>,
    pub(crate) journal: Journal,
}

/// How the machine was built and what it was fed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Journal {
    start: Start,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Start {
    Organiser {
        task_id: TaskId,
        context_id: ContextId,
        meeting: Meeting,
        invitees: Vec<(Peer, u32)>,
        /// The working day each invitee shared, in `invitees` order (a field of its own so
        /// journals written before it was kept still read).
        #[serde(default)]
        invitee_hours: Vec<Option<SharedHours>>,
        batch_size: usize,
        retry_secs: i64,
        max_resends: u32,
        free: Vec<Interval>,
        candidates: Vec<Interval>,
    },
    Participant {
        organiser: Peer,
        policy: u8,
        budget: u32,
        counter_size: usize,
        patience_secs: i64,
        duration_minutes: u32,
        free: Vec<Interval>,
        candidates: Vec<Interval>,
        /// The working day the organiser shared.
        #[serde(default)]
        organiser_hours: Option<SharedHours>,
    },
}

/// One input to a machine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Input {
    Start { now: Timestamp },
    Received { from: Peer, message: Message, now: Timestamp },
    Tick { now: Timestamp },
    Cancel { now: Timestamp },
    Approved { now: Timestamp },
    Declined { now: Timestamp },
    /// The owner suggested other times instead of approving.
    Countered { slots: Vec<Interval>, now: Timestamp },
    /// The organiser's owner moves the booked meeting: fresh free time and candidates,
    /// inside what the owner asked for.
    Moved { free: Vec<Interval>, candidates: Vec<Interval>, minutes: u32, now: Timestamp },
    /// The participant's calendar as it is now (before a move is answered).
    Refreshed { free: Vec<Interval>, candidates: Vec<Interval>, minutes: u32 },
    /// The owner approved only these of the times asked about.
    ApprovedSome { slots: Vec<Interval>, now: Timestamp },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Step {
    input: Input,
    /// The message ids the machine drew while handling it, in order.
    ids: Vec<MessageId>,
}

/// The organiser's or a participant's machine.
pub(crate) enum Machine {
    Organiser(Box<Organiser<Peer>>),
    Participant(Box<Participant<Peer>>),
}

impl Machine {
    fn handle(&mut self, input: &Input, ids: &mut dyn FnMut() -> MessageId) -> Vec<Effect<Peer>> {
        match self {
            Machine::Organiser(m) => {
                let event = match input.clone() {
                    Input::Start { now } => OrganiserEvent::Start { now },
                    Input::Received { from, message, now } => OrganiserEvent::Received { from, message, now },
                    Input::Tick { now } => OrganiserEvent::Tick { now },
                    Input::Cancel { now } => OrganiserEvent::Cancel { now },
                    Input::Moved { free, candidates, minutes, now } => OrganiserEvent::Reschedule { now, availability: availability(&free, minutes), candidates },
                    // The organiser's owner already approved by asking.
                    Input::Approved { .. } | Input::ApprovedSome { .. } | Input::Declined { .. } | Input::Countered { .. } | Input::Refreshed { .. } => return Vec::new(),
                };
                m.handle(event, ids)
            }
            Machine::Participant(m) => {
                let event = match input.clone() {
                    Input::Received { from, message, now } => ParticipantEvent::Received { from, message, now },
                    Input::Tick { now } => ParticipantEvent::Tick { now },
                    Input::Approved { now } => ParticipantEvent::OwnerApproved { now },
                    Input::ApprovedSome { slots, now } => ParticipantEvent::OwnerApprovedSome { slots, now },
                    Input::Declined { now } | Input::Cancel { now } => ParticipantEvent::OwnerDeclined { now },
                    Input::Countered { slots, now } => ParticipantEvent::OwnerCountered { slots, now },
                    Input::Refreshed { free, candidates, minutes } => ParticipantEvent::AvailabilityChanged { availability: availability(&free, minutes), candidates },
                    Input::Start { .. } | Input::Moved { .. } => return Vec::new(),
                };
                m.handle(event, ids)
            }
        }
    }

    pub(crate) fn state(&self) -> TaskState {
        match self {
            Machine::Organiser(m) => m.state(),
            Machine::Participant(m) => m.state(),
        }
    }

    pub(crate) fn booked(&self) -> Option<Interval> {
        match self {
            Machine::Organiser(m) => m.booked(),
            Machine::Participant(m) => m.booked(),
        }
    }

    /// The peers whose answer the machine waits for (none while the owner decides).
    pub(crate) fn awaiting(&self) -> Vec<Peer> {
        match self {
            Machine::Organiser(m) => m.awaiting(),
            Machine::Participant(m) => match m.state() {
                TaskState::Working | TaskState::Submitted => vec![m.organiser()],
                _ => Vec::new(),
            },
        }
    }
}

fn availability(free: &[Interval], duration_minutes: u32) -> Availability {
    Availability::from_free(IntervalSet::from_intervals(free.iter().copied()), SignedDuration::from_mins(i64::from(duration_minutes)))
}

impl Journal {
    /// An organiser's journal.
    pub(crate) fn organiser(setup: &OrganiserSetup<Peer>, availability: &Availability, candidates: Vec<Interval>) -> Journal {
        let start = Start::Organiser {
            task_id: setup.task_id,
            context_id: setup.context_id,
            meeting: setup.meeting.clone(),
            invitees: setup.invitees.iter().map(|i| (i.peer, i.disclosure_budget)).collect(),
            invitee_hours: setup.invitees.iter().map(|i| i.hours.clone()).collect(),
            batch_size: setup.batch_size,
            retry_secs: setup.retry.first_wait.as_secs(),
            max_resends: setup.retry.max_resends,
            free: availability.free().as_slice().to_vec(),
            candidates,
        };
        Journal { start, steps: Vec::new() }
    }

    /// A participant's journal.
    pub(crate) fn participant(setup: &ParticipantSetup<Peer>, availability: &Availability, candidates: Vec<Interval>, duration_minutes: u32) -> Journal {
        let policy = match setup.contact.policy {
            ContactPolicy::AutoAccept => 0,
            ContactPolicy::AskFirst => 1,
            ContactPolicy::Never => 2,
        };
        let start = Start::Participant {
            organiser: setup.organiser,
            policy,
            budget: setup.contact.disclosure_budget,
            counter_size: setup.counter_size,
            patience_secs: setup.patience.as_secs(),
            duration_minutes,
            free: availability.free().as_slice().to_vec(),
            candidates,
            organiser_hours: setup.organiser_hours.clone(),
        };
        Journal { start, steps: Vec::new() }
    }

    /// The machine as it was after the last step.
    pub(crate) fn replay(&self) -> Machine {
        self.replay_with(|_| {})
    }

    /// Replays the journal, handing each step's effects to `seen`.
    fn replay_with(&self, mut seen: impl FnMut(Vec<Effect<Peer>>)) -> Machine {
        let mut machine = match &self.start {
            Start::Organiser { task_id, context_id, meeting, invitees, invitee_hours, batch_size, retry_secs, max_resends, free, candidates } => {
                let setup = OrganiserSetup {
                    task_id: *task_id,
                    context_id: *context_id,
                    meeting: meeting.clone(),
                    invitees: invitees
                        .iter()
                        .enumerate()
                        .map(|(at, &(peer, disclosure_budget))| {
                            Invitee { peer, disclosure_budget, hours: invitee_hours.get(at).cloned().flatten() }
                        })
                        .collect(),
                    batch_size: *batch_size,
                    retry: RetryPolicy { first_wait: SignedDuration::from_secs(*retry_secs), max_resends: *max_resends },
                };
                let availability = availability(free, meeting.duration_minutes);
                Machine::Organiser(Box::new(Organiser::new(setup, availability, candidates.clone())))
            }
            Start::Participant { organiser, policy, budget, counter_size, patience_secs, duration_minutes, free, candidates, organiser_hours } => {
                let policy = match policy {
                    0 => ContactPolicy::AutoAccept,
                    2 => ContactPolicy::Never,
                    _ => ContactPolicy::AskFirst,
                };
                let setup = ParticipantSetup {
                    organiser: *organiser,
                    contact: ContactSettings { policy, disclosure_budget: *budget },
                    counter_size: *counter_size,
                    patience: SignedDuration::from_secs(*patience_secs),
                    organiser_hours: organiser_hours.clone(),
                };
                Machine::Participant(Box::new(Participant::new(setup, availability(free, *duration_minutes), candidates.clone())))
            }
        };
        for step in &self.steps {
            let mut recorded = step.ids.iter().copied();
            // A recorded step never draws more ids than it drew the first time (the machines
            // are deterministic); a zero id would only show a damaged journal.
            let mut ids = || recorded.next().unwrap_or(MessageId([0; 16]));
            seen(machine.handle(&step.input, &mut ids));
        }
        machine
    }

    /// The owner's ranked slots the participant machine was built with (empty for an
    /// organiser): what the owner may suggest instead.
    pub(crate) fn participant_candidates(&self) -> &[Interval] {
        match &self.start {
            Start::Participant { candidates, .. } => candidates,
            Start::Organiser { .. } => &[],
        }
    }

    /// Every message the machine sent, with its recipient, in order: replayed, so it is
    /// exactly what left (resends included).
    pub(crate) fn sent(&self) -> Vec<(Peer, Message)> {
        self.replay_sent().1
    }

    /// The machine as it is now and every message it sent, from one replay.
    pub(crate) fn replay_sent(&self) -> (Machine, Vec<(Peer, Message)>) {
        let mut out = Vec::new();
        let machine = self.replay_with(|effects| {
            out.extend(effects.into_iter().filter_map(|effect| match effect {
                Effect::Send { to, message } => Some((to, message)),
                _ => None,
            }))
        });
        (machine, out)
    }

    /// Feeds `input` to the machine rebuilt from the journal, records it, and returns the
    /// machine and its effects.
    pub(crate) fn step(&mut self, input: Input, fresh: &mut dyn FnMut() -> MessageId) -> (Machine, Vec<Effect<Peer>>) {
        let mut machine = self.replay();
        let mut drawn = Vec::new();
        let mut ids = || {
            let id = fresh();
            drawn.push(id);
            id
        };
        let effects = machine.handle(&input, &mut ids);
        self.steps.push(Step { input, ids: drawn });
        (machine, effects)
    }
}

impl Negotiation {
    /// Feeds `input` to the machine, records it in the journal and takes over what the
    /// machine now says: its state, the booked slot, the owner's pending approval and the
    /// next timer. Returns the effects for the runtime to carry out (sends, bookings,
    /// notes). `fresh` draws the ids of new messages.
    pub(crate) fn step(&mut self, input: Input, fresh: &mut dyn FnMut() -> MessageId) -> Vec<Effect<Peer>> {
        let (machine, effects) = self.journal.step(input, fresh);
        for effect in &effects {
            match effect {
                Effect::AskOwner { approval } => self.approval = Some(PendingApproval { slots: approval.slots.clone() }),
                Effect::SetTimer { at } => {
                    let now = agentnet_platform::rt::now();
                    self.timer = Some(self.timer.filter(|t| *t > now && *t < *at).unwrap_or(*at));
                }
                _ => {}
            }
        }
        self.state = machine.state();
        self.booked = machine.booked();
        if self.state != TaskState::InputRequired {
            // Answered (approved, declined, countered) or ended while asking.
            self.approval = None;
        }
        effects
    }

    /// Whether it has ended (booked and confirmed, failed, declined or cancelled).
    pub fn is_settled(&self) -> bool {
        self.state.is_terminal()
    }
}
