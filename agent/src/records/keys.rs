//! Every id the agent writes in the settings collection and every vault secret's name, in
//! one place: no two writers can pick the same string, and a reader names what it reads
//! by type.

use agentnet_core::protocol::InviteToken;

/// A record in the settings collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SettingId {
    /// The owner's [`crate::Settings`].
    Owner,
    /// The question waiting for the owner's answer.
    Question,
    /// An invite this agent issued and nobody used yet.
    Invite(InviteToken),
    /// A message waiting for its recipient's fresh prekeys.
    Held([u8; 16]),
    /// The Google Calendar connection as the owner sees it.
    Google,
    /// The CalDAV calendar connection as the owner sees it.
    CalDav,
    /// What was written to a remote calendar, and what is still to write.
    WriteBack(crate::Remote),
}

impl SettingId {
    /// The record id. Never change one: it is in every profile.
    pub(crate) fn id(self) -> String {
        match self {
            SettingId::Owner => "owner".to_owned(),
            SettingId::Question => "clarification".to_owned(),
            SettingId::Invite(token) => format!("{}{}", Self::INVITE_PREFIX, hex::encode(token)),
            SettingId::Held(id) => format!("held.{}", hex::encode(id)),
            SettingId::Google => "google".to_owned(),
            SettingId::CalDav => "caldav".to_owned(),
            SettingId::WriteBack(crate::Remote::Google) => "write-back.google".to_owned(),
            SettingId::WriteBack(crate::Remote::CalDav) => "write-back.caldav".to_owned(),
        }
    }

    /// Where the copy of Google's events keeps its sync token.
    pub(crate) const GOOGLE_SYNC_TOKEN: &'static str = "google.sync_token";
    /// Where the copy of the CalDAV calendar keeps its sync state.
    pub(crate) const CALDAV_SYNC_STATE: &'static str = "caldav.sync_state";
    /// Open invites' ids start with this.
    pub(crate) const INVITE_PREFIX: &'static str = "invite.";
    /// Held messages' ids start with this.
    pub(crate) const HELD_PREFIX: &'static str = "held.";
}

/// A vault secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretName {
    /// The prekey ring.
    Prekeys,
    /// The owner's language-model choice (it may hold an API key).
    LanguageModel,
    /// Google's tokens and the client secret.
    GoogleTokens,
    /// The verifier and state of a Google connection being made.
    GooglePending,
    /// The envelopes already opened (the replay window), kept across restarts.
    ReplayWindow,
    /// The delivery key this agent gives its contacts.
    DeliveryKey,
    /// The CalDAV app password.
    CalDavPassword,
}

impl SecretName {
    /// The secret's name. Never change one: it is in every profile.
    pub(crate) fn name(self) -> &'static str {
        match self {
            SecretName::Prekeys => "prekeys",
            SecretName::LanguageModel => "language-model",
            SecretName::GoogleTokens => "google.tokens",
            SecretName::GooglePending => "google.pending",
            SecretName::ReplayWindow => "replay-window",
            SecretName::DeliveryKey => "delivery-key",
            SecretName::CalDavPassword => "caldav.password",
        }
    }
}
