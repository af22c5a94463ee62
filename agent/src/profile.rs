//! Creating a profile and opening an agent on it.

use std::sync::Arc;

use agentnet_core::crypto::delivery_key::{DeliveryKey, Hash};
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds as ReplayWindow;
use agentnet_core::crypto::vault::KdfParams;
use agentnet_core::identity::{AgentId, Keypair};
use agentnet_platform::llm::Understand;
use agentnet_platform::rt::{now, rng, unix_secs};
use agentnet_platform::store::{Collection, Record, Store};
use agentnet_platform::transport::{ClientConfig, ClientStores, RelayClient, StoreOutbox, StoreSeen};
use agentnet_platform::vault::Vault;
use tokio::sync::{Mutex, Notify};

use crate::receive::InboxSink;
use crate::records::preferences::{load_language_model, load_settings};
use crate::records::{ContactKeys, Records, SecretName, SettingId, absent_is_none};
use crate::settings::{Prefs, Settings};
use crate::{Agent, AgentError, Keys, Policy};

/// How many envelopes the replay window remembers (on top of the transcript's ids).
const REPLAY_WINDOW: usize = 4096;

/// Invites whose keys the relay takes at once (it takes 64 hashes; one is our own key).
const MAX_OPEN_INVITES: usize = 63;

/// One-time prekeys published for first messages (the relay hands each to one sender,
/// and the ring deletes it once it opened an envelope); topped up below half.
const ONE_TIME_PREKEYS: usize = 20;

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
    pub async fn create(store: S, passphrase: &[u8], profile: NewProfile, kdf: KdfParams) -> Result<AgentId, AgentError> {
        if jiff::tz::TimeZone::get(&profile.zone).is_err() {
            return Err(AgentError::InvalidSetting { reason: format!("unknown time zone {:?}", profile.zone) });
        }
        agentnet_platform::transport::relay_origin(&profile.relay)?;
        let vault = Vault::create(store, passphrase, kdf).await?;
        let identity = Keypair::generate(&mut rng());
        let mut ring = Ring::new(&identity, unix_secs(now()), &mut rng());
        ring.add_one_time(ONE_TIME_PREKEYS, unix_secs(now()), &mut rng());
        vault.put_identity(&identity).await?;
        vault.put_secret(SecretName::Prekeys.name(), &ring.to_bytes()).await?;
        vault.put_secret(SecretName::DeliveryKey.name(), DeliveryKey::generate(&mut rng()).as_bytes()).await?;
        let settings = Settings {
            name: profile.name,
            zone: profile.zone,
            relay: profile.relay,
            prefs: Prefs::default(),
            default_policy: Policy::Ask,
            default_budget: 12,
        };
        vault.put(Collection::Settings, Record::json(SettingId::Owner.id(), 0, &settings)?).await?;
        Ok(identity.agent_id())
    }

    /// Unlocks the profile in `store` and starts the agent. With `connect`, it dials the
    /// relay in the background and stays connected; without, sends wait in the outbox for
    /// the next connected start. Prekeys due for rotation are rotated (and published).
    /// `understand` interprets commands unless the owner saved a [`crate::LanguageModel`]
    /// choice in the profile: theirs wins.
    pub async fn open(store: S, passphrase: &[u8], connect: bool, understand: Understand) -> Result<Agent<S>, AgentError> {
        let store = Arc::new(store);
        let mut vault = Vault::open(store.clone()).await?;
        vault.unlock(passphrase).await?;
        let identity = vault.identity().await?;
        let ring_bytes = vault.secret(SecretName::Prekeys.name()).await?;
        let mut ring = Ring::from_bytes(&ring_bytes).map_err(|e| AgentError::InvalidSetting { reason: format!("stored prekeys are damaged: {e}") })?;
        let topped_up = top_up(&mut ring);
        if ring.rotate_if_due(unix_secs(now()), &mut rng()) || topped_up {
            vault.put_secret(SecretName::Prekeys.name(), &ring.to_bytes()).await?;
        }
        // A replay must be refused after a restart too: the window comes back as it was.
        let replay = match absent_is_none(vault.secret(SecretName::ReplayWindow.name()).await)? {
            Some(bytes) => ReplayWindow::from_bytes(&bytes)
                .map_err(|e| AgentError::InvalidSetting { reason: format!("stored replay window is damaged: {e}") })?,
            None => ReplayWindow::new(REPLAY_WINDOW),
        };
        let delivery = match absent_is_none(vault.secret(SecretName::DeliveryKey.name()).await)? {
            Some(bytes) => DeliveryKey::from_bytes(
                bytes.as_slice().try_into().map_err(|_| AgentError::InvalidSetting { reason: "stored delivery key is damaged".into() })?,
            ),
            None => {
                let key = DeliveryKey::generate(&mut rng());
                vault.put_secret(SecretName::DeliveryKey.name(), key.as_bytes()).await?;
                key
            }
        };
        let settings = load_settings(&vault).await?;
        // A choice that no longer reads or builds must not lock the owner out of their
        // profile: the caller's interpreter answers, and Settings can save a new choice.
        let understand = match load_language_model(&vault).await {
            Ok(Some(choice)) => choice.understand().unwrap_or(understand),
            Ok(None) | Err(AgentError::LanguageModel(_)) => understand,
            Err(e) => return Err(e),
        };
        let inbox = Arc::new(Notify::new());
        let relay = settings.relay.clone();
        let records = Records::new(Arc::new(vault), settings);
        let vault = records.vault.clone();
        let client = if connect {
            let stores = ClientStores {
                outbox: Arc::new(StoreOutbox::new(store.clone())),
                keys: Arc::new(ContactKeys(vault.clone())),
                seen: Arc::new(StoreSeen::new(store.clone())),
                sink: Arc::new(InboxSink::new(store.clone(), inbox.clone())),
            };
            let keys = Keypair::from_secret_bytes(&identity.to_secret_bytes());
            let client = RelayClient::start(ClientConfig::new(relay), keys, stores)?;
            // Both go out with the first login, before anyone can have been told to write
            // to us: a send with our key must never find the relay without it.
            client.publish_prekeys(ring.bundle(&identity).to_bytes())?;
            client.publish_delivery_keys(delivery_hashes(&records, &delivery).await?)?;
            Some(client)
        } else {
            None
        };
        let agent_id = identity.agent_id();
        // Whatever arrived before a crash or while another process held the profile.
        inbox.notify_one();
        Ok(Agent {
            keys: Mutex::new(Keys { identity, ring, replay, delivery }),
            records,
            outbox: StoreOutbox::new(store.clone()),
            store,
            agent_id,
            client,
            inbox,
            understand: Mutex::new(understand),
        })
    }

    /// Tells the relay which delivery keys Sends to us may carry: our own, and one per
    /// open invite (for the invitee's first card), the newest [`MAX_OPEN_INVITES`]. Called
    /// again whenever that changes.
    pub(crate) async fn publish_delivery_keys(&self, keys: &Keys) -> Result<(), AgentError> {
        let Some(client) = &self.client else { return Ok(()) };
        client.publish_delivery_keys(delivery_hashes(&self.records, &keys.delivery).await?)?;
        Ok(())
    }

    /// After envelopes were opened: a one-time prekey that opened one is gone from the
    /// ring, so the ring is saved (the deleted secret must not come back from disk), and
    /// topped up and republished when it runs low.
    pub(crate) async fn keep_prekeys(&self, keys: &mut Keys) -> Result<(), AgentError> {
        let topped_up = top_up(&mut keys.ring);
        self.records.vault.put_secret(SecretName::Prekeys.name(), &keys.ring.to_bytes()).await?;
        if topped_up && let Some(client) = &self.client {
            client.publish_prekeys(keys.ring.bundle(&keys.identity).to_bytes())?;
        }
        Ok(())
    }

    /// Rotates the prekeys when due, saves them and publishes the new bundle.
    pub(crate) async fn rotate_prekeys(&self, keys: &mut Keys) -> Result<(), AgentError> {
        if keys.ring.rotate_if_due(unix_secs(now()), &mut rng()) {
            self.records.vault.put_secret(SecretName::Prekeys.name(), &keys.ring.to_bytes()).await?;
            if let Some(client) = &self.client {
                client.publish_prekeys(keys.ring.bundle(&keys.identity).to_bytes())?;
            }
        }
        Ok(())
    }
}

/// Adds one-time prekeys up to [`ONE_TIME_PREKEYS`] when fewer than half are left;
/// whether it did.
fn top_up(ring: &mut Ring) -> bool {
    let left = ring.one_time_count();
    if left >= ONE_TIME_PREKEYS / 2 {
        return false;
    }
    ring.add_one_time(ONE_TIME_PREKEYS - left, unix_secs(now()), &mut rng());
    true
}

/// What the relay should take on Sends to us: our key first, then the newest open invites'.
async fn delivery_hashes<S: Store + 'static>(records: &Records<S>, ours: &DeliveryKey) -> Result<Vec<Hash>, AgentError> {
    let mut hashes = vec![ours.hash()];
    let open = records.invites.open().await?;
    hashes.extend(open.iter().take(MAX_OPEN_INVITES).map(|t| DeliveryKey::for_invite(t).hash()));
    Ok(hashes)
}
