//! Presence between instances, carried on the same per-agent channels as mail
//! (`an:c:<agent>`). Mail announcements start with a stream id (an ASCII digit); these
//! start with a letter:
//!
//! - `P` status(0/1) target(32), on a viewer's channel: `target` went online/offline
//!   and allows this viewer. The viewer's instance passes it on if the viewer follows.
//! - `Q` viewer(32), on a target's channel: `viewer` follows the target and asks for its
//!   status. The target's instance answers with `P 1` if the target allows the viewer.
//!
//! No presence state lives in Redis: an offline agent's lists are gone with its session,
//! exactly as on one instance.

use agentnet_core::wire::AgentIdBytes;

/// A presence message between instances.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    Status { target: AgentIdBytes, online: bool },
    Query { viewer: AgentIdBytes },
}

impl Signal {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(34);
        match self {
            Signal::Status { target, online } => {
                out.push(b'P');
                out.push(u8::from(*online));
                out.extend_from_slice(target);
            }
            Signal::Query { viewer } => {
                out.push(b'Q');
                out.extend_from_slice(viewer);
            }
        }
        out
    }

    /// The signal in `payload`, or `None` for anything else (mail announcements).
    pub(crate) fn parse(payload: &[u8]) -> Option<Signal> {
        match payload {
            [b'P', online @ (0 | 1), target @ ..] => Some(Signal::Status { target: target.try_into().ok()?, online: *online == 1 }),
            [b'Q', viewer @ ..] => Some(Signal::Query { viewer: viewer.try_into().ok()? }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_round_trip_and_mail_is_not_a_signal() {
        for s in [Signal::Status { target: [7; 32], online: true }, Signal::Status { target: [1; 32], online: false }, Signal::Query { viewer: [2; 32] }] {
            assert_eq!(Signal::parse(&s.encode()), Some(s));
        }
        assert_eq!(Signal::parse(b"1700000000000-0\nxyz"), None);
        assert_eq!(Signal::parse(b"P\x02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), None);
        assert_eq!(Signal::parse(b"Qshort"), None);
    }
}
