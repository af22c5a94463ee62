//! The desktop redirect: a one-shot HTTP listener on 127.0.0.1 that receives the code.
//!
//! Google's installed-app flow redirects the browser to `http://127.0.0.1:PORT/?code=..`;
//! the port is picked by the OS, so bind first and put [`LoopbackListener::redirect_uri`]
//! into the [`OAuthConfig`](super::OAuthConfig).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::calendar::error::CalendarError;

/// Waits for the browser to come back with the authorization code.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    redirect_uri: String,
}

const DONE: &str = "<!doctype html><title>agentnet</title><p>Calendar connected. You can close this window.</p>";

fn io_error(error: std::io::Error) -> CalendarError {
    CalendarError::Auth { reason: format!("loopback listener: {error}") }
}

impl LoopbackListener {
    /// Listens on a free port of 127.0.0.1.
    pub async fn bind() -> Result<LoopbackListener, CalendarError> {
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(io_error)?;
        let port = listener.local_addr().map_err(io_error)?.port();
        Ok(LoopbackListener { listener, redirect_uri: format!("http://127.0.0.1:{port}/") })
    }

    /// The redirect URI to register in the authorization request.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The `code` of the first redirect carrying one; fails if Google reports an error or
    /// the `state` is not `expected_state` (a forged redirect). Other requests (a favicon)
    /// get a 404 and the wait goes on.
    pub async fn wait_for_code(self, expected_state: &str) -> Result<String, CalendarError> {
        loop {
            let (mut stream, _) = self.listener.accept().await.map_err(io_error)?;
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
                let read = stream.read(&mut chunk).await.map_err(io_error)?;
                if read == 0 {
                    break;
                }
                request.extend_from_slice(&chunk[..read]);
            }
            let head = String::from_utf8_lossy(&request);
            let target = head.split_whitespace().nth(1).unwrap_or("/");
            let url = reqwest::Url::parse(&format!("http://127.0.0.1{target}")).ok();
            let query: std::collections::HashMap<String, String> =
                url.map(|url| url.query_pairs().into_owned().collect()).unwrap_or_default();
            let outcome = match (query.get("code"), query.get("error")) {
                (_, Some(error)) => Some(Err(CalendarError::Auth { reason: format!("authorization denied: {error}") })),
                (Some(code), None) if query.get("state").map(String::as_str) == Some(expected_state) => Some(Ok(code.clone())),
                (Some(_), None) => Some(Err(CalendarError::Auth { reason: "redirect state does not match the request".into() })),
                (None, None) => None,
            };
            let response = match &outcome {
                Some(_) => format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{DONE}", DONE.len()),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
            };
            // The browser may already have gone; the code is what matters.
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }
}
