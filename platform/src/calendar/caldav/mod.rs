//! CalDAV (RFC 4791): Nextcloud, Fastmail, iCloud, Radicale, mailbox.org.
//!
//! A small client of our own over `reqwest` and `quick-xml`, like the Google one: the
//! CalDAV crates of the field (`minicaldav`, `libdav`) either block on `ureq` or sit on
//! hyper's native connectors, so neither runs in the browser, while `reqwest` uses
//! `fetch` there; and CalDAV needs only six requests (three `PROPFIND`s to discover, the
//! `sync-collection`, `calendar-query` and `calendar-multiget` reports, `PUT`, `DELETE`).
//! `quick-xml` is the XML reader of the field: no C, no allocation per event, builds for
//! wasm32, and resolves namespaces, which WebDAV answers use freely.
//!
//! - Discovery: [`discover_calendars`] from the server URL the owner types (the URL
//!   itself, then `/.well-known/caldav`), the principal, its `calendar-home-set`, and
//!   every collection there that takes events.
//! - Sync: [`CalDavCalendar`] (see its module for how).
//! - Write-back: one resource per booking, created with `If-None-Match: *`, changed and
//!   removed with `If-Match`; a 412 (someone changed it meanwhile) reads the current etag
//!   and writes again.
//! - In the browser the server must allow cross-origin requests (CORS); most hosted
//!   ones do not, and the request then fails as a network error, which the app explains.

mod calendar;
mod dav;
mod discover;
mod xml;

pub use calendar::{CalDavCalendar, discover_calendars};
pub use dav::CalDavLogin;
pub use discover::{CalDavCollection, server_url};
