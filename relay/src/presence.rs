//! Opt-in presence: an agent lists who may see it (PresenceAllow); others list whom
//! they follow (PresenceSubscribe). Only pairs where both agree produce status frames.
//!
//! Both lists belong to the connected session: clients set them after each Welcome,
//! and they are forgotten when the agent's last connection here closes. This instance
//! only: across Redis-joined instances presence is not propagated yet.

use agentnet_core::wire::AgentIdBytes;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

#[derive(Default)]
struct Inner {
    /// agent -> who may see it.
    allow: HashMap<AgentIdBytes, HashSet<AgentIdBytes>>,
    /// target -> who follows it.
    followers: HashMap<AgentIdBytes, HashSet<AgentIdBytes>>,
    /// viewer -> whom it follows.
    following: HashMap<AgentIdBytes, Vec<AgentIdBytes>>,
}

/// Presence lists of the agents connected here.
#[derive(Default)]
pub(crate) struct Presence {
    inner: Mutex<Inner>,
}

impl Presence {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_allow(&self, agent: &AgentIdBytes, allowed: &[AgentIdBytes]) {
        self.lock().allow.insert(*agent, allowed.iter().copied().collect());
    }

    /// Replaces `viewer`'s subscriptions; returns the targets that allow it.
    pub(crate) fn subscribe(&self, viewer: &AgentIdBytes, targets: &[AgentIdBytes]) -> Vec<AgentIdBytes> {
        let mut g = self.lock();
        for old in g.following.remove(viewer).unwrap_or_default() {
            if let Some(f) = g.followers.get_mut(&old) {
                f.remove(viewer);
            }
        }
        for t in targets {
            g.followers.entry(*t).or_default().insert(*viewer);
        }
        g.following.insert(*viewer, targets.to_vec());
        targets.iter().filter(|t| g.allow.get(*t).is_some_and(|a| a.contains(viewer))).copied().collect()
    }

    /// The followers of `target` that it allows, to tell about a status change.
    pub(crate) fn watchers(&self, target: &AgentIdBytes) -> Vec<AgentIdBytes> {
        let g = self.lock();
        let (Some(followers), Some(allow)) = (g.followers.get(target), g.allow.get(target)) else {
            return Vec::new();
        };
        followers.iter().filter(|v| allow.contains(*v)).copied().collect()
    }

    /// Forgets `agent`'s own lists (its last connection closed).
    pub(crate) fn forget(&self, agent: &AgentIdBytes) {
        let mut g = self.lock();
        g.allow.remove(agent);
        for t in g.following.remove(agent).unwrap_or_default() {
            if let Some(f) = g.followers.get_mut(&t) {
                f.remove(agent);
                if f.is_empty() {
                    g.followers.remove(&t);
                }
            }
        }
    }
}
