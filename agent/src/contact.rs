//! [`Contact`]: another person's agent this agent talks to, as kept in the store.

use agentnet_core::crypto::delivery_key::DeliveryKey;
use agentnet_core::crypto::prekey::{Bundle, VerifiedBundle};
use agentnet_core::identity::{AgentId, SafetyNumber};
use agentnet_core::schedule::{ContactPolicy, ContactSettings, SharedHours};
use serde::{Deserialize, Serialize};

/// How this agent answers a contact's requests, as stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Answer on the owner's behalf within their preferences.
    Auto,
    /// Ask the owner before answering.
    #[default]
    Ask,
    /// Decline everything.
    Never,
}

impl Policy {
    /// Parses `auto`, `ask` or `never`.
    pub fn parse(text: &str) -> Option<Policy> {
        match text {
            "auto" => Some(Policy::Auto),
            "ask" => Some(Policy::Ask),
            "never" => Some(Policy::Never),
            _ => None,
        }
    }

    /// The name `parse` reads.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Auto => "auto",
            Policy::Ask => "ask",
            Policy::Never => "never",
        }
    }
}

/// A connected agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The agent id, hex (also the record id).
    pub id: String,
    /// What the owner calls them.
    pub name: String,
    /// Their prekey bundle bytes, as last received (from their card or the relay).
    pub bundle: Vec<u8>,
    /// How requests from them are answered.
    pub policy: Policy,
    /// Most of the owner's free slots revealed to them per negotiation.
    pub disclosure_budget: u32,
    /// The owner compared safety numbers with them.
    pub verified: bool,
    /// Everything from them is dropped.
    pub blocked: bool,
    /// When they were added, unix milliseconds.
    pub added_ms: i64,
    /// The key the relay wants on messages to them, from their card; `None` until their
    /// first card arrives (messages to them wait until then).
    #[serde(default)]
    pub delivery_key: Option<DeliveryKey>,
    /// The key of the invite we accepted from them, which our card went with: what that
    /// card needs if it is still unsent after a restart. Gone once their card arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_key: Option<DeliveryKey>,
    /// The coarse working day they share with us, from their last card.
    #[serde(default)]
    pub hours: Option<SharedHours>,
    /// Whether our cards to them carry our coarse working day (on unless the owner turns
    /// it off for them).
    #[serde(default = "sharing_by_default")]
    pub share_hours: bool,
}

fn sharing_by_default() -> bool {
    true
}

impl Contact {
    /// Their agent id.
    pub fn agent_id(&self) -> Option<AgentId> {
        let bytes: [u8; 32] = hex::decode(&self.id).ok()?.try_into().ok()?;
        AgentId::from_bytes(bytes).ok()
    }

    /// The safety number to compare with them out of band.
    pub fn safety_number(&self, me: &AgentId) -> Option<String> {
        let them = self.agent_id()?;
        Some(SafetyNumber::new(me, &them).to_string())
    }

    /// Their stored bundle, verified at `now` (unix seconds).
    pub fn verified_bundle(&self, now: u64) -> Option<VerifiedBundle> {
        let bundle = Bundle::from_bytes(&self.bundle).ok()?;
        (Some(bundle.agent_id()) == self.agent_id()).then_some(())?;
        bundle.verified(now).ok()
    }

    /// Takes `bundle` (already checked to be theirs and valid) unless it is older than
    /// the one held: prekeys only move forward (`created`, then the prekey id), so a
    /// replayed card or a stale copy on the relay cannot roll their keys back. Returns
    /// whether the stored bundle changed; `Err(())` for an older one.
    pub(crate) fn advance_bundle(&mut self, bundle: &Bundle) -> Result<bool, ()> {
        let held = Bundle::from_bytes(&self.bundle).ok().map(|b| (b.created(), b.prekey_id()));
        if held.is_some_and(|held| (bundle.created(), bundle.prekey_id()) < held) {
            return Err(());
        }
        let bytes = bundle.to_bytes();
        let changed = bytes != self.bundle;
        self.bundle = bytes;
        Ok(changed)
    }

    /// Drops the one-time prekey their stored bundle may carry (the relay handed it to us
    /// for one envelope only).
    pub(crate) fn forget_one_time(&mut self) {
        self.bundle = without_one_time(&self.bundle);
    }

    /// What the negotiation machines enforce for them.
    pub fn settings(&self) -> ContactSettings {
        let policy = match self.policy {
            Policy::Auto => ContactPolicy::AutoAccept,
            Policy::Ask => ContactPolicy::AskFirst,
            Policy::Never => ContactPolicy::Never,
        };
        ContactSettings { policy, disclosure_budget: self.disclosure_budget }
    }
}

impl Contact {
    /// Their agent id's bytes, the negotiation machines' peer id (ids are checked when a
    /// contact is made, so the fallback never shows).
    pub(crate) fn agent_bytes(&self) -> [u8; 32] {
        self.agent_id().map_or([0; 32], |id| *id.as_bytes())
    }
}

/// `bundle` without one-time prekeys (unchanged if it has none or does not decode).
pub(crate) fn without_one_time(bundle: &[u8]) -> Vec<u8> {
    match Bundle::from_bytes(bundle) {
        Ok(mut b) if !b.one_time().is_empty() => {
            b.retain_one_time(None);
            b.to_bytes()
        }
        _ => bundle.to_vec(),
    }
}
