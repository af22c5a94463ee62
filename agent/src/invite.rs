//! Invites: how two people connect their agents.
//!
//! The inviter's agent makes an [`Invite`]: its agent id, the relay it lives on, its
//! owner's name and a random one-time token, written as a short code (`an1` + base64url)
//! or a link to the web app carrying the code. The invitee's agent fetches the inviter's
//! prekey bundle from the relay, checks it is signed by the agent id in the invite, and
//! sends its own [`agentnet_core::protocol::Card`] with the token. The inviter accepts
//! the card once, only with a token it issued and has not seen used.

use agentnet_core::identity::AgentId;
use agentnet_core::protocol::InviteToken;
use agentnet_core::text::truncate;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::AgentError;

const PREFIX: &str = "an1";
const VERSION: u8 = 1;
/// Longest relay URL an invite carries, in bytes.
const MAX_URL: usize = 200;
/// Longest name an invite carries, in bytes.
const MAX_NAME: usize = 64;

/// An invitation to connect with an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// The inviter's agent.
    pub agent_id: AgentId,
    /// The relay WebSocket URL the inviter's agent uses.
    pub relay: String,
    /// The inviter's name, as a suggestion for the contact's name.
    pub name: String,
    /// Single use.
    pub token: InviteToken,
}

impl Invite {
    /// The code: `an1` then base64url of `version | agent id (32) | token (16) |
    /// url_len (1) | url | name`.
    pub fn code(&self) -> String {
        let url = truncate(&self.relay, MAX_URL);
        let name = truncate(&self.name, MAX_NAME);
        let mut bytes = Vec::with_capacity(50 + url.len() + name.len());
        bytes.push(VERSION);
        bytes.extend_from_slice(self.agent_id.as_bytes());
        bytes.extend_from_slice(&self.token);
        bytes.push(url.len() as u8);
        bytes.extend_from_slice(url.as_bytes());
        bytes.extend_from_slice(name.as_bytes());
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A link that opens the web app served next to the relay with this invite.
    pub fn link(&self) -> String {
        let base = self.relay.replacen("wss://", "https://", 1).replacen("ws://", "http://", 1);
        let base = base.strip_suffix("/ws").unwrap_or(&base);
        format!("{base}/contacts?invite={}", self.code())
    }

    /// Reads a code, or a link containing one.
    pub fn parse(text: &str) -> Result<Invite, AgentError> {
        let bad = |reason: &str| AgentError::InvalidInvite { reason: reason.into() };
        let text = text.trim();
        let code = match text.find("invite=") {
            Some(at) => text[at + "invite=".len()..].split(['&', '#']).next().unwrap_or_default(),
            None => text,
        };
        let body = code.strip_prefix(PREFIX).ok_or_else(|| bad("it does not start with an1"))?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad("it is not valid base64url"))?;
        let (&version, rest) = bytes.split_first().ok_or_else(|| bad("it is empty"))?;
        if version != VERSION {
            return Err(bad("it comes from a newer version of agentnet"));
        }
        if rest.len() < 32 + 16 + 1 {
            return Err(bad("it is cut short"));
        }
        let (id, rest) = rest.split_at(32);
        let agent_id = AgentId::from_bytes(id.try_into().map_err(|_| bad("agent id"))?).map_err(|_| bad("its agent id is not a valid key"))?;
        let (token, rest) = rest.split_at(16);
        let url_len = usize::from(rest[0]);
        let rest = &rest[1..];
        if rest.len() < url_len {
            return Err(bad("its relay URL is cut short"));
        }
        let relay = std::str::from_utf8(&rest[..url_len]).map_err(|_| bad("its relay URL is not UTF-8"))?;
        let name = std::str::from_utf8(&rest[url_len..]).map_err(|_| bad("its name is not UTF-8"))?;
        if !(relay.starts_with("ws://") || relay.starts_with("wss://")) {
            return Err(bad("its relay URL is not a WebSocket URL"));
        }
        if name.len() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(bad("its name is too long or has control characters"));
        }
        let mut t = [0u8; 16];
        t.copy_from_slice(token);
        Ok(Invite { agent_id, relay: relay.to_owned(), name: name.to_owned(), token: t })
    }
}


#[cfg(test)]
mod tests {
    use agentnet_core::identity::Keypair;

    use super::*;

    fn invite() -> Invite {
        let agent_id = Keypair::from_secret_bytes(&[4; 32]).agent_id();
        Invite { agent_id, relay: "ws://127.0.0.1:8080/ws".into(), name: "Alice Ng".into(), token: [9; 16] }
    }

    #[test]
    fn codes_and_links_round_trip() {
        let invite = invite();
        assert_eq!(Invite::parse(&invite.code()).unwrap(), invite);
        assert_eq!(Invite::parse(&format!("  {}\n", invite.link())).unwrap(), invite);
        assert!(invite.link().starts_with("http://127.0.0.1:8080/contacts?invite=an1"));
    }

    #[test]
    fn damaged_codes_get_a_reason_not_a_panic() {
        let code = invite().code();
        // Every prefix that ends before the name (the last 11 characters) is refused.
        for len in 0..code.len() - 11 {
            assert!(matches!(Invite::parse(&code[..len]), Err(AgentError::InvalidInvite { .. })), "prefix {len}");
        }
        assert!(Invite::parse("an1!!!").is_err());
        assert!(Invite::parse("hello").is_err());
    }
}
