//! Calendars: the sources the agent reads the owner's time from and books meetings into.
//!
//! One trait, [`CalendarSource`], over every source: the [`LocalCalendar`] (the embedded
//! default, in the store), [`IcsCalendar`] (a file or a subscription; import and export in
//! [`ics`]), [`google::GoogleCalendar`] and [`caldav::CalDavCalendar`]. Microsoft Graph can join later behind the same
//! trait. Sources keep their records in an [`EventCache`] (the encrypted store implements
//! it; [`MemoryCache`] until then) and answer reads from it, expanded by [`expand`] into
//! [`Occurrence`]s, which [`Occurrence::to_schedule_event`] turns into the
//! [`agentnet_core::schedule::Event`]s that `Availability::compute` reads.

mod cache;
pub mod caldav;
mod error;
mod expand;
pub mod google;

pub mod ics;
mod local;
mod maybe_send;
mod model;
mod occurrence;
pub mod recur;
mod source;
mod vault_cache;
mod write_back;

pub use cache::{EventCache, MemoryCache};
pub use error::CalendarError;
pub use expand::expand;
pub use ics::IcsCalendar;
pub use local::{LocalCalendar, new_uid};
pub use maybe_send::{MaybeSend, MaybeSync};
pub use model::{CalendarEvent, EventTime, Person, Response, Status, Transparency};
pub use occurrence::{Occurrence, OccurrenceTime, schedule_events};
pub use source::{CalendarSource, SyncReport};
pub use vault_cache::VaultEventCache;
pub use write_back::{AGENT_UID_SUFFIX, WriteBack, Written, is_agent_booking};
