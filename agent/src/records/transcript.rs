//! [`Transcript`]: every message this agent sent, received or refused, and every note to
//! its owner, one sentence each, sealed in the messages collection; indexed in memory by
//! negotiation so one negotiation's lines are read without opening everyone else's.

use std::collections::HashMap;
use std::sync::Mutex;

use agentnet_core::protocol::Message;
use agentnet_platform::rt::{now, random_id};
use agentnet_platform::store::{Collection, Query, Record, Store};

use super::{AgentVault, Changes, absent_is_none};
use crate::{AgentError, Direction, Entry};

/// Negotiation id to the ids of its lines.
#[derive(Default)]
struct Index {
    /// `None` until first read.
    lines: Option<HashMap<String, Vec<String>>>,
    /// Lines written so far: a build that raced a write starts over.
    writes: u64,
}

/// The messages collection.
pub(crate) struct Transcript<S: Store + 'static> {
    vault: AgentVault<S>,
    changes: Changes,
    /// Never held across an await.
    index: Mutex<Index>,
}

/// Who and what a line is about.
#[derive(Debug, Clone, Default)]
pub(crate) struct About {
    /// The negotiation (task id hex).
    pub(crate) negotiation: Option<String>,
    /// The other agent's contact id (hex).
    pub(crate) peer: Option<String>,
}

impl About {
    /// A line of negotiation `id`.
    pub(crate) fn negotiation(id: &str) -> About {
        About { negotiation: Some(id.to_owned()), peer: None }
    }

    /// A line about contact `id`.
    pub(crate) fn peer(id: &str) -> About {
        About { negotiation: None, peer: Some(id.to_owned()) }
    }

    /// Also about contact `id`.
    pub(crate) fn with_peer(mut self, id: &str) -> About {
        self.peer = Some(id.to_owned());
        self
    }
}

impl<S: Store + 'static> Transcript<S> {
    pub(super) fn new(vault: AgentVault<S>, changes: Changes) -> Self {
        Transcript { vault, changes, index: Mutex::default() }
    }

    /// A note from the agent to its owner.
    pub(crate) async fn note(&self, about: About, sentence: String) -> Result<(), AgentError> {
        self.write(&fresh_id(), about, Direction::Note, sentence, None).await
    }

    /// A line saying a message was refused and why.
    pub(crate) async fn refused(&self, about: About, sentence: String) -> Result<(), AgentError> {
        self.write(&fresh_id(), about, Direction::Rejected, sentence, None).await
    }

    /// A line under `id` (a message's id, so it is kept once).
    pub(crate) async fn write(&self, id: &str, about: About, direction: Direction, sentence: String, message: Option<Message>) -> Result<(), AgentError> {
        let at_ms = now().as_millisecond();
        let entry = Entry { negotiation: about.negotiation, at_ms, direction, peer: about.peer.clone(), sentence, message };
        let mut record = Record::json(id, at_ms, &entry)?.with_text(&entry.sentence);
        if let Some(peer) = about.peer {
            record = record.with_contact(peer);
        }
        self.vault.put(Collection::Messages, record).await?;
        let mut index = self.index();
        index.writes += 1;
        if let (Some(negotiation), Some(lines)) = (&entry.negotiation, index.lines.as_mut()) {
            let ids = lines.entry(negotiation.clone()).or_default();
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        drop(index);
        self.changes.announce();
        Ok(())
    }

    /// Whether a line with `id` exists.
    pub(crate) async fn contains(&self, id: &str) -> Result<bool, AgentError> {
        Ok(self.vault.store().contains(Collection::Messages, id).await?)
    }

    /// How many lines about contact `peer` were written since `since_ms`, counting at most
    /// `limit`.
    pub(crate) async fn count_from(&self, peer: &str, since_ms: i64, limit: u32) -> Result<usize, AgentError> {
        let recent = Query::all().contact(peer.to_owned()).between(since_ms, i64::MAX).limit(limit);
        Ok(self.vault.store().list(Collection::Messages, recent).await?.len())
    }

    /// Every line matching `query`, oldest first (refused messages included).
    pub(crate) async fn entries(&self, query: Query) -> Result<Vec<Entry>, AgentError> {
        let mut entries = Vec::new();
        for record in self.vault.list(Collection::Messages, query).await? {
            entries.push(record.decode::<Entry>()?);
        }
        entries.sort_by_key(|e| e.at_ms);
        Ok(entries)
    }

    /// Negotiation `id`'s lines, oldest first.
    pub(crate) async fn of(&self, id: &str) -> Result<Vec<Entry>, AgentError> {
        let ids = self.index().lines.as_ref().map(|lines| lines.get(id).cloned().unwrap_or_default());
        let ids = match ids {
            Some(ids) => ids,
            None => self.build_index().await?.remove(id).unwrap_or_default(),
        };
        let mut entries = Vec::new();
        for line in ids {
            if let Some(record) = absent_is_none(self.vault.get(Collection::Messages, &line).await)? {
                entries.push(record.decode::<Entry>()?);
            }
        }
        entries.sort_by_key(|e| e.at_ms);
        Ok(entries)
    }

    /// Reads every line once to index them by negotiation; returns the index.
    async fn build_index(&self) -> Result<HashMap<String, Vec<String>>, AgentError> {
        loop {
            let before = self.index().writes;
            let mut lines: HashMap<String, Vec<String>> = HashMap::new();
            for record in self.vault.list(Collection::Messages, Query::all()).await? {
                if let Some(negotiation) = record.decode::<Entry>()?.negotiation {
                    lines.entry(negotiation).or_default().push(record.id);
                }
            }
            let mut index = self.index();
            if index.writes == before {
                index.lines = Some(lines.clone());
                return Ok(lines);
            }
        }
    }

    fn index(&self) -> std::sync::MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The id of a line that is not a message of its own.
fn fresh_id() -> String {
    format!("note.{}", hex::encode(random_id()))
}
