//! The relay connection as the owner sees it.

use agentnet_platform::transport::ConnectionState;

/// The relay connection, in the words the status badge shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Link {
    /// Locked: nothing is connected.
    Off,
    /// Dialling or proving the identity.
    Connecting,
    /// Messages flow.
    Online,
    /// Not connected; retrying.
    Offline {
        /// Seconds until the next attempt.
        retry_secs: u64,
    },
}

impl Link {
    /// The badge's text.
    pub(crate) fn label(&self) -> String {
        match self {
            Link::Off => "locked".into(),
            Link::Connecting => "connecting…".into(),
            Link::Online => "online".into(),
            Link::Offline { retry_secs } => format!("relay unreachable, retrying in {retry_secs}s"),
        }
    }

    /// The badge's CSS class.
    pub(crate) fn class(&self) -> &'static str {
        match self {
            Link::Off => "link off",
            Link::Connecting => "link connecting",
            Link::Online => "link online",
            Link::Offline { .. } => "link offline",
        }
    }
}

impl From<&ConnectionState> for Link {
    fn from(state: &ConnectionState) -> Self {
        match state {
            ConnectionState::Connecting | ConnectionState::Authenticating => Link::Connecting,
            ConnectionState::Online => Link::Online,
            ConnectionState::Offline { retry_in, .. } => Link::Offline { retry_secs: retry_in.as_secs().max(1) },
            _ => Link::Off,
        }
    }
}
