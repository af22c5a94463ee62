//! [`Collection`]: the kinds of records the agent keeps.

use std::fmt;

/// One kind of record. Each collection has its own records, its own ids and, in the
/// vault, its own data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Collection {
    /// The owner's profile, the vault's wrapped keys and sealed identity/prekey secrets.
    Profile,
    /// Agent settings and the owner's scheduling preferences.
    Settings,
    /// Contacts: their prekey bundles and verification state.
    Contacts,
    /// Conversations: negotiations and their A2A task state.
    Conversations,
    /// The transcript: every message, searchable by text, contact and time.
    Messages,
    /// Calendar events, cached, with their sync state.
    Events,
    /// Messages sent and not yet acknowledged by the relay.
    Outbox,
    /// Ids of messages already received (duplicate suppression).
    Seen,
    /// Envelopes received and stored, not yet opened and acted on by the agent.
    Inbox,
}

impl Collection {
    /// Every collection, in a fixed order.
    pub const ALL: [Self; 9] = [
        Self::Profile,
        Self::Settings,
        Self::Contacts,
        Self::Conversations,
        Self::Messages,
        Self::Events,
        Self::Outbox,
        Self::Seen,
        Self::Inbox,
    ];

    /// The stored name. Never change one: it is in every database and bound into every
    /// sealed record.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Settings => "settings",
            Self::Contacts => "contacts",
            Self::Conversations => "conversations",
            Self::Messages => "messages",
            Self::Events => "events",
            Self::Outbox => "outbox",
            Self::Seen => "seen",
            Self::Inbox => "inbox",
        }
    }

    /// The collection with this stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
