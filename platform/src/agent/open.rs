//! Creating a profile and opening an agent on it.

use std::sync::Arc;

use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds as ReplayWindow;
use agentnet_core::crypto::vault::KdfParams;
use agentnet_core::identity::Keypair;
use tokio::sync::{Mutex, Notify, watch};

use super::clock::{now, unix_secs};
use super::inbox::InboxSink;
use super::settings::{Prefs, Settings};
use super::{Agent, AgentError, LanguageModel, Policy, State, VaultEventCache, rng};
use crate::calendar::LocalCalendar;
use crate::llm::Understand;
use crate::store::{Collection, Record, Store};
use crate::transport::{ClientConfig, ClientStores, RelayClient, StoreOutbox, StoreSeen};
use crate::vault::Vault;

const SETTINGS: &str = "owner";
const PREKEYS: &str = "prekeys";
/// How many envelopes the replay window remembers (on top of the transcript's ids).
const REPLAY_WINDOW: usize = 4096;

/// What a new profile starts with.
#[derive(Debug, Clone)]
pub struct NewProfile {
    /// The owner's name, shown to contacts.
    pub name: String,
    /// The owner's IANA time zone.
    pub zone: String,
    /// The relay's WebSocket URL.
    pub relay: String,
}

impl<S: Store + 'static> Agent<S> {
    /// Creates the profile in an empty `store`: the vault under `passphrase`, a fresh
    /// identity and prekeys, default preferences. Returns the new agent's id.
    pub async fn create(store: S, passphrase: &[u8], profile: NewProfile, kdf: KdfParams) -> Result<agentnet_core::identity::AgentId, AgentError> {
        if jiff::tz::TimeZone::get(&profile.zone).is_err() {
            return Err(AgentError::InvalidSetting { reason: format!("unknown time zone {:?}", profile.zone) });
        }
        crate::transport::relay_origin(&profile.relay)?;
        let vault = Vault::create(store, passphrase, kdf).await?;
        let identity = Keypair::generate(&mut rng());
        let ring = Ring::new(&identity, unix_secs(now()), &mut rng());
        vault.put_identity(&identity).await?;
        vault.put_secret(PREKEYS, &ring.to_bytes()).await?;
        let settings = Settings {
            name: profile.name,
            zone: profile.zone,
            relay: profile.relay,
            prefs: Prefs::default(),
            default_policy: Policy::Ask,
            default_budget: 12,
        };
        vault.put(Collection::Settings, Record::json(SETTINGS, 0, &settings)?).await?;
        Ok(identity.agent_id())
    }

    /// Unlocks the profile in `store` and starts the agent. With `connect`, it dials the
    /// relay in the background and stays connected; without, sends wait in the outbox for
    /// the next connected start. Prekeys due for rotation are rotated (and published).
    /// `understand` interprets commands unless the owner saved a [`LanguageModel`]
    /// choice in the profile: theirs wins.
    pub async fn open(store: S, passphrase: &[u8], connect: bool, understand: Understand) -> Result<Agent<S>, AgentError> {
        let store = Arc::new(store);
        let mut vault = Vault::open(store.clone()).await?;
        vault.unlock(passphrase).await?;
        let identity = vault.identity().await?;
        let ring_bytes = vault.secret(PREKEYS).await?;
        let mut ring = Ring::from_bytes(&ring_bytes)
            .map_err(|e| AgentError::InvalidSetting { reason: format!("stored prekeys are damaged: {e}") })?;
        if ring.rotate_if_due(unix_secs(now()), &mut rng()) {
            vault.put_secret(PREKEYS, &ring.to_bytes()).await?;
        }
        let settings: Settings = vault.get(Collection::Settings, SETTINGS).await?.decode()?;
        // A choice that no longer reads or builds must not lock the owner out of their
        // profile: the caller's interpreter answers, and Settings can save a new choice.
        let understand = match LanguageModel::load(&vault).await {
            Ok(Some(choice)) => choice.understand().unwrap_or(understand),
            Ok(None) | Err(AgentError::LanguageModel(_)) => understand,
            Err(e) => return Err(e),
        };
        let vault = Arc::new(vault);
        let calendar = LocalCalendar::new(VaultEventCache::new(vault.clone()), settings.time_zone());
        let inbox = Arc::new(Notify::new());
        let client = if connect {
            let stores = ClientStores {
                outbox: Arc::new(StoreOutbox::new(store.clone())),
                seen: Arc::new(StoreSeen::new(store.clone())),
                sink: Arc::new(InboxSink::new(store.clone(), inbox.clone())),
            };
            let keys = Keypair::from_secret_bytes(&identity.to_secret_bytes());
            let client = RelayClient::start(ClientConfig::new(settings.relay.clone()), keys, stores)?;
            client.publish_prekeys(ring.bundle(&identity).to_bytes())?;
            Some(client)
        } else {
            None
        };
        let agent_id = identity.agent_id();
        let state = State { vault, identity, ring, replay: ReplayWindow::new(REPLAY_WINDOW), settings, calendar, timers: Default::default() };
        let (changes, _) = watch::channel(0);
        // Whatever arrived before a crash or while another process held the profile.
        inbox.notify_one();
        Ok(Agent {
            state: Mutex::new(state),
            outbox: StoreOutbox::new(store.clone()),
            store,
            agent_id,
            client,
            inbox,
            changes,
            understand: Mutex::new(understand),
        })
    }

    /// Saves changed settings.
    pub(crate) async fn save_settings(vault: &Vault<Arc<S>>, settings: &Settings) -> Result<(), AgentError> {
        vault.put(Collection::Settings, Record::json(SETTINGS, 0, settings)?).await?;
        Ok(())
    }

    /// Saves the prekey ring.
    pub(crate) async fn save_ring(vault: &Vault<Arc<S>>, ring: &Ring) -> Result<(), AgentError> {
        vault.put_secret(PREKEYS, &ring.to_bytes()).await?;
        Ok(())
    }
}
