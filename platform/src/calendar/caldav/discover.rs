//! Finding the owner's calendars from a server URL (RFC 4791 §6.2.1, RFC 6764 §5):
//! the principal of the signed-in user, its calendar home, and the event calendars there.

use reqwest::Url;

use super::dav::Dav;
use super::xml;
use crate::calendar::error::CalendarError;

/// A calendar collection the account can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalDavCollection {
    /// Its URL (absolute).
    pub url: String,
    /// The name the owner gave it, else the last path segment.
    pub name: String,
}

fn invalid(url: &Url, reason: impl Into<String>) -> CalendarError {
    CalendarError::InvalidResponse { url: url.to_string(), reason: reason.into() }
}

fn join(base: &Url, href: &str) -> Result<Url, CalendarError> {
    base.join(href).map_err(|error| invalid(base, format!("bad href {href:?}: {error}")))
}

/// The server URL the owner typed, as a URL (`https://` assumed when no scheme is given).
pub fn server_url(text: &str) -> Result<Url, CalendarError> {
    let text = text.trim();
    let with_scheme = if text.contains("://") { text.to_owned() } else { format!("https://{text}") };
    let url = Url::parse(&with_scheme).map_err(|error| CalendarError::InvalidEvent { reason: format!("{text:?} is not a server address: {error}") })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(CalendarError::InvalidEvent { reason: format!("{text:?} is not an http(s) server address") });
    }
    Ok(url)
}

/// The principal URL: asked of the URL given, then of the well-known URI (RFC 6764).
async fn principal(dav: &Dav, server: &Url) -> Result<Url, CalendarError> {
    let well_known = join(server, "/.well-known/caldav")?;
    let mut last_error = None;
    for candidate in [server.clone(), well_known] {
        match dav.multistatus("PROPFIND", &candidate, "0", xml::PRINCIPAL.to_owned()).await {
            Ok(answer) => {
                if let Some(href) = answer.responses.iter().find_map(|response| response.props.current_user_principal.clone()) {
                    return join(&candidate, &href);
                }
                last_error = Some(invalid(&candidate, "no current-user-principal"));
            }
            // Wrong credentials are wrong everywhere.
            Err(error @ CalendarError::Auth { .. }) => return Err(error),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or_else(|| invalid(server, "no CalDAV principal")))
}

/// Every event calendar of the account at `server`, in the server's order.
pub(crate) async fn discover(dav: &Dav, server: &Url) -> Result<Vec<CalDavCollection>, CalendarError> {
    let principal = principal(dav, server).await?;
    let homes = dav.multistatus("PROPFIND", &principal, "0", xml::HOME_SET.to_owned()).await?;
    let home = homes.responses.iter().find_map(|response| response.props.calendar_home_set.clone()).ok_or_else(|| invalid(&principal, "no calendar-home-set"))?;
    let home = join(&principal, &home)?;
    let listing = dav.multistatus("PROPFIND", &home, "1", xml::CALENDARS.to_owned()).await?;
    let mut calendars = Vec::new();
    for response in listing.responses {
        let props = &response.props;
        // A calendar that says nothing of its components takes events (RFC 4791 §5.2.3).
        let events = props.components.is_empty() || props.components.iter().any(|component| component.eq_ignore_ascii_case("VEVENT"));
        if !props.is_calendar || !events {
            continue;
        }
        let url = join(&home, &response.href)?;
        let last_segment = url.path_segments().and_then(|segments| segments.filter(|s| !s.is_empty()).last()).unwrap_or_default().to_owned();
        let name = props.display_name.clone().filter(|name| !name.is_empty()).unwrap_or(last_segment);
        calendars.push(CalDavCollection { url: url.to_string(), name });
    }
    Ok(calendars)
}
