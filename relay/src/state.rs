//! The shared state handed to every handler: cheap to clone.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::sync::watch;

use crate::senders::SendBudgets;
use crate::config::Config;
use crate::mailbox::memory::MemoryMailbox;
use crate::metrics::Metrics;
use crate::oidc::IdTokenGate;
use crate::presence::Presence;
use crate::routing::local::Hub;
use crate::routing::redis::RedisRouting;
use crate::routing::{Backend, MemoryBackend};
use crate::task::AbortOnDrop;

/// The lifecycle of an instance, watched by every connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Drain {
    Running,
    /// Shutting down: finish the frame in hand, then close 1001.
    Draining,
    /// Routing is broken (Redis pub/sub unreachable for long): close 1011 so clients go
    /// elsewhere. Back to `Running` when Redis returns.
    Broken,
}

pub(crate) struct Lifecycle {
    pub(crate) drain: watch::Sender<Drain>,
    pub(crate) ready: AtomicBool,
}

/// Handles shared by all connections of one relay instance.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) presence: Arc<Presence>,
    /// The ID token gate, when configured.
    pub(crate) oidc: Option<IdTokenGate>,
    pub(crate) backend: Backend,
    pub(crate) life: Arc<Lifecycle>,
    /// What each source address may still have stored.
    pub(crate) senders: SendBudgets,
    next_conn_id: AtomicU64,
    /// Origins logins may be signed for, fixed once the listening address is known.
    origins: OnceLock<Vec<String>>,
    _sweeper: Option<AbortOnDrop<()>>,
}

/// The relay could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Redis was configured but could not be reached.
    #[error("connecting to redis: {0}")]
    Redis(String),
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl AppState {
    /// A relay with the embedded defaults: in-memory routing and mailboxes, no account gate.
    pub fn new() -> Self {
        Self::in_memory(Config::default())
    }

    /// A relay with `config`, routing in memory whatever `config.redis_url` says.
    pub fn in_memory(config: Config) -> Self {
        let metrics = Arc::new(Metrics::default());
        let mailbox = MemoryMailbox::new(config.mailbox_max_messages, config.mailbox_max_bytes, config.mailbox_total_bytes, config.mailbox_ttl, metrics.clone());
        let backend = Backend::Memory(MemoryBackend::new(mailbox));
        let hub = Arc::new(Hub::new(metrics.clone()));
        Self::assemble(config, metrics, hub, Arc::default(), backend, new_life())
    }

    /// A relay with `config`: through Redis when `config.redis_url` is set.
    pub async fn from_config(config: Config) -> Result<Self, StartError> {
        let Some(url) = config.redis_url.clone() else {
            return Ok(Self::in_memory(config));
        };
        let metrics = Arc::new(Metrics::default());
        let hub = Arc::new(Hub::new(metrics.clone()));
        let life = new_life();
        let presence = Arc::new(Presence::default());
        let routing = RedisRouting::start(
            &url,
            (config.mailbox_max_messages, config.mailbox_max_bytes, config.mailbox_ttl),
            hub.clone(),
            presence.clone(),
            life.clone(),
        )
        .await
        .map_err(|e| StartError::Redis(e.to_string()))?;
        Ok(Self::assemble(config, metrics, hub, presence, Backend::Redis(routing), life))
    }

    fn assemble(
        config: Config,
        metrics: Arc<Metrics>,
        hub: Arc<Hub>,
        presence: Arc<Presence>,
        backend: Backend,
        life: Arc<Lifecycle>,
    ) -> Self {
        let inner = Arc::new_cyclic(|weak: &std::sync::Weak<Inner>| {
            let weak = weak.clone();
            // The sweeper expires abandoned in-memory mailboxes. Embedders may build the
            // state outside a runtime; then expiry happens on access only.
            let sweeper = tokio::runtime::Handle::try_current().ok().map(|rt| {
                AbortOnDrop(rt.spawn(async move {
                    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
                    loop {
                        tick.tick().await;
                        let Some(inner) = weak.upgrade() else { return };
                        if let Backend::Memory(m) = &inner.backend {
                            m.mailbox.sweep();
                        }
                        inner.senders.sweep(std::time::Instant::now());
                    }
                }))
            });
            let oidc = config.oidc.as_ref().map(IdTokenGate::new);
            Inner {
                senders: SendBudgets::new(config.ip_send_rate, config.ip_send_burst, config.max_frame_len),
                oidc,
                config,
                metrics,
                hub,
                presence,
                backend,
                life,
                next_conn_id: AtomicU64::new(1),
                origins: OnceLock::new(),
                _sweeper: sweeper,
            }
        });
        AppState { inner }
    }

    /// The configuration this relay runs with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Starts draining: every connection finishes the frame in hand and closes with
    /// 1001 going away; `/readyz` answers 503.
    pub fn drain(&self) {
        self.inner.life.ready.store(false, Ordering::SeqCst);
        self.inner.life.drain.send_replace(Drain::Draining);
    }

    /// Fixes the origins logins may be signed for: the configured public origins, or
    /// else those of `local`, the address the relay listens on (see
    /// `Config::public_origins`). Logged, so an operator sees what the relay accepts.
    /// Only the first call counts; until then, with nothing configured, logins fail.
    pub fn listening_on(&self, local: SocketAddr) {
        let configured = &self.inner.config.public_origins;
        let origins = if configured.is_empty() { crate::auth::derived_origins(local) } else { configured.clone() };
        if self.inner.origins.set(origins).is_ok() {
            tracing::info!(origins = ?self.accepted_origins(), "accepting logins signed for these origins");
        }
    }

    /// The origins logins may be signed for (see [`AppState::listening_on`]).
    pub(crate) fn accepted_origins(&self) -> Vec<String> {
        match self.inner.origins.get() {
            Some(origins) => origins.clone(),
            None => self.inner.config.public_origins.clone(),
        }
    }

    pub(crate) fn next_conn_id(&self) -> u64 {
        self.inner.next_conn_id.fetch_add(1, Ordering::Relaxed)
    }
}

fn new_life() -> Arc<Lifecycle> {
    Arc::new(Lifecycle { drain: watch::Sender::new(Drain::Running), ready: AtomicBool::new(true) })
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.inner.config).finish_non_exhaustive()
    }
}
