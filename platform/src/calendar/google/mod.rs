//! Google Calendar: OAuth 2.0 with PKCE, incremental sync, free/busy, booking.
//!
//! A typed client of our own over the documented REST v3 shapes (`reqwest` + `serde`)
//! instead of `google-calendar3`: that crate and `yup-oauth2` sit on hyper's native
//! connectors and do not build for the browser, while `reqwest` uses `fetch` there, so one
//! client serves both targets; and we need only six endpoints (token, calendarList,
//! events list/insert/update/delete, freeBusy).
//!
//! - Scopes: [`GOOGLE_SCOPES`] (`calendar.events`, `calendar.freebusy`,
//!   `calendar.calendarlist.readonly`), the narrowest set covering sync, booking and free/busy.
//! - Tokens are refreshed when they expire (or a call answers 401, once per call).
//! - Sync: `events.list` with `syncToken`, every `nextPageToken` page, the
//!   `nextSyncToken` kept in the cache; 410 Gone clears the copy and syncs in full.
//! - 429, 403 `rateLimitExceeded`/`userRateLimitExceeded` and 5xx are retried with bounded,
//!   jittered exponential backoff ([`RetryPolicy`]) through a [`Sleep`] the caller passes
//!   ([`RealSleep`] on every target; tests pass one that records the waits).
//! - Write-back ([`crate::calendar::WriteBack`]): the agent's bookings go in under an id
//!   derived from their `UID` with the `UID` in a private extended property, so a retry
//!   finds the copy (409 on insert, then patch) and a sync leaves them out; changes are
//!   `events.patch`, removals `events.delete`, all with `sendUpdates=none` (each agent
//!   writes its own owner's calendar). Disconnecting revokes the grant ([`revoke_token`]).

mod api;
mod client;
mod convert;
#[cfg(not(wasm_browser))]
mod loopback;
mod oauth;
mod retry;
mod secret;

pub use api::CalendarListEntry;
pub use client::{GOOGLE_API_BASE, GoogleCalendar};
#[cfg(not(wasm_browser))]
pub use loopback::LoopbackListener;
pub use oauth::{
    GOOGLE_AUTH_URL, GOOGLE_REVOKE_URL, GOOGLE_SCOPES, GOOGLE_TOKEN_URL, OAuthConfig, Pkce, Tokens, authorization_url, exchange_code,
    new_state, refresh_tokens, revoke_token,
};
pub use retry::{RealSleep, RetryPolicy, Sleep};
pub use secret::Secret;
