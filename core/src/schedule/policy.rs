//! What an owner allows their agent to do with each contact.

/// How the agent answers a contact's meeting requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContactPolicy {
    /// Answer on the owner's behalf.
    AutoAccept,
    /// Ask the owner before answering (the negotiation waits in `INPUT_REQUIRED`).
    #[default]
    AskFirst,
    /// Decline every request from this contact.
    Never,
}

/// Per-contact settings the negotiation enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContactSettings {
    /// How requests are answered.
    pub policy: ContactPolicy,
    /// At most this many of the owner's slots are revealed to the contact in one
    /// negotiation: every offered slot tells the contact a little about the calendar.
    pub disclosure_budget: u32,
}

impl Default for ContactSettings {
    fn default() -> Self {
        ContactSettings { policy: ContactPolicy::default(), disclosure_budget: 12 }
    }
}
