//! The relay origin a client signs its challenge for.

use super::error::StartError;

/// The origin of a relay URL as the relay checks it: `scheme://host[:port]`, lower-case,
/// without path, query or fragment (`wss://Relay.example.org/ws` -> `wss://relay.example.org`).
///
/// The relay accepts a signature for its configured public origins or, without them, for
/// `ws://` and `wss://` plus the `Host` header of the upgrade request; both the native and
/// the browser WebSocket send the host exactly as it appears in the URL, so the two agree.
pub fn relay_origin(url: &str) -> Result<String, StartError> {
    let lower = url.trim().to_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("ws://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("wss://") {
        rest
    } else {
        return Err(StartError::Scheme { url: url.to_string() });
    };
    let scheme = &lower[..lower.len() - rest.len()];
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials never belong to the origin.
    let host = host.rsplit('@').next().unwrap_or_default();
    if host.is_empty() {
        return Err(StartError::NoHost { url: url.to_string() });
    }
    Ok(format!("{scheme}{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_drops_path_and_case() {
        assert_eq!(relay_origin("wss://Relay.Example.org/ws").unwrap(), "wss://relay.example.org");
        assert_eq!(relay_origin("ws://127.0.0.1:8081/ws?x=1").unwrap(), "ws://127.0.0.1:8081");
        assert_eq!(relay_origin("ws://u:p@h:1/ws").unwrap(), "ws://h:1");
    }

    #[test]
    fn origin_refuses_other_schemes_and_empty_hosts() {
        assert!(matches!(relay_origin("https://relay.example.org"), Err(StartError::Scheme { .. })));
        assert!(matches!(relay_origin("ws:///ws"), Err(StartError::NoHost { .. })));
    }
}
