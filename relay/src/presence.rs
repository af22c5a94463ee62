//! Opt-in presence: an agent lists who may see it (PresenceAllow); others list whom
//! they follow (PresenceSubscribe). Only pairs where both agree produce status frames.
//!
//! Both lists belong to the connected session: clients set them after each Welcome,
//! and they are forgotten when the agent's last connection here closes. Allowing a
//! follower that is already subscribed tells it the agent is online.
//!
//! These are the lists of agents connected to this instance. Across Redis-joined
//! instances the status travels on the agents' channels (`routing::signal`): the
//! instance holding an agent sends its status changes to the viewers it allows, and an
//! instance whose viewer subscribes asks the targets' instances.

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

    /// Replaces `agent`'s allow list; returns the viewers it did not allow before.
    pub(crate) fn set_allow(&self, agent: &AgentIdBytes, allowed: &[AgentIdBytes]) -> Vec<AgentIdBytes> {
        let new: HashSet<AgentIdBytes> = allowed.iter().copied().collect();
        let old = self.lock().allow.insert(*agent, new.clone()).unwrap_or_default();
        new.difference(&old).copied().collect()
    }

    /// Everyone `agent` allows, followers or not (they may follow it from elsewhere).
    pub(crate) fn allowed(&self, agent: &AgentIdBytes) -> Vec<AgentIdBytes> {
        self.lock().allow.get(agent).map(|a| a.iter().copied().collect()).unwrap_or_default()
    }

    /// Whether `target` allows `viewer` to see it.
    pub(crate) fn allows(&self, target: &AgentIdBytes, viewer: &AgentIdBytes) -> bool {
        self.lock().allow.get(target).is_some_and(|a| a.contains(viewer))
    }

    /// Whether `viewer` (connected here) follows `target`.
    pub(crate) fn follows(&self, viewer: &AgentIdBytes, target: &AgentIdBytes) -> bool {
        self.lock().followers.get(target).is_some_and(|f| f.contains(viewer))
    }

    /// Replaces `viewer`'s subscriptions; returns the targets that allow it here, and the
    /// targets it did not follow before.
    pub(crate) fn subscribe(&self, viewer: &AgentIdBytes, targets: &[AgentIdBytes]) -> (Vec<AgentIdBytes>, Vec<AgentIdBytes>) {
        let mut g = self.lock();
        let before: HashSet<AgentIdBytes> = g.following.get(viewer).map(|f| f.iter().copied().collect()).unwrap_or_default();
        let added = targets.iter().filter(|t| !before.contains(*t)).copied().collect();
        for old in g.following.remove(viewer).unwrap_or_default() {
            if let Some(f) = g.followers.get_mut(&old) {
                f.remove(viewer);
            }
        }
        for t in targets {
            g.followers.entry(*t).or_default().insert(*viewer);
        }
        g.following.insert(*viewer, targets.to_vec());
        let visible = targets.iter().filter(|t| g.allow.get(*t).is_some_and(|a| a.contains(viewer))).copied().collect();
        (visible, added)
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
