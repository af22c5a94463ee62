//! The Calendar API v3 JSON shapes this client uses (a subset of Google's documented ones).

use serde::{Deserialize, Serialize};

/// `events.list` answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventsPage {
    #[serde(default)]
    pub(crate) items: Vec<Event>,
    pub(crate) next_page_token: Option<String>,
    pub(crate) next_sync_token: Option<String>,
}

/// `start`, `end`, `originalStartTime`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventDateTime {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) time_zone: Option<String>,
}

/// An attendee or the organizer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attendee {
    #[serde(default)]
    pub(crate) email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) response_status: Option<String>,
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub(crate) optional: bool,
}

/// An event resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Event {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) start: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) end: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) recurrence: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) recurring_event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) original_start_time: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transparency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attendees: Option<Vec<Attendee>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) organizer: Option<Attendee>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sequence: Option<u32>,
    #[serde(rename = "iCalUID", skip_serializing_if = "Option::is_none")]
    pub(crate) ical_uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) extended_properties: Option<ExtendedProperties>,
    /// The version Google stores; only read.
    #[serde(default, skip_serializing)]
    pub(crate) etag: Option<String>,
}

/// `extendedProperties`: key/value pairs apps keep on an event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ExtendedProperties {
    /// Seen only by this calendar's copy of the event.
    #[serde(default)]
    pub(crate) private: std::collections::BTreeMap<String, String>,
}

/// `calendarList.list` answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CalendarListPage {
    #[serde(default)]
    pub(crate) items: Vec<CalendarListEntry>,
    pub(crate) next_page_token: Option<String>,
}

/// One calendar of the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarListEntry {
    /// Calendar id (`primary` works too).
    pub id: String,
    /// Name.
    #[serde(default)]
    pub summary: String,
    /// Whether it is the owner's primary calendar.
    #[serde(default)]
    pub primary: bool,
    /// `owner`, `writer`, `reader` or `freeBusyReader`.
    #[serde(default)]
    pub access_role: String,
    /// The calendar's IANA zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// `freeBusy.query` request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FreeBusyRequest {
    pub(crate) time_min: String,
    pub(crate) time_max: String,
    pub(crate) items: Vec<FreeBusyItem>,
}

/// A calendar to ask about.
#[derive(Debug, Serialize)]
pub(crate) struct FreeBusyItem {
    pub(crate) id: String,
}

/// `freeBusy.query` answer.
#[derive(Debug, Deserialize)]
pub(crate) struct FreeBusyResponse {
    #[serde(default)]
    pub(crate) calendars: std::collections::HashMap<String, FreeBusyCalendar>,
}

/// Busy periods of one calendar.
#[derive(Debug, Deserialize)]
pub(crate) struct FreeBusyCalendar {
    #[serde(default)]
    pub(crate) busy: Vec<BusyPeriod>,
    #[serde(default)]
    pub(crate) errors: Vec<ErrorItem>,
}

/// `{start, end}` in RFC 3339.
#[derive(Debug, Deserialize)]
pub(crate) struct BusyPeriod {
    pub(crate) start: String,
    pub(crate) end: String,
}

/// Google's error body: `{"error": {"code", "message", "errors": [{"reason"}]}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

/// The `error` object.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) errors: Vec<ErrorItem>,
}

/// One reason.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorItem {
    #[serde(default)]
    pub(crate) reason: String,
}
