//! The WebDAV XML CalDAV speaks: the request bodies this client sends, and a reader for
//! the `207 Multi-Status` answers (RFC 4918 §13, RFC 4791 §9, RFC 6578 §6).
//!
//! The reader keeps only the properties the client asks for, from `propstat`s whose
//! status is 2xx; anything else in the answer is skipped, so a server that adds its own
//! properties or namespaces changes nothing.

use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

const DAV: &[u8] = b"DAV:";
const CALDAV: &[u8] = b"urn:ietf:params:xml:ns:caldav";
const CALENDAR_SERVER: &[u8] = b"http://calendarserver.org/ns/";

/// `PROPFIND` for the principal of the signed-in user (RFC 5397).
pub(crate) const PRINCIPAL: &str = r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>"#;

/// `PROPFIND` for where the principal's calendars live (RFC 4791 §6.2.1).
pub(crate) const HOME_SET: &str = r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/></d:prop></d:propfind>"#;

/// `PROPFIND` (depth 1) describing each collection under the home set.
pub(crate) const CALENDARS: &str = r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><c:supported-calendar-component-set/></d:prop></d:propfind>"#;

/// `REPORT calendar-query` for every event's etag: the fallback for servers without
/// `sync-collection` (the changed ones are then fetched with `calendar-multiget`).
pub(crate) const ALL_ETAGS: &str = r#"<?xml version="1.0" encoding="utf-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>"#;

/// `PROPFIND` (depth 0) for a collection's ctag, which changes whenever a member does.
pub(crate) const CTAG: &str = r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/></d:prop></d:propfind>"#;

/// `REPORT sync-collection` from `token` (empty for the first sync), etags only.
pub(crate) fn sync_collection(token: Option<&str>) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#,
        escape(token.unwrap_or(""))
    )
}

/// `REPORT calendar-multiget` for the data of `hrefs`.
pub(crate) fn multiget(hrefs: &[String]) -> String {
    let hrefs: String = hrefs.iter().map(|href| format!("<d:href>{}</d:href>", escape(href.as_str()))).collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"#
    )
}

/// The properties of one resource that came back with a 2xx status.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Props {
    pub(crate) etag: Option<String>,
    pub(crate) calendar_data: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) current_user_principal: Option<String>,
    pub(crate) calendar_home_set: Option<String>,
    pub(crate) ctag: Option<String>,
    pub(crate) sync_token: Option<String>,
    /// `resourcetype` holds `C:calendar`.
    pub(crate) is_calendar: bool,
    /// `supported-calendar-component-set`: `VEVENT`, `VTODO`, ….
    pub(crate) components: Vec<String>,
}

/// One `response` element.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) href: String,
    /// The response's own status: `sync-collection` reports a removed member as 404.
    pub(crate) status: Option<u16>,
    pub(crate) props: Props,
}

impl Response {
    /// Whether the member is gone (RFC 6578 §3.5.2).
    pub(crate) fn is_removed(&self) -> bool {
        self.status == Some(404)
    }
}

/// A `207 Multi-Status` answer.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Multistatus {
    pub(crate) responses: Vec<Response>,
    /// The new token of a `sync-collection` report.
    pub(crate) sync_token: Option<String>,
}

/// The elements the reader acts on; everything else is [`Name::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Multistatus,
    Response,
    Href,
    Status,
    Propstat,
    Prop,
    GetEtag,
    DisplayName,
    CurrentUserPrincipal,
    SyncToken,
    ResourceType,
    CalendarData,
    CalendarHomeSet,
    Calendar,
    ComponentSet,
    Comp,
    GetCtag,
    Other,
}

fn name(namespace: &ResolveResult<'_>, local: &[u8]) -> Name {
    let ResolveResult::Bound(namespace) = namespace else { return Name::Other };
    match (namespace.as_ref(), local) {
        (DAV, b"multistatus") => Name::Multistatus,
        (DAV, b"response") => Name::Response,
        (DAV, b"href") => Name::Href,
        (DAV, b"status") => Name::Status,
        (DAV, b"propstat") => Name::Propstat,
        (DAV, b"prop") => Name::Prop,
        (DAV, b"getetag") => Name::GetEtag,
        (DAV, b"displayname") => Name::DisplayName,
        (DAV, b"current-user-principal") => Name::CurrentUserPrincipal,
        (DAV, b"sync-token") => Name::SyncToken,
        (DAV, b"resourcetype") => Name::ResourceType,
        (CALDAV, b"calendar-data") => Name::CalendarData,
        (CALDAV, b"calendar-home-set") => Name::CalendarHomeSet,
        (CALDAV, b"calendar") => Name::Calendar,
        (CALDAV, b"supported-calendar-component-set") => Name::ComponentSet,
        (CALDAV, b"comp") => Name::Comp,
        (CALENDAR_SERVER, b"getctag") => Name::GetCtag,
        _ => Name::Other,
    }
}

/// The status code of an HTTP status line (`HTTP/1.1 404 Not Found`).
fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What the reader has seen so far.
#[derive(Default)]
struct Reading {
    answer: Multistatus,
    path: Vec<Name>,
    text: String,
    response: Response,
    props: Props,
    propstat_status: Option<u16>,
}

impl Reading {
    fn parent(&self) -> Name {
        self.path.iter().rev().nth(1).copied().unwrap_or(Name::Other)
    }

    fn open(&mut self, element: &BytesStart<'_>, this: Name) {
        self.path.push(this);
        self.text.clear();
        match this {
            Name::Response => self.response = Response::default(),
            Name::Propstat => {
                self.props = Props::default();
                self.propstat_status = None;
            }
            Name::Calendar if self.parent() == Name::ResourceType => self.props.is_calendar = true,
            Name::Comp if self.parent() == Name::ComponentSet => {
                if let Some(Ok(value)) = element.try_get_attribute("name").ok().flatten().map(|a| a.unescape_value().map(|v| v.into_owned())) {
                    self.props.components.push(value);
                }
            }
            _ => {}
        }
    }

    fn close(&mut self) {
        let parent = self.parent();
        let Some(this) = self.path.pop() else { return };
        let text = std::mem::take(&mut self.text);
        let value = text.trim().to_owned();
        match (this, parent) {
            (Name::Href, Name::Response) => self.response.href = value,
            (Name::Href, Name::CurrentUserPrincipal) => self.props.current_user_principal = Some(value),
            (Name::Href, Name::CalendarHomeSet) => self.props.calendar_home_set = Some(value),
            (Name::Status, Name::Response) => self.response.status = status_code(&value),
            (Name::Status, Name::Propstat) => self.propstat_status = status_code(&value),
            (Name::GetEtag, Name::Prop) => self.props.etag = Some(value),
            (Name::DisplayName, Name::Prop) => self.props.display_name = Some(value),
            (Name::GetCtag, Name::Prop) => self.props.ctag = Some(value),
            (Name::SyncToken, Name::Prop) => self.props.sync_token = Some(value),
            (Name::SyncToken, Name::Multistatus) => self.answer.sync_token = Some(value),
            // The event text is kept as sent: its line breaks matter.
            (Name::CalendarData, Name::Prop) => self.props.calendar_data = Some(text),
            (Name::Propstat, _) => {
                if self.propstat_status.is_none_or(|status| (200..300).contains(&status)) {
                    merge(&mut self.response.props, std::mem::take(&mut self.props));
                }
            }
            (Name::Response, _) => self.answer.responses.push(std::mem::take(&mut self.response)),
            _ => {}
        }
    }
}

/// Adds what one propstat found to what earlier ones found.
fn merge(into: &mut Props, from: Props) {
    let Props { etag, calendar_data, display_name, current_user_principal, calendar_home_set, ctag, sync_token, is_calendar, components } = from;
    into.etag = into.etag.take().or(etag);
    into.calendar_data = into.calendar_data.take().or(calendar_data);
    into.display_name = into.display_name.take().or(display_name);
    into.current_user_principal = into.current_user_principal.take().or(current_user_principal);
    into.calendar_home_set = into.calendar_home_set.take().or(calendar_home_set);
    into.ctag = into.ctag.take().or(ctag);
    into.sync_token = into.sync_token.take().or(sync_token);
    into.is_calendar |= is_calendar;
    into.components.extend(components);
}

/// Reads a `207 Multi-Status` body; a body that is not well-formed XML is an error
/// naming the problem.
pub(crate) fn read_multistatus(body: &str) -> Result<Multistatus, String> {
    let mut reader = NsReader::from_str(body);
    let mut reading = Reading::default();
    loop {
        let (namespace, event) = reader.read_resolved_event().map_err(|error| format!("not a WebDAV answer: {error}"))?;
        match event {
            Event::Start(element) => {
                let this = name(&namespace, element.local_name().as_ref());
                reading.open(&element, this);
            }
            Event::Empty(element) => {
                let this = name(&namespace, element.local_name().as_ref());
                reading.open(&element, this);
                reading.close();
            }
            Event::End(_) => reading.close(),
            Event::Text(text) => reading.text.push_str(&text.xml_content().map_err(|error| error.to_string())?),
            Event::CData(data) => reading.text.push_str(&data.decode().map_err(|error| error.to_string())?),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().map_err(|error| error.to_string())? {
                    Some(character) => character.to_string(),
                    None => {
                        let entity = reference.decode().map_err(|error| error.to_string())?;
                        resolve_predefined_entity(&entity).ok_or_else(|| format!("unknown entity &{entity};"))?.to_owned()
                    }
                };
                reading.text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !reading.path.is_empty() {
        return Err("the WebDAV answer ends early".into());
    }
    Ok(reading.answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_calendars_of_a_home_set_with_two_propstats() {
        let body = r#"<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><response><href>/alice/</href><propstat><prop><resourcetype><principal /><collection /></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat><propstat><prop><displayname /><CS:getctag /></prop><status>HTTP/1.1 404 Not Found</status></propstat></response><response><href>/alice/work/</href><propstat><prop><resourcetype><C:calendar /><collection /></resourcetype><displayname>Work &amp; more</displayname><CS:getctag>"ca5d"</CS:getctag><sync-token>http://radicale.org/ns/sync/e3b0</sync-token><C:supported-calendar-component-set><C:comp name="VTODO" /><C:comp name="VEVENT" /></C:supported-calendar-component-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
        let answer = read_multistatus(body).unwrap();
        assert_eq!(answer.responses.len(), 2);
        let home = &answer.responses[0];
        assert_eq!(home.href, "/alice/");
        assert!(!home.props.is_calendar);
        assert_eq!(home.props.display_name, None, "a 404 propstat is no value");
        let work = &answer.responses[1];
        assert!(work.props.is_calendar);
        assert_eq!(work.props.display_name.as_deref(), Some("Work & more"));
        assert_eq!(work.props.ctag.as_deref(), Some("\"ca5d\""));
        assert_eq!(work.props.sync_token.as_deref(), Some("http://radicale.org/ns/sync/e3b0"));
        assert_eq!(work.props.components, ["VTODO", "VEVENT"]);
    }

    #[test]
    fn reads_a_sync_report_with_a_removed_member_and_the_new_token() {
        let body = r#"<d:multistatus xmlns:d="DAV:"><d:response><d:href>/cal/a.ics</d:href><d:propstat><d:prop><d:getetag>"1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response><d:response><d:href>/cal/b.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response><d:sync-token>tok-2</d:sync-token></d:multistatus>"#;
        let answer = read_multistatus(body).unwrap();
        assert_eq!(answer.sync_token.as_deref(), Some("tok-2"));
        assert_eq!(answer.responses[0].props.etag.as_deref(), Some("\"1\""));
        assert!(!answer.responses[0].is_removed());
        assert!(answer.responses[1].is_removed());
    }

    #[test]
    fn keeps_calendar_data_line_breaks_and_escapes() {
        let body = "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><response><href>/c/x.ics</href><propstat><prop><C:calendar-data>BEGIN:VCALENDAR\r\nSUMMARY:R&amp;D &lt;sync&gt; &#233;\r\nEND:VCALENDAR\r\n</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>";
        let answer = read_multistatus(body).unwrap();
        let data = answer.responses[0].props.calendar_data.as_deref().unwrap();
        assert!(data.contains("SUMMARY:R&D <sync> é\n"), "{data:?}");
    }

    #[test]
    fn hostile_bodies_are_errors_not_panics() {
        for body in ["", "<", "<multistatus xmlns=\"DAV:\"><response>", "<a>&bogus;</a>", "<a>&#0;</a>", "\u{0}\u{ffff}<<>>", "<d:x xmlns:d=\"DAV:\"></d:y>"] {
            let _ = read_multistatus(body);
        }
        assert!(read_multistatus("<multistatus xmlns=\"DAV:\"><response>").is_err());
        assert!(read_multistatus("<a>&bogus;</a>").is_err());
    }

    #[test]
    fn request_bodies_escape_what_they_carry() {
        assert!(sync_collection(Some("a<b&c")).contains("<d:sync-token>a&lt;b&amp;c</d:sync-token>"));
        assert!(sync_collection(None).contains("<d:sync-token></d:sync-token>"));
        assert!(multiget(&["/c/a&b.ics".to_owned()]).contains("<d:href>/c/a&amp;b.ics</d:href>"));
    }
}
