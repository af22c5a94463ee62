//! Creating, unlocking and locking the profile, and driving the unlocked agent.

use std::rc::Rc;

use agentnet_core::crypto::vault::KdfParams;
use agentnet_agent::{Agent, NewProfile};
use agentnet_platform::device::{DeviceStore, open_store};
use agentnet_platform::llm::Understand;
use agentnet_platform::store::{Profile, StoreError, backup};
use agentnet_platform::vault::Vault;
use dioxus::core::spawn_forever;
use dioxus::prelude::*;
use zeroize::Zeroizing;

use super::{AppAgent, Link, Phase, Session};

/// The one profile the app keeps per device (per browser origin on the web).
const PROFILE: &str = "agent";

async fn store() -> Result<DeviceStore, StoreError> {
    open_store(&Profile::new(PROFILE)?).await
}

impl Session {
    /// Finds out whether this device has a profile.
    pub(super) async fn detect(mut self) {
        let found = match store().await {
            Ok(store) => Vault::exists(&store).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        self.phase.set(match found {
            Ok(true) => Phase::Locked,
            Ok(false) => Phase::New,
            Err(reason) => Phase::Unavailable(reason),
        });
    }

    /// Creates the profile and unlocks it. The passphrase is only used, never kept.
    pub(crate) async fn create(self, profile: NewProfile, passphrase: Zeroizing<String>) -> Result<(), String> {
        let store = store().await.map_err(|e| e.to_string())?;
        AppAgent::create(store, passphrase.as_bytes(), profile, KdfParams::default()).await.map_err(|e| e.to_string())?;
        self.unlock(passphrase).await
    }

    /// Writes an exported profile into this device's empty store; the owner then unlocks
    /// it with its passphrase as usual. A bad file or a device that has a profile already
    /// is refused and nothing is written.
    pub(crate) async fn import(mut self, file: Vec<u8>) -> Result<usize, String> {
        let store = store().await.map_err(|e| e.to_string())?;
        let count = backup::import(&store, &file).await.map_err(|e| e.to_string())?;
        self.phase.set(Phase::Locked);
        Ok(count)
    }

    /// Unlocks the profile, connects to the relay and starts the agent.
    pub(crate) async fn unlock(self, passphrase: Zeroizing<String>) -> Result<(), String> {
        let store = store().await.map_err(|e| e.to_string())?;
        let agent = Agent::open(store, passphrase.as_bytes(), true, Understand::offline()).await.map_err(|e| e.to_string())?;
        self.start(Rc::new(agent));
        Ok(())
    }

    /// Stops the agent and forgets everything unlocked: the next step is the passphrase.
    pub(crate) fn lock(mut self) {
        for task in self.tasks.write().drain(..) {
            task.cancel();
        }
        self.agent.set(None);
        self.chat.write().clear();
        self.link.set(Link::Off);
        self.fault.set(None);
        self.phase.set(Phase::Locked);
    }

    /// Runs the agent's loop and mirrors its watches into signals. The tasks belong to
    /// the root scope: they outlive whichever screen unlocked.
    fn start(mut self, agent: Rc<AppAgent>) {
        let mut tasks = Vec::new();
        let running = agent.clone();
        let mut fault = self.fault;
        tasks.push(spawn_forever(async move {
            if let Err(e) = running.run().await {
                fault.set(Some(format!("Your agent stopped: {e}")));
            }
        }));
        let mut seen = agent.changes();
        let mut changes = self.changes;
        tasks.push(spawn_forever(async move {
            while seen.changed().await.is_ok() {
                *changes.write() += 1;
            }
        }));
        if let Some(mut state) = agent.connection() {
            let mut link = self.link;
            tasks.push(spawn_forever(async move {
                loop {
                    link.set(Link::from(&*state.borrow_and_update()));
                    if state.changed().await.is_err() {
                        break;
                    }
                }
            }));
        }
        self.tasks.set(tasks);
        self.agent.set(Some(agent));
        self.phase.set(Phase::Ready);
    }
}
