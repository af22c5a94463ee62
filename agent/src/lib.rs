//! agentnet-agent: the agent runtime. It owns the encrypted store, the identity and
//! prekeys, the relay client, the calendar and the interpreter; turns the owner's commands
//! into negotiations, answers other agents by the owner's policy, and keeps a transcript of
//! everything. The same code runs natively (tokio) and in the browser.
//!
//! How it is built:
//! - **Records own themselves** ([`records`]): contacts, invites, negotiations (with their
//!   timers), the transcript, preferences, the calendar and the Google connection are each a
//!   type over the vault that reads and writes its own records and announces its own
//!   changes. Nobody announces a change by hand, so no screen misses one.
//! - **[`Agent`] is a thin front**: a command takes the one lock, changes records through
//!   them, and returns what it did ([`advance::Outcome`] names the messages sent and the
//!   meeting booked, so nothing reads them back). Reads take no lock at all: a screen
//!   never waits behind a command.
//! - **No lock across the network**: a message to a contact whose keys expired is kept
//!   (sealed) until the command is committed; its keys are then fetched with no lock held,
//!   and it is sealed and handed to the durable outbox ([`send`]).
//! - **Receiving**: the relay client stores each envelope in the inbox collection before
//!   acknowledging it; [`Agent::process_inbox`] opens, checks and acts on each, then
//!   deletes it. A crash in between leaves it there for the next start ([`receive`]).
//! - **Driving**: [`Agent::run`] waits for inbound messages and the machines' timers.
//!
//! Files are named for what they own or do: commands (`connect`, `organise`, `advance`,
//! `decide`, `ask`, `configure`, `google`) change records; `views` only reads them.

mod advance;
mod ask;
mod caldav;
mod clarify;
mod configure;
mod connect;
mod contact;
mod decide;
mod entry;
mod error;
mod google;
mod google_calendars;
mod invite;
mod language_model;
mod negotiation;
mod organise;
mod profile;
mod receive;
mod reschedule;
mod records;
mod run;
mod send;
mod settings;
mod slots;
mod summary;
#[cfg(all(test, not(wasm_browser)))]
mod tests;
#[cfg(all(test, not(wasm_browser)))]
mod write_back_tests;
mod views;
mod when;
mod write_back;

use std::sync::Arc;

use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::crypto::replay::SeenIds as ReplayWindow;
use agentnet_core::identity::{AgentId, Keypair};
use agentnet_platform::llm::Understand;
use agentnet_platform::store::Store;
use agentnet_platform::transport::{ConnectionState, RelayClient, StoreOutbox};
use tokio::sync::{Mutex, Notify, watch};

pub use advance::Outcome;
pub use ask::Answer;
pub use caldav::{CALDAV_SYNC_EVERY, CalDavAccount, CalDavError, CalDavStatus};
pub use connect::ContactChange;
pub use contact::{Contact, Policy};
pub use entry::{Direction, Entry};
pub use error::AgentError;
pub use google_calendars::GoogleCalendarChoice;
pub use google::{GOOGLE_SYNC_EVERY, GoogleAuthorization, GoogleClient, GoogleEndpoints, GoogleError, GoogleStatus};
pub use invite::Invite;
pub use language_model::{LanguageModel, LanguageModelError};
pub use negotiation::{Negotiation, PendingApproval, Side};
pub use profile::NewProfile;
pub use settings::{DayRange, Prefs, Settings, weekday_name};
pub use when::when;
pub use write_back::{Remote, WriteBackStatus};
pub use summary::{Disclosure, Summary, Waiting};

use records::Records;

/// What only commands touch, one at a time: the keys an envelope is sealed with and opened
/// by, the window of envelopes already opened, and the delivery key our contacts send with.
pub(crate) struct Keys {
    identity: Keypair,
    ring: Ring,
    replay: ReplayWindow,
    delivery: DeliveryKey,
}

/// One owner's agent.
pub struct Agent<S: Store + 'static> {
    /// Held for the whole of a command, never across a network wait; reads do not take it.
    keys: Mutex<Keys>,
    records: Records<S>,
    store: Arc<S>,
    agent_id: AgentId,
    client: Option<RelayClient>,
    outbox: StoreOutbox<S>,
    inbox: Arc<Notify>,
    /// Swapped when the owner picks another language model.
    understand: Mutex<Understand>,
}

impl<S: Store + 'static> std::fmt::Debug for Agent<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent").field("agent_id", &self.agent_id).field("online", &self.client.is_some()).finish_non_exhaustive()
    }
}

impl<S: Store + 'static> Agent<S> {
    /// This agent's id.
    pub fn agent_id(&self) -> AgentId {
        self.agent_id
    }

    /// The relay client's connection state, if this agent connects.
    pub fn connection(&self) -> Option<watch::Receiver<ConnectionState>> {
        self.client.as_ref().map(RelayClient::state)
    }

    /// A counter that moves whenever something the owner can see changed (a message, a
    /// booking, a contact, a setting): front ends redraw on it.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.records.changes.subscribe()
    }
}
