//! [`Negotiations`]: every meeting being arranged, sealed in the conversations
//! collection, with the in-memory index of when each open one wakes.

use std::sync::Mutex;

use agentnet_platform::store::{Collection, Query, Record, Store};
use jiff::Timestamp;

use super::timers::Timers;
use super::{AgentVault, Changes, absent_is_none};
use crate::{AgentError, Negotiation};

/// The conversations collection and its timer index.
pub(crate) struct Negotiations<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
    /// Never held across an await.
    timers: Mutex<Timers>,
}

impl<S: Store + 'static> Negotiations<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes) -> Self {
        Negotiations { vault, changes, timers: Mutex::default() }
    }

    /// Every negotiation, oldest first.
    pub(crate) async fn all(&self) -> Result<Vec<Negotiation>, AgentError> {
        let mut out = Vec::new();
        for record in self.vault.list(Collection::Conversations, Query::all()).await? {
            out.push(record.decode()?);
        }
        Ok(out)
    }

    /// The negotiation with task id `id` (hex), if there is one.
    pub(crate) async fn get(&self, id: &str) -> Result<Option<Negotiation>, AgentError> {
        Ok(absent_is_none(self.vault.get(Collection::Conversations, id).await)?.map(|record| record.decode()).transpose()?)
    }

    /// The negotiation whose id starts with `prefix` (at least 4 characters).
    pub(crate) async fn find(&self, prefix: &str) -> Result<Negotiation, AgentError> {
        let prefix = prefix.trim().to_lowercase();
        let mut found: Vec<Negotiation> = self.all().await?.into_iter().filter(|n| prefix.len() >= 4 && n.id.starts_with(&prefix)).collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(AgentError::not_found("negotiation", prefix)),
            _ => Err(AgentError::Ambiguous { what: "negotiations", query: prefix, candidates: found.iter().map(|n| n.id[..8].to_owned()).collect::<Vec<_>>().join(", ") }),
        }
    }

    /// Saves `n` and re-arms its timer in the index.
    pub(crate) async fn save(&self, n: &Negotiation) -> Result<(), AgentError> {
        let mut record = Record::json(n.id.clone(), n.created_ms, n)?.with_text(&n.meeting.title);
        if let Some(peer) = n.peers.first() {
            record = record.with_contact(peer.clone());
        }
        self.vault.put(Collection::Conversations, record).await?;
        self.timers().note(n);
        self.changes.announce();
        Ok(())
    }

    /// The negotiations due at `at`, soonest first (reading every one once, on the
    /// first call, to build the index).
    pub(crate) async fn due(&self, at: Timestamp) -> Result<Vec<Negotiation>, AgentError> {
        if !self.timers().is_loaded() {
            let all = self.all().await?;
            self.timers().load(&all);
        }
        let ids = self.timers().due_at(at);
        let mut due = Vec::new();
        for id in ids {
            match self.get(&id).await? {
                Some(n) if !n.is_settled() && n.timer.is_some_and(|t| t <= at) => due.push(n),
                Some(n) => self.timers().note(&n),
                None => self.timers().forget(&id),
            }
        }
        Ok(due)
    }

    /// When the next timer is due.
    pub(crate) fn next_due(&self) -> Option<Timestamp> {
        self.timers().next()
    }

    fn timers(&self) -> std::sync::MutexGuard<'_, Timers> {
        // A panic while the index was held leaves it as consistent as any other state.
        self.timers.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
