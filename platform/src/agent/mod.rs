//! The agent runtime: owns the encrypted store, the identity and prekeys, the relay
//! client, the calendar and the interpreter; turns the owner's commands into negotiations,
//! answers other agents by the owner's policy, and keeps a transcript of everything.
//!
//! - **State lives in the store** (sealed by the vault): settings, contacts, negotiations
//!   (with the journal that rebuilds their machines), the transcript and the calendar.
//!   A restart, even mid-negotiation, picks up where it was ([`negotiation`]).
//! - **Receiving**: the relay client stores each envelope in the inbox collection before
//!   acknowledging it; [`Agent::process_inbox`] opens, checks and acts on each, then
//!   deletes it. A crash in between leaves it in the inbox for the next start.
//! - **Sending**: effects seal to the contact's prekey bundle and go to the durable outbox;
//!   the client delivers them whenever it is (or gets) online.
//! - **Driving**: [`Agent::run`] waits for inbound messages and the machines' timers.
//!   The same code runs natively (tokio) and in the browser.

mod ask;
mod clarify;
mod clock;
mod connect;
mod contact;
mod effects;
mod error;
mod event_cache;
mod google;
mod inbox;
mod invite;
mod language_model;
mod negotiation;
mod open;
mod organise;
mod queries;
mod run;
mod settings;
mod timers;
mod summary;
#[cfg(all(test, not(wasm_browser)))]
mod tests;
mod transcript;

use std::sync::Arc;

use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds as ReplayWindow;
use agentnet_core::identity::{AgentId, Keypair};
use tokio::sync::{Mutex, Notify, watch};

pub use ask::Answer;
pub use connect::ContactChange;
pub use contact::{Contact, Policy};
pub use error::AgentError;
pub use event_cache::VaultEventCache;
pub use google::{GOOGLE_SYNC_EVERY, GoogleAuthorization, GoogleClient, GoogleEndpoints, GoogleError, GoogleStatus};
pub use invite::Invite;
pub use language_model::{LanguageModel, LanguageModelError};
pub use negotiation::{Negotiation, PendingApproval, Side};
pub use open::NewProfile;
pub use effects::when;
pub use settings::{DayRange, Prefs, Settings, weekday_name};
pub use summary::{Disclosure, Summary, Waiting};
pub use transcript::{Direction, Entry};

use crate::calendar::LocalCalendar;
use crate::llm::Understand;
use crate::store::Store;
use crate::transport::{RelayClient, StoreOutbox};
use crate::vault::Vault;

/// Where an agent keeps everything: one store, shared by the vault, the outbox, the seen
/// ids and the inbox.
type Shared<S> = Arc<S>;

/// What the agent holds while it works; one operation at a time.
pub(crate) struct State<S: Store + 'static> {
    vault: Arc<Vault<Shared<S>>>,
    identity: Keypair,
    ring: Ring,
    replay: ReplayWindow,
    settings: Settings,
    calendar: LocalCalendar<VaultEventCache<Shared<S>>>,
    /// When each open negotiation wants to be woken (filled on the first wake).
    timers: timers::Timers,
}

/// One owner's agent.
pub struct Agent<S: Store + 'static> {
    state: Mutex<State<S>>,
    store: Shared<S>,
    agent_id: AgentId,
    client: Option<RelayClient>,
    outbox: StoreOutbox<S>,
    inbox: Arc<Notify>,
    changes: watch::Sender<u64>,
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
    pub fn connection(&self) -> Option<watch::Receiver<crate::transport::ConnectionState>> {
        self.client.as_ref().map(RelayClient::state)
    }

    /// A counter that moves whenever something the owner can see changed (a message, a
    /// booking, a contact): front ends redraw on it.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The owner's settings.
    pub async fn settings(&self) -> Settings {
        self.state.lock().await.settings.clone()
    }

    /// The whole profile as one file, every record still sealed as at rest
    /// ([`crate::store::backup`]). Holds the agent's lock meanwhile, so no command
    /// writes half of its records into the file.
    pub async fn export_profile(&self) -> Result<Vec<u8>, AgentError> {
        let _state = self.state.lock().await;
        Ok(crate::store::backup::export(&*self.store).await?)
    }

    /// Messages sealed and not yet acknowledged by the relay.
    pub async fn unsent(&self) -> Result<usize, AgentError> {
        use crate::transport::Outbox;
        Ok(self.outbox.pending().await?.len())
    }
}

/// A fresh random 16-byte id.
fn random_id() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // The OS (or the browser's crypto) failing to give randomness leaves no safe way on.
    getrandom::fill(&mut bytes).expect("the system's random source failed");
    bytes
}

/// The system's randomness for key generation and sealing.
fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}
