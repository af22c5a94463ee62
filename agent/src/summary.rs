//! A negotiation at a glance: who it waits on, which of the owner's free times each
//! contact was shown, and one sentence saying where it stands.
//!
//! Derived from the journal (the machine it rebuilds and the messages it sent), never
//! from the transcript's wording, so every front end tells the same story.

use agentnet_core::protocol::{Act, TaskState};
use agentnet_core::schedule::Interval;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::negotiation::{Machine, Peer};
use crate::{Negotiation, Side, when};

/// Who a negotiation waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "on", content = "peers")]
pub enum Waiting {
    /// The owner: the agent asked for approval.
    Owner,
    /// These contacts' agents (contact ids) have not answered yet.
    Peers(Vec<String>),
    /// Nobody: it is settled, or nothing is outstanding.
    Nobody,
}

/// What one contact was shown of the owner's free time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    /// The contact id.
    pub peer: String,
    /// Their name, as the owner calls them.
    pub name: String,
    /// The owner's free slots the agent offered them, in time order.
    pub slots: Vec<Interval>,
}

/// A negotiation at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Where it stands, in one sentence ("Waiting for Bob to answer").
    pub line: String,
    /// Who it waits on.
    pub waiting: Waiting,
    /// Per contact, the owner's free slots they were shown.
    pub disclosed: Vec<Disclosure>,
}

impl Negotiation {
    /// Who the negotiation waits on.
    pub fn waiting(&self) -> Waiting {
        self.waiting_in(&self.journal.replay())
    }

    fn waiting_in(&self, machine: &Machine) -> Waiting {
        if self.approval.is_some() {
            return Waiting::Owner;
        }
        if self.is_settled() {
            return Waiting::Nobody;
        }
        let peers: Vec<String> = machine.awaiting().iter().map(hex::encode).collect();
        if peers.is_empty() { Waiting::Nobody } else { Waiting::Peers(peers) }
    }

    /// The owner's free slots shown to each peer (every peer listed, in order, even
    /// those shown nothing). Accepting a time the other side proposed shows nothing new.
    pub fn disclosures(&self, name: &dyn Fn(&str) -> String) -> Vec<Disclosure> {
        self.disclosures_in(&self.journal.sent(), name)
    }

    fn disclosures_in(&self, sent: &[(Peer, agentnet_core::protocol::Message)], name: &dyn Fn(&str) -> String) -> Vec<Disclosure> {
        self.peers
            .iter()
            .map(|peer| {
                let mut slots: Vec<Interval> = sent
                    .iter()
                    .filter(|(to, _)| hex::encode(to) == *peer)
                    .filter_map(|(_, message)| message.act().map(|act| act.offered_slots().to_vec()))
                    .flatten()
                    .collect();
                slots.sort_unstable();
                slots.dedup();
                Disclosure { peer: peer.clone(), name: name(peer), slots }
            })
            .collect()
    }

    /// Where it stands, who it waits on and what was shown, with peers named by `name`
    /// and times in `zone`.
    /// One replay of the journal gives all three.
    pub fn summary(&self, name: &dyn Fn(&str) -> String, zone: &TimeZone) -> Summary {
        let (machine, sent) = self.journal.replay_sent();
        let waiting = self.waiting_in(&machine);
        let last_sent = sent.last().and_then(|(_, message)| message.act().cloned());
        let line = self.line(&waiting, last_sent, name, zone);
        Summary { line, waiting, disclosed: self.disclosures_in(&sent, name) }
    }

    fn line(&self, waiting: &Waiting, last_sent: Option<Act>, name: &dyn Fn(&str) -> String, zone: &TimeZone) -> String {
        let ended = |how: &str| match &self.outcome {
            Some(why) => format!("{how}. {why}"),
            None => format!("{how}."),
        };
        match (self.state, self.booked, waiting) {
            (TaskState::Completed, Some(slot), _) => format!("Booked: {}", when(&slot, zone)),
            (_, _, Waiting::Owner) => "Waiting for you to approve".to_owned(),
            (TaskState::Failed, ..) => ended("Failed"),
            (TaskState::Canceled, ..) => ended("Cancelled"),
            (TaskState::Rejected, ..) => ended("Declined"),
            (TaskState::Completed, None, _) => "Done".to_owned(),
            (_, _, Waiting::Peers(peers)) => {
                let names = agentnet_core::text::and_list(&peers.iter().map(|p| name(p)).collect::<Vec<_>>());
                match (self.side, last_sent) {
                    (Side::Organiser, Some(Act::Cancel)) => format!("Cancelling: waiting for {names} to acknowledge"),
                    (Side::Organiser, Some(Act::Confirm { slot })) => format!("Waiting for {names} to confirm {}", when(&slot, zone)),
                    _ => format!("Waiting for {names} to answer"),
                }
            }
            _ => "Starting".to_owned(),
        }
    }
}
