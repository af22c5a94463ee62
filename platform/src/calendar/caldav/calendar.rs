//! [`CalDavCalendar`]: one calendar collection on a CalDAV server as a [`CalendarSource`]
//! and a [`WriteBack`] target.
//!
//! Sync uses `sync-collection` (RFC 6578) when the server has it; when it does not, the
//! collection's ctag says whether anything changed, and a `calendar-query` for etags
//! which resources did. Changed resources come in one `calendar-multiget`. The copy
//! lives in an [`EventCache`] under ids `<resource path>|<event id>`, and the sync state
//! (the server's token or ctag, and each resource's etag) in the cache's sync-token slot.

use std::collections::{BTreeMap, BTreeSet};

use agentnet_core::schedule::{Interval, IntervalSet};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use super::dav::{CalDavLogin, Dav, Precondition, http_error};
use super::discover::{CalDavCollection, discover, server_url};
use super::xml;
use crate::calendar::cache::EventCache;
use crate::calendar::error::CalendarError;
use crate::calendar::expand::expand;
use crate::calendar::google::RetryPolicy;
use crate::calendar::ics::{export_calendar, parse_calendar};
use crate::calendar::maybe_send::MaybeSync;
use crate::calendar::model::CalendarEvent;
use crate::calendar::occurrence::Occurrence;
use crate::calendar::source::{CalendarSource, SyncReport, busy_time};
use crate::calendar::write_back::{WriteBack, Written, is_agent_booking};

/// Resources fetched per `calendar-multiget`.
const MULTIGET_BATCH: usize = 50;
const ICS: &str = "text/calendar; charset=utf-8";

/// What the last sync left: the server's token (or, without `sync-collection`, the
/// collection's ctag) and the etag of every resource copied.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SyncState {
    token: Option<String>,
    etags: BTreeMap<String, String>,
    /// The server answered `sync-collection` with an error: ask for ctag and etags instead.
    #[serde(default)]
    no_sync_collection: bool,
    #[serde(default)]
    ctag: Option<String>,
}

/// What the server listed: every member, or the changes since the token.
struct Listing {
    /// Members with their etag, and their data when the listing carried it.
    present: Vec<(String, String, Option<String>)>,
    removed: Vec<String>,
    /// Whether `present` is every member (members not in it are gone).
    complete: bool,
    token: Option<String>,
    ctag: Option<String>,
}

/// A CalDAV calendar collection, synced into an [`EventCache`].
#[derive(Debug)]
pub struct CalDavCalendar<C> {
    dav: Dav,
    url: Url,
    cache: C,
    zone: TimeZone,
}

impl<C> CalDavCalendar<C> {
    /// The collection at `url` (as [`discover_calendars`] lists it), read as `login`;
    /// floating and all-day events read in `zone`.
    pub fn new(http: reqwest::Client, login: CalDavLogin, url: &str, cache: C, zone: TimeZone) -> Result<Self, CalendarError> {
        let mut url = server_url(url)?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(CalDavCalendar { dav: Dav::new(http, login), url, cache, zone })
    }

    /// Retries differently (tests keep waits short).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.dav = self.dav.with_retry(retry);
        self
    }

    /// The collection's URL.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    fn resolve(&self, href: &str) -> Result<Url, CalendarError> {
        self.url.join(href).map_err(|error| CalendarError::InvalidResponse { url: self.url.to_string(), reason: format!("bad href {href:?}: {error}") })
    }

    /// Where the agent writes the event with `uid`: one resource per event, named after it.
    fn resource(&self, uid: &str) -> Result<Url, CalendarError> {
        let name: String = uid.chars().map(|c| if c.is_ascii_alphanumeric() || "@._-".contains(c) { c } else { '_' }).collect();
        self.resolve(&format!("{name}.ics"))
    }

    /// The resource's current etag; `None` when it does not exist.
    async fn current_etag(&self, url: &Url) -> Result<Option<String>, CalendarError> {
        let answer = self.dav.send("GET", url, None, Precondition::Any, None).await?;
        match answer.status {
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(None),
            status if status.is_success() => Ok(answer.etag),
            _ => Err(http_error(url, &answer)),
        }
    }
}

/// Every calendar of the account at `server` that takes events.
pub async fn discover_calendars(http: reqwest::Client, login: CalDavLogin, server: &str) -> Result<Vec<CalDavCollection>, CalendarError> {
    discover(&Dav::new(http, login), &server_url(server)?).await
}

fn is_member(href: &str) -> bool {
    !href.ends_with('/')
}

impl<C: EventCache> CalDavCalendar<C> {
    async fn state(&self) -> Result<SyncState, CalendarError> {
        match self.cache.sync_token().await? {
            // A state this version cannot read is dropped: the next sync starts over.
            Some(text) => Ok(serde_json::from_str(&text).unwrap_or_default()),
            None => Ok(SyncState::default()),
        }
    }

    async fn save_state(&self, state: &SyncState) -> Result<(), CalendarError> {
        let text = serde_json::to_string(state).map_err(|error| CalendarError::Cache(error.to_string()))?;
        self.cache.set_sync_token(Some(text)).await
    }

    /// A path as the state keys it (the server may send absolute URLs or paths).
    fn path(&self, href: &str) -> Result<String, CalendarError> {
        Ok(self.resolve(href)?.path().to_owned())
    }

    /// Changes since `token` (RFC 6578).
    async fn changes_since(&self, token: Option<&str>) -> Result<Listing, CalendarError> {
        let answer = self.dav.multistatus("REPORT", &self.url, "1", xml::sync_collection(token)).await?;
        let mut listing = Listing { present: Vec::new(), removed: Vec::new(), complete: token.is_none(), token: answer.sync_token, ctag: None };
        for response in answer.responses.into_iter().filter(|response| is_member(&response.href)) {
            let path = self.path(&response.href)?;
            if response.is_removed() {
                listing.removed.push(path);
            } else if let Some(etag) = response.props.etag {
                listing.present.push((path, etag, None));
            }
        }
        Ok(listing)
    }

    /// Every member, with `sync-collection` from scratch or, on a server without it,
    /// with `calendar-query` for their etags; `None` when that server's ctag says
    /// nothing changed since the last sync.
    async fn everything(&self, state: &mut SyncState) -> Result<Option<Listing>, CalendarError> {
        if !state.no_sync_collection {
            match self.changes_since(None).await {
                Err(CalendarError::Http { status, .. }) if (400..500).contains(&status) || status == 501 => state.no_sync_collection = true,
                other => return other.map(Some),
            }
        }
        let ctag = self.dav.multistatus("PROPFIND", &self.url, "0", xml::CTAG.to_owned()).await?.responses.into_iter().find_map(|r| r.props.ctag);
        if ctag.is_some() && ctag == state.ctag {
            return Ok(None);
        }
        let answer = self.dav.multistatus("REPORT", &self.url, "1", xml::ALL_ETAGS.to_owned()).await?;
        let mut present = Vec::new();
        for response in answer.responses.into_iter().filter(|response| is_member(&response.href) && !response.is_removed()) {
            let path = self.path(&response.href)?;
            present.push((path, response.props.etag.unwrap_or_default(), None));
        }
        Ok(Some(Listing { present, removed: Vec::new(), complete: true, token: None, ctag }))
    }

    /// The data and etag of `paths`.
    async fn fetch(&self, paths: &[String]) -> Result<Vec<(String, String, String)>, CalendarError> {
        let mut fetched = Vec::new();
        for batch in paths.chunks(MULTIGET_BATCH) {
            let answer = self.dav.multistatus("REPORT", &self.url, "1", xml::multiget(batch)).await?;
            for response in answer.responses {
                if let (Some(etag), Some(data)) = (response.props.etag, response.props.calendar_data) {
                    fetched.push((self.path(&response.href)?, etag, data));
                }
            }
        }
        Ok(fetched)
    }

    /// Applies a listing to the copy; returns what changed.
    async fn apply(&self, listing: Listing, state: &mut SyncState) -> Result<SyncReport, CalendarError> {
        let mut report = SyncReport::default();
        let mut removed: BTreeSet<String> = listing.removed.into_iter().collect();
        if listing.complete {
            let present: BTreeSet<&String> = listing.present.iter().map(|(path, _, _)| path).collect();
            removed.extend(state.etags.keys().filter(|path| !present.contains(path)).cloned());
        }
        let mut arrived = Vec::new();
        let mut wanted = Vec::new();
        for (path, etag, data) in listing.present {
            if state.etags.get(&path) == Some(&etag) && !etag.is_empty() {
                continue;
            }
            match data {
                Some(data) => arrived.push((path, etag, data)),
                None => wanted.push(path),
            }
        }
        arrived.extend(self.fetch(&wanted).await?);
        // Which cached records each resource holds, read once.
        let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for event in self.cache.all().await? {
            if let Some((path, _)) = event.id.split_once('|') {
                held.entry(path.to_owned()).or_default().push(event.id.clone());
            }
        }
        for path in &removed {
            for id in held.remove(path).unwrap_or_default() {
                self.cache.delete(&id).await?;
            }
            if state.etags.remove(path).is_some() {
                report.removed += 1;
            }
        }
        for (path, etag, data) in arrived {
            for id in held.remove(&path).unwrap_or_default() {
                self.cache.delete(&id).await?;
            }
            // One unreadable resource must not stop the rest of the calendar from syncing;
            // it is remembered so it is read again only when it changes.
            let events = parse_calendar(&data).unwrap_or_default();
            for mut event in events.into_iter().filter(|event| !is_agent_booking(&event.uid)) {
                event.id = format!("{path}|{}", event.id);
                self.cache.put(event).await?;
            }
            state.etags.insert(path, etag);
            report.changed += 1;
        }
        state.token = listing.token;
        state.ctag = listing.ctag;
        Ok(report)
    }
}

impl<C: EventCache + MaybeSync> CalendarSource for CalDavCalendar<C> {
    /// From the synced copy: call [`sync`](CalendarSource::sync) first to be current.
    async fn list_events(&self, window: Interval) -> Result<Vec<Occurrence>, CalendarError> {
        Ok(expand(&self.cache.all().await?, window, &self.zone))
    }

    /// From the synced copy.
    async fn free_busy(&self, window: Interval) -> Result<IntervalSet, CalendarError> {
        Ok(busy_time(&self.list_events(window).await?, &self.zone).clipped(&window))
    }

    /// Writes a new resource named after the event's `UID`.
    async fn create_event(&self, event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        self.write(&event, None).await?;
        Ok(event)
    }

    async fn update_event(&self, event: CalendarEvent) -> Result<CalendarEvent, CalendarError> {
        let url = self.resource(&event.uid)?;
        let etag = self.current_etag(&url).await?.ok_or_else(|| CalendarError::NotFound { id: event.id.clone() })?;
        self.write(&event, Some(&Written { remote_id: url.path().to_owned(), version: Some(etag) })).await?;
        Ok(event)
    }

    /// Removes the resource the agent wrote for the event with `id` as its `UID`.
    async fn delete_event(&self, id: &str) -> Result<(), CalendarError> {
        let url = self.resource(id)?;
        let etag = self.current_etag(&url).await?.ok_or_else(|| CalendarError::NotFound { id: id.to_owned() })?;
        self.erase(&Written { remote_id: url.path().to_owned(), version: Some(etag) }).await
    }

    /// Incremental from the stored token; a token the server no longer accepts (RFC 6578
    /// §3.2: 403 or 409 `valid-sync-token`) starts over with a full listing.
    async fn sync(&self) -> Result<SyncReport, CalendarError> {
        let mut state = self.state().await?;
        let mut full_resync = false;
        let listing = match state.token.clone() {
            Some(token) => match self.changes_since(Some(&token)).await {
                Err(CalendarError::Http { status, .. }) if (400..500).contains(&status) => {
                    full_resync = true;
                    self.everything(&mut state).await?
                }
                other => Some(other?),
            },
            None => self.everything(&mut state).await?,
        };
        let Some(listing) = listing else {
            // The ctag says nothing changed.
            return Ok(SyncReport::default());
        };
        let mut report = self.apply(listing, &mut state).await?;
        report.full_resync = full_resync;
        self.save_state(&state).await?;
        Ok(report)
    }
}

impl<C: MaybeSync> WriteBack for CalDavCalendar<C> {
    async fn write(&self, event: &CalendarEvent, previous: Option<&Written>) -> Result<Written, CalendarError> {
        let url = match previous {
            Some(written) => self.resolve(&written.remote_id)?,
            None => self.resource(&event.uid)?,
        };
        let body = export_calendar(std::slice::from_ref(event), Timestamp::now());
        let precondition = match previous {
            None => Precondition::Absent,
            Some(Written { version: Some(etag), .. }) => Precondition::Unchanged(etag),
            Some(Written { version: None, .. }) => Precondition::Any,
        };
        let mut answer = self.dav.send("PUT", &url, None, precondition, Some((ICS, body.clone()))).await?;
        let conflict = answer.status == StatusCode::PRECONDITION_FAILED || (answer.status == StatusCode::NOT_FOUND && previous.is_some());
        if conflict {
            // Changed, created or removed on the server since: write over what is there now.
            let current = self.current_etag(&url).await?;
            let precondition = current.as_deref().map_or(Precondition::Absent, Precondition::Unchanged);
            answer = self.dav.send("PUT", &url, None, precondition, Some((ICS, body))).await?;
        }
        if !answer.status.is_success() {
            return Err(http_error(&url, &answer));
        }
        // A server that changed what it stored sends no etag (RFC 4791 §5.3.4): ask for it.
        let version = match answer.etag {
            Some(etag) => Some(etag),
            None => self.current_etag(&url).await?,
        };
        Ok(Written { remote_id: url.path().to_owned(), version })
    }

    async fn erase(&self, written: &Written) -> Result<(), CalendarError> {
        let url = self.resolve(&written.remote_id)?;
        let precondition = written.version.as_deref().map_or(Precondition::Any, Precondition::Unchanged);
        let mut answer = self.dav.send("DELETE", &url, None, precondition, None).await?;
        if answer.status == StatusCode::PRECONDITION_FAILED {
            match self.current_etag(&url).await? {
                Some(etag) => answer = self.dav.send("DELETE", &url, None, Precondition::Unchanged(&etag), None).await?,
                None => return Ok(()),
            }
        }
        match answer.status {
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(()),
            status if status.is_success() => Ok(()),
            _ => Err(http_error(&url, &answer)),
        }
    }
}
